/*
 * evict.c - deleting articles: one by id, or every article older than a
 * time (a sliding window). Clusters the deleted articles belonged to are
 * rebuilt from the matches that remain.
 */
#include "index_internal.h"

#include "error.h"
#include "vec.h"

#include <stdlib.h>

/* Removes article seq and all that points to it, except its cluster
 * label, which the caller rebuilds; appends that label to *labels. */
static int delete_one(wd_index *ix, int64_t seq, i64_vec *labels)
{
	void *lines = NULL;
	size_t bytes = 0;
	char *source = NULL;
	int err;

	if ((err = store_ints(&ix->store, ST_CLUSTER_OF, "reading a cluster", labels, 1,
	                      seq)) < 0 ||
	    (err = store_source_of(&ix->store, seq, &source)) < 0 ||
	    (err = store_article_lines(&ix->store, seq, &lines, &bytes)) < 0 ||
	    (err = chrome_forget(&ix->store, seq, source, lines, bytes)) < 0 ||
	    (err = store_run(&ix->store, ST_DELETE_BANDS_OF, "removing LSH bands", 1, seq)) < 0 ||
	    (err = store_run(&ix->store, ST_DELETE_MATCHES, "removing matches", 1, seq)) < 0 ||
	    (err = store_run(&ix->store, ST_DELETE_ARTICLE, "deleting an article", 1, seq)) < 0)
		goto done;
	doc_cache_drop(&ix->cache, seq);
done:
	free(lines);
	free(source);
	return err;
}

/* Deletes the n articles of seqs, then rebuilds each cluster they were
 * in once. */
static int delete_seqs(wd_index *ix, const int64_t *seqs, size_t n)
{
	i64_vec labels = {0}, max_before = {0}, max_after = {0};
	int err;

	if ((err = store_ints(&ix->store, ST_MAX_SEQ, "reading ingest numbers", &max_before,
	                      0)) < 0)
		goto done;
	for (size_t i = 0; i < n && err == WD_OK; i++)
		err = delete_one(ix, seqs[i], &labels);
	i64_sort_unique(&labels);
	for (size_t i = 0; i < labels.n && err == WD_OK; i++)
		err = cluster_rebuild(ix, labels.v[i]);
	if (err < 0 || (err = store_ints(&ix->store, ST_MAX_SEQ, "reading ingest numbers",
	                                 &max_after, 0)) < 0)
		goto done;
	/* The newest articles went: their ingest numbers will be given again,
	 * so what other handles cached under them must go (the change log
	 * tells them). */
	for (int64_t seq = max_after.n ? max_after.v[0] + 1 : 1;
	     max_before.n && seq <= max_before.v[0] && err == WD_OK; seq++)
		err = index_note_freed(ix, seq);
done:
	i64_free(&labels);
	i64_free(&max_before);
	i64_free(&max_after);
	return err;
}

static int delete_write(wd_index *ix, void *ctx)
{
	const char *id = ctx;
	int64_t seq;
	uint64_t hash;
	int found = store_find_id(&ix->store, id, &seq, &hash);
	if (found < 0)
		return found;
	if (!found)
		return wd_fail(WD_ENOTFOUND, "no article '%s'", id);
	return delete_seqs(ix, &seq, 1);
}

int wd_index_delete(wd_index *ix, const char *id)
{
	if (!id)
		return wd_fail(WD_EINVAL, "no id given");
	return index_write(ix, delete_write, (void *)id);
}

typedef struct evict_call {
	int64_t before;
	size_t n;
} evict_call;

static int evict_write(wd_index *ix, void *ctx)
{
	evict_call *c = ctx;
	i64_vec old = {0};
	int err = store_ints(&ix->store, ST_OLDER_THAN, "finding old articles", &old, 1,
	                     c->before);
	if (err == WD_OK && old.n)
		err = delete_seqs(ix, old.v, old.n);
	c->n = err == WD_OK ? old.n : 0;
	i64_free(&old);
	return err;
}

int wd_index_evict(size_t *n_deleted, wd_index *ix, int64_t before)
{
	evict_call c = {before, 0};
	int err = index_write(ix, evict_write, &c);
	if (n_deleted)
		*n_deleted = err == WD_OK ? c.n : 0;
	return err;
}

void wd_index_set_cutoff(wd_index *ix, int64_t before)
{
	ix->cutoff = before;
}
