/* html.h - the HTML that scrapers leave in article text, taken out. */
#ifndef WD_HTML_H
#define WD_HTML_H

#include <stddef.h>

/*
 * Copies text (valid UTF-8) into *out (malloc'd, NUL-terminated, free()
 * it; never longer than len) without its HTML:
 *  - tags go: '<' then a letter, '/' + letter or '!', closed by '>' within
 *    512 bytes ('>' inside a quoted attribute value does not close it).
 *    After '<' + letter the name must end in a space, '/' or '>', so
 *    "a < b > c", "x<3" and "<jane@example.com>" stay as they are;
 *  - block-level tags (p, br, div, li, h1..h6, tr, td, table, ...) become
 *    one "\n" (none when the output is empty or ends in "\n" already);
 *  - <script> and <style> go with their contents (only the opening tag
 *    when there is no closing tag); comments <!-- ... --> go whole;
 *  - entities are decoded: about 130 named ones (case-sensitive, ';'
 *    required), &#DDD; and &#xHHH; (&#128;..&#159; read as Windows-1252,
 *    as browsers do; 0, surrogates and values past U+10FFFF give U+FFFD).
 *    An unknown or unterminated entity ("AT&T", "&foo;") stays as is.
 *    Decoded text is never scanned again: "&lt;b&gt;" gives "<b>".
 * Text with no '<' and no '&' is copied unchanged. *out_len is the length
 * without the NUL. Returns WD_OK or WD_ENOMEM.
 */
int wd_html_clean(char **out, size_t *out_len, const char *text, size_t len);

/*
 * 1 if wd_html_clean would change text, else 0: a cheap scan that stops
 * at the first tag, comment or entity, for callers that skip the copy.
 */
int wd_html_present(const char *text, size_t len);

#endif
