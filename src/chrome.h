/*
 * chrome.h - page chrome learned per outlet. A line (by the hash of its
 * words) that an outlet prints in two *different* stories is chrome for
 * that outlet: menus, subscription blocks, disclaimers. The same story
 * printed twice by one outlet teaches nothing, because the two copies
 * share most of their text. What is learned lives in SQLite (source_lines)
 * and, for fast lookups, in memory.
 */
#ifndef WD_CHROME_H
#define WD_CHROME_H

#include "doc.h"
#include "store.h"

typedef struct chrome_model {
	uint64_t *keys; /* open addressing set of mix(source, line); 0 = empty */
	size_t n, cap;
} chrome_model;

/* Loads what an index has learned. */
int chrome_load(chrome_model *m, wd_store *st);
void chrome_free(chrome_model *m);

/* Adds a line another handle learned for source (from the change log). */
int chrome_add(chrome_model *m, const char *source, uint64_t line);

/* The key of an outlet name (0 for none: nothing is learned without one). */
uint64_t chrome_source_key(const char *source);

/* One key for a line of an outlet (never 0). */
uint64_t chrome_line_key(uint64_t source_key, uint64_t line);

/* Adds a key (chrome_line_key of an outlet and a line) to the model, as
 * learning does: for a model learned elsewhere (WD_EINVAL for 0). */
int chrome_add_key(chrome_model *m, uint64_t key);

/* Is `line` learned chrome of the outlet with key source_key? */
int chrome_is_learned(const chrome_model *m, uint64_t source_key, uint64_t line);

/* Marks the lines of doc that m has learned as chrome of `source`. */
void chrome_mark_doc(wd_doc *doc, const chrome_model *m, const char *source);

/*
 * An article's lines as stored in articles.lines: distinct line hashes,
 * sorted, each with its number of words (u64 + u32, little-endian).
 * *blob is malloc'd.
 */
int chrome_lines_blob(void **blob, size_t *bytes, const wd_doc *doc);

/*
 * Where what is learned per line lives: the index's source_lines table, or
 * the batch job's memory. get says 1 (found: *first is the first article
 * with the line, *chrome: 0 not chrome, 1 chrome, 2 a long line seen in
 * two different stories so far), 0 (never seen) or < 0; put records a line
 * first seen in `first` or a newer reference (chrome 0: what else is known
 * stays), or sets its state (1 or 2) and reference;
 * article_lines gives a malloc'd copy of an article's lines blob.
 */
typedef struct chrome_table {
	int (*get)(void *ctx, const char *source, uint64_t line, int64_t *first, int *chrome);
	int (*put)(void *ctx, const char *source, uint64_t line, int64_t first, int chrome);
	int (*article_lines)(void *ctx, int64_t seq, void **blob, size_t *bytes);
	void *ctx;
} chrome_table;

/* The table of an index: source_lines and articles.lines. */
chrome_table chrome_store_table(wd_store *st);

/*
 * Learns from article seq of `source` (lines as blob, known to the table):
 * records lines not seen before for the outlet and marks as chrome those
 * seen before in a different story (compared with the line's reference:
 * its first article, or a later one with more text of its own, so that a
 * line first seen in a short brief is still learned from the stories). Appends to *newly the lines that
 * became chrome now (the caller re-signs the outlet's articles with them).
 */
int chrome_learn(chrome_model *m, const chrome_table *t, int64_t seq, const char *source,
                 const void *blob, size_t bytes, i64_vec *newly);

/* Forgets the lines of `source` for which article seq (its lines blob)
 * is the one new articles are compared with, before it is deleted;
 * learned chrome stays. */
int chrome_forget(wd_store *st, int64_t seq, const char *source, const void *blob,
                  size_t bytes);

/* Does the lines blob contain any of the (sorted) line hashes in lines? */
int chrome_blob_has_any(const void *blob, size_t bytes, const i64_vec *lines);

#endif
