/*
 * txn.c - how a handle reads and writes: every write in a transaction (or
 * a savepoint of the open batch), every multi-statement read on one
 * snapshot, and what the handle keeps in memory (learned chrome, analysed
 * articles) refreshed when another handle of the same file made it stale.
 */
#include "index_internal.h"

#include "error.h"
#include "snapshot.h"

#include <stdio.h>

int index_write(wd_index *ix, int (*fn)(wd_index *, void *), void *ctx)
{
	int err, own = !ix->in_batch;
	/* Outside a batch the write is its own transaction; inside, a
	 * savepoint undoes a failed write without touching the rest of the
	 * batch. */
	if (own && (err = store_exec(&ix->store, "BEGIN IMMEDIATE")) < 0)
		return err;
	if ((own && (err = index_refresh(ix)) < 0) ||
	    (err = store_exec(&ix->store, "SAVEPOINT wd_write")) < 0)
		goto end;
	err = fn(ix, ctx);
	if (err < 0) {
		store_exec(&ix->store, "ROLLBACK TO wd_write");
		store_exec(&ix->store, "RELEASE wd_write");
	} else {
		err = store_exec(&ix->store, "RELEASE wd_write");
	}
end:
	if (own) {
		if (err >= 0) {
			int c = store_exec(&ix->store, "COMMIT");
			if (c < 0)
				err = c;
		}
		if (err < 0) {
			/* keep the write's message, not the rollback's */
			char msg[1024];
			snprintf(msg, sizeof msg, "%s", wd_last_error());
			store_exec(&ix->store, "ROLLBACK");
			wd_fail(err, "%s", msg);
		}
	}
	return err;
}

int index_read(wd_index *ix, int (*fn)(wd_index *, void *), void *ctx)
{
	int own, err = snapshot_begin(ix, &own);
	if (err == WD_OK)
		err = fn(ix, ctx);
	snapshot_end(ix, own, err);
	return err;
}

/* Rows kept in the change log: a handle further behind reloads. */
enum { CHANGES_KEPT = 100000 };

static int catch_up(int64_t epoch, const char *source, uint64_t line, int64_t freed_seq,
                    void *ctx)
{
	wd_index *ix = ctx;
	if (freed_seq) {
		doc_cache_drop(&ix->cache, freed_seq);
	} else {
		int err = chrome_add(&ix->chrome, source, line);
		if (err < 0)
			return err;
		doc_cache_drop_source(&ix->cache, chrome_source_key(source));
	}
	ix->epoch = epoch;
	return WD_OK;
}

int index_refresh(wd_index *ix)
{
	int64_t epoch, oldest;
	int err = store_epoch(&ix->store, &epoch, &oldest);
	if (err < 0 || epoch == ix->epoch)
		return err;
	if (ix->epoch >= 0 && ix->epoch + 1 >= oldest && ix->epoch < epoch)
		return store_changes_each(&ix->store, ix->epoch, catch_up, ix);
	/* too far behind, or told to forget everything (ix->epoch < 0) */
	chrome_free(&ix->chrome);
	doc_cache_free(&ix->cache);
	if ((err = chrome_load(&ix->chrome, &ix->store)) == WD_OK)
		ix->epoch = epoch;
	return err;
}

/* Keeps this handle current after its own note, pruning now and then. */
static int noted(wd_index *ix, int64_t epoch)
{
	ix->epoch = epoch;
	if (epoch % 1000 != 0 || epoch <= CHANGES_KEPT)
		return WD_OK;
	return store_run(&ix->store, ST_PRUNE_CHANGES, "pruning changes", 1,
	                 epoch - CHANGES_KEPT);
}

int index_note_chrome(wd_index *ix, const char *source, const i64_vec *lines)
{
	int64_t epoch;
	int err = WD_OK;
	for (size_t i = 0; i < lines->n && err == WD_OK; i++)
		if ((err = store_note_change(&ix->store, source, (uint64_t)lines->v[i], 0,
		                             &epoch)) == WD_OK)
			err = noted(ix, epoch);
	return err;
}

int index_note_freed(wd_index *ix, int64_t seq)
{
	int64_t epoch;
	int err = store_note_change(&ix->store, NULL, 0, seq, &epoch);
	return err < 0 ? err : noted(ix, epoch);
}

int index_too_old(wd_index *ix, int64_t seq)
{
	i64_vec t = {0};
	int err = store_ints(&ix->store, ST_ARTICLE_TIME, "reading an article's time", &t, 1, seq);
	int old = err == WD_OK && t.n && t.v[0] < ix->cutoff;
	i64_free(&t);
	return err < 0 ? err : old;
}

int wd_index_set_fsync(wd_index *ix, int every_commit)
{
	return store_exec(&ix->store, every_commit ? "PRAGMA synchronous = FULL"
	                                           : "PRAGMA synchronous = NORMAL");
}

int wd_index_rollback(wd_index *ix)
{
	if (!ix->in_batch)
		return wd_fail(WD_EINVAL, "no batch is open");
	char msg[1024];
	snprintf(msg, sizeof msg, "%s", wd_last_error());
	/* SQLite may have ended the transaction itself (a failed COMMIT of a
	 * full disk): then there is nothing left to roll back */
	if (!sqlite3_get_autocommit(ix->store.db))
		store_exec(&ix->store, "ROLLBACK");
	ix->in_batch = 0;
	/* what the handle learned or analysed in the batch is undone too */
	ix->epoch = -1;
	int err = index_refresh(ix);
	if (err == WD_OK)
		wd_fail(WD_OK, "%s", msg);
	return err;
}
