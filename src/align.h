/*
 * align.h - the passages two word sequences share: maximal runs of at
 * least k equal words, chosen longest first and kept only when they agree
 * in order with those kept before (so the passages read in the same order
 * in both texts), a longer passage winning the words two would share.
 */
#ifndef WD_ALIGN_H
#define WD_ALIGN_H

#include <stddef.h>
#include <stdint.h>

typedef struct align_run {
	size_t a, b; /* first word in each sequence */
	size_t len;  /* words */
} align_run;

/*
 * Aligns a[0, na) with b[0, nb) (word hashes). *runs (malloc'd, free()
 * it; NULL when *n is 0) are sorted by position, increasing in both a and
 * b, disjoint, each at least k words (k >= 1). A word that occurs more
 * than 64 times as the start of a k-word phrase in b seeds no run there
 * (list items, repeated boilerplate), so the work stays near linear.
 */
int align_words(align_run **runs, size_t *n, const uint64_t *a, size_t na,
                const uint64_t *b, size_t nb, size_t k);

#endif
