/*
 * lookup.c - one stored article (fields, cluster, credit, matches), read
 * on one snapshot.
 */
#include "index_internal.h"

#include "error.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>

/* A stored match of the article looked up, before it is filled in. */
typedef struct edge {
	int64_t other;
	double jaccard, containment;
	uint64_t shared;
} edge;

/* Best first; ties by ingest order (as verification orders matches). */
static int cmp_edge(const void *a, const void *b)
{
	const edge *x = a, *y = b;
	double sx = x->jaccard > x->containment ? x->jaccard : x->containment;
	double sy = y->jaccard > y->containment ? y->jaccard : y->containment;
	if (sx != sy)
		return sx < sy ? 1 : -1;
	return (x->other > y->other) - (x->other < y->other);
}

/* Reads the stored matches of seq, best first. */
static int read_edges(edge **out, size_t *n, wd_store *st, int64_t seq)
{
	sqlite3_stmt *s = store_stmt(st, ST_MATCHES_OF);
	size_t cap = 0;
	int rc, err = WD_OK;
	*out = NULL;
	*n = 0;
	sqlite3_bind_int64(s, 1, seq);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (wd_grow(out, &cap, *n, sizeof **out, 16) < 0) {
			err = wd_fail_oom();
			break;
		}
		(*out)[(*n)++] = (edge){sqlite3_column_int64(s, 0), sqlite3_column_double(s, 1),
		                        sqlite3_column_double(s, 2),
		                        (uint64_t)sqlite3_column_int64(s, 3)};
	}
	if (err == WD_OK && rc != SQLITE_DONE)
		err = store_fail(st, "reading matches");
	sqlite3_reset(s);
	if (err == WD_OK && *n > 1)
		qsort(*out, *n, sizeof **out, cmp_edge);
	return err;
}

/* Fills in match m from edge e of an article of n_shingles shingles. */
static int fill_match(wd_match *m, wd_store *st, const edge *e, uint64_t n_shingles)
{
	sqlite3_stmt *s = store_stmt(st, ST_MATCH_INFO);
	int rc, err;
	sqlite3_bind_int64(s, 1, e->other);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? wd_fail(WD_EDB, "corrupt index: a match with "
		                                   "missing article #%lld", (long long)e->other)
		                         : store_fail(st, "reading a match");
	}
	uint64_t other_n = (uint64_t)sqlite3_column_int64(s, 5);
	m->jaccard = e->jaccard;
	m->containment = e->containment;
	m->score = e->jaccard > e->containment ? e->jaccard : e->containment;
	m->shared_shingles = e->shared;
	m->contained = n_shingles < other_n ? WD_CONTAINED_ARTICLE
	               : n_shingles > other_n ? WD_CONTAINED_MATCH : WD_CONTAINED_NEITHER;
	if ((err = store_column_dup(&m->id, s, 0)) == WD_OK &&
	    (err = store_column_dup(&m->cluster, s, 1)) == WD_OK &&
	    (err = store_column_dup(&m->source, s, 2)) == WD_OK &&
	    (err = store_column_dup(&m->credit_agency, s, 3)) == WD_OK)
		err = store_column_dup(&m->credit_place, s, 4);
	sqlite3_reset(s);
	return err;
}

/* What a lookup fills: a zeroed result, and the id asked about. */
typedef struct lookup_call {
	void *info;
	const char *id;
} lookup_call;

static int get_article(wd_index *ix, void *ctx)
{
	lookup_call *c = ctx;
	wd_article_info *a = c->info;
	sqlite3_stmt *s = store_stmt(&ix->store, ST_ARTICLE_GET);
	edge *edges = NULL;
	size_t n_edges = 0;
	int rc, err;

	sqlite3_bind_text(s, 1, c->id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? wd_fail(WD_ENOTFOUND, "no article '%s'", c->id)
		                         : store_fail(&ix->store, "reading an article");
	}
	a->seq = sqlite3_column_int64(s, 0);
	a->added = sqlite3_column_int64(s, 9);
	a->n_shingles = (uint64_t)sqlite3_column_int64(s, 10);
	/* the text may hold NUL bytes (the API takes a length): copy it whole */
	a->text_len = (size_t)sqlite3_column_bytes(s, 6);
	if (!(a->text = malloc(a->text_len + 1))) {
		err = wd_fail_oom();
	} else {
		if (a->text_len)
			memcpy(a->text, sqlite3_column_blob(s, 6), a->text_len);
		a->text[a->text_len] = '\0';
		char **cols[] = {&a->id, &a->title, &a->source, &a->published, &a->url};
		err = WD_OK;
		for (int i = 0; i < 5 && err == WD_OK; i++)
			err = store_column_dup(cols[i], s, i + 1);
		if (err == WD_OK && (err = store_column_dup(&a->credit_agency, s, 7)) == WD_OK &&
		    (err = store_column_dup(&a->credit_place, s, 8)) == WD_OK)
			err = store_column_dup(&a->cluster, s, 11);
	}
	sqlite3_reset(s);
	if (err == WD_OK && (err = read_edges(&edges, &n_edges, &ix->store, a->seq)) == WD_OK &&
	    n_edges && !(a->matches = calloc(n_edges, sizeof *a->matches)))
		err = wd_fail_oom();
	for (size_t i = 0; i < n_edges && err == WD_OK; i++) {
		a->n_matches = i + 1;
		err = fill_match(&a->matches[i], &ix->store, &edges[i], a->n_shingles);
	}
	free(edges);
	return err;
}

/* Allocates a zeroed result of `size` bytes and fills it with fn on one
 * snapshot; on failure frees it with free_fn. */
static int lookup(void **out, size_t size, wd_index *ix, const char *id,
                  int (*fn)(wd_index *, void *), void (*free_fn)(void *))
{
	lookup_call c = {NULL, id};
	int err;
	*out = NULL;
	if (!id)
		return wd_fail(WD_EINVAL, "no id given");
	if (!(c.info = calloc(1, size)))
		return wd_fail_oom();
	if ((err = index_read(ix, fn, &c)) < 0) {
		free_fn(c.info);
		return err;
	}
	*out = c.info;
	return WD_OK;
}

static void free_article_info(void *a)
{
	wd_article_info_free(a);
}

int wd_index_get_article(wd_article_info **out, wd_index *ix, const char *id)
{
	return lookup((void **)out, sizeof **out, ix, id, get_article, free_article_info);
}

void index_free_matches(wd_match *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].id);
		free(m[i].cluster);
		free(m[i].credit_agency);
		free(m[i].credit_place);
		free(m[i].source);
	}
	free(m);
}

void wd_article_info_free(wd_article_info *a)
{
	if (!a)
		return;
	index_free_matches(a->matches, a->n_matches);
	free(a->id);
	free(a->title);
	free(a->source);
	free(a->published);
	free(a->url);
	free(a->text);
	free(a->cluster);
	free(a->credit_agency);
	free(a->credit_place);
	free(a);
}
