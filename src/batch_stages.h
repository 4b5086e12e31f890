/*
 * batch_stages.h - the batch job's stages over plain arrays, so that every
 * way of running the job runs the same code: wd_batch_run (one process),
 * the stage commands (wiredup learn, sign, verify, cluster) and wiredup-mpi
 * (src/mpi/), which runs each stage on the share of the data a rank holds.
 *
 *   learn   stage_learn: chrome per outlet, articles in input order
 *   sign    stage_sign: learned chrome marked, shingles, LSH band keys
 *   link    link_band: the pairs of articles that share a key of a band
 *   verify  stage_match: a candidate pair compared exactly
 *   group   stage_components: union-find, the earliest member of each
 *           component; stage_similarity: a member against it
 *
 * Articles are numbered by input order ("ordinals"; uint32_t, so a job
 * holds at most 2^32 - 1 of them), and a pair of articles x < y is the
 * uint64_t x << 32 | y.
 */
#ifndef WD_BATCH_STAGES_H
#define WD_BATCH_STAGES_H

#include "chrome.h"
#include "doc.h"
#include "lsh.h"
#include "pool.h"

#include <stdint.h>

/* ---- learn ---- */

/* An article as chrome learning sees it. */
typedef struct learn_item {
	int64_t seq;        /* its place in input order, >= 1 */
	const char *source; /* its outlet (NULL: it teaches nothing) */
	const void *lines;  /* chrome_lines_blob */
	size_t bytes;
} learn_item;

/* What learning ends with for one line of one outlet: the rows of an
 * index's source_lines (written by an index made from the job). */
typedef struct learned_line {
	const char *source; /* an item's */
	uint64_t line;
	int64_t first;      /* the seq of the article it is compared with */
	int chrome;
} learned_line;

typedef struct learned_lines {
	learned_line *v;
	size_t n, cap;
} learned_lines;

/*
 * Learns each outlet's chrome into *m from items, which are sorted by seq
 * (input order). The outlets are independent: items that hold every
 * article of some outlets, in input order, teach exactly what the whole
 * input teaches about those outlets. So each outlet is learned on its
 * own, with a table of its lines alone (memory follows the largest
 * outlet, not the input), on the workers of pool (NULL: this thread).
 * When table is not NULL, every outlet's table is appended to it too, in
 * no particular order.
 */
int stage_learn(chrome_model *m, const learn_item *items, size_t n, wd_pool *pool,
                learned_lines *table);

/* ---- sign ---- */

/*
 * Signs a parsed article of `source` with the chrome model m: learned
 * lines marked, shingles (then what only shingling needs is freed: the doc
 * keeps what verification reads), MinHash signature in sig (num_perm
 * slots), and *keys (malloc'd) its band keys. WD_EINPUT (with a message)
 * when nothing is left to match on.
 */
int stage_sign(band_key **keys, size_t *n_keys, uint32_t *sig, wd_doc *doc,
               const char *source, const chrome_model *m, const wd_params *p);

/* ---- link ---- */

/* An article filed under an LSH key of one band. */
typedef struct key_entry {
	uint64_t key;
	uint32_t slot; /* its ordinal */
	uint32_t next; /* the previous entry with the same key, + 1; 0: none */
} key_entry;

typedef struct entry_vec {
	key_entry *v;
	size_t n, cap;
} entry_vec;

/* Appends (key, slot); 0 or WD_ENOMEM. */
int entry_push(entry_vec *ev, uint64_t key, uint32_t slot);

/* A linker: a table of the last entry per key (reused band after band),
 * and the set of pairs found (open addressing; a pair is never 0). */
typedef struct link_worker {
	uint64_t *table_keys;
	uint32_t *table_last;
	size_t cap_table;
	uint64_t *pairs;
	size_t n_pairs, cap_pairs;
} link_worker;

/*
 * Adds to w's set every pair of articles that share a key among the
 * entries of one band, given in n_parts parts (taken in turn). The work
 * is the entries plus the pairs. The entries' `next` fields are used.
 */
int link_band(link_worker *w, entry_vec *const *parts, size_t n_parts);

/* Adds a pair to w's set (kept once). */
int link_add_pair(link_worker *w, uint64_t pair);

/* Adds the pairs of from's set to into's. */
int link_merge(link_worker *into, const link_worker *from);

/* Moves the pairs of w's set into a malloc'd array *pairs (in no order). */
int link_take_pairs(uint64_t **pairs, size_t *n, link_worker *w);

void link_worker_free(link_worker *w);

/* ---- verify and group ---- */

/* Does the later of two articles match the earlier (as an index compares
 * a new article with a stored one)? */
int stage_match(const wd_doc *later, const wd_doc *earlier, double threshold);

/* max(jaccard, containment) of a member and its cluster's representative. */
double stage_similarity(const wd_doc *member, const wd_doc *rep, double threshold);

/* Is item x earlier than item y (by cluster_earlier)? */
typedef int (*earlier_fn)(size_t x, size_t y, void *ctx);

/*
 * Union-find over items 0..n-1 joined by the pairs (x << 32 | y) for which
 * match is non-zero (match NULL: every pair): rep[i] is the earliest item
 * of i's component (by earlier) for every item that skip (may be NULL)
 * does not mark. Skipped items must be in no pair.
 */
int stage_components(size_t *rep, size_t n, const uint64_t *pairs,
                     const unsigned char *match, size_t n_pairs,
                     const unsigned char *skip, earlier_fn earlier, void *ctx);

#endif
