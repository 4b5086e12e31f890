/* output.h - the CLI's record writers: JSON Lines or CSV on stdout. */
#ifndef WD_CLI_OUTPUT_H
#define WD_CLI_OUTPUT_H

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

#endif
