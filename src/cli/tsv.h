/* tsv.h - the tab-separated lines the stage commands (learn, sign, link,
 * verify, cluster) read and write: one record a line, fields separated by
 * tabs, and in a field a backslash, tab, newline or carriage return
 * written as \\, \t, \n or \r (ids may hold any character). */
#ifndef WD_CLI_TSV_H
#define WD_CLI_TSV_H

#include <stddef.h>
#include <stdio.h>

/* Writes s as one field, escaped. */
void tsv_put(FILE *fp, const char *s);

/*
 * Splits a line (its newline, and a CR before it, dropped) into at most
 * max fields in place, unescaping each. Returns the number of fields, or
 * -1 for a bad escape (a backslash not followed by \, t, n or r).
 */
int tsv_split(char *line, char **fields, int max);

/* Reads lines of fp; line_no counts them. Returns the line (owned by the
 * reader, valid until the next call) or NULL at the end or on an error
 * (ferror). */
typedef struct tsv_reader {
	FILE *fp;
	char *line;
	size_t cap;
	size_t line_no;
} tsv_reader;

char *tsv_next(tsv_reader *r);
void tsv_reader_free(tsv_reader *r);

#endif
