/* batch_stages.c - the batch job's stages over plain arrays (see
 * batch_stages.h): the code every way of running the job shares. */
#include "batch_stages.h"

#include "error.h"
#include "verify.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>

/* ---- learn: a chrome_table in memory ---- */

/* What is learned about one line of one outlet. */
typedef struct line_entry {
	uint64_t key; /* chrome_line_key; 0 = empty */
	uint64_t line;
	int64_t first;
	int chrome;
} line_entry;

typedef struct line_table {
	line_entry *v;
	size_t n, cap;
	const learn_item *items;
	size_t n_items;
} line_table;

static int lines_grow(line_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1 << 16;
	line_entry *e = calloc(cap, sizeof *e);
	if (!e)
		return wd_fail_oom();
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->v[i].key)
			continue;
		size_t j = t->v[i].key & (cap - 1);
		while (e[j].key)
			j = (j + 1) & (cap - 1);
		e[j] = t->v[i];
	}
	free(t->v);
	t->v = e;
	t->cap = cap;
	return WD_OK;
}

static line_entry *line_slot(const line_table *t, const char *source, uint64_t line)
{
	uint64_t key = chrome_line_key(chrome_source_key(source), line);
	size_t j = key & (t->cap - 1);
	while (t->v[j].key && t->v[j].key != key)
		j = (j + 1) & (t->cap - 1);
	return &t->v[j];
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
	line_table *t = ctx;
	int err;
	if ((t->n + 1) * 2 > t->cap && (err = lines_grow(t)) < 0)
		return err;
	line_entry *e = line_slot(t, source, line);
	if (!e->key) {
		e->key = chrome_line_key(chrome_source_key(source), line);
		e->line = line;
		t->n++;
	}
	e->first = first;
	if (chrome) /* 0 only moves the reference (as store_line_put) */
		e->chrome = chrome;
	return WD_OK;
}

/* The lines of the item numbered seq (items are sorted by seq). */
static int mem_article_lines(void *ctx, int64_t seq, void **blob, size_t *bytes)
{
	const line_table *t = ctx;
	size_t lo = 0, hi = t->n_items;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->items[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == t->n_items || t->items[lo].seq != seq)
		return wd_fail(WD_ERROR, "chrome learning: no article #%lld", (long long)seq);
	const learn_item *it = &t->items[lo];
	if (!(*blob = malloc(it->bytes ? it->bytes : 1)))
		return wd_fail_oom();
	memcpy(*blob, it->lines, it->bytes);
	*bytes = it->bytes;
	return WD_OK;
}

/* An item with its outlet's key, to sort by outlet. */
typedef struct keyed_item {
	uint64_t source_key;
	learn_item item;
} keyed_item;

static int cmp_keyed(const void *a, const void *b)
{
	const keyed_item *x = a, *y = b;
	if (x->source_key != y->source_key)
		return x->source_key < y->source_key ? -1 : 1;
	return (x->item.seq > y->item.seq) - (x->item.seq < y->item.seq);
}

/* One outlet's articles: items [begin, begin + n) of learn_ctx.items. */
typedef struct outlet {
	size_t begin, n;
} outlet;

static int cmp_outlet_size(const void *a, const void *b)
{
	const outlet *x = a, *y = b;
	return (x->n < y->n) - (x->n > y->n); /* largest first */
}

typedef struct learn_ctx {
	const learn_item *items; /* by outlet, then seq */
	const outlet *outlets;
	chrome_model *models;    /* per worker */
	learned_lines *tables;   /* per worker, or NULL: not kept */
} learn_ctx;

/* Appends an outlet's table to out. */
static int keep_table(learned_lines *out, const line_table *t, const char *source)
{
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->v[i].key)
			continue;
		if (wd_grow(&out->v, &out->cap, out->n, sizeof *out->v, 1024) < 0)
			return wd_fail_oom();
		out->v[out->n++] = (learned_line){source, t->v[i].line, t->v[i].first,
		                                  t->v[i].chrome};
	}
	return WD_OK;
}

/* Learns outlets [begin, end), each with a table of its own lines. */
static int learn_outlets(void *ctx, size_t begin, size_t end, unsigned worker)
{
	const learn_ctx *lc = ctx;
	i64_vec newly = {0};
	int err = WD_OK;
	for (size_t o = begin; o < end && err == WD_OK; o++) {
		const learn_item *items = lc->items + lc->outlets[o].begin;
		line_table t = {.items = items, .n_items = lc->outlets[o].n};
		chrome_table table = {mem_line_get, mem_line_put, mem_article_lines, &t};
		err = lines_grow(&t);
		for (size_t i = 0; i < t.n_items && err == WD_OK; i++) {
			newly.n = 0; /* nothing to re-sign: nothing is signed yet */
			err = chrome_learn(&lc->models[worker], &table, items[i].seq, items[i].source,
			                   items[i].lines, items[i].bytes, &newly);
		}
		if (err == WD_OK && lc->tables)
			err = keep_table(&lc->tables[worker], &t, items[0].source);
		free(t.v);
	}
	i64_free(&newly);
	return err;
}

int stage_learn(chrome_model *m, const learn_item *items, size_t n, wd_pool *pool,
                learned_lines *table)
{
	unsigned threads = pool ? pool_threads(pool) : 1;
	keyed_item *keyed = malloc((n ? n : 1) * sizeof *keyed);
	learn_item *sorted = malloc((n ? n : 1) * sizeof *sorted);
	outlet *outlets = malloc((n ? n : 1) * sizeof *outlets);
	chrome_model *models = calloc(threads, sizeof *models);
	learned_lines *tables = table ? calloc(threads, sizeof *tables) : NULL;
	size_t n_keyed = 0, n_outlets = 0;
	int err = WD_OK;
	if (!keyed || !sorted || !outlets || !models || (table && !tables)) {
		err = wd_fail_oom();
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t key = chrome_source_key(items[i].source);
		if (key) /* no outlet: nothing to learn */
			keyed[n_keyed++] = (keyed_item){key, items[i]};
	}
	qsort(keyed, n_keyed, sizeof *keyed, cmp_keyed);
	for (size_t i = 0; i < n_keyed; i++) {
		sorted[i] = keyed[i].item;
		if (i == 0 || keyed[i].source_key != keyed[i - 1].source_key)
			outlets[n_outlets++] = (outlet){i, 0};
		outlets[n_outlets - 1].n++;
	}
	free(keyed);
	keyed = NULL;
	/* the largest outlets first, so that no worker is left with one at the end */
	qsort(outlets, n_outlets, sizeof *outlets, cmp_outlet_size);
	learn_ctx lc = {sorted, outlets, models, tables};
	if (pool)
		err = pool_for(pool, n_outlets, 1, learn_outlets, &lc);
	else
		err = learn_outlets(&lc, 0, n_outlets, 0);
	/* the workers' lines, into m */
	for (unsigned w = 0; w < threads && err == WD_OK; w++)
		for (size_t i = 0; i < models[w].cap && err == WD_OK; i++)
			if (models[w].keys[i])
				err = chrome_add_key(m, models[w].keys[i]);
	if (tables && err == WD_OK) { /* the workers' tables, into table */
		size_t total = table->n;
		for (unsigned w = 0; w < threads; w++)
			total += tables[w].n;
		learned_line *v = realloc(table->v, (total ? total : 1) * sizeof *v);
		if (!v) {
			err = wd_fail_oom();
			goto done;
		}
		table->v = v;
		table->cap = total ? total : 1;
		for (unsigned w = 0; w < threads; w++) {
			if (tables[w].n) /* else its v may be NULL */
				memcpy(v + table->n, tables[w].v, tables[w].n * sizeof *v);
			table->n += tables[w].n;
		}
	}
done:
	for (unsigned w = 0; tables && w < threads; w++)
		free(tables[w].v);
	free(tables);
	for (unsigned w = 0; models && w < threads; w++)
		chrome_free(&models[w]);
	free(models);
	free(keyed);
	free(sorted);
	free(outlets);
	return err;
}

/* ---- sign ---- */

int stage_sign(band_key **keys, size_t *n_keys, uint32_t *sig, wd_doc *doc,
               const char *source, const chrome_model *m, const wd_params *p)
{
	int err;
	*keys = NULL;
	*n_keys = 0;
	chrome_mark_doc(doc, m, source);
	if ((err = doc_shingle(doc, p->shingle_words, p->seed)) < 0)
		return err;
	err = lsh_sign(sig, keys, n_keys, p, doc->order, doc->n_order);
	doc_strip(doc);
	return err;
}

/* ---- link ---- */

int entry_push(entry_vec *ev, uint64_t key, uint32_t slot)
{
	if (wd_grow(&ev->v, &ev->cap, ev->n, sizeof *ev->v, 1024) < 0)
		return wd_fail_oom();
	ev->v[ev->n++] = (key_entry){key, slot, 0};
	return WD_OK;
}

static size_t pair_home(size_t cap, uint64_t pair)
{
	return (size_t)((pair * 0x9E3779B97F4A7C15ULL) >> 20) & (cap - 1);
}

static size_t pair_slot(const uint64_t *set, size_t cap, uint64_t pair)
{
	size_t j = pair_home(cap, pair);
	while (set[j] && set[j] != pair)
		j = (j + 1) & (cap - 1);
	return j;
}

/* A copy shares many keys with each of its copies, so most pairs come
 * again and again: the set keeps each once. */
int link_add_pair(link_worker *w, uint64_t pair)
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

/* How many pairs wait to be added while their places in the set, far
 * larger than the caches, are fetched. */
enum { PAIRS_AHEAD = 16 };

typedef struct pair_ring {
	uint64_t v[PAIRS_AHEAD];
	size_t n; /* pairs queued so far; the last PAIRS_AHEAD still wait */
} pair_ring;

static int ring_add(link_worker *w, pair_ring *r, uint64_t pair)
{
	int err = WD_OK;
	size_t k = r->n % PAIRS_AHEAD;
	if (r->n >= PAIRS_AHEAD)
		err = link_add_pair(w, r->v[k]);
	if (w->cap_pairs)
		__builtin_prefetch(&w->pairs[pair_home(w->cap_pairs, pair)]);
	r->v[k] = pair;
	r->n++;
	return err;
}

static int ring_flush(link_worker *w, pair_ring *r)
{
	int err = WD_OK;
	for (size_t i = r->n > PAIRS_AHEAD ? r->n - PAIRS_AHEAD : 0; i < r->n && err == WD_OK; i++)
		err = link_add_pair(w, r->v[i % PAIRS_AHEAD]);
	r->n = 0;
	return err;
}

/* Where the table starts looking for key. */
static size_t table_slot(uint64_t key, size_t cap)
{
	return (size_t)(key ^ key >> 29) & (cap - 1);
}

/* How many entries ahead link_band fetches table slots. */
enum { LINK_AHEAD = 16 };

/* Each entry meets the earlier entries with its key through a chain. */
int link_band(link_worker *w, entry_vec *const *parts, size_t n_parts)
{
	size_t n = 0;
	int err;
	for (size_t q = 0; q < n_parts; q++)
		n += parts[q]->n;
	if ((err = table_reset(w, n)) < 0)
		return err;
	size_t base = 0, cap = w->cap_table;
	pair_ring ring = {.n = 0};
	for (size_t q = 0; q < n_parts; base += parts[q]->n, q++) {
		key_entry *v = parts[q]->v;
		for (size_t e = 0; e < parts[q]->n && err == WD_OK; e++) {
			/* the table is far larger than the caches and keys are random:
			 * fetch the slots of an entry a few ahead while this one waits */
			if (e + LINK_AHEAD < parts[q]->n) {
				size_t a = table_slot(v[e + LINK_AHEAD].key, cap);
				__builtin_prefetch(&w->table_last[a]);
				__builtin_prefetch(&w->table_keys[a]);
			}
			size_t j = table_slot(v[e].key, cap);
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
				if (x != y)
					err = ring_add(w, &ring, x << 32 | y);
				p = o->next;
			}
		}
	}
	if (err == WD_OK)
		err = ring_flush(w, &ring);
	return err;
}

int link_merge(link_worker *into, const link_worker *from)
{
	pair_ring ring = {.n = 0};
	int err = WD_OK;
	for (size_t i = 0; i < from->cap_pairs && err == WD_OK; i++)
		if (from->pairs[i])
			err = ring_add(into, &ring, from->pairs[i]);
	return err == WD_OK ? ring_flush(into, &ring) : err;
}

int link_take_pairs(uint64_t **pairs, size_t *n, link_worker *w)
{
	*n = 0;
	if (!(*pairs = malloc((w->n_pairs + 1) * sizeof **pairs)))
		return wd_fail_oom();
	for (size_t i = 0; i < w->cap_pairs; i++)
		if (w->pairs[i])
			(*pairs)[(*n)++] = w->pairs[i];
	free(w->pairs);
	w->pairs = NULL;
	w->n_pairs = w->cap_pairs = 0;
	return WD_OK;
}

void link_worker_free(link_worker *w)
{
	free(w->pairs);
	free(w->table_keys);
	free(w->table_last);
	memset(w, 0, sizeof *w);
}

/* ---- verify and group ---- */

int stage_match(const wd_doc *later, const wd_doc *earlier, double threshold)
{
	verdict v;
	verify_docs(&v, later, earlier, threshold);
	return v.match;
}

double stage_similarity(const wd_doc *member, const wd_doc *rep, double threshold)
{
	verdict v;
	verify_docs(&v, member, rep, threshold);
	return v.jaccard > v.containment ? v.jaccard : v.containment;
}

static size_t find_root(size_t *parent, size_t i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

int stage_components(size_t *rep, size_t n, const uint64_t *pairs,
                     const unsigned char *match, size_t n_pairs,
                     const unsigned char *skip, earlier_fn earlier, void *ctx)
{
	size_t *parent = malloc((n ? n : 1) * sizeof *parent);
	if (!parent)
		return wd_fail_oom();
	for (size_t i = 0; i < n; i++) {
		parent[i] = i;
		rep[i] = (size_t)-1;
	}
	for (size_t i = 0; i < n_pairs; i++) {
		if (match && !match[i])
			continue;
		size_t x = find_root(parent, pairs[i] >> 32);
		size_t y = find_root(parent, pairs[i] & UINT32_MAX);
		if (x != y)
			parent[x > y ? x : y] = x < y ? x : y;
	}
	/* rep[root] collects the earliest member; then each item takes its
	 * root's (a root's own entry never changes in that pass) */
	for (size_t i = 0; i < n; i++) {
		if (skip && skip[i])
			continue;
		size_t r = find_root(parent, i);
		if (rep[r] == (size_t)-1 || earlier(i, rep[r], ctx))
			rep[r] = i;
	}
	for (size_t i = 0; i < n; i++)
		if (!skip || !skip[i])
			rep[i] = rep[find_root(parent, i)];
	free(parent);
	return WD_OK;
}
