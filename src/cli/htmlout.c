/* htmlout.c - escaped text and the frame of a self-contained page. */
#include "htmlout.h"

#include <string.h>

void html_escape(FILE *fp, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		case '\0': fputs("\xEF\xBF\xBD", fp); break; /* U+FFFD */
		default: fputc(s[i], fp); break;
		}
	}
}

void html_text(FILE *fp, const char *s, const char *missing)
{
	if (s)
		html_escape(fp, s, strlen(s));
	else
		fputs(missing, fp);
}

void html_begin(FILE *fp, const char *title, const char *css)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<title>", fp);
	html_text(fp, title, "");
	fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
}

void html_end(FILE *fp)
{
	fputs("</body>\n</html>\n", fp);
}
