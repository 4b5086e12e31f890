/* textmap.c - words of a text as given, with their original offsets. */
#include "textmap.h"

#include "error.h"
#include "tokenize.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* A piece of the original: a code point and the combining marks after it
 * (normalization composes them), or CR LF. */
typedef struct piece {
	size_t byte_start, byte_end, start, end;
} piece;

typedef struct mapped {
	char *norm;        /* the pieces normalized, one after the other */
	size_t len, cap;
	size_t *from;      /* per byte of norm: the piece it came from */
	size_t from_cap;
	piece *pieces;
	size_t n_pieces, cap_pieces;
} mapped;

static int is_mark(utf8proc_int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC ||
	       c == UTF8PROC_CATEGORY_ME;
}

/* Appends the normalized form of one piece. */
static int append(mapped *m, const char *s, size_t n)
{
	size_t idx = m->n_pieces - 1;
	while (m->len + n + 1 > m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 1024;
		char *p = realloc(m->norm, cap);
		if (!p)
			return wd_fail_oom();
		m->norm = p;
		m->cap = cap;
	}
	if (m->cap > m->from_cap) {
		size_t *f = realloc(m->from, m->cap * sizeof *f);
		if (!f)
			return wd_fail_oom();
		m->from = f;
		m->from_cap = m->cap;
	}
	memcpy(m->norm + m->len, s, n);
	for (size_t i = 0; i < n; i++)
		m->from[m->len + i] = idx;
	m->len += n;
	m->norm[m->len] = '\0';
	return WD_OK;
}

/* Normalizes one piece (printable ASCII directly: folding only lowers
 * its letters) and appends it. */
static int normalize_piece(mapped *m, const char *s, size_t n)
{
	if (n == 1 && s[0] >= 0x20 && s[0] < 0x7F) {
		char c = s[0] >= 'A' && s[0] <= 'Z' ? (char)(s[0] - 'A' + 'a') : s[0];
		return append(m, &c, 1);
	}
	char *norm;
	size_t norm_len;
	int err = wd_normalize(&norm, &norm_len, s, n);
	if (err < 0)
		return err;
	err = append(m, norm, norm_len);
	free(norm);
	return err;
}

static int map_text(mapped *m, const char *text, size_t len)
{
	size_t i = 0, chars = 0;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t step = utf8proc_iterate((const utf8proc_uint8_t *)text + i,
		                                         (utf8proc_ssize_t)(len - i), &cp);
		if (step <= 0)
			return wd_fail(WD_EINPUT, "invalid UTF-8 at byte %zu", i);
		piece p = {i, i + (size_t)step, chars, chars + 1};
		if (cp == '\r' && p.byte_end < len && text[p.byte_end] == '\n')
			p.byte_end++, p.end++;
		while (p.byte_end < len) {
			utf8proc_int32_t next;
			utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)text + p.byte_end,
			                                      (utf8proc_ssize_t)(len - p.byte_end), &next);
			if (k <= 0 || !is_mark(next))
				break;
			p.byte_end += (size_t)k;
			p.end++;
		}
		if (wd_grow(&m->pieces, &m->cap_pieces, m->n_pieces, sizeof *m->pieces, 256) < 0)
			return wd_fail_oom();
		m->pieces[m->n_pieces++] = p;
		int err = normalize_piece(m, text + p.byte_start, p.byte_end - p.byte_start);
		if (err < 0)
			return err;
		i = p.byte_end;
		chars = p.end;
	}
	return WD_OK;
}

typedef struct split_ctx {
	const mapped *m;
	text_words *out;
} split_ctx;

static int push_word(const char *word, size_t len, size_t offset, void *ctx)
{
	split_ctx *sc = ctx;
	text_words *w = sc->out;
	const piece *first = &sc->m->pieces[sc->m->from[offset]];
	const piece *last = &sc->m->pieces[sc->m->from[offset + len - 1]];
	if (wd_grow(&w->v, &w->cap, w->n, sizeof *w->v, 256) < 0)
		return wd_fail_oom();
	w->v[w->n++] = (text_word){
		.hash = wd_word_hash(word, len),
		.byte_start = first->byte_start,
		.byte_end = last->byte_end,
		.start = first->start,
		.end = last->end,
	};
	return WD_OK;
}

int text_words_split(text_words *out, const char *text, size_t len)
{
	mapped m = {0};
	split_ctx sc = {&m, out};
	memset(out, 0, sizeof *out);
	int err = map_text(&m, text, len);
	if (err == WD_OK && m.len)
		err = wd_tokenize_each(m.norm, m.len, push_word, &sc);
	if (err == WD_OK)
		out->chars = m.n_pieces ? m.pieces[m.n_pieces - 1].end : 0;
	free(m.norm);
	free(m.from);
	free(m.pieces);
	return err;
}

void text_words_free(text_words *w)
{
	free(w->v);
	memset(w, 0, sizeof *w);
}
