/*
 * batch.c - the batch job (wd_batch_*): the whole pipeline over one set of
 * articles, in memory, on every core.
 *
 *   add    articles are copied and parsed in parallel, PARSE_BATCH at a time
 *   learn  each outlet's chrome, from every article in input order (as an
 *          index learns it, but before anything is signed)
 *   sign   shingles, MinHash and LSH band keys, in parallel
 *   link   per band, the keys sorted: articles sharing a key are candidates
 *   verify candidate pairs compared exactly (verify_docs), in parallel
 *   group  union-find over the matches; each cluster is named after its
 *          earliest member, and each member's similarity to it computed
 */
#include "wiredup.h"

#include "article.h"
#include "chrome.h"
#include "doc.h"
#include "error.h"
#include "lsh.h"
#include "pool.h"
#include "published.h"
#include "verify.h"
#include "vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

/* Articles are kept in pages of PAGE slots (a page never moves), and a
 * full page is parsed in the background while the next one fills: enough
 * to keep every core busy, few enough that text copies stay small. */
enum { PAGE = 1024, MAX_THREADS = 256 };
#define SLOT(b, i) (&(b)->pages[(i) / PAGE][(i) % PAGE])

typedef struct slot {
	char *id, *source;
	uint64_t tag, content_hash;
	int64_t ts;
	int has_ts;
	int rejected;        /* a wd_error when left out */
	int reported;        /* the caller has heard of it */
	char *error;         /* its message */
	char *title, *text;  /* copies, until parsed */
	size_t text_len;
	wd_doc doc;          /* parsed; after signing, only what verify reads */
	void *lines;         /* lines blob, until chrome is learned */
	size_t lines_bytes;
	size_t root;         /* the representative of its cluster */
	double similarity;   /* to the representative */
} slot;

/* Open addressing from a 64-bit key (never 0) to a slot number. */
typedef struct id_entry {
	uint64_t hash;
	size_t slot;
} id_entry;

/* An article filed under an LSH key of one band. */
typedef struct key_entry {
	uint64_t key;
	uint32_t slot;
	uint32_t next; /* the previous entry with the same key, + 1; 0: none */
} key_entry;

typedef struct entry_vec {
	key_entry *v;
	size_t n, cap;
} entry_vec;

/* What is learned about one line of one outlet (chrome_table in memory). */
typedef struct line_entry {
	uint64_t key; /* chrome_line_key; 0 = empty */
	int64_t first;
	int chrome;
} line_entry;

struct wd_batch {
	wd_params params;
	wd_pool *pool;
	unsigned threads;
	wd_reject_fn reject;
	void *reject_ctx;
	slot **pages;
	size_t n_pages, cap_pages;
	size_t n;             /* slots in use */
	size_t parsed;        /* slots [0, parsed) are parsed and reported */
	int parsing;          /* a page is being parsed in the background */
	struct stage {        /* ... this one */
		slot *page;
		size_t count;
	} parse;
	id_entry *ids;
	size_t n_ids, cap_ids;
	line_entry *lines;
	size_t n_lines, cap_lines;
	chrome_model chrome;
	entry_vec *filed;     /* [worker * bands + band]: the keys signed */
	wd_batch_stats stats;
	size_t *clustered;    /* slot numbers of the clustered, input order */
	size_t n_clustered;
	int ran;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- ids ---- */

static uint64_t id_hash(const char *id)
{
	uint64_t h = XXH3_64bits(id, strlen(id));
	return h ? h : 1;
}

static int ids_grow(wd_batch *b)
{
	size_t cap = b->cap_ids ? b->cap_ids * 2 : 4096;
	id_entry *e = calloc(cap, sizeof *e);
	if (!e)
		return wd_fail_oom();
	for (size_t i = 0; i < b->cap_ids; i++) {
		if (!b->ids[i].hash)
			continue;
		size_t j = b->ids[i].hash & (cap - 1);
		while (e[j].hash)
			j = (j + 1) & (cap - 1);
		e[j] = b->ids[i];
	}
	free(b->ids);
	b->ids = e;
	b->cap_ids = cap;
	return WD_OK;
}

/* The slot holding id, or (size_t)-1; *pos is where it would go. */
static size_t ids_find(const wd_batch *b, const char *id, uint64_t h, size_t *pos)
{
	size_t j = h & (b->cap_ids - 1);
	while (b->ids[j].hash) {
		if (b->ids[j].hash == h && strcmp(SLOT(b, b->ids[j].slot)->id, id) == 0)
			return b->ids[j].slot;
		j = (j + 1) & (b->cap_ids - 1);
	}
	*pos = j;
	return (size_t)-1;
}

/* ---- chrome_table in memory ---- */

static int lines_grow(wd_batch *b)
{
	size_t cap = b->cap_lines ? b->cap_lines * 2 : 1 << 16;
	line_entry *e = calloc(cap, sizeof *e);
	if (!e)
		return wd_fail_oom();
	for (size_t i = 0; i < b->cap_lines; i++) {
		if (!b->lines[i].key)
			continue;
		size_t j = b->lines[i].key & (cap - 1);
		while (e[j].key)
			j = (j + 1) & (cap - 1);
		e[j] = b->lines[i];
	}
	free(b->lines);
	b->lines = e;
	b->cap_lines = cap;
	return WD_OK;
}

static line_entry *line_slot(const wd_batch *b, const char *source, uint64_t line)
{
	uint64_t key = chrome_line_key(chrome_source_key(source), line);
	size_t j = key & (b->cap_lines - 1);
	while (b->lines[j].key && b->lines[j].key != key)
		j = (j + 1) & (b->cap_lines - 1);
	return &b->lines[j];
}

static int mem_line_get(void *ctx, const char *source, uint64_t line, int64_t *first,
                        int *chrome)
{
	const line_entry *e = line_slot(ctx, source, line);
	if (!e->key)
		return 0;
	*first = e->first;
	*chrome = e->chrome;
	return 1;
}

static int mem_line_put(void *ctx, const char *source, uint64_t line, int64_t first,
                        int chrome)
{
	wd_batch *b = ctx;
	int err;
	if ((b->n_lines + 1) * 2 > b->cap_lines && (err = lines_grow(b)) < 0)
		return err;
	line_entry *e = line_slot(b, source, line);
	if (!e->key) {
		e->key = chrome_line_key(chrome_source_key(source), line);
		b->n_lines++;
	}
	e->first = first;
	e->chrome = chrome;
	return WD_OK;
}

/* Article numbers in the table are slot numbers + 1, as seqs start at 1. */
static int mem_article_lines(void *ctx, int64_t seq, void **blob, size_t *bytes)
{
	const slot *s = SLOT((wd_batch *)ctx, seq - 1);
	if (!(*blob = malloc(s->lines_bytes ? s->lines_bytes : 1)))
		return wd_fail_oom();
	memcpy(*blob, s->lines, s->lines_bytes);
	*bytes = s->lines_bytes;
	return WD_OK;
}

/* ---- open, add ---- */

int wd_batch_open(wd_batch **out, const wd_params *params, unsigned threads,
                  wd_reject_fn reject, void *reject_ctx)
{
	wd_batch *b = calloc(1, sizeof *b);
	int err;
	*out = NULL;
	if (!b)
		return wd_fail_oom();
	if (params)
		b->params = *params;
	else
		wd_params_init(&b->params);
	if (threads == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cores > 0 ? (unsigned)cores : 1;
	}
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	b->threads = threads;
	b->reject = reject;
	b->reject_ctx = reject_ctx;
	if ((err = wd_params_resolve(&b->params)) < 0 ||
	    (err = pool_open(&b->pool, threads)) < 0 || (err = ids_grow(b)) < 0 ||
	    (err = lines_grow(b)) < 0) {
		wd_batch_close(b);
		return err;
	}
	if (!(b->filed = calloc((size_t)threads * b->params.bands, sizeof *b->filed))) {
		wd_batch_close(b);
		return wd_fail_oom();
	}
	*out = b;
	return WD_OK;
}

/* Marks slot s left out, with the message of the error just failed. */
static void reject_slot(slot *s, int err)
{
	char buf[600];
	snprintf(buf, sizeof buf, "article '%s': %s", s->id, wd_last_error());
	s->rejected = err;
	s->error = strdup(buf);
}

/* Tells the caller of the slots in [from, to) left out, in order. */
static int report_rejects(wd_batch *b, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		slot *s = SLOT(b, i);
		if (!s->rejected || !b->reject || s->reported)
			continue;
		s->reported = 1;
		int rc = b->reject(s->tag, s->rejected, s->error ? s->error : "out of memory",
		                   b->reject_ctx);
		if (rc < 0)
			return wd_fail(rc, "stopped after article '%s'", s->id);
	}
	return WD_OK;
}

static int parse_range(void *ctx, size_t begin, size_t end, unsigned worker)
{
	const struct stage *st = ctx;
	(void)worker;
	for (size_t i = begin; i < end; i++) {
		slot *s = &st->page[i];
		int err = doc_parse(&s->doc, s->title, s->text, s->text_len);
		if (err == WD_OK)
			err = doc_check_words(&s->doc);
		if (err == WD_OK)
			err = chrome_lines_blob(&s->lines, &s->lines_bytes, &s->doc);
		if (err == WD_ENOMEM)
			return err;
		if (err < 0)
			reject_slot(s, err);
		free(s->title);
		free(s->text);
		s->title = s->text = NULL;
		doc_compact(&s->doc); /* signing needs only the words and lines */
	}
	return WD_OK;
}

/* Waits for the page being parsed, if any, and reports its rejections. */
static int finish_parse(wd_batch *b)
{
	if (!b->parsing)
		return WD_OK;
	double t0 = now();
	int err = pool_wait(b->pool);
	b->stats.parse_s += now() - t0;
	b->parsing = 0;
	if (err < 0)
		return err;
	size_t from = b->parsed;
	b->parsed += b->parse.count;
	for (size_t i = from; i < b->parsed; i++)
		b->stats.rejected += SLOT(b, i)->rejected != 0;
	return report_rejects(b, from, b->parsed);
}

/* Starts parsing the slots added since the last time (a page, or at the
 * end what there is of the last one). */
static int parse_pending(wd_batch *b)
{
	int err;
	if ((err = finish_parse(b)) < 0 || b->parsed == b->n)
		return err;
	b->parse = (struct stage){SLOT(b, b->parsed), b->n - b->parsed};
	pool_start(b->pool, b->parse.count, 8, parse_range, &b->parse);
	b->parsing = 1;
	return WD_OK;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int wd_batch_add(wd_add_status *status, wd_batch *b, const wd_article *article,
                 uint64_t tag)
{
	wd_article a = *article;
	size_t pos = 0, found;
	int err;

	if (b->ran)
		return wd_fail(WD_EINVAL, "the batch has run already");
	if ((err = article_check(&a)) < 0)
		return err;
	uint64_t hash = article_content_hash(&a), h = id_hash(a.id);
	if ((found = ids_find(b, a.id, h, &pos)) != (size_t)-1) {
		if (SLOT(b, found)->content_hash != hash)
			return wd_fail(WD_EDUPLICATE, "id '%s' is indexed already with "
			               "different content; ids must be unique", a.id);
		*status = WD_ADD_UNCHANGED;
		return WD_OK;
	}
	if (b->n == b->n_pages * PAGE) {
		slot *page = calloc(PAGE, sizeof *page);
		if (!page || wd_grow(&b->pages, &b->cap_pages, b->n_pages, sizeof *b->pages, 64) < 0) {
			free(page);
			return wd_fail_oom();
		}
		b->pages[b->n_pages++] = page;
	}
	slot *s = SLOT(b, b->n);
	memset(s, 0, sizeof *s);
	s->id = strdup(a.id);
	s->source = dup_or_null(a.source && a.source[0] ? a.source : NULL);
	s->title = dup_or_null(a.title);
	s->text = malloc(a.text_len + 1);
	if (!s->id || (a.source && a.source[0] && !s->source) || (a.title && !s->title) ||
	    !s->text) {
		free(s->id);
		free(s->source);
		free(s->title);
		free(s->text);
		return wd_fail_oom();
	}
	memcpy(s->text, a.text, a.text_len);
	s->text[a.text_len] = '\0';
	s->text_len = a.text_len;
	s->tag = tag;
	s->content_hash = hash;
	s->has_ts = wd_parse_iso8601(&s->ts, a.published);
	b->ids[pos] = (id_entry){h, b->n};
	b->n++;
	b->n_ids++;
	*status = WD_ADD_NEW;
	if (b->n_ids * 2 > b->cap_ids && (err = ids_grow(b)) < 0)
		return err;
	if (b->n % PAGE == 0)
		return parse_pending(b);
	return WD_OK;
}

/* ---- learn ---- */

static int learn_chrome(wd_batch *b)
{
	chrome_table table = {mem_line_get, mem_line_put, mem_article_lines, b};
	i64_vec newly = {0};
	int err = WD_OK;
	for (size_t i = 0; i < b->n && err == WD_OK; i++) {
		const slot *s = SLOT(b, i);
		newly.n = 0; /* nothing to re-sign: nothing is signed yet */
		if (!s->rejected && s->source)
			err = chrome_learn(&b->chrome, &table, (int64_t)i + 1, s->source, s->lines,
			                   s->lines_bytes, &newly);
	}
	i64_free(&newly);
	for (size_t i = 0; i < b->n; i++) {
		free(SLOT(b, i)->lines);
		SLOT(b, i)->lines = NULL;
	}
	free(b->lines);
	b->lines = NULL;
	b->n_lines = b->cap_lines = 0;
	return err;
}

/* ---- sign ---- */

typedef struct learned_ctx {
	const chrome_model *model;
	uint64_t source_key;
} learned_ctx;

static int is_learned(uint64_t line, void *ctx)
{
	const learned_ctx *lc = ctx;
	return chrome_is_learned(lc->model, lc->source_key, line);
}

static int sign_range(void *ctx, size_t begin, size_t end, unsigned worker)
{
	wd_batch *b = ctx;
	const wd_params *p = &b->params;
	uint32_t *sig = malloc(p->num_perm * sizeof *sig);
	entry_vec *filed = b->filed + (size_t)worker * p->bands;
	band_key *keys = NULL;
	size_t n_keys = 0;
	int err = WD_OK;
	if (!sig)
		return wd_fail_oom();
	for (size_t i = begin; i < end && err == WD_OK; i++) {
		slot *s = SLOT(b, i);
		if (s->rejected)
			continue;
		learned_ctx lc = {&b->chrome, chrome_source_key(s->source)};
		doc_mark_learned(&s->doc, is_learned, &lc);
		if ((err = doc_shingle(&s->doc, p->shingle_words, p->seed)) < 0) {
			if (err == WD_ENOMEM)
				break;
			reject_slot(s, err);
			doc_free(&s->doc);
			err = WD_OK;
			continue;
		}
		err = lsh_sign(sig, &keys, &n_keys, p, s->doc.order, s->doc.n_order);
		for (size_t k = 0; k < n_keys && err == WD_OK; k++) {
			entry_vec *ev = &filed[keys[k].band];
			if (wd_grow(&ev->v, &ev->cap, ev->n, sizeof *ev->v, 1024) < 0)
				err = wd_fail_oom();
			else
				ev->v[ev->n++] = (key_entry){keys[k].key, (uint32_t)i, 0};
		}
		free(keys);
		keys = NULL;
		doc_strip(&s->doc);
	}
	free(sig);
	return err;
}

/* ---- link ---- */

typedef struct u64_vec {
	uint64_t *v;
	size_t n, cap;
} u64_vec;

/* Per worker: a table of the last entry per key, and the set of pairs
 * found (open addressing; a pair is never 0, as a < b). */
typedef struct link_worker {
	uint64_t *table_keys;
	uint32_t *table_last;
	size_t cap_table;
	uint64_t *pairs;
	size_t n_pairs, cap_pairs;
} link_worker;

typedef struct link_ctx {
	wd_batch *b;
	link_worker *workers;
} link_ctx;

static size_t pair_slot(const uint64_t *set, size_t cap, uint64_t pair)
{
	size_t j = (size_t)((pair * 0x9E3779B97F4A7C15ULL) >> 20) & (cap - 1);
	while (set[j] && set[j] != pair)
		j = (j + 1) & (cap - 1);
	return j;
}

/* Adds a pair to the worker's set: a copy shares many keys with each of its
 * copies, so most pairs come again and again. */
static int add_pair(link_worker *w, uint64_t pair)
{
	if ((w->n_pairs + 1) * 2 > w->cap_pairs) {
		size_t cap = w->cap_pairs ? w->cap_pairs * 2 : 1 << 16;
		uint64_t *set = calloc(cap, sizeof *set);
		if (!set)
			return wd_fail_oom();
		for (size_t i = 0; i < w->cap_pairs; i++)
			if (w->pairs[i])
				set[pair_slot(set, cap, w->pairs[i])] = w->pairs[i];
		free(w->pairs);
		w->pairs = set;
		w->cap_pairs = cap;
	}
	size_t j = pair_slot(w->pairs, w->cap_pairs, pair);
	if (!w->pairs[j]) {
		w->pairs[j] = pair;
		w->n_pairs++;
	}
	return WD_OK;
}

/* Makes the table hold at least 2n keys, empty. */
static int table_reset(link_worker *w, size_t n)
{
	size_t cap = 1024;
	while (cap < 2 * n)
		cap *= 2;
	if (cap > w->cap_table) {
		free(w->table_keys);
		free(w->table_last);
		w->table_keys = malloc(cap * sizeof *w->table_keys);
		w->table_last = malloc(cap * sizeof *w->table_last);
		w->cap_table = cap;
		if (!w->table_keys || !w->table_last)
			return wd_fail_oom();
	}
	memset(w->table_last, 0, w->cap_table * sizeof *w->table_last);
	return WD_OK;
}

/*
 * Pairs up the articles that share a key in the bands [begin, end): each
 * entry meets the earlier entries with its key through a chain, so the work
 * is the keys plus the pairs. A pair of slots a < b is (a << 32 | b). The
 * band's entries are those every signing worker filed, taken in turn and
 * numbered across them.
 */
static int link_bands(void *ctx, size_t begin, size_t end, unsigned worker)
{
	link_ctx *lc = ctx;
	wd_batch *b = lc->b;
	link_worker *w = &lc->workers[worker];
	int err = WD_OK;
	for (size_t band = begin; band < end && err == WD_OK; band++) {
		entry_vec *parts[MAX_THREADS];
		size_t n = 0, n_parts = 0;
		for (unsigned t = 0; t < b->threads; t++) {
			parts[n_parts] = &b->filed[(size_t)t * b->params.bands + band];
			n += parts[n_parts++]->n;
		}
		if ((err = table_reset(w, n)) < 0)
			return err;
		size_t base = 0, cap = w->cap_table;
		for (size_t q = 0; q < n_parts; base += parts[q]->n, q++) {
			key_entry *v = parts[q]->v;
			for (size_t e = 0; e < parts[q]->n && err == WD_OK; e++) {
				size_t j = (size_t)(v[e].key ^ v[e].key >> 29) & (cap - 1);
				while (w->table_last[j] && w->table_keys[j] != v[e].key)
					j = (j + 1) & (cap - 1);
				v[e].next = w->table_last[j];
				w->table_keys[j] = v[e].key;
				w->table_last[j] = (uint32_t)(base + e) + 1;
				for (uint32_t p = v[e].next; p && err == WD_OK;) {
					/* entry p - 1, numbered across the parts */
					size_t at = p - 1, r = 0;
					while (at >= parts[r]->n)
						at -= parts[r++]->n;
					const key_entry *o = &parts[r]->v[at];
					uint64_t x = o->slot < v[e].slot ? o->slot : v[e].slot;
					uint64_t y = o->slot < v[e].slot ? v[e].slot : o->slot;
					err = add_pair(w, x << 32 | y);
					p = o->next;
				}
			}
		}
		for (size_t q = 0; q < n_parts; q++) {
			free(parts[q]->v);
			*parts[q] = (entry_vec){0};
		}
	}
	return err;
}

/* The distinct candidate pairs (in no particular order: the clusters do
 * not depend on it). */
static int link_all(wd_batch *b, u64_vec *pairs)
{
	link_worker *workers = calloc(b->threads, sizeof *workers);
	int err;
	if (!workers)
		return wd_fail_oom();
	err = pool_for(b->pool, b->params.bands, 1, link_bands, &(link_ctx){b, workers});
	/* the workers' sets, merged into the first */
	for (unsigned t = 1; t < b->threads && err == WD_OK; t++)
		for (size_t i = 0; i < workers[t].cap_pairs && err == WD_OK; i++)
			if (workers[t].pairs[i])
				err = add_pair(&workers[0], workers[t].pairs[i]);
	if (err == WD_OK && !(pairs->v = malloc((workers[0].n_pairs + 1) * sizeof *pairs->v)))
		err = wd_fail_oom();
	for (size_t i = 0; err == WD_OK && i < workers[0].cap_pairs; i++)
		if (workers[0].pairs[i])
			pairs->v[pairs->n++] = workers[0].pairs[i];
	for (unsigned t = 0; t < b->threads; t++) {
		free(workers[t].pairs);
		free(workers[t].table_keys);
		free(workers[t].table_last);
	}
	free(workers);
	return err;
}

/* ---- verify ---- */

typedef struct verify_ctx {
	wd_batch *b;
	const uint64_t *pairs;
	unsigned char *match;
} verify_ctx;

static int verify_range(void *ctx, size_t begin, size_t end, unsigned worker)
{
	verify_ctx *vc = ctx;
	(void)worker;
	for (size_t i = begin; i < end; i++) {
		const slot *earlier = SLOT(vc->b, vc->pairs[i] >> 32);
		const slot *later = SLOT(vc->b, vc->pairs[i] & UINT32_MAX);
		verdict v;
		/* as an index compares a new article with a stored one */
		verify_docs(&v, &later->doc, &earlier->doc, vc->b->params.threshold);
		vc->match[i] = (unsigned char)v.match;
	}
	return WD_OK;
}

/* ---- group ---- */

static size_t find_root(size_t *parent, size_t i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

static int earlier_slot(const wd_batch *b, size_t x, size_t y)
{
	const slot *a = SLOT(b, x), *c = SLOT(b, y);
	return cluster_earlier(a->has_ts, a->ts, (int64_t)x, c->has_ts, c->ts, (int64_t)y);
}

static int similarity_range(void *ctx, size_t begin, size_t end, unsigned worker)
{
	wd_batch *b = ctx;
	(void)worker;
	for (size_t i = begin; i < end; i++) {
		slot *s = SLOT(b, b->clustered[i]);
		if (s->root == b->clustered[i]) {
			s->similarity = 1.0; /* the representative itself */
			continue;
		}
		verdict v;
		verify_docs(&v, &s->doc, &SLOT(b, s->root)->doc, b->params.threshold);
		s->similarity = v.jaccard > v.containment ? v.jaccard : v.containment;
	}
	return WD_OK;
}

/* Clusters = components of the matched pairs; each slot's root becomes its
 * cluster's representative (earliest member). */
static int group(wd_batch *b, const u64_vec *pairs, const unsigned char *match)
{
	size_t n = b->n ? b->n : 1;
	size_t *rep = malloc(n * sizeof *rep), *parent = malloc(n * sizeof *parent);
	int err = WD_OK;
	if (!rep || !parent || !(b->clustered = malloc(n * sizeof *b->clustered))) {
		err = wd_fail_oom();
		goto done;
	}
	for (size_t i = 0; i < b->n; i++)
		parent[i] = i;
	for (size_t i = 0; i < pairs->n; i++) {
		if (!match[i])
			continue;
		size_t x = find_root(parent, pairs->v[i] >> 32);
		size_t y = find_root(parent, pairs->v[i] & UINT32_MAX);
		if (x != y)
			parent[x > y ? x : y] = x < y ? x : y;
	}
	for (size_t i = 0; i < b->n; i++)
		rep[i] = (size_t)-1;
	for (size_t i = 0; i < b->n; i++) {
		if (SLOT(b, i)->rejected)
			continue;
		size_t r = find_root(parent, i);
		if (rep[r] == (size_t)-1 || earlier_slot(b, i, rep[r]))
			rep[r] = i;
		b->clustered[b->n_clustered++] = i;
	}
	for (size_t i = 0; i < b->n_clustered; i++)
		SLOT(b, b->clustered[i])->root = rep[find_root(parent, b->clustered[i])];
	err = pool_for(b->pool, b->n_clustered, 64, similarity_range, b);
done:
	free(rep);
	free(parent);
	return err;
}

int wd_batch_run(wd_batch *b)
{
	u64_vec pairs = {0};
	unsigned char *match = NULL;
	int err;
	if (b->ran)
		return wd_fail(WD_EINVAL, "the batch has run already");
	b->ran = 1;
	double t = now();
	if ((err = parse_pending(b)) < 0 || (err = finish_parse(b)) < 0)
		goto done;
	t = now();
	if ((err = learn_chrome(b)) < 0)
		goto done;
	b->stats.learn_s = now() - t;
	t = now();
	if ((err = pool_for(b->pool, b->n, 16, sign_range, b)) < 0 ||
	    (err = report_rejects(b, 0, b->n)) < 0)
		goto done;
	b->stats.sign_s = now() - t;
	t = now();
	if ((err = link_all(b, &pairs)) < 0)
		goto done;
	b->stats.link_s = now() - t;
	b->stats.candidates = pairs.n;
	if (pairs.n && !(match = malloc(pairs.n))) {
		err = wd_fail_oom();
		goto done;
	}
	t = now();
	if ((err = pool_for(b->pool, pairs.n, 256, verify_range,
	                    &(verify_ctx){b, pairs.v, match})) < 0)
		goto done;
	b->stats.verify_s = now() - t;
	for (size_t i = 0; i < pairs.n; i++)
		b->stats.matches += match[i];
	t = now();
	err = group(b, &pairs, match);
	b->stats.group_s = now() - t;
done:
	free(pairs.v);
	free(match);
	return err;
}

size_t wd_batch_size(const wd_batch *b)
{
	return b->n_clustered;
}

int wd_batch_assignment(wd_assignment *out, const wd_batch *b, size_t i)
{
	if (i >= b->n_clustered)
		return wd_fail(WD_ENOTFOUND, "no clustered article #%zu", i);
	const slot *s = SLOT(b, b->clustered[i]);
	out->id = s->id;
	out->cluster = SLOT(b, s->root)->id;
	out->similarity = s->similarity;
	return WD_OK;
}

void wd_batch_get_stats(wd_batch_stats *out, const wd_batch *b)
{
	*out = b->stats;
	out->articles = b->n;
}

void wd_batch_close(wd_batch *b)
{
	if (!b)
		return;
	if (b->pool) {
		pool_wait(b->pool); /* a page may be in the works */
		pool_close(b->pool);
	}
	for (size_t i = 0; i < b->n; i++) {
		slot *s = SLOT(b, i);
		free(s->id);
		free(s->source);
		free(s->error);
		free(s->title);
		free(s->text);
		free(s->lines);
		doc_free(&s->doc);
	}
	for (size_t i = 0; b->filed && i < (size_t)b->threads * b->params.bands; i++)
		free(b->filed[i].v);
	free(b->filed);
	for (size_t i = 0; i < b->n_pages; i++)
		free(b->pages[i]);
	free(b->pages);
	free(b->ids);
	free(b->lines);
	free(b->clustered);
	chrome_free(&b->chrome);
	free(b);
}
