/*
 * store_research.h - the SQL of the syndication research outputs: who
 * reprinted a cluster's story, when, under which credit, and how much of
 * the representative each copy holds. Part of the store layer (SQL lives
 * here and in store.c only); kept apart from store.c so that the matching
 * schema and its hot paths stay as they are.
 *
 * Schema objects added (all views, nothing stored):
 *   cluster_members - one row per article with its cluster's research
 *                     figures (see docs/schema.md).
 * An index created before the view existed gets it the next time it is
 * opened for writing (wd_index_open); readers do not need it.
 */
#ifndef WD_STORE_RESEARCH_H
#define WD_STORE_RESEARCH_H

#include "store.h"

/*
 * A copy is "trimmed" when nearly all of it is in the representative
 * (member_in_representative >= TRIM_CONTAINMENT) and it is clearly shorter
 * (its shingles < TRIM_SHORTER x the representative's). The SQL of the
 * view states the same rule with the same numbers.
 */
#define TRIM_CONTAINMENT 0.8
#define TRIM_SHORTER 0.9

/* Creates the research views when the index lacks them (one transaction). */
int store_research_migrate(wd_store *st);

/* One member of a cluster as the database has it; strings are valid
 * until the next step of the statement. */
typedef struct store_member_row {
	int64_t seq;
	const char *cluster;       /* the representative's id */
	int64_t position;          /* 1: the representative */
	const char *id, *source, *published;
	int has_ts;
	int64_t published_ts;
	int has_lag;
	int64_t lag_seconds;
	const char *credit_agency; /* the member's own, NULL if none */
	const char *cluster_agency;
	int credits_agency;        /* 1, 0, or -1 when the cluster has no agency */
	int uncredited;
	uint64_t shingles, representative_shingles;
	int has_shared;            /* 0: no direct match with the representative */
	uint64_t shared;
} store_member_row;

/*
 * Calls fn for every member of the cluster whose representative is
 * rep_seq, earliest first. A non-zero return from fn stops the walk and
 * is returned. Uses a private statement: fn may use the cached ones.
 */
int store_cluster_members(wd_store *st, int64_t rep_seq,
                          int (*fn)(const store_member_row *row, void *ctx), void *ctx);

#endif
