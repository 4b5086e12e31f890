/*
 * report.h - `wiredup report`: who reprinted which agency story, how
 * fast, how much of it, and under which credit, over the clusters of two
 * or more members. report.c gathers and sums up; report_html.c draws.
 */
#ifndef WD_CLI_REPORT_H
#define WD_CLI_REPORT_H

#include "output.h"
#include "wiredup.h"

#include <stdio.h>

typedef enum {
	REPORT_ALL,
	REPORT_OUTLETS,
	REPORT_AGENCIES,
	REPORT_CLUSTERS
} report_table;

/* A copy: a member that is not its cluster's representative. */
typedef struct report_copy {
	const char *source;  /* borrowed from report.strings; NULL if unknown */
	const char *agency;  /* the cluster's agency, NULL if none */
	int has_ts, has_lag;
	int64_t ts, lag;
	int uncredited, trimmed;
} report_copy;

typedef struct report_cluster {
	const char *id, *agency, *first_published, *source; /* source: the representative's */
	size_t size, outlets, uncredited, trimmed;
	int has_lag;
	int64_t max_lag;
	double median_lag;   /* meaningful when has_lag */
	size_t order;        /* in the walk (representatives' ingest order) */
} report_cluster;

typedef struct report_outlet {
	const char *source;  /* NULL: outlet unknown */
	size_t copies, firsts, credited_story_copies, uncredited, trimmed;
	const char *const *agencies; /* the agencies of its copies: distinct, sorted */
	size_t n_agencies;
	int has_lag;
	double median_lag;
} report_outlet;

typedef struct report_agency {
	const char *agency;  /* NULL: stories no member credits */
	size_t stories, copies, outlets, uncredited;
	int has_lag;
	double median_lag;
} report_agency;

typedef struct report {
	int64_t articles;
	report_copy *copies;
	size_t n_copies, cap_copies;
	report_cluster *clusters; /* biggest first after report_run sums up */
	size_t n_clusters, cap_clusters;
	report_outlet *outlets;   /* most copies first */
	size_t n_outlets;
	report_agency *agencies;  /* most copies first, NULL last */
	size_t n_agencies;
	size_t uncredited, trimmed, credited_story_copies;
	int has_lag;
	double median_lag;
	char **strings;           /* every string the report holds */
	size_t n_strings, cap_strings;
	const char **scratch;     /* for distinct counts */
	size_t cap_scratch;
	const char **outlet_agencies; /* the outlets' agency lists, one after another */
} report;

/* Which table --table names (NULL: all, or outlets for CSV); -1 when the
 * name is unknown or a table is chosen for HTML. */
int report_table_parse(report_table *table, const char *name, out_format fmt);

/* Gathers, sums up and writes the report. 0, or < 0 (WD_EIO: a write
 * error; else wd_last_error() says why). */
int report_run(FILE *fp, wd_index *ix, out_format fmt, report_table table, size_t top);

/* Writes the report as one self-contained HTML page (report_html.c). */
void report_html(FILE *fp, const report *r, size_t top);

#endif
