/* output.h - the CLI's record writers: JSON Lines or CSV on stdout. */
#ifndef WD_CLI_OUTPUT_H
#define WD_CLI_OUTPUT_H

#include "wiredup.h"

#include <jansson.h>
#include <stdio.h>

/* TEXT and HTML are for the commands that write documents (explain,
 * report); out_record writes JSONL and CSV only. */
typedef enum { FORMAT_JSONL, FORMAT_CSV, FORMAT_TEXT, FORMAT_HTML } out_format;

/*
 * Writes one record. For JSONL the object is printed on one line; for
 * CSV, `columns` (NULL-terminated) name the fields written, in order, and
 * the header is written before the first record. Arrays become values
 * joined with '|'. Takes ownership of rec. Returns 0, or -1 on a write
 * error.
 */
int out_record(FILE *fp, out_format fmt, const char *const *columns, json_t *rec);

/* {"agency", "place"}, or null when neither is known. */
json_t *out_credit_json(const char *agency, const char *place);

/* One verified match: {"id", "cluster", "source", "jaccard", "containment",
 * "shared_shingles", "contained", "credit"}. */
json_t *out_match_json(const wd_match *m);

/* What is known of an article against an index: {"id", "cluster",
 * "new_story", "credit", "shingles", "matches": [at most max_matches]} --
 * the answer of `wiredup query` and of the server. */
typedef struct out_answer {
	const char *id, *cluster;
	int new_story;
	const char *credit_agency, *credit_place;
	uint64_t shingles;
	const wd_match *matches;
	size_t n_matches;
} out_answer;
json_t *out_answer_json(const out_answer *a, size_t max_matches);

/* The answer of a query result for article id. */
json_t *out_query_json(const char *id, const wd_query_result *r, size_t max_matches);

/* Counts and parameters: the record of `wiredup stats`. */
json_t *out_stats_json(const wd_stats *s, const wd_params *p);

#endif
