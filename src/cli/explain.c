/* explain.c - `wiredup explain`: two articles' shared passages as plain
 * text, one JSON record, or a side-by-side HTML page. */
#include "explain.h"

#include "htmlout.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

enum { EXCERPT_HEAD = 100, EXCERPT_TAIL = 50 }; /* code points kept */

static int is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v';
}

/* Writes text[start, end) on one line: runs of white space as one space,
 * NUL bytes as U+FFFD, and when long only its head and tail around " … ". */
static void write_excerpt(FILE *fp, const char *text, size_t start, size_t end)
{
	size_t n = 0, chars = 0;
	char *buf = malloc(3 * (end - start) + 1);
	if (!buf)
		return;
	for (size_t i = start; i < end; i++) {
		if (is_space(text[i])) {
			if (n && buf[n - 1] != ' ')
				buf[n++] = ' ';
		} else if (text[i] == '\0') {
			memcpy(buf + n, "\xEF\xBF\xBD", 3);
			n += 3;
		} else {
			buf[n++] = text[i];
		}
	}
	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)buf[i] & 0xC0) != 0x80;
	if (chars <= EXCERPT_HEAD + EXCERPT_TAIL + 10) {
		fwrite(buf, 1, n, fp);
	} else {
		size_t head = 0, tail = n, seen = 0;
		/* the byte after the first EXCERPT_HEAD code points */
		while (head < n && (seen < EXCERPT_HEAD || ((unsigned char)buf[head] & 0xC0) == 0x80))
			seen += ((unsigned char)buf[head++] & 0xC0) != 0x80;
		/* the byte where the last EXCERPT_TAIL code points start */
		for (seen = 0; tail > 0 && seen < EXCERPT_TAIL;)
			seen += ((unsigned char)buf[--tail] & 0xC0) != 0x80;
		fwrite(buf, 1, head, fp);
		fputs(" … ", fp);
		fwrite(buf + tail, 1, n - tail, fp);
	}
	free(buf);
}

static double percent(size_t part, size_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void write_only(FILE *fp, const char *what, const char *side, const char *text,
                       const wd_span *v, size_t n)
{
	fprintf(fp, "\n%s: %zu stretch%s\n", what, n, n == 1 ? "" : "es");
	for (size_t i = 0; i < n; i++) {
		fprintf(fp, "  %s[%zu, %zu)  ", side, v[i].start, v[i].end);
		write_excerpt(fp, text, v[i].byte_start, v[i].byte_end);
		fputc('\n', fp);
	}
}

static void write_text(FILE *fp, const wd_explanation *e)
{
	fprintf(fp, "a: %s (%zu characters, %zu words)\n", e->id_a, e->chars_a, e->words_a);
	fprintf(fp, "b: %s (%zu characters, %zu words)\n", e->id_b, e->chars_b, e->words_b);
	fprintf(fp, "story text: jaccard %.6f, containment %.6f, %llu shared shingles: %s\n",
	        e->jaccard, e->containment, (unsigned long long)e->shared_shingles,
	        e->match ? "a match" : "no match");
	fprintf(fp, "shared: %zu passage%s, %zu words (%.1f%% of a's words, %.1f%% of b's)\n",
	        e->n_passages, e->n_passages == 1 ? "" : "s", e->shared_words,
	        percent(e->shared_words, e->words_a), percent(e->shared_words, e->words_b));
	fputs("offsets: code points [start, end) of each text as given\n", fp);
	for (size_t i = 0; i < e->n_passages; i++) {
		const wd_passage *p = &e->passages[i];
		fprintf(fp, "\npassage %zu  a[%zu, %zu)  b[%zu, %zu)  %zu words\n  ", i + 1,
		        p->a.start, p->a.end, p->b.start, p->b.end, p->words);
		write_excerpt(fp, e->text_a, p->a.byte_start, p->a.byte_end);
		fputc('\n', fp);
	}
	write_only(fp, "only in a (dropped by b)", "a", e->text_a, e->a_only, e->n_a_only);
	write_only(fp, "only in b (added by b)", "b", e->text_b, e->b_only, e->n_b_only);
}

static json_t *span_json(const wd_span *s, const char *text)
{
	return json_pack("{s:I, s:I, s:s%}", "start", (json_int_t)s->start, "end",
	                 (json_int_t)s->end, "text", text + s->byte_start,
	                 s->byte_end - s->byte_start);
}

static json_t *spans_json(const wd_span *v, size_t n, const char *text)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, span_json(&v[i], text));
	return a;
}

static int write_json(FILE *fp, const wd_explanation *e)
{
	json_t *passages = json_array();
	for (size_t i = 0; i < e->n_passages; i++) {
		const wd_passage *p = &e->passages[i];
		json_array_append_new(passages, json_pack(
			"{s:I, s:I, s:I, s:I, s:I, s:s%}", "a_start", (json_int_t)p->a.start,
			"a_end", (json_int_t)p->a.end, "b_start", (json_int_t)p->b.start, "b_end",
			(json_int_t)p->b.end, "words", (json_int_t)p->words, "text",
			e->text_a + p->a.byte_start, p->a.byte_end - p->a.byte_start));
	}
	json_t *rec = json_pack(
		"{s:{s:s, s:I, s:I}, s:{s:s, s:I, s:I}, s:f, s:f, s:I, s:b, s:I, s:o, s:o, s:o}",
		"a", "id", e->id_a, "chars", (json_int_t)e->chars_a, "words", (json_int_t)e->words_a,
		"b", "id", e->id_b, "chars", (json_int_t)e->chars_b, "words", (json_int_t)e->words_b,
		"jaccard", e->jaccard, "containment", e->containment, "shared_shingles",
		(json_int_t)e->shared_shingles, "match", e->match, "shared_words",
		(json_int_t)e->shared_words, "passages", passages, "a_only",
		spans_json(e->a_only, e->n_a_only, e->text_a), "b_only",
		spans_json(e->b_only, e->n_b_only, e->text_b));
	if (!rec)
		return -1;
	if (json_dumpf(rec, fp, JSON_REAL_PRECISION(6)) == 0)
		fputc('\n', fp);
	json_decref(rec);
	return 0;
}

/* ---- HTML: both texts side by side, passages numbered ---- */

static const char *const CSS =
	"body{font-family:system-ui,sans-serif;margin:1.5em;color:#1a1a1a}\n"
	"h1{font-size:1.3em}table{border-collapse:collapse;margin:.5em 0}\n"
	"td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;font-size:.9em}\n"
	".cols{display:grid;grid-template-columns:1fr 1fr;gap:1em}\n"
	".text{white-space:pre-wrap;font-family:Georgia,serif;line-height:1.45;"
	"border:1px solid #ccc;padding:.8em;overflow-wrap:anywhere}\n"
	".p0{background:#dbeafe}.p1{background:#e0e7ff}.p2{background:#cffafe}\n"
	".drop{background:#fde2e2}.add{background:#dcfce7}\n"
	"sup{color:#1e40af;font-weight:bold;font-family:system-ui,sans-serif}\n"
	".legend span{padding:0 .4em;margin-right:.6em}\n";

/* Writes one text with its passages (numbered) and the stretches only it
 * has marked; `only_class` names how those are shown. */
static void html_side(FILE *fp, const char *text, size_t bytes, const wd_passage *p,
                      size_t n_p, int side_b, const wd_span *only, size_t n_only,
                      const char *only_class)
{
	size_t at = 0, i = 0, j = 0;
	fputs("<div class=\"text\">", fp);
	while (i < n_p || j < n_only) {
		const wd_span *ps = i < n_p ? (side_b ? &p[i].b : &p[i].a) : NULL;
		int take_p = ps && (j >= n_only || ps->byte_start < only[j].byte_start);
		const wd_span *s = take_p ? ps : &only[j];
		html_escape(fp, text + at, s->byte_start - at);
		if (take_p)
			fprintf(fp, "<span class=\"p%zu\" id=\"%c%zu\"><sup>%zu</sup>", i % 3,
			        side_b ? 'b' : 'a', i + 1, i + 1);
		else
			fprintf(fp, "<span class=\"%s\">", only_class);
		html_escape(fp, text + s->byte_start, s->byte_end - s->byte_start);
		fputs("</span>", fp);
		at = s->byte_end;
		if (take_p)
			i++;
		else
			j++;
	}
	html_escape(fp, text + at, bytes - at);
	fputs("</div>\n", fp);
}

static void write_html(FILE *fp, const wd_explanation *e)
{
	size_t title_len = strlen(e->id_a) + strlen(e->id_b) + 32;
	char *title = malloc(title_len);
	if (title)
		snprintf(title, title_len, "wiredup explain: %s and %s", e->id_a, e->id_b);
	html_begin(fp, title ? title : "wiredup explain", CSS);
	free(title);
	fputs("<h1>Shared passages: ", fp);
	html_text(fp, e->id_a, "");
	fputs(" (a) and ", fp);
	html_text(fp, e->id_b, "");
	fputs(" (b)</h1>\n", fp);
	fprintf(fp, "<p>Story text: Jaccard %.6f, containment %.6f, %llu shared shingles: %s. "
	        "Shared: %zu passage%s, %zu words (%.1f%% of a's %zu words, %.1f%% of b's %zu). "
	        "Offsets are code points [start, end) of each text as given.</p>\n",
	        e->jaccard, e->containment, (unsigned long long)e->shared_shingles,
	        e->match ? "a match" : "no match", e->n_passages, e->n_passages == 1 ? "" : "s",
	        e->shared_words, percent(e->shared_words, e->words_a), e->words_a,
	        percent(e->shared_words, e->words_b), e->words_b);
	fputs("<p class=\"legend\"><span class=\"p0\">shared passage</span>"
	      "<span class=\"drop\">only in a (dropped by b)</span>"
	      "<span class=\"add\">only in b (added by b)</span></p>\n", fp);
	fputs("<table><tr><th>passage</th><th>a</th><th>b</th><th>words</th></tr>\n", fp);
	for (size_t i = 0; i < e->n_passages; i++) {
		const wd_passage *p = &e->passages[i];
		fprintf(fp, "<tr><td><a href=\"#a%zu\">%zu</a></td><td>[%zu, %zu)</td>"
		        "<td>[%zu, %zu)</td><td>%zu</td></tr>\n", i + 1, i + 1, p->a.start,
		        p->a.end, p->b.start, p->b.end, p->words);
	}
	fputs("</table>\n<div class=\"cols\">\n<div><h2>a: ", fp);
	html_text(fp, e->id_a, "");
	fputs("</h2>\n", fp);
	html_side(fp, e->text_a, e->bytes_a, e->passages, e->n_passages, 0, e->a_only,
	          e->n_a_only, "drop");
	fputs("</div>\n<div><h2>b: ", fp);
	html_text(fp, e->id_b, "");
	fputs("</h2>\n", fp);
	html_side(fp, e->text_b, e->bytes_b, e->passages, e->n_passages, 1, e->b_only,
	          e->n_b_only, "add");
	fputs("</div>\n</div>\n", fp);
	html_end(fp);
}

int explain_write(FILE *fp, const wd_explanation *e, out_format fmt)
{
	if (fmt == FORMAT_JSONL) {
		if (write_json(fp, e) < 0)
			return -1;
	} else if (fmt == FORMAT_HTML) {
		write_html(fp, e);
	} else {
		write_text(fp, e);
	}
	return ferror(fp) ? -1 : 0;
}
