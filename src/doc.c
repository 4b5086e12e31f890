/* doc.c - parses an article into words and lines, and decides what of it
 * is story text to match on: credits and page chrome are left out. */
#include "doc.h"

#include "bytes.h"
#include "error.h"
#include "html.h"
#include "normalize.h"
#include "shingle.h"
#include "tokenize.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

enum {
	MIN_KEPT_WORDS = 15,   /* below this, left-out lines come back */
	SHORT_STORY_WORDS = 40, /* below this, the title counts too */
	TITLE_KEY_WORDS = 4,   /* a shorter headline ("Print", "World News")
	                        * names no story */
	PARTICLE_SCRIPT_SHORTER = 2, /* shingles this much shorter in those scripts */
	WRAP_MIN_LINES = 5,    /* hard-wrap detection needs this many lines */
	WRAP_MIN_COLUMNS = 55, /* a wrapped line is about this long */
	WRAP_MAX_COLUMNS = 100
};

/* Is the word a figure (it starts with a decimal digit of any script)? */
static int starts_with_digit(const char *word, size_t len)
{
	utf8proc_int32_t cp;
	if (len && word[0] >= '0' && word[0] <= '9')
		return 1;
	return (unsigned char)word[0] >= 0x80 &&
	       utf8proc_iterate((const utf8proc_uint8_t *)word, (utf8proc_ssize_t)len, &cp) > 0 &&
	       utf8proc_category(cp) == UTF8PROC_CATEGORY_ND;
}

/*
 * Is the word in a script whose languages write case endings, particles
 * and postpositions as words of their own (Arabic script: Urdu, Persian,
 * Arabic; the Indic scripts: Hindi, Bengali...)? Their text has about
 * twice the words of English for the same content, so shingles there are
 * shorter (see doc_shingle).
 */
static int in_particle_script(const char *word, size_t len)
{
	utf8proc_int32_t cp;
	if ((unsigned char)word[0] < 0x80 ||
	    utf8proc_iterate((const utf8proc_uint8_t *)word, (utf8proc_ssize_t)len, &cp) <= 0)
		return 0;
	return (cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) ||
	       (cp >= 0xFB50 && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF) ||
	       (cp >= 0x0900 && cp <= 0x0DFF); /* Devanagari .. Sinhala */
}

/* Words wait this many words for their hash to be finished, while their
 * slot of the spelling memo is fetched (wd_word_hash_start). */
enum { WORDS_AHEAD = 8 };

typedef struct word_ring {
	wd_doc *d;
	struct {
		const char *word;
		size_t len;
	} v[WORDS_AHEAD]; /* word i is at i % WORDS_AHEAD */
} word_ring;

/* Finishes the hash of word i (still in the ring). */
static void finish_word(word_ring *r, size_t i)
{
	r->d->words[i] = wd_word_hash_finish(r->d->words[i], r->v[i % WORDS_AHEAD].word,
	                                     r->v[i % WORDS_AHEAD].len);
}

/* Finishes the words still waiting. */
static void finish_words(word_ring *r)
{
	size_t n = r->d->n_words;
	for (size_t i = n > WORDS_AHEAD ? n - WORDS_AHEAD : 0; i < n; i++)
		finish_word(r, i);
}

static int push_word(const char *word, size_t len, size_t offset, void *ctx)
{
	word_ring *r = ctx;
	wd_doc *d = r->d;
	if (d->n_words == d->cap_words) {
		size_t cap = d->cap_words ? d->cap_words * 2 : 512;
		uint64_t *w = realloc(d->words, cap * sizeof *w);
		if (w)
			d->words = w;
		uint32_t *st = realloc(d->word_start, cap * sizeof *st);
		if (st)
			d->word_start = st;
		uint8_t *fl = realloc(d->word_flags, cap);
		if (fl)
			d->word_flags = fl;
		if (!w || !st || !fl)
			return wd_fail_oom();
		d->cap_words = cap;
	}
	if (d->n_words >= WORDS_AHEAD)
		finish_word(r, d->n_words - WORDS_AHEAD); /* frees its place in the ring */
	d->words[d->n_words] = wd_word_hash_start(word, len);
	r->v[d->n_words % WORDS_AHEAD].word = word;
	r->v[d->n_words % WORDS_AHEAD].len = len;
	d->word_start[d->n_words] = (uint32_t)offset;
	d->word_flags[d->n_words] = starts_with_digit(word, len) ? WORD_NUMBER : 0;
	d->n_particle_script_words += in_particle_script(word, len);
	d->n_words++;
	return WD_OK;
}

static int push_line(wd_doc *d, uint32_t first, uint32_t n, size_t start, size_t end)
{
	if (wd_grow(&d->lines, &d->cap_lines, d->n_lines, sizeof *d->lines, 64) < 0)
		return wd_fail_oom();
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

static uint32_t last_char(const char *s, size_t len);
static int ends_sentence(uint32_t c);
static size_t count_separators(const char *s, size_t len);

/* The next line break in s[i, len), or len (memchr: texts are long). */
static size_t next_break(const char *s, size_t len, size_t i)
{
	const char *p = i < len ? memchr(s + i, '\n', len - i) : NULL;
	return p ? (size_t)(p - s) : len;
}

/*
 * Hard-wrapped text (every paragraph broken at ~70 columns) would look like
 * many short fragments: if most lines have about the same length, only
 * blank lines end a paragraph. *all_lines: the lines, empty ones too
 * (counted in the same pass).
 */
static int is_hard_wrapped(const char *s, size_t len, size_t *all_lines)
{
	size_t lines = 0, wrapped = 0, start = 0;
	*all_lines = 0;
	for (size_t i = next_break(s, len, 0);; i = next_break(s, len, i + 1)) {
		size_t n = i - start;
		++*all_lines;
		if (n > 0) {
			lines++;
			wrapped += n >= 55 && n <= 85;
		}
		if (i == len)
			break;
		start = i + 1;
	}
	return lines >= WRAP_MIN_LINES && wrapped * 10 >= lines * 6;
}

/* Could the text line s[0, n) be one of a hard-wrapped paragraph's: about
 * the wrap width, stopping mid-sentence, not a menu? */
static int wrap_sized(const char *s, size_t n)
{
	return n >= WRAP_MIN_COLUMNS && n <= WRAP_MAX_COLUMNS &&
	       !ends_sentence(last_char(s, n)) && !count_separators(s, n);
}

/* The length of the text line starting at byte i. */
static size_t line_length(const char *s, size_t len, size_t i)
{
	size_t j = i;
	while (j < len && s[j] != '\n')
		j++;
	return j - i;
}

/*
 * Does the line break at byte i (a '\n') end the current line? In text
 * hard-wrapped throughout, only blank lines do. Elsewhere a wrapped run
 * goes on: a wrap-sized line followed by another (a headline followed by a
 * short line is not a run), or any line once a run has begun; and never
 * into a line that starts with a capital (a list of headlines).
 */
static int ends_line(const char *s, size_t len, size_t line_start, size_t i, int wrapped,
                     int in_run, int next_continues)
{
	size_t j = i + 1;
	while (j < len && s[j] == ' ')
		j++;
	int blank_follows = j >= len || s[j] == '\n';
	if (wrapped || blank_follows)
		return blank_follows;
	if (!next_continues || !wrap_sized(s + line_start, i - line_start))
		return 1;
	return !(in_run || line_length(s, len, i + 1) >= WRAP_MIN_COLUMNS);
}

/* Groups the words into lines at the line breaks of the text. */
static int split_lines(wd_doc *d)
{
	size_t n_lines;
	int wrapped = is_hard_wrapped(d->norm, d->norm_len, &n_lines);
	size_t w = 0, line_start = 0, line_no = 0, text_line = 0;
	uint32_t first = 0;
	int in_run = 0;
	/* the text's lines come after the title's two */
	int flags_ok = d->line_cont && n_lines == d->n_line_cont + 2;
	for (size_t i = next_break(d->norm, d->norm_len, 0);;
	     i = next_break(d->norm, d->norm_len, i + 1)) {
		/* text_line: where the text line ending at i starts */
		size_t this_line = text_line;
		text_line = i + 1;
		line_no++; /* the line after this break */
		int next_continues = !flags_ok || line_no < 2 || i == d->norm_len ||
		                     d->line_cont[line_no - 2];
		if (i < d->norm_len &&
		    !ends_line(d->norm, d->norm_len, this_line, i, wrapped, in_run,
		               next_continues)) {
			in_run = 1;
			continue;
		}
		in_run = 0;
		while (w < d->n_words && d->word_start[w] < i)
			w++;
		if (w > first) {
			int err = push_line(d, first, (uint32_t)(w - first), line_start, i);
			if (err < 0)
				return err;
		}
		first = (uint32_t)w;
		line_start = i + 1;
		if (i == d->norm_len)
			break;
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
		uint64_t w;
		while (i + 8 <= len && (w = wd_load8((const unsigned char *)s + i),
		                        !(w & WD_HIGH) && !wd_has_byte8(w, '|')))
			i += 8; /* eight ASCII bytes without a '|' */
		if (i == len)
			break;
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

/* Does the line end with a photo credit, "(AP Photo/Evan Vucci)", "(Photo
 * by X/Getty Images)", perhaps followed by the photographer's name again?
 * Then it is a caption, which travels with the photo to other stories. */
static int ends_with_photo_credit(const char *s, size_t len)
{
	size_t close = len, open;
	while (close > 0 && s[close - 1] != ')')
		close--;
	if (!close || len - close > 40)
		return 0;
	for (open = close - 1; open > 0 && s[open - 1] != '(';)
		open--;
	return open > 0 && (contains(s + open, close - open, "photo") ||
	                    contains(s + open, close - open, "images"));
}

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
		if (!len || s[0] != CHROME_LEADS[i][0])
			continue;
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
				d->word_flags[i] |= WORD_CREDIT;
	for (size_t l = 0; l < d->n_lines; l++) {
		doc_line *ln = &d->lines[l];
		uint32_t credit = 0;
		for (uint32_t w = 0; w < ln->n_words; w++)
			credit += (d->word_flags[ln->first_word + w] & WORD_CREDIT) != 0;
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
		else if (ends_with_photo_credit(d->norm + ln->start, ln->end - ln->start))
			ln->kind = LINE_CAPTION;
	}
}

/*
 * For each line of text (split where normalization makes line breaks: LF,
 * CRLF, CR, FF, NEL, LS, PS), whether it could continue the line before:
 * it does not start with a capital letter. Normalization folds case, so
 * this is read from the text before it. *flags is malloc'd.
 */
static int continuation_flags(uint8_t **flags, size_t *n, const char *s, size_t len)
{
	size_t cap = 64, count = 0, i = 0;
	int at_start = 1;
	uint8_t *f = malloc(cap);
	if (!f)
		return wd_fail_oom();
	f[count++] = 1;
	while (i < len) {
		utf8proc_int32_t cp;
		unsigned char c = (unsigned char)s[i];
		if (!at_start && c >= ' ' && c < 0x80) {
			/* plain ASCII within a line: most of the text */
			i++;
			while (i + 8 <= len && wd_printable8(wd_load8((const unsigned char *)s + i)))
				i += 8;
			continue;
		}
		utf8proc_ssize_t step = 1;
		if (c < 0x80)
			cp = c;
		else if ((step = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                                  (utf8proc_ssize_t)(len - i), &cp)) <= 0)
			step = 1, cp = 0;
		i += (size_t)step;
		int brk = cp == '\n' || cp == '\f' || cp == 0x85 || cp == 0x2028 || cp == 0x2029 ||
		          (cp == '\r' && !(i < len && s[i] == '\n'));
		if (brk) {
			if (count == cap) {
				uint8_t *g = realloc(f, cap *= 2);
				if (!g) {
					free(f);
					return wd_fail_oom();
				}
				f = g;
			}
			f[count++] = 1;
			at_start = 1;
		} else if (at_start && cp != ' ' && cp != '\t' && cp != '\r') {
			utf8proc_category_t c = utf8proc_category(cp);
			f[count - 1] = c != UTF8PROC_CATEGORY_LU && c != UTF8PROC_CATEGORY_LT;
			at_start = 0;
		}
	}
	*flags = f;
	*n = count;
	return WD_OK;
}

/* Normalizes text (HTML leftovers first) into a malloc'd string; with
 * flags, also says which lines could continue a wrapped one. */
static int clean_and_normalize(char **out, size_t *out_len, const char *text, size_t len,
                               uint8_t **flags, size_t *n_flags)
{
	char *clean = NULL;
	size_t clean_len, bad;
	int err;
	if (!wd_utf8_valid(text, len, &bad))
		return wd_fail(WD_EINPUT, "invalid UTF-8 at byte %zu", bad);
	if (wd_html_present(text, len)) {
		if ((err = wd_html_clean(&clean, &clean_len, text, len)) < 0)
			return err;
		text = clean;
		len = clean_len;
	}
	/* checked above, unless cleaning made another text */
	err = clean ? wd_normalize(out, out_len, text, len)
	            : wd_normalize_valid(out, out_len, text, len);
	if (err == WD_OK && flags)
		err = continuation_flags(flags, n_flags, text, len);
	free(clean);
	return err;
}

int doc_parse(wd_doc *d, const char *title, const char *text, size_t len)
{
	char *norm_title = NULL, *norm_text = NULL;
	size_t title_len = 0, text_len = 0;
	int err;

	memset(d, 0, sizeof *d);
	if (title && title[0] &&
	    (err = clean_and_normalize(&norm_title, &title_len, title, strlen(title), NULL,
	                               NULL)) < 0)
		return wd_fail_prefix(err, "title: ");
	if ((err = clean_and_normalize(&norm_text, &text_len, text, len, &d->line_cont,
	                               &d->n_line_cont)) < 0)
		goto done;
	/* the title, then a blank line (a paragraph break even in hard-wrapped
	 * text), then the text */
	d->norm_len = title_len + 2 + text_len;
	if (!(d->norm = malloc(d->norm_len + 1))) {
		err = wd_fail_oom();
		goto done;
	}
	for (size_t i = 0; i < title_len; i++) /* a title is one line */
		d->norm[i] = norm_title[i] == '\n' ? ' ' : norm_title[i];
	d->norm[title_len] = '\n';
	d->norm[title_len + 1] = '\n';
	memcpy(d->norm + title_len + 2, norm_text, text_len + 1);
	word_ring ring = {.d = d};
	if ((err = wd_tokenize_each(d->norm, d->norm_len, push_word, &ring)) < 0)
		goto done;
	finish_words(&ring);
	if ((err = split_lines(d)) < 0)
		goto done;
	if (title_len && d->n_lines && d->lines[0].start < title_len)
		d->lines[0].kind = LINE_TITLE;
	guess_chrome(d);
	err = mark_credit(d);
done:
	free(norm_title);
	free(norm_text);
	return err;
}

void doc_mark_learned(wd_doc *d, int (*is_learned)(uint64_t line, void *ctx), void *ctx)
{
	for (size_t l = 0; l < d->n_lines; l++)
		if (d->lines[l].kind != LINE_CREDIT && is_learned(d->lines[l].hash, ctx))
			d->lines[l].kind = LINE_CHROME_LEARNED;
}

/* Is line kind left out at keep level `level`? (titles: see doc_shingle) */
static int left_out(uint8_t kind, int level)
{
	switch (kind) {
	case LINE_TITLE: return 1;
	case LINE_CAPTION: return level < KEEP_CAPTIONS;
	case LINE_CHROME_GUESSED: return level < KEEP_GUESSED;
	case LINE_CHROME_LEARNED: return level < KEEP_LEARNED;
	case LINE_CREDIT: return level < KEEP_ALL;
	default: return 0;
	}
}

/* Copies the words kept at `level` into out (and, if flags is not NULL,
 * their flags); returns how many. A word is kept when its line is not
 * left out and, below KEEP_ALL, it is not part of a credit. */
static size_t kept_words(const wd_doc *d, int level, uint64_t *out, uint8_t *flags)
{
	size_t n = 0;
	for (size_t l = 0; l < d->n_lines; l++) {
		/* the line's kind once, and its bounds in locals (stores to
		 * flags could alias the lines) */
		if (left_out(d->lines[l].kind, level))
			continue;
		uint32_t w = d->lines[l].first_word, end = w + d->lines[l].n_words;
		for (; w < end; w++)
			if (level >= KEEP_ALL || !(d->word_flags[w] & WORD_CREDIT)) {
				if (flags)
					flags[n] = d->word_flags[w];
				out[n++] = d->words[w];
			}
	}
	return n;
}

/* The shingles (of width words, in order) that contain a figure, with
 * and without their figures. */
static int collect_figures(wd_doc *d, const uint64_t *kept, const uint8_t *flags, size_t n,
                           size_t width, uint64_t seed)
{
	static const uint64_t FIGURE = 0x46494755524521ULL; /* any figure */
	uint64_t masked[64];
	size_t count = 0, cap = d->n_order ? d->n_order : 1;
	free(d->figures);
	free(d->masked);
	free(d->templ);
	d->figures = malloc(cap * sizeof *d->figures);
	d->masked = malloc(cap * sizeof *d->masked);
	d->templ = malloc(cap * sizeof *d->templ);
	if (!d->figures || !d->masked || !d->templ)
		return wd_fail_oom();
	for (size_t i = 0; i < d->n_order && i + width <= n; i++) {
		int fig = 0;
		for (size_t j = 0; j < width; j++) {
			fig |= flags[i + j] & WORD_NUMBER;
			masked[j] = flags[i + j] & WORD_NUMBER ? FIGURE : kept[i + j];
		}
		if (!fig)
			continue;
		d->figures[count] = d->order[i];
		d->masked[count] = d->templ[count] = wd_shingle_hash(masked, width, seed);
		count++;
	}
	d->n_figures = count;
	return wd_shingle_set_inplace(d->templ, count, &d->n_templ);
}

int doc_check_words(const wd_doc *d)
{
	size_t title_words = d->n_lines && d->lines[0].kind == LINE_TITLE ? d->lines[0].n_words : 0;
	if (d->n_words == title_words)
		return wd_fail(WD_EINPUT, "text has no words to match on");
	return WD_OK;
}

int doc_shingle(wd_doc *d, uint32_t k, uint64_t seed)
{
	if (k > PARTICLE_SCRIPT_SHORTER + 1 && 2 * d->n_particle_script_words > d->n_words)
		k -= PARTICLE_SCRIPT_SHORTER;
	uint64_t *kept;
	uint8_t *flags;
	size_t n = 0;
	int level, err;
	size_t title_words = d->n_lines && d->lines[0].kind == LINE_TITLE ? d->lines[0].n_words : 0;
	if ((err = doc_check_words(d)) < 0)
		return err;
	kept = malloc(d->n_words * sizeof *kept);
	flags = malloc(d->n_words);
	if (!kept || !flags) {
		free(kept);
		free(flags);
		return wd_fail_oom();
	}
	/* Guessed chrome may be story misjudged: it comes back when too little
	 * is left, captions first (a photo brief is one). Learned chrome and
	 * credits never are story, and every article of the outlet or agency
	 * shares them: they come back only when nothing else is left (an
	 * article all chrome is still compared). */
	for (level = KEEP_STORY; level <= KEEP_GUESSED; level++) {
		n = kept_words(d, level, kept, NULL);
		if (n >= MIN_KEPT_WORDS || n == d->n_words - title_words)
			break;
	}
	if (level > KEEP_GUESSED) /* short text: the first level with any words */
		for (level = KEEP_STORY; level < KEEP_ALL && kept_words(d, level, kept, NULL) == 0;
		     level++)
			;
	n = kept_words(d, level, kept, flags);
	d->keep_level = level;
	/* a headline the outlet prints over different stories is chrome
	 * (learned: no longer LINE_TITLE) */
	d->title_key = title_words >= TITLE_KEY_WORDS && d->lines[0].kind == LINE_TITLE
	                       ? d->lines[0].hash
	                       : 0;
	/* A very short story (a templated dividend notice) names its company
	 * only in the headline: then the headline counts, first. */
	if (n < SHORT_STORY_WORDS && d->n_lines && d->lines[0].kind == LINE_TITLE) {
		const doc_line *t = &d->lines[0];
		memmove(kept + t->n_words, kept, n * sizeof *kept);
		memcpy(kept, d->words + t->first_word, t->n_words * sizeof *kept);
		memmove(flags + t->n_words, flags, n);
		memcpy(flags, d->word_flags + t->first_word, t->n_words);
		n += t->n_words;
		d->title_kept = 1;
	}
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
	if ((err = wd_shingle_set(&d->set, &d->n_set, d->order, d->n_order)) == WD_OK)
		err = collect_figures(d, kept, flags, n, width, seed);
done:
	free(kept);
	free(flags);
	return err;
}

/* Shrinks *p (n elements of size bytes) to fit; keeps it when realloc fails
 * or n is 0 (nothing is lost either way). */
static void shrink(void *p, size_t n, size_t size)
{
	void **array = p;
	if (*array && n) {
		void *q = realloc(*array, n * size);
		if (q)
			*array = q;
	}
}

void doc_compact(wd_doc *d)
{
	free(d->norm);
	free(d->word_start);
	free(d->line_cont);
	d->norm = NULL;
	d->norm_len = 0;
	d->word_start = NULL;
	d->line_cont = NULL;
	d->n_line_cont = 0;
	shrink(&d->words, d->n_words, sizeof *d->words);
	shrink(&d->word_flags, d->n_words, sizeof *d->word_flags);
	d->cap_words = d->n_words ? d->n_words : d->cap_words;
	shrink(&d->lines, d->n_lines, sizeof *d->lines);
	d->cap_lines = d->n_lines ? d->n_lines : d->cap_lines;
	shrink(&d->figures, d->n_figures, sizeof *d->figures);
	shrink(&d->masked, d->n_figures, sizeof *d->masked);
	shrink(&d->templ, d->n_templ, sizeof *d->templ);
	shrink(&d->set, d->n_set, sizeof *d->set);
}

void doc_strip(wd_doc *d)
{
	free(d->words);
	free(d->word_flags);
	free(d->lines);
	d->words = NULL;
	d->word_flags = NULL;
	d->lines = NULL;
	d->n_words = d->cap_words = d->n_lines = d->cap_lines = 0;
	doc_compact(d);
}

void doc_free(wd_doc *d)
{
	if (d->borrowed) { /* doc_view: the arrays are someone else's */
		memset(d, 0, sizeof *d);
		return;
	}
	free(d->norm);
	free(d->words);
	free(d->word_start);
	free(d->word_flags);
	free(d->line_cont);
	free(d->figures);
	free(d->masked);
	free(d->templ);
	free(d->lines);
	free(d->set);
	free(d->order);
	memset(d, 0, sizeof *d);
}

/* ---- packed for verification elsewhere ---- */

/* Set in the fourth count when the headline's key follows the four counts
 * (a doc packed before there were keys, or without one, has none). */
#define HAS_TITLE_KEY (UINT64_C(1) << 63)

size_t doc_packed_size(const wd_doc *d)
{
	return (4 + (d->title_key != 0)) * sizeof(uint64_t) +
	       (d->n_set + d->n_order + 2 * d->n_figures + d->n_templ) * sizeof(uint64_t);
}

static unsigned char *put_u64s(unsigned char *out, const uint64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		wd_put_le64(out + 8 * i, v[i]);
	return out + n * sizeof *v;
}

void doc_pack(unsigned char *out, const wd_doc *d)
{
	uint64_t counts[5] = {d->n_set, d->n_order, d->n_figures,
	                      d->n_templ | (d->title_key ? HAS_TITLE_KEY : 0), d->title_key};
	out = put_u64s(out, counts, d->title_key ? 5 : 4);
	out = put_u64s(out, d->set, d->n_set);
	out = put_u64s(out, d->order, d->n_order);
	out = put_u64s(out, d->figures, d->n_figures);
	out = put_u64s(out, d->masked, d->n_figures);
	put_u64s(out, d->templ, d->n_templ);
}

/* A malloc'd copy of n u64s at in (never NULL, even for none: verify.c
 * searches the arrays whatever their length); -1 out of memory. */
static int get_u64s(uint64_t **v, const unsigned char *in, size_t n)
{
	if (!(*v = malloc((n ? n : 1) * sizeof **v)))
		return -1;
	for (size_t i = 0; i < n; i++)
		(*v)[i] = wd_get_le64(in + 8 * i);
	return 0;
}

/* The n counts a packed doc starts with. */
static int get_counts(uint64_t *c, size_t n, const unsigned char *in, size_t len)
{
	if (len < n * sizeof *c)
		return wd_fail(WD_EINVAL, "packed doc truncated");
	for (size_t i = 0; i < n; i++)
		c[i] = wd_get_le64(in + 8 * i);
	return WD_OK;
}

/* The counts of a packed doc (set, order, figures, template) and its
 * headline's key into d, where its arrays start (*header bytes in), and the
 * bytes it takes, or < 0 when len is too short for it. */
static long packed_layout(wd_doc *d, size_t *header, const unsigned char *in, size_t len)
{
	uint64_t c[4] = {0};
	int err;
	memset(d, 0, sizeof *d);
	if ((err = get_counts(c, 4, in, len)) < 0)
		return err;
	*header = sizeof c;
	if (c[3] & HAS_TITLE_KEY) {
		c[3] &= ~HAS_TITLE_KEY;
		if (len < *header + sizeof(uint64_t))
			return wd_fail(WD_EINVAL, "packed doc truncated");
		d->title_key = wd_get_le64(in + *header);
		*header += sizeof(uint64_t);
	}
	size_t words = c[0] + c[1] + 2 * c[2] + c[3], used = *header + words * sizeof(uint64_t);
	if (c[0] > len || c[1] > len || c[2] > len || c[3] > len || used > len)
		return wd_fail(WD_EINVAL, "packed doc truncated");
	d->n_set = c[0];
	d->n_order = c[1];
	d->n_figures = c[2];
	d->n_templ = c[3];
	return (long)used;
}

long doc_unpack(wd_doc *d, const unsigned char *in, size_t len)
{
	size_t header;
	long used = packed_layout(d, &header, in, len);
	if (used < 0)
		return used;
	const unsigned char *p = in + header;
	uint64_t c[4] = {d->n_set, d->n_order, d->n_figures, d->n_templ};
	if (get_u64s(&d->set, p, c[0]) < 0 || get_u64s(&d->order, p += c[0] * 8, c[1]) < 0 ||
	    get_u64s(&d->figures, p += c[1] * 8, c[2]) < 0 ||
	    get_u64s(&d->masked, p += c[2] * 8, c[2]) < 0 ||
	    get_u64s(&d->templ, p += c[2] * 8, c[3]) < 0) {
		doc_free(d);
		return wd_fail_oom();
	}
	return used;
}

long doc_view(wd_doc *d, const unsigned char *in, size_t len)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if ((uintptr_t)in % sizeof(uint64_t) == 0) {
		size_t header;
		long used = packed_layout(d, &header, in, len);
		if (used < 0)
			return used;
		/* the packed arrays are the arrays: little-endian u64s, aligned */
		uint64_t *p = (uint64_t *)(uintptr_t)(in + header);
		d->set = p;
		d->order = p += d->n_set;
		d->figures = p += d->n_order;
		d->masked = p += d->n_figures;
		d->templ = p + d->n_figures;
		d->borrowed = 1;
		return used;
	}
#endif
	return doc_unpack(d, in, len);
}

/* ---- packed between parsing and signing ---- */

/* Per line: hash (8), first word (4), words (4), kind (1). */
enum { PACKED_LINE = 17 };

size_t doc_words_packed_size(const wd_doc *d)
{
	return 3 * sizeof(uint64_t) + d->n_words * 9 + d->n_lines * PACKED_LINE;
}

void doc_pack_words(unsigned char *out, const wd_doc *d)
{
	uint64_t counts[3] = {d->n_words, d->n_lines, d->n_particle_script_words};
	out = put_u64s(out, counts, 3);
	out = put_u64s(out, d->words, d->n_words);
	memcpy(out, d->word_flags, d->n_words);
	out += d->n_words;
	for (size_t i = 0; i < d->n_lines; i++, out += PACKED_LINE) {
		wd_put_le64(out, d->lines[i].hash);
		wd_put_le32(out + 8, d->lines[i].first_word);
		wd_put_le32(out + 12, d->lines[i].n_words);
		out[16] = d->lines[i].kind;
	}
}

long doc_unpack_words(wd_doc *d, const unsigned char *in, size_t len)
{
	uint64_t c[3] = {0}; /* (set by get_counts; GCC cannot tell) */
	int err;
	memset(d, 0, sizeof *d);
	if ((err = get_counts(c, 3, in, len)) < 0)
		return err;
	if (c[0] > len || c[1] > len || sizeof c + c[0] * 9 + c[1] * PACKED_LINE > len)
		return wd_fail(WD_EINVAL, "packed doc truncated");
	d->n_words = d->cap_words = c[0];
	d->n_lines = d->cap_lines = c[1];
	d->n_particle_script_words = c[2];
	const unsigned char *p = in + sizeof c;
	if (get_u64s(&d->words, p, c[0]) < 0 || !(d->word_flags = malloc(c[0] ? c[0] : 1)) ||
	    !(d->lines = calloc(c[1] ? c[1] : 1, sizeof *d->lines))) {
		doc_free(d);
		return wd_fail_oom();
	}
	p += c[0] * 8;
	memcpy(d->word_flags, p, c[0]);
	p += c[0];
	for (size_t i = 0; i < c[1]; i++, p += PACKED_LINE) {
		d->lines[i].hash = wd_get_le64(p);
		d->lines[i].first_word = wd_get_le32(p + 8);
		d->lines[i].n_words = wd_get_le32(p + 12);
		d->lines[i].kind = p[16];
	}
	return (long)(p - in);
}
