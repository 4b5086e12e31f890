/* lsh.h - the LSH keys an article is filed under. */
#ifndef WD_LSH_H
#define WD_LSH_H

#include "wiredup.h"

/*
 * Shingles per window, and the step between windows. Besides its whole
 * signature, an article is filed under the signatures of overlapping
 * windows of its text: a short story carried inside a long page, or two
 * pages sharing a long passage, then meet in some band although their
 * whole-text Jaccard is small.
 */
enum { LSH_WINDOW = 96, LSH_STEP = 48 };

typedef struct band_key {
	uint32_t band;
	uint64_t key;
} band_key;

/*
 * The distinct band keys of an article: those of sig (its whole-text
 * signature) and of every window of its shingles in text order.
 * *keys is malloc'd.
 */
int lsh_article_keys(band_key **keys, size_t *n, const wd_params *p, const uint32_t *sig,
                     const uint64_t *order, size_t n_order);

#endif
