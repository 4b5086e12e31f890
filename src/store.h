/*
 * store.h - the SQLite side of an index: schema, parameters and typed
 * reads and writes. Nothing outside store.c writes SQL. Every value is
 * bound as a parameter, never formatted into SQL text.
 */
#ifndef WD_STORE_H
#define WD_STORE_H

#include "vec.h"
#include "wiredup.h"

#include <sqlite3.h>

#define WD_SCHEMA_VERSION 4

enum store_stmt {
	ST_FIND_ID,
	ST_BAND_LOOKUP,
	ST_LOAD_SIG,
	ST_REP_TIME,
	ST_INSERT_ARTICLE,
	ST_INSERT_BAND,
	ST_INSERT_MATCH,
	ST_RELABEL_CLUSTER,
	ST_ASSIGNMENT,
	ST_CLUSTER_LIST,
	ST_CLUSTER_MEMBERS,
	ST_ID_OF,
	ST_LINE_GET,
	ST_LINE_INSERT,
	ST_LINE_SET_CHROME,
	ST_LEARNED_ALL,
	ST_ARTICLE_LINES,
	ST_LOAD_TEXT,
	ST_UPDATE_SIG,
	ST_DELETE_BANDS_OF,
	ST_DELETE_MATCHES,
	ST_NEIGHBOURS,
	ST_MEMBERS,
	ST_SET_CLUSTER,
	ST_CLUSTER_OF,
	ST_EDGE,
	ST_CREDIT_OF,
	/* deletion, time windows, lookups (evict.c, lookup.c) */
	ST_SET_ADDED,
	ST_ARTICLE_TIME,
	ST_OLDER_THAN,
	ST_DELETE_ARTICLE,
	ST_MAX_SEQ,
	ST_LINE_FORGET,
	ST_ARTICLE_GET,
	ST_MATCHES_OF,
	ST_MATCH_INFO,
	ST_SOURCE_OF,
	ST_EPOCH,
	ST_CHANGES_SINCE,
	ST_NOTE_CHANGE,
	ST_PRUNE_CHANGES,
	ST_SET_SHINGLES,
	ST_LOAD_SHINGLES,
	ST_BULK_ARTICLE,
	ST_BULK_LINE,
	ST_ANY_ROWS,
	ST_COUNT
};

typedef struct wd_store {
	sqlite3 *db;
	sqlite3_stmt *stmt[ST_COUNT];
} wd_store;

/* Opens the database, creating it if `create`; *created says whether it
 * was new. A database that is not a wiredup index is left untouched. */
int store_open(wd_store *st, const char *path, int create, int *created);
void store_close(wd_store *st);

/* Reads the stored parameters (all zero if none) / stores them. */
int store_load_params(wd_store *st, wd_params *p);
int store_save_params(wd_store *st, const wd_params *p);

/* Runs SQL without results (BEGIN, SAVEPOINT, ...). */
int store_exec(wd_store *st, const char *sql);

/* 1 when the index holds articles or learned chrome, 0 when not, or an
 * error. */
int store_holds_anything(wd_store *st);

/* Looks up an id: 1 and seq/hash if present, 0 if not, < 0 on error. */
int store_find_id(wd_store *st, const char *id, int64_t *seq, uint64_t *hash);

/* Runs statement `which` with n_args int64 parameters, appending the
 * first column of every row to *out. */
int store_ints(wd_store *st, enum store_stmt which, const char *what, i64_vec *out,
               int n_args, ...);

/* Runs statement `which` (no rows) with n_args int64 parameters. */
int store_run(wd_store *st, enum store_stmt which, const char *what, int n_args, ...);

/* Decodes the signature of seq into sig (num_perm slots). */
int store_load_sig(wd_store *st, int64_t seq, uint32_t *sig, uint32_t num_perm,
                   uint64_t *n_shingles, int64_t *cluster);

/* Decodes a signature blob of `bytes` bytes; WD_EDB if the size is wrong. */
int store_decode_sig(uint32_t *sig, uint32_t num_perm, const void *blob, int bytes);

/* The publication time of seq: 1 and *ts if known, 0 if unknown. */
int store_published_ts(wd_store *st, int64_t seq, int64_t *ts);

typedef struct store_article {
	const wd_article *a;
	const char *credit_agency; /* "" when none */
	const char *credit_place;
	const void *lines;         /* the lines blob (see chrome.h) */
	size_t lines_bytes;
	int has_ts;
	int64_t published_ts;
	uint64_t content_hash;
	uint64_t n_shingles;
	const uint32_t *sig;
	uint32_t num_perm;
} store_article;

/* Inserts an article as its own cluster; *seq receives its number. */
int store_insert_article(wd_store *st, const store_article *art, int64_t *seq);
int store_insert_match(wd_store *st, int64_t a, int64_t b, double jaccard,
                       double containment, uint64_t shared);
int store_update_sig(wd_store *st, int64_t seq, uint64_t n_shingles,
                     const uint32_t *sig, uint32_t num_perm);

/* Learned chrome: a line of an outlet, whether it is chrome (1 found, 0 not). */
int store_line_get(wd_store *st, const char *source, uint64_t line, int64_t *first_seq,
                   int *chrome);
/* Records the article a line was last seen in as the same story (first_seq,
 * chrome 0; a new line or a newer reference), or sets its state (chrome 1,
 * or 2: a long line seen in two different stories) and reference. */
int store_line_put(wd_store *st, const char *source, uint64_t line, int64_t first_seq,
                   int chrome);
/* Calls fn for every line learned as chrome. */
int store_learned_each(wd_store *st, int (*fn)(const char *source, uint64_t line, void *),
                       void *ctx);
/* Stores what verification reads of an article (doc_pack bytes). */
int store_set_shingles(wd_store *st, int64_t seq, const void *packed, size_t bytes);
/* Those bytes (malloc'd; *packed NULL when the article has none stored, as
 * in an index older than schema 3) and the article's outlet (malloc'd,
 * NULL if none). */
int store_load_shingles(wd_store *st, int64_t seq, void **packed, size_t *bytes,
                        char **source);

/* The lines blob of an article (malloc'd copy). */
int store_article_lines(wd_store *st, int64_t seq, void **blob, size_t *bytes);
/* Calls fn for every article of an outlet, with its lines blob. */
int store_source_each(wd_store *st, const char *source,
                      int (*fn)(int64_t seq, const void *lines, size_t bytes, void *),
                      void *ctx);
/* What analysis needs of a stored article (malloc'd; NULL when absent). */
typedef struct stored_text {
	char *text, *source, *title;
	size_t len;
} stored_text;
int store_load_text(wd_store *st, int64_t seq, stored_text *out);
void stored_text_free(stored_text *t);
/* The stored match score (max of Jaccard and containment) of a and b:
 * 1 and *score if they matched directly, 0 if not. */
int store_edge_score(wd_store *st, int64_t a, int64_t b, double *score);

/* An article's credit (malloc'd strings, NULL when none). */
int store_credit_of(wd_store *st, int64_t seq, char **agency, char **place);

/* Copies the id of seq into a malloc'd string. */
int store_id_of(wd_store *st, int64_t seq, char **id);

/* Returns a reset statement from the cache, for the few readers that
 * step through rows themselves (assignment, clusters). */
sqlite3_stmt *store_stmt(wd_store *st, enum store_stmt which);

/* Forgets that line of source is compared with article first_seq, unless it is
 * learned chrome by now (rows of chrome stay: they describe the outlet). */
int store_line_forget(wd_store *st, const char *source, uint64_t line, int64_t first_seq);

/* Copies column i of the current row of s (NULL stays NULL) into a
 * malloc'd string; WD_OK or WD_ENOMEM. */
int store_column_dup(char **out, sqlite3_stmt *s, int i);

/* The outlet of seq (malloc'd, NULL when none). */
int store_source_of(wd_store *st, int64_t seq, char **source);

/*
 * The change log (table changes), for handles that keep things in memory
 * while another writes: each line learned as chrome and each freed ingest
 * number is a row, numbered by its epoch. store_epoch reads the newest and
 * oldest epoch kept (0 when none); store_note_change adds a row (a freed
 * seq when freed_seq != 0, else source's line) and says its epoch;
 * store_changes_each calls fn for the rows after `since`, in order.
 */
int store_epoch(wd_store *st, int64_t *epoch, int64_t *oldest);
int store_note_change(wd_store *st, const char *source, uint64_t line, int64_t freed_seq,
                      int64_t *epoch);
int store_changes_each(wd_store *st, int64_t since,
                       int (*fn)(int64_t epoch, const char *source, uint64_t line,
                                 int64_t freed_seq, void *ctx),
                       void *ctx);

/*
 * A new index written in one go (batch_index.c): store_bulk_begin opens one
 * transaction (WD_EINVAL if the index holds an article or learned chrome)
 * and drops the secondary indexes, setting their SQL aside in *bk; rows
 * are then inserted (best in primary-key order); store_bulk_commit makes
 * the indexes again and commits; store_bulk_abort rolls everything back.
 * Either way the index is left in WAL mode, as store_open leaves it.
 */
typedef struct store_index {
	char *name, *sql; /* sqlite3_malloc'd */
} store_index;

typedef struct store_bulk {
	store_index *indexes;
	size_t n, cap;
} store_bulk;

int store_bulk_begin(wd_store *st, store_bulk *bk);
/* An article with its number, cluster, time added and doc_pack bytes. */
int store_bulk_article(wd_store *st, const store_article *art, int64_t seq, int64_t cluster,
                       int64_t added, const void *packed, size_t packed_bytes);
/* A row of source_lines (store_line_put's). */
int store_bulk_line(wd_store *st, const char *source, uint64_t line, int64_t first_seq,
                    int chrome);
int store_bulk_commit(wd_store *st, store_bulk *bk);
void store_bulk_abort(wd_store *st, store_bulk *bk);

/* wd_fail(WD_EDB) with SQLite's message. */
int store_fail(wd_store *st, const char *what);

#endif
