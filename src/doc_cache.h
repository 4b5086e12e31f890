/*
 * doc_cache.h - analysed stored articles kept in memory, so that an
 * article that is a candidate again and again (copies of one story arrive
 * together) is not parsed again each time. Only what verification reads
 * is kept: the shingle set and order, and the figures.
 */
#ifndef WD_DOC_CACHE_H
#define WD_DOC_CACHE_H

#include "doc.h"

enum { DOC_CACHE_SLOTS = 4096 }; /* a power of two */

typedef struct doc_cache_entry {
	int64_t seq;         /* 0: empty */
	uint64_t source_key; /* to drop an outlet's entries when its chrome changes */
	wd_doc doc;          /* set, order and numbers only */
} doc_cache_entry;

typedef struct doc_cache {
	doc_cache_entry *slots;
} doc_cache;

/* The cached analysis of seq, or NULL. Valid until the next put or drop. */
const wd_doc *doc_cache_get(const doc_cache *c, int64_t seq);

/* Keeps doc's set and order for seq (taking them from doc); returns the
 * cached copy, or NULL when there is no memory for the cache (doc is then
 * left as it was). */
const wd_doc *doc_cache_put(doc_cache *c, int64_t seq, uint64_t source_key, wd_doc *doc);

/* Forgets one article, or every article of an outlet. */
void doc_cache_drop(doc_cache *c, int64_t seq);
void doc_cache_drop_source(doc_cache *c, uint64_t source_key);

void doc_cache_free(doc_cache *c);

#endif
