/* output.c - JSON Lines and CSV (RFC 4180) records for the CLI. */
#include "output.h"

#include <stdlib.h>
#include <string.h>

/* Writes s as one CSV field, quoted when it holds a separator or quote. */
static void csv_field(FILE *fp, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/* Writes a JSON value as CSV text: strings bare, null empty, numbers as
 * JSON prints them, arrays as their elements joined with '|'. */
static void csv_value(FILE *fp, json_t *v)
{
	if (!v || json_is_null(v))
		return;
	if (json_is_string(v)) {
		csv_field(fp, json_string_value(v));
	} else if (json_is_array(v)) {
		size_t len = 0, i;
		json_t *e;
		json_array_foreach(v, i, e)
			len += json_is_string(e) ? json_string_length(e) + 1 : 32;
		char *joined = calloc(1, len + 1);
		if (!joined)
			return;
		json_array_foreach(v, i, e) {
			if (i)
				strcat(joined, "|");
			if (json_is_string(e))
				strcat(joined, json_string_value(e));
		}
		csv_field(fp, joined);
		free(joined);
	} else {
		char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(6));
		if (s)
			fputs(s, fp);
		free(s);
	}
}

int out_record(FILE *fp, out_format fmt, const char *const *columns, json_t *rec)
{
	static int header_done;
	if (fmt == FORMAT_JSONL) {
		if (json_dumpf(rec, fp, JSON_REAL_PRECISION(6)) == 0)
			fputc('\n', fp);
	} else {
		if (!header_done) {
			for (size_t i = 0; columns[i]; i++)
				fprintf(fp, "%s%s", i ? "," : "", columns[i]);
			fputc('\n', fp);
			header_done = 1;
		}
		for (size_t i = 0; columns[i]; i++) {
			if (i)
				fputc(',', fp);
			csv_value(fp, json_object_get(rec, columns[i]));
		}
		fputc('\n', fp);
	}
	json_decref(rec);
	return ferror(fp) ? -1 : 0;
}
