/*
 * verify.h - stage 6: LSH candidates become matches only after their exact
 * shingle sets (story text, credit and chrome left out) are compared.
 */
#ifndef WD_VERIFY_H
#define WD_VERIFY_H

#include "doc.h"
#include "index_internal.h"

typedef struct verdict {
	uint64_t shared;    /* shingles in common */
	double jaccard;     /* shared / union */
	double containment; /* shared / the smaller set */
	int contained;      /* 1: a is the smaller, -1: b is, 0: same size */
	int lede_shared;    /* the longer one's lede is in the shorter one */
	int match;
} verdict;

/*
 * Compares two analysed articles. They match when their Jaccard passes the
 * threshold, or when the smaller is contained in the larger at least that
 * much and the copy is not a mere inset: the larger's lede is shared (a
 * trimmed copy keeps the beginning), or the two are of comparable size.
 */
void verify_docs(verdict *v, const wd_doc *a, const wd_doc *b, double threshold);

/*
 * Finds the verified matches of an analysed article, signed last (the LSH
 * keys in ix->keys), among the indexed articles other than self_seq (0:
 * none). *out is malloc'd, best first.
 */
int verify_candidates(candidate_match **out, size_t *n, wd_index *ix, const wd_doc *doc,
                      int64_t self_seq);

#endif
