/* index_internal.h - the wd_index handle, shared by the modules behind it. */
#ifndef WD_INDEX_INTERNAL_H
#define WD_INDEX_INTERNAL_H

#include "chrome.h"
#include "doc.h"
#include "doc_cache.h"
#include "store.h"

struct wd_index {
	wd_store store;
	wd_params params;
	chrome_model chrome;
	doc_cache cache;
	int in_batch;
	/* scratch owned by the handle, reused across calls */
	uint32_t *sig, *other_sig;
	struct band_key *keys; /* of the article signed last (sig) */
	size_t n_keys;
	char *assign_id, *assign_cluster;
	/* matching ignores articles whose time is before this (0: none) */
	int64_t cutoff;
	/* the change-log epoch that chrome and cache reflect (txn.c) */
	int64_t epoch;
};

/* A verified match found while adding or querying. */
typedef struct candidate_match {
	int64_t seq;
	int64_t cluster;
	double jaccard, containment, score;
	uint64_t shared;
	int contained; /* 1: the new article is the smaller, -1: the match is */
} candidate_match;

/* Analyses an article for matching: parse, learned chrome of its outlet,
 * shingles. */
int index_analyze(wd_doc *doc, wd_index *ix, const wd_article *a);

/* index_analyze of a stored article. */
int index_analyze_stored(wd_doc *doc, wd_index *ix, int64_t seq);

/* The analysis of a stored article, from the cache when it is there
 * (*doc is borrowed: valid until the next call). */
int index_stored_doc(const wd_doc **doc, wd_index *ix, int64_t seq);

/* Is (ts_a, seq_a) earlier than (ts_b, seq_b)? Times not known (known 0)
 * come last; ties go to the lower ingest number. */
int cluster_earlier(int known_a, int64_t ts_a, int64_t seq_a, int known_b, int64_t ts_b,
                    int64_t seq_b);

/*
 * The representative among `n` cluster representatives plus, when
 * new_seq > 0, a new article (published at *new_ts, NULL if unknown):
 * the earliest published, ties and unknown times broken by ingest order.
 */
int cluster_pick_representative(int64_t *rep, wd_index *ix, const int64_t *reps,
                                 size_t n, int64_t new_seq, const int64_t *new_ts);

/* Merges cluster `own` (the label of a stored article's cluster) with the
 * clusters of `matches` into one, named after its earliest member. */
int cluster_union(wd_index *ix, int64_t own, const candidate_match *matches, size_t n);

/* Recomputes the components of cluster `rep` from its stored matches
 * (after matches were removed), naming each after its earliest member. */
int cluster_rebuild(wd_index *ix, int64_t rep);

/* ---- transactions and freshness (txn.c) ---- */

/*
 * Runs fn(ix, ctx) as one write: in a savepoint inside an open batch, or
 * else in a transaction of its own, committed when fn succeeds. A failed
 * fn leaves nothing behind, and its message is kept.
 */
int index_write(wd_index *ix, int (*fn)(wd_index *ix, void *ctx), void *ctx);

/*
 * Runs fn(ix, ctx) on one snapshot of the index (a read transaction unless
 * one is open already), after index_refresh: a handle that lives long sees
 * a consistent index while another handle writes.
 */
int index_read(wd_index *ix, int (*fn)(wd_index *ix, void *ctx), void *ctx);

/* Catches up with the change log: chrome another handle learned is added
 * and the outlet's analysed articles dropped from the cache; freed ingest
 * numbers are dropped. A handle too far behind (the log is pruned) reloads
 * chrome and empties its cache. */
int index_refresh(wd_index *ix);

/* Notes in the change log what other handles must catch up on: lines of
 * source learned as chrome (this handle learned them already), or a
 * freed ingest number. */
int index_note_chrome(wd_index *ix, const char *source, const i64_vec *lines);
int index_note_freed(wd_index *ix, int64_t seq);

/* Frees n matches and their array (lookup.c). */
void index_free_matches(wd_match *m, size_t n);

/* Is article seq older than the handle's cutoff (1), or not (0)? */
int index_too_old(wd_index *ix, int64_t seq);

#endif
