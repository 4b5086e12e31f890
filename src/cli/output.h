/* output.h - the CLI's record writers: JSON Lines or CSV on stdout. */
#ifndef WD_CLI_OUTPUT_H
#define WD_CLI_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

typedef enum { FORMAT_JSONL, FORMAT_CSV } out_format;

/*
 * Writes one record. For JSONL the object is printed on one line; for
 * CSV, `columns` (NULL-terminated) name the fields written, in order, and
 * the header is written before the first record. Arrays become values
 * joined with '|'. Takes ownership of rec. Returns 0, or -1 on a write
 * error.
 */
int out_record(FILE *fp, out_format fmt, const char *const *columns, json_t *rec);

#endif
