/* doc.c - parses an article into words and lines, and decides what of it
 * is story text to match on: credits and page chrome are left out. */
#include "doc.h"

#include "error.h"
#include "html.h"
#include "shingle.h"
#include "tokenize.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

enum {
	MIN_KEPT_WORDS = 15, /* below this, left-out lines come back */
	WRAP_MIN_LINES = 5   /* hard-wrap detection needs this many lines */
};

static int push_word(const char *word, size_t len, size_t offset, void *ctx)
{
	wd_doc *d = ctx;
	if (d->n_words == d->cap_words) {
		size_t cap = d->cap_words ? d->cap_words * 2 : 512;
		uint64_t *w = realloc(d->words, cap * sizeof *w);
		if (w)
			d->words = w;
		uint32_t *st = realloc(d->word_start, cap * sizeof *st);
		if (st)
			d->word_start = st;
		if (!w || !st)
			return wd_fail_oom();
		d->cap_words = cap;
	}
	d->words[d->n_words] = wd_word_hash(word, len);
	d->word_start[d->n_words] = (uint32_t)offset;
	d->n_words++;
	return WD_OK;
}

static int push_line(wd_doc *d, uint32_t first, uint32_t n, size_t start, size_t end)
{
	if (d->n_lines == d->cap_lines) {
		size_t cap = d->cap_lines ? d->cap_lines * 2 : 64;
		doc_line *v = realloc(d->lines, cap * sizeof *v);
		if (!v)
			return wd_fail_oom();
		d->lines = v;
		d->cap_lines = cap;
	}
	d->lines[d->n_lines++] = (doc_line){
		.hash = XXH3_64bits(d->words + first, (size_t)n * sizeof *d->words),
		.first_word = first,
		.n_words = n,
		.start = (uint32_t)start,
		.end = (uint32_t)end,
		.kind = LINE_STORY,
	};
	return WD_OK;
}

/*
 * Hard-wrapped text (every paragraph broken at ~70 columns) would look like
 * many short fragments: if most lines have about the same length, only
 * blank lines end a paragraph.
 */
static int is_hard_wrapped(const char *s, size_t len)
{
	size_t lines = 0, wrapped = 0, start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '\n')
			continue;
		size_t n = i - start;
		if (n > 0) {
			lines++;
			wrapped += n >= 55 && n <= 85;
		}
		start = i + 1;
	}
	return lines >= WRAP_MIN_LINES && wrapped * 10 >= lines * 6;
}

/* Does the paragraph break at byte i (a '\n') end the current line? */
static int ends_line(const char *s, size_t len, size_t i, int wrapped)
{
	if (!wrapped)
		return 1;
	for (size_t j = i + 1; j < len && s[j] != '\n'; j++)
		if (s[j] != ' ')
			return 0;
	return 1; /* a blank line follows */
}

/* Groups the words into lines at the line breaks of the text. */
static int split_lines(wd_doc *d)
{
	int wrapped = is_hard_wrapped(d->norm, d->norm_len);
	size_t w = 0, line_start = 0;
	uint32_t first = 0;
	for (size_t i = 0; i <= d->norm_len; i++) {
		if (i < d->norm_len && (d->norm[i] != '\n' || !ends_line(d->norm, d->norm_len, i, wrapped)))
			continue;
		while (w < d->n_words && d->word_start[w] < i)
			w++;
		if (w > first) {
			int err = push_line(d, first, (uint32_t)(w - first), line_start, i);
			if (err < 0)
				return err;
		}
		first = (uint32_t)w;
		line_start = i + 1;
	}
	return WD_OK;
}

/* The last code point of s[0, len), or 0. */
static uint32_t last_char(const char *s, size_t len)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\n'))
		len--;
	if (!len)
		return 0;
	size_t i = len - 1;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	const unsigned char *p = (const unsigned char *)s + i;
	uint32_t c = p[0];
	if (c >= 0xF0) c = (c & 0x07) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 | (p[3] & 0x3Fu);
	else if (c >= 0xE0) c = (c & 0x0F) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
	else if (c >= 0xC0) c = (c & 0x1F) << 6 | (p[1] & 0x3Fu);
	return c;
}

static int ends_sentence(uint32_t c)
{
	switch (c) {
	case '.': case '!': case '?': case '"': case '\'': case ')': case ']':
	case 0x2026: /* … */ case 0x06D4: /* Urdu full stop */
	case 0x061F: /* Arabic question mark */ case 0x3002: /* 。 */
	case 0x0964: /* Devanagari danda */
		return 1;
	default:
		return 0;
	}
}

/* Does s[0, len) contain needle? (memchr for its first byte, then compare) */
static int contains(const char *s, size_t len, const char *needle)
{
	size_t k = strlen(needle);
	const char *p = s, *end = s + len;
	while (k && (size_t)(end - p) >= k && (p = memchr(p, needle[0], (size_t)(end - p - k + 1)))) {
		if (memcmp(p, needle, k) == 0)
			return 1;
		p++;
	}
	return 0;
}

/* Menu separators: '|', '•' (E2 80 A2) and '·' (C2 B7). */
static size_t count_separators(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '|')
			n++;
		else if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
		         (unsigned char)s[i + 2] == 0xA2)
			n++;
		else if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xB7)
			n++;
	}
	return n;
}

/* Lines outlets add around a story; matched at the start of a line. */
static const char *const CHROME_LEADS[] = {
	"disclaimer", "first published", "last updated", "updated:", "updated on",
	"published:", "published on", "read more", "read also", "also read",
	"related:", "related stories", "related articles", "follow us", "share this",
	"share on", "subscribe", "sign up", "click here", "advertisement",
	"(this story has not been edited", "get the latest", "download the app",
	"more from this section", "more stories", "next story", "previous story",
	"recommended for you", "trending now", "you may also like", "photo:",
	"image:", "file photo", "(photo", "copyright",
};

/*
 * Whether a line looks like page chrome rather than story text: very short,
 * short without the end of a sentence (headlines too: they differ between
 * outlets anyway), a menu of separated items, a
 * copyright notice, or one of the usual leads ("Next Story", "Disclaimer:").
 */
static int looks_like_chrome(const char *s, size_t len, uint32_t n_words)
{
	while (len && (*s == ' ' || *s == '-' || *s == '*'))
		s++, len--;
	if (n_words <= 3)
		return 1;
	if (n_words <= 15 && !ends_sentence(last_char(s, len)))
		return 1; /* menus, headings, headlines, "renews automatically" */
	if (count_separators(s, len) >= 2)
		return 1; /* "home | world | business" */
	if (contains(s, len, "\xC2\xA9") || contains(s, len, "all rights reserved"))
		return 1;
	for (size_t i = 0; i < sizeof CHROME_LEADS / sizeof *CHROME_LEADS; i++) {
		size_t k = strlen(CHROME_LEADS[i]);
		if (len >= k && memcmp(s, CHROME_LEADS[i], k) == 0)
			return 1;
	}
	return 0;
}

/*
 * Finds the credit and dateline where the story starts and ends: page
 * chrome above and below it would hide them from the detector, so it sees
 * the story lines plus one line on each side (a credit on a line of its
 * own looks like chrome). Marks the credit's words, and lines that are
 * nothing but credit.
 */
static int mark_credit(wd_doc *d)
{
	size_t first = d->n_lines, last = 0;
	if (!(d->word_credit = calloc(d->n_words ? d->n_words : 1, 1)))
		return wd_fail_oom();
	for (size_t l = 0; l < d->n_lines; l++)
		if (d->lines[l].kind == LINE_STORY) {
			if (first == d->n_lines)
				first = l;
			last = l;
		}
	if (first == d->n_lines)
		return WD_OK; /* no story line: no credit either */
	first = first > 0 ? first - 1 : 0;
	last = last + 1 < d->n_lines ? last + 1 : last;
	size_t from = d->lines[first].start, to = d->lines[last].end;
	wd_credit_detect(&d->credit, d->norm + from, to - from);
	for (size_t s = 0; s < d->credit.n_spans; s++) {
		d->credit.spans[s].start += from;
		d->credit.spans[s].end += from;
	}
	for (size_t i = 0; i < d->n_words; i++)
		for (size_t s = 0; s < d->credit.n_spans; s++)
			if (d->word_start[i] >= d->credit.spans[s].start &&
			    d->word_start[i] < d->credit.spans[s].end)
				d->word_credit[i] = 1;
	for (size_t l = 0; l < d->n_lines; l++) {
		doc_line *ln = &d->lines[l];
		uint32_t credit = 0;
		for (uint32_t w = 0; w < ln->n_words; w++)
			credit += d->word_credit[ln->first_word + w];
		if (credit == ln->n_words)
			ln->kind = LINE_CREDIT;
	}
	return WD_OK;
}

static void guess_chrome(wd_doc *d)
{
	for (size_t l = 0; l < d->n_lines; l++) {
		doc_line *ln = &d->lines[l];
		if (ln->kind != LINE_STORY)
			continue;
		if (looks_like_chrome(d->norm + ln->start, ln->end - ln->start, ln->n_words))
			ln->kind = LINE_CHROME_GUESSED;
	}
}

int doc_parse(wd_doc *d, const char *text, size_t len)
{
	char *clean = NULL;
	size_t clean_len, bad;
	int err;

	memset(d, 0, sizeof *d);
	if (!wd_utf8_valid(text, len, &bad))
		return wd_fail(WD_EINPUT, "invalid UTF-8 at byte %zu", bad);
	if (wd_html_present(text, len)) {
		if ((err = wd_html_clean(&clean, &clean_len, text, len)) < 0)
			return err;
		text = clean;
		len = clean_len;
	}
	err = wd_normalize(&d->norm, &d->norm_len, text, len);
	free(clean);
	if (err < 0)
		return err;
	if ((err = wd_tokenize_each(d->norm, d->norm_len, push_word, d)) < 0 ||
	    (err = split_lines(d)) < 0)
		return err;
	guess_chrome(d);
	return mark_credit(d);
}

void doc_mark_learned(wd_doc *d, int (*is_learned)(uint64_t line, void *ctx), void *ctx)
{
	for (size_t l = 0; l < d->n_lines; l++)
		if (d->lines[l].kind != LINE_CREDIT && is_learned(d->lines[l].hash, ctx))
			d->lines[l].kind = LINE_CHROME_LEARNED;
}

/* Is line kind left out at keep level `level`? */
static int left_out(uint8_t kind, int level)
{
	switch (kind) {
	case LINE_CHROME_GUESSED: return level < 1;
	case LINE_CHROME_LEARNED: return level < 2;
	case LINE_CREDIT: return level < 3;
	default: return 0;
	}
}

/* Copies the words kept at `level` into out; returns how many. */
static size_t kept_words(const wd_doc *d, int level, uint64_t *out)
{
	size_t n = 0;
	for (size_t l = 0; l < d->n_lines; l++) {
		const doc_line *ln = &d->lines[l];
		if (left_out(ln->kind, level))
			continue;
		for (uint32_t w = ln->first_word; w < ln->first_word + ln->n_words; w++)
			if (level >= 3 || !d->word_credit[w])
				out[n++] = d->words[w];
	}
	return n;
}

int doc_shingle(wd_doc *d, uint32_t k, uint64_t seed)
{
	uint64_t *kept;
	size_t n = 0;
	int level, err;
	if (d->n_words == 0)
		return wd_fail(WD_EINPUT, "text has no words to match on");
	if (!(kept = malloc(d->n_words * sizeof *kept)))
		return wd_fail_oom();
	for (level = 0; level <= 3; level++) {
		n = kept_words(d, level, kept);
		if (n >= MIN_KEPT_WORDS || n == d->n_words)
			break;
	}
	if (level > 3) /* short text: the first level with any words */
		for (level = 0; level <= 3 && (n = kept_words(d, level, kept)) == 0; level++)
			;
	d->keep_level = level;
	d->kept_words = n;

	free(d->set);
	free(d->order);
	d->set = d->order = NULL;
	size_t width = n < k ? n : k;
	d->n_order = n - width + 1;
	if (!(d->order = malloc(d->n_order * sizeof *d->order))) {
		err = wd_fail_oom();
		goto done;
	}
	for (size_t i = 0; i < d->n_order; i++)
		d->order[i] = wd_shingle_hash(kept + i, width, seed);
	err = wd_shingle_set(&d->set, &d->n_set, d->order, d->n_order);
done:
	free(kept);
	return err;
}

void doc_free(wd_doc *d)
{
	free(d->norm);
	free(d->words);
	free(d->word_start);
	free(d->word_credit);
	free(d->lines);
	free(d->set);
	free(d->order);
	memset(d, 0, sizeof *d);
}
