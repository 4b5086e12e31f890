/* cluster.c - stage 7: clusters are the connected components of verified
 * matches; each is named after its earliest published member. */
#include "index_internal.h"

#include "error.h"

#include <stdlib.h>
#include <string.h>

/* Is (ts_a, seq_a) earlier than (ts_b, seq_b)? Unknown times come last. */
static int earlier(int known_a, int64_t ts_a, int64_t seq_a,
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
		if (best == 0 || earlier(known, ts, reps[i], best_known, best_ts, best)) {
			best = reps[i];
			best_ts = ts;
			best_known = known;
		}
	}
	*rep = best;
	return WD_OK;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int cluster_merge(wd_index *ix, int64_t seq, const int64_t *new_ts,
                  const candidate_match *matches, size_t n)
{
	if (n == 0)
		return WD_OK; /* the article stays its own cluster */
	int64_t *reps = malloc(n * sizeof *reps), rep;
	size_t n_reps = 0;
	int err;
	if (!reps)
		return wd_fail_oom();
	for (size_t i = 0; i < n; i++)
		reps[i] = matches[i].cluster;
	qsort(reps, n, sizeof *reps, cmp_i64);
	for (size_t i = 0; i < n; i++)
		if (n_reps == 0 || reps[i] != reps[n_reps - 1])
			reps[n_reps++] = reps[i];

	if ((err = cluster_pick_representative(&rep, ix, reps, n_reps, seq, new_ts)) < 0)
		goto done;
	for (size_t i = 0; i < n_reps && err == WD_OK; i++)
		if (reps[i] != rep)
			err = store_relabel_cluster(&ix->store, reps[i], rep);
	if (err == WD_OK && rep != seq)
		err = store_relabel_cluster(&ix->store, seq, rep);
done:
	free(reps);
	return err;
}

/* Growable list of strings copied out of SQLite rows. */
typedef struct {
	char **v;
	size_t n, cap;
} str_list;

static int str_push(str_list *l, const char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return wd_fail_oom();
		l->v = v;
		l->cap = cap;
	}
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

	/* Read the cluster list first: the callback may call into the index. */
	sqlite3_stmt *s = store_stmt(&ix->store, ST_CLUSTER_LIST);
	sqlite3_bind_int64(s, 1, (int64_t)(min_size ? min_size : 1));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			int64_t *v = realloc(reps, cap * sizeof *v);
			if (!v) {
				err = wd_fail_oom();
				break;
			}
			reps = v;
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
	return err;
}
