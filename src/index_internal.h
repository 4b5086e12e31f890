/* index_internal.h - the wd_index handle, shared by index.c and cluster.c. */
#ifndef WD_INDEX_INTERNAL_H
#define WD_INDEX_INTERNAL_H

#include "store.h"

struct wd_index {
	wd_store store;
	wd_params params;
	int in_batch;
	/* scratch owned by the handle, reused across calls */
	uint32_t *sig, *other_sig;
	char *assign_id, *assign_cluster;
};

/* A verified match found while adding or querying. */
typedef struct candidate_match {
	int64_t seq;
	int64_t cluster;
	double jaccard, containment, score;
} candidate_match;

/*
 * The representative among `n` cluster representatives plus, when
 * new_seq > 0, the new article (published at *new_ts, NULL if unknown):
 * the earliest published, ties and unknown times broken by ingest order.
 */
int cluster_pick_representative(int64_t *rep, wd_index *ix, const int64_t *reps,
                                 size_t n, int64_t new_seq, const int64_t *new_ts);

/* Merges the clusters of `matches` and the new article `seq` into one. */
int cluster_merge(wd_index *ix, int64_t seq, const int64_t *new_ts,
                  const candidate_match *matches, size_t n);

#endif
