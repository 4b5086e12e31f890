/* chrome.c - learns page chrome per outlet (see chrome.h). */
#include "chrome.h"

#include "bytes.h"
#include "error.h"

#include <string.h>
#include <xxhash.h>

/*
 * Two articles of one outlet are different stories when each has at least
 * this share of its words in lines the other lacks. A line seen again is
 * checked against its reference: the first article that had it, replaced
 * by a later one that had more text of its own. Copies of one story
 * (trimmed, updated, extended) share most lines; different stories share
 * only chrome.
 */
static const double DIFFERENT_SHARE = 0.25;

/*
 * A line of this many words may be a paragraph of a story that the outlet
 * prints in two different articles: a story and the "The Latest" file or
 * roundup that quotes it, two versions of a rewritten agency story.
 * Learning it would take the story text from both copies, so it is chrome
 * only once a third different story has it too (page chrome recurs on
 * every page, long or short).
 */
enum { STORY_LINE_WORDS = 30 };
/* Two articles that share this many such paragraphs are versions of one
 * story (or one quotes the other), not different stories, however much
 * each has of its own: an updated story gains a new lede and loses lines. */
enum { SAME_STORY_PARAGRAPHS = 3 };

/* What is known of a line (chrome_table's chrome argument, stored). */
enum { LINE_SEEN = 0, LINE_CHROME = 1, LINE_IN_TWO_STORIES = 2 };

enum { LINE_BYTES = 12 };

uint64_t chrome_line_key(uint64_t source_key, uint64_t line)
{
	uint64_t k = XXH3_64bits_withSeed(&line, sizeof line, source_key);
	return k ? k : 1; /* 0 marks an empty slot */
}

uint64_t chrome_source_key(const char *source)
{
	return source && source[0] ? XXH3_64bits(source, strlen(source)) | 1 : 0;
}

static int set_grow(chrome_model *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	uint64_t *keys = calloc(cap, sizeof *keys);
	if (!keys)
		return wd_fail_oom();
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = m->keys[i] & (cap - 1);
		while (keys[j])
			j = (j + 1) & (cap - 1);
		keys[j] = m->keys[i];
	}
	free(m->keys);
	m->keys = keys;
	m->cap = cap;
	return WD_OK;
}

static int set_add(chrome_model *m, uint64_t key)
{
	int err;
	if ((m->n + 1) * 2 > m->cap && (err = set_grow(m)) < 0)
		return err;
	size_t j = key & (m->cap - 1);
	while (m->keys[j] && m->keys[j] != key)
		j = (j + 1) & (m->cap - 1);
	if (!m->keys[j]) {
		m->keys[j] = key;
		m->n++;
	}
	return WD_OK;
}

int chrome_add_key(chrome_model *m, uint64_t key)
{
	return key ? set_add(m, key) : wd_fail(WD_EINVAL, "a chrome key is never 0");
}

int chrome_is_learned(const chrome_model *m, uint64_t source_key, uint64_t line)
{
	if (!source_key || !m->n)
		return 0;
	uint64_t key = chrome_line_key(source_key, line);
	size_t j = key & (m->cap - 1);
	while (m->keys[j]) {
		if (m->keys[j] == key)
			return 1;
		j = (j + 1) & (m->cap - 1);
	}
	return 0;
}

typedef struct learned_ctx {
	const chrome_model *model;
	uint64_t source_key;
} learned_ctx;

static int is_learned(uint64_t line, void *ctx)
{
	const learned_ctx *lc = ctx;
	return chrome_is_learned(lc->model, lc->source_key, line);
}

void chrome_mark_doc(wd_doc *doc, const chrome_model *m, const char *source)
{
	learned_ctx lc = {m, chrome_source_key(source)};
	doc_mark_learned(doc, is_learned, &lc);
}

static int load_one(const char *source, uint64_t line, void *ctx)
{
	return set_add(ctx, chrome_line_key(chrome_source_key(source), line));
}

int chrome_load(chrome_model *m, wd_store *st)
{
	memset(m, 0, sizeof *m);
	return store_learned_each(st, load_one, m);
}

void chrome_free(chrome_model *m)
{
	free(m->keys);
	memset(m, 0, sizeof *m);
}

/* ---- lines blobs ---- */

static uint64_t blob_hash(const unsigned char *b, size_t i)
{
	uint64_t h = 0;
	for (int k = 7; k >= 0; k--)
		h = h << 8 | b[i * LINE_BYTES + (size_t)k];
	return h;
}

static uint32_t blob_words(const unsigned char *b, size_t i)
{
	return wd_get_le32(b + i * LINE_BYTES + 8);
}

/* What a blob keeps of a line. */
typedef struct blob_line {
	uint64_t hash;
	uint32_t n_words;
} blob_line;

static int cmp_line(const void *a, const void *b)
{
	const blob_line *x = a, *y = b;
	return (x->hash > y->hash) - (x->hash < y->hash);
}

/* By hash (lines of one hash are summed after, in any order): an article
 * has a few dozen lines, which insertion sorts faster than qsort. */
static void sort_lines(blob_line *v, size_t n)
{
	if (n > 64) {
		qsort(v, n, sizeof *v, cmp_line);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		blob_line x = v[i];
		size_t j = i;
		for (; j > 0 && v[j - 1].hash > x.hash; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

int chrome_lines_blob(void **blob, size_t *bytes, const wd_doc *doc)
{
	blob_line *sorted = malloc((doc->n_lines ? doc->n_lines : 1) * sizeof *sorted);
	unsigned char *out = malloc((doc->n_lines ? doc->n_lines : 1) * LINE_BYTES);
	size_t n = 0;
	if (!sorted || !out) {
		free(sorted);
		free(out);
		return wd_fail_oom();
	}
	for (size_t i = 0; i < doc->n_lines; i++)
		sorted[i] = (blob_line){doc->lines[i].hash, doc->lines[i].n_words};
	sort_lines(sorted, doc->n_lines);
	for (size_t i = 0; i < doc->n_lines; i++) {
		if (n && blob_hash(out, n - 1) == sorted[i].hash) {
			/* a line printed twice: count its words twice */
			wd_put_le32(out + (n - 1) * LINE_BYTES + 8,
			            blob_words(out, n - 1) + sorted[i].n_words);
			continue;
		}
		wd_put_le64(out + n * LINE_BYTES, sorted[i].hash);
		wd_put_le32(out + n * LINE_BYTES + 8, sorted[i].n_words);
		n++;
	}
	free(sorted);
	*blob = out;
	*bytes = n * LINE_BYTES;
	return WD_OK;
}

/* Share of a's words in lines that b lacks (both blobs sorted). */
static double unshared_share(const unsigned char *a, size_t na, const unsigned char *b,
                             size_t nb)
{
	uint64_t total = 0, unshared = 0;
	size_t j = 0;
	for (size_t i = 0; i < na; i++) {
		uint64_t h = blob_hash(a, i);
		uint32_t w = blob_words(a, i);
		while (j < nb && blob_hash(b, j) < h)
			j++;
		total += w;
		if (j == nb || blob_hash(b, j) != h)
			unshared += w;
	}
	return total ? (double)unshared / (double)total : 0.0;
}

/* How a new article (blob a) compares with the reference of a line
 * (blob b) of its outlet. */
enum { SAME_STORY, NEW_HAS_MORE, DIFFERENT_STORIES };

/* How many lines of STORY_LINE_WORDS or more a and b share. */
static size_t shared_paragraphs(const unsigned char *a, size_t na, const unsigned char *b,
                                size_t nb)
{
	size_t shared = 0, j = 0;
	for (size_t i = 0; i < na; i++) {
		uint64_t h = blob_hash(a, i);
		while (j < nb && blob_hash(b, j) < h)
			j++;
		shared += j < nb && blob_hash(b, j) == h && blob_words(a, i) >= STORY_LINE_WORDS;
	}
	return shared;
}

static int compare_stories(const void *a, size_t a_bytes, const void *b, size_t b_bytes)
{
	size_t na = a_bytes / LINE_BYTES, nb = b_bytes / LINE_BYTES;
	int a_own = unshared_share(a, na, b, nb) >= DIFFERENT_SHARE;
	int b_own = unshared_share(b, nb, a, na) >= DIFFERENT_SHARE;
	if (a_own && b_own && shared_paragraphs(a, na, b, nb) < SAME_STORY_PARAGRAPHS)
		return DIFFERENT_STORIES;
	return a_own ? NEW_HAS_MORE : SAME_STORY;
}

static int store_get(void *st, const char *source, uint64_t line, int64_t *first,
                     int *chrome)
{
	return store_line_get(st, source, line, first, chrome);
}

static int store_put(void *st, const char *source, uint64_t line, int64_t first, int chrome)
{
	return store_line_put(st, source, line, first, chrome);
}

static int store_lines(void *st, int64_t seq, void **blob, size_t *bytes)
{
	return store_article_lines(st, seq, blob, bytes);
}

chrome_table chrome_store_table(wd_store *st)
{
	return (chrome_table){store_get, store_put, store_lines, st};
}

int chrome_learn(chrome_model *m, const chrome_table *t, int64_t seq, const char *source,
                 const void *blob, size_t bytes, i64_vec *newly)
{
	const unsigned char *lines = blob;
	size_t n = bytes / LINE_BYTES;
	uint64_t skey = chrome_source_key(source);
	int64_t cached_seq = 0;
	void *other = NULL;
	size_t other_bytes = 0;
	int err = WD_OK;

	if (!skey)
		return WD_OK;
	for (size_t i = 0; i < n && err == WD_OK; i++) {
		uint64_t h = blob_hash(lines, i);
		int64_t first;
		int chrome, found;
		if ((found = t->get(t->ctx, source, h, &first, &chrome)) < 0) {
			err = found;
		} else if (!found) {
			err = t->put(t->ctx, source, h, seq, LINE_SEEN);
		} else if (chrome != LINE_CHROME && first != seq) {
			/* Seen before: chrome if that article is another story. */
			if (first != cached_seq) {
				free(other);
				other = NULL;
				if ((err = t->article_lines(t->ctx, first, &other, &other_bytes)) < 0)
					break;
				cached_seq = first;
			}
			int how = compare_stories(blob, bytes, other, other_bytes);
			if (how == DIFFERENT_STORIES && chrome == LINE_SEEN &&
			    blob_words(lines, i) >= STORY_LINE_WORDS) {
				/* a paragraph in two stories: the next one is
				 * compared with this one */
				err = t->put(t->ctx, source, h, seq, LINE_IN_TWO_STORIES);
			} else if (how == DIFFERENT_STORIES) {
				if ((err = t->put(t->ctx, source, h, first, LINE_CHROME)) < 0 ||
				    (err = set_add(m, chrome_line_key(skey, h))) < 0)
					break;
				if (i64_push(newly, (int64_t)h) < 0)
					err = wd_fail_oom();
			} else if (how == NEW_HAS_MORE) {
				/* The reference has too little of its own to tell (a
				 * brief in a page of chrome): the next article is
				 * compared with this one, which has more, so that a
				 * brief does not hide the chrome of the stories around
				 * it. A brief after a story keeps the story. */
				err = t->put(t->ctx, source, h, seq, LINE_SEEN);
			}
		}
	}
	free(other);
	return err;
}

int chrome_blob_has_any(const void *blob, size_t bytes, const i64_vec *lines)
{
	const unsigned char *b = blob;
	for (size_t i = 0; i < bytes / LINE_BYTES; i++)
		if (bsearch(&(int64_t){(int64_t)blob_hash(b, i)}, lines->v, lines->n,
		            sizeof *lines->v, i64_cmp))
			return 1;
	return 0;
}

int chrome_forget(wd_store *st, int64_t seq, const char *source, const void *blob,
                  size_t bytes)
{
	int err = WD_OK;
	if (!chrome_source_key(source))
		return WD_OK; /* nothing is learned without an outlet */
	for (size_t i = 0; i < bytes / LINE_BYTES && err == WD_OK; i++)
		err = store_line_forget(st, source, blob_hash(blob, i), seq);
	return err;
}

int chrome_add(chrome_model *m, const char *source, uint64_t line)
{
	uint64_t key = chrome_source_key(source);
	return key ? set_add(m, chrome_line_key(key, line)) : WD_OK;
}
