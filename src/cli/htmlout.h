/* htmlout.h - self-contained HTML pages for the CLI's documents (explain
 * --html, report --format html): escaped text, inline CSS, no scripts. */
#ifndef WD_CLI_HTMLOUT_H
#define WD_CLI_HTMLOUT_H

#include <stddef.h>
#include <stdio.h>

/* Writes s[0, len) with &, <, >, " and ' escaped (NUL bytes as U+FFFD). */
void html_escape(FILE *fp, const char *s, size_t len);

/* html_escape of a NUL-terminated string; NULL writes `missing`. */
void html_text(FILE *fp, const char *s, const char *missing);

/* The page head: <!DOCTYPE>, charset, the title (escaped) and a <style>
 * element with css (trusted, written as is), then <body>. */
void html_begin(FILE *fp, const char *title, const char *css);

/* </body></html>. */
void html_end(FILE *fp);

#endif
