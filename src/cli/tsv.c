/* tsv.c - tab-separated fields with escapes, for the stage commands. */
#define _POSIX_C_SOURCE 200809L
#include "tsv.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

void tsv_put(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\': fputs("\\\\", fp); break;
		case '\t': fputs("\\t", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		default: fputc(*s, fp);
		}
	}
}

/* Unescapes s in place; -1 for a bad escape. */
static int unescape(char *s)
{
	char *out = s;
	for (; *s; s++) {
		if (*s != '\\') {
			*out++ = *s;
			continue;
		}
		switch (*++s) {
		case '\\': *out++ = '\\'; break;
		case 't': *out++ = '\t'; break;
		case 'n': *out++ = '\n'; break;
		case 'r': *out++ = '\r'; break;
		default: return -1;
		}
	}
	*out = '\0';
	return 0;
}

int tsv_split(char *line, char **fields, int max)
{
	size_t len = strlen(line);
	int n = 0;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	for (char *p = line; n < max;) {
		char *tab = strchr(p, '\t');
		if (tab)
			*tab = '\0';
		if (unescape(p) < 0)
			return -1;
		fields[n++] = p;
		if (!tab)
			break;
		p = tab + 1;
	}
	return n;
}

char *tsv_next(tsv_reader *r)
{
	ssize_t n = getline(&r->line, &r->cap, r->fp);
	if (n < 0)
		return NULL;
	r->line_no++;
	return r->line;
}

void tsv_reader_free(tsv_reader *r)
{
	free(r->line);
	r->line = NULL;
	r->cap = 0;
}
