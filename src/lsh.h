/* lsh.h - the LSH keys an article is filed under. */
#ifndef WD_LSH_H
#define WD_LSH_H

#include "wiredup.h"

/*
 * Shingles per window, and the step between windows. Besides its whole
 * signature, an article is filed under the signatures of overlapping
 * windows of its text: a short story carried inside a long page, or two
 * pages sharing a long passage, then meet in some band although their
 * whole-text Jaccard is small. Windows have bands of their own
 * (window_bands of window_rows slots), after the text's bands; a text no
 * longer than a window is filed there under its whole signature.
 */
enum { LSH_WINDOW = 96, LSH_STEP = 48 };

typedef struct band_key {
	uint32_t band;
	uint64_t key;
} band_key;

/* The bands keys are filed in: the text's, then the windows'. */
uint32_t lsh_band_count(const wd_params *p);

/*
 * Signs an article from its shingles in text order: *sig (num_perm slots)
 * is the MinHash signature of the whole text (equal to wd_minhash over its
 * distinct shingles), and *keys (malloc'd, sorted, distinct) the band keys
 * of that signature and of every window of the text. With window_bands 0
 * (an index made before windows had bands of their own) the windows are
 * filed in the text's bands.
 */
int lsh_sign(uint32_t *sig, band_key **keys, size_t *n, const wd_params *p,
             const uint64_t *order, size_t n_order);

#endif
