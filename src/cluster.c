/* cluster.c - stage 7: clusters are the connected components of verified
 * matches; each is named after its earliest published member. */
#include "index_internal.h"

#include "error.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>

int cluster_earlier(int known_a, int64_t ts_a, int64_t seq_a,
                   int known_b, int64_t ts_b, int64_t seq_b)
{
	if (known_a != known_b)
		return known_a;
	if (known_a && ts_a != ts_b)
		return ts_a < ts_b;
	return seq_a < seq_b;
}

int cluster_pick_representative(int64_t *rep, wd_index *ix, const int64_t *reps,
                                 size_t n, int64_t new_seq, const int64_t *new_ts)
{
	int best_known = new_ts != NULL;
	int64_t best_ts = new_ts ? *new_ts : 0, best = new_seq;
	for (size_t i = 0; i < n; i++) {
		int64_t ts = 0;
		int known = store_published_ts(&ix->store, reps[i], &ts);
		if (known < 0)
			return known;
		if (best == 0 || cluster_earlier(known, ts, reps[i], best_known, best_ts, best)) {
			best = reps[i];
			best_ts = ts;
			best_known = known;
		}
	}
	*rep = best;
	return WD_OK;
}

int cluster_union(wd_index *ix, int64_t own, const candidate_match *matches, size_t n)
{
	i64_vec labels = {0};
	int64_t rep;
	int err = WD_OK;
	if (n == 0)
		return WD_OK;
	if (i64_push(&labels, own) < 0)
		return wd_fail_oom();
	for (size_t i = 0; i < n; i++)
		if (i64_push(&labels, matches[i].cluster) < 0) {
			i64_free(&labels);
			return wd_fail_oom();
		}
	i64_sort_unique(&labels);
	if (labels.n > 1 &&
	    (err = cluster_pick_representative(&rep, ix, labels.v, labels.n, 0, NULL)) == WD_OK)
		for (size_t i = 0; i < labels.n && err == WD_OK; i++)
			if (labels.v[i] != rep)
				err = store_run(&ix->store, ST_RELABEL_CLUSTER, "merging clusters", 2,
				                labels.v[i], rep);
	i64_free(&labels);
	return err;
}

/* Union-find over member indices. */
static size_t find_root(size_t *parent, size_t i)
{
	while (parent[i] != i)
		i = parent[i] = parent[parent[i]];
	return i;
}

int cluster_rebuild(wd_index *ix, int64_t rep)
{
	i64_vec members = {0}, nb = {0}, comp = {0};
	size_t *parent = NULL;
	unsigned char *named = NULL;
	int err;

	if ((err = store_ints(&ix->store, ST_MEMBERS, "reading a cluster", &members, 1, rep)) < 0)
		goto done;
	if (members.n < 2) {
		/* one left (its representative was deleted): its own cluster */
		if (members.n == 1 && members.v[0] != rep)
			err = store_run(&ix->store, ST_SET_CLUSTER, "splitting a cluster", 2,
			                members.v[0], members.v[0]);
		goto done;
	}
	if (!(parent = malloc(members.n * sizeof *parent))) {
		err = wd_fail_oom();
		goto done;
	}
	for (size_t i = 0; i < members.n; i++)
		parent[i] = i;
	/* members are sorted by seq: find neighbours by binary search */
	for (size_t i = 0; i < members.n; i++) {
		nb.n = 0;
		if ((err = store_ints(&ix->store, ST_NEIGHBOURS, "reading matches", &nb, 1,
		                      members.v[i])) < 0)
			goto done;
		for (size_t k = 0; k < nb.n; k++) {
			int64_t *hit = bsearch(&nb.v[k], members.v, members.n, sizeof *members.v, i64_cmp);
			if (hit)
				parent[find_root(parent, i)] = find_root(parent, (size_t)(hit - members.v));
		}
	}
	/* Name each component after its earliest member. */
	if (!(named = calloc(members.n, 1))) {
		err = wd_fail_oom();
		goto done;
	}
	for (size_t i = 0; i < members.n && err == WD_OK; i++) {
		size_t root = find_root(parent, i);
		int64_t new_rep = 0;
		if (named[root])
			continue;
		named[root] = 1;
		comp.n = 0;
		for (size_t j = i; j < members.n && err == WD_OK; j++)
			if (find_root(parent, j) == root && i64_push(&comp, members.v[j]) < 0)
				err = wd_fail_oom();
		if (err == WD_OK)
			err = cluster_pick_representative(&new_rep, ix, comp.v, comp.n, 0, NULL);
		for (size_t j = 0; j < comp.n && err == WD_OK; j++)
			err = store_run(&ix->store, ST_SET_CLUSTER, "splitting a cluster", 2,
			                comp.v[j], new_rep);
	}
done:
	free(parent);
	free(named);
	i64_free(&comp);
	i64_free(&members);
	i64_free(&nb);
	return err;
}

/* Growable list of strings copied out of SQLite rows. */
typedef struct {
	char **v;
	size_t n, cap;
} str_list;

static int str_push(str_list *l, const char *s)
{
	if (wd_grow(&l->v, &l->cap, l->n, sizeof *l->v, 16) < 0)
		return wd_fail_oom();
	if (!(l->v[l->n] = strdup(s)))
		return wd_fail_oom();
	l->n++;
	return WD_OK;
}

static void str_clear(str_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts and deduplicates a list in place. */
static void str_unique(str_list *l)
{
	size_t n = 0;
	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof *l->v, cmp_str);
	for (size_t i = 0; i < l->n; i++) {
		if (n > 0 && strcmp(l->v[i], l->v[n - 1]) == 0)
			free(l->v[i]);
		else
			l->v[n++] = l->v[i];
	}
	l->n = n;
}

/* Collects the members of one cluster and reports it. */
static int report_cluster(wd_index *ix, int64_t rep, str_list *members,
                          str_list *sources, str_list *times,
                          int (*fn)(const wd_cluster *, void *), void *ctx)
{
	sqlite3_stmt *s = store_stmt(&ix->store, ST_CLUSTER_MEMBERS);
	int rc, err = WD_OK;
	sqlite3_bind_int64(s, 1, rep);
	while (err == WD_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *src = (const char *)sqlite3_column_text(s, 1);
		const char *pub = (const char *)sqlite3_column_text(s, 2);
		err = str_push(members, (const char *)sqlite3_column_text(s, 0));
		if (err == WD_OK && src)
			err = str_push(sources, src);
		if (err == WD_OK && pub)
			err = str_push(times, pub);
	}
	if (err == WD_OK && rc != SQLITE_DONE)
		err = store_fail(&ix->store, "reading cluster members");
	sqlite3_reset(s);
	if (err < 0)
		return err;
	if (members->n == 0)
		return WD_OK; /* merged away meanwhile (cannot happen in one snapshot) */

	/* Members come earliest first, so times (the known ones) are sorted
	 * by instant too; the first and last are the range. */
	str_unique(sources);
	wd_cluster c = {
		.id = members->v[0],
		.size = members->n,
		.members = (const char *const *)members->v,
		.sources = (const char *const *)sources->v,
		.n_sources = sources->n,
		.first_published = times->n ? times->v[0] : NULL,
		.last_published = times->n ? times->v[times->n - 1] : NULL,
	};
	return fn(&c, ctx);
}

int wd_index_foreach_cluster(wd_index *ix, size_t min_size,
                             int (*fn)(const wd_cluster *, void *), void *ctx)
{
	str_list members = {0}, sources = {0}, times = {0};
	int64_t *reps = NULL;
	size_t n = 0, cap = 0;
	int rc, err = WD_OK;

	/* One snapshot for the whole listing: a writer may merge clusters
	 * between two statements otherwise. */
	int own_txn = !ix->in_batch && sqlite3_get_autocommit(ix->store.db);
	if (own_txn && (err = store_exec(&ix->store, "BEGIN")) < 0)
		return err;

	/* Read the cluster list first: the callback may call into the index. */
	sqlite3_stmt *s = store_stmt(&ix->store, ST_CLUSTER_LIST);
	sqlite3_bind_int64(s, 1, (int64_t)(min_size ? min_size : 1));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (wd_grow(&reps, &cap, n, sizeof *reps, 256) < 0) {
			err = wd_fail_oom();
			break;
		}
		reps[n++] = sqlite3_column_int64(s, 0);
	}
	if (err == WD_OK && rc != SQLITE_DONE)
		err = store_fail(&ix->store, "listing clusters");
	sqlite3_reset(s);

	for (size_t i = 0; i < n && err == WD_OK; i++) {
		err = report_cluster(ix, reps[i], &members, &sources, &times, fn, ctx);
		str_clear(&members);
		str_clear(&sources);
		str_clear(&times);
	}
	free(members.v);
	free(sources.v);
	free(times.v);
	free(reps);
	if (own_txn)
		store_exec(&ix->store, err == WD_OK ? "COMMIT" : "ROLLBACK");
	return err;
}
