/*
 * wiredup.h - near-duplicate wire story detection.
 *
 * The one public header of libwiredup. Articles go through
 *
 *   normalize -> tokenize -> shingle -> MinHash sign -> LSH bands (SQLite)
 *   -> candidate verification -> clustering (union of verified matches)
 *
 * and land in an index: a SQLite database (a file, or memory) that keeps
 * the articles, their signatures, the LSH band keys, the verified matches
 * and the clusters.
 *
 * Conventions (after libgit2):
 *  - every fallible function returns int: WD_OK (0) or a negative wd_error;
 *    wd_last_error() then describes the failure (thread-local);
 *  - output parameters come first;
 *  - strings are UTF-8; the library copies what it keeps, and any string it
 *    hands back is either owned by a result object (freed with that object)
 *    or valid until the next call on the same handle, as documented;
 *  - the library never prints, never exits and never reads argv.
 */
#ifndef WIREDUP_H
#define WIREDUP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WD_VERSION "0.1.0"

/* Error codes. Negative, so that `if ((err = wd_x(...)) < 0)` works. */
typedef enum wd_error {
	WD_OK = 0,
	WD_ERROR = -1,      /* generic failure */
	WD_ENOMEM = -2,     /* out of memory */
	WD_EINVAL = -3,     /* invalid argument or parameter value */
	WD_EINPUT = -4,     /* the article is unusable (bad UTF-8, no words...) */
	WD_EDUPLICATE = -5, /* the id is indexed already, with other content */
	WD_EPARAMS = -6,    /* parameters differ from those the index was built with */
	WD_EDB = -7,        /* SQLite failed (message carries SQLite's) */
	WD_ENOTINDEX = -8,  /* the file is not a wiredup index, or a newer one */
	WD_ENOTFOUND = -9,  /* no such article */
	WD_EBUSY = -10,     /* another writer holds the index past the timeout */
	WD_EIO = -11        /* reading input failed (not a bad record: stop) */
} wd_error;

/* Describes the last failure of a wd_ call on this thread ("" if none). */
const char *wd_last_error(void);

/* A short name for an error code, e.g. "WD_EINPUT". */
const char *wd_error_name(int code);

/*
 * Matching parameters. Zero in a field means "unset": wd_index_open takes
 * the value the index was built with, or the default for a new index.
 * A set field that differs from what an existing index was built with is
 * an error (WD_EPARAMS), because signatures and band keys depend on it.
 */
typedef struct wd_params {
	uint32_t shingle_words; /* words per shingle (k); default 5 */
	uint32_t num_perm;      /* MinHash slots (K); default 128 */
	uint32_t bands;         /* LSH bands (b); default derived from lsh_threshold */
	uint32_t rows;          /* rows per band (r); b * r <= num_perm */
	double lsh_threshold;   /* Jaccard the LSH stage aims to catch; default 0.4 */
	double threshold;       /* a candidate matches when max(jaccard, containment)
	                           >= threshold, among other tests; default 0.45 */
	uint64_t seed;          /* hashing seed; default 1 (0 means unset) */
	/* The overlapping windows of 96 shingles that find a story inside a
	 * longer page have bands of their own: window_bands bands of
	 * window_rows slots each (window_bands * window_rows <= num_perm);
	 * default 14 x 3; either may be given alone. An index made before
	 * they existed reports 0 for both: its windows are filed in the
	 * text's bands (until it holds an article, a writer switches it). */
	uint32_t window_bands;
	uint32_t window_rows;
} wd_params;

/* Sets every field of *params to "unset". */
void wd_params_init(wd_params *params);

/*
 * Fills unset fields with defaults and derives bands x rows from
 * lsh_threshold when they are unset. Returns WD_EINVAL (with a message) if
 * the values are out of range or inconsistent.
 */
int wd_params_resolve(wd_params *params);

/*
 * The b x r split of num_perm that minimises the weighted sum of the
 * false-positive and false-negative areas of the LSH S-curve around
 * threshold (equal weights), as datasketch does.
 */
void wd_lsh_optimal_bands(uint32_t *bands, uint32_t *rows, uint32_t num_perm,
                          double threshold);

/*
 * One article as the caller hands it in. Every string is borrowed for the
 * duration of the call. id and text are required; the rest may be NULL.
 * published is ISO 8601 (e.g. 2018-07-15T07:54:28-04:00); anything the
 * library cannot parse is kept as given and treated as "time unknown".
 */
/* Longer ids are rejected (WD_EINPUT): an id names an article, and a
 * megabyte "id" is a broken record. */
#define WD_MAX_ID_BYTES 1024

typedef struct wd_article {
	const char *id;
	const char *text;
	size_t text_len; /* 0: strlen(text) */
	const char *title;
	const char *source;
	const char *published;
	const char *url;
} wd_article;

typedef struct wd_index wd_index;

/*
 * Opens (creating if needed) the index at path; NULL or ":memory:" is an
 * index in memory that is gone on close. params may be NULL (all unset).
 * Fails with WD_ENOTINDEX for a database that is not a wiredup index or
 * comes from a newer schema, WD_EPARAMS on a parameter mismatch.
 */
int wd_index_open(wd_index **out, const char *path, const wd_params *params);

/*
 * Opens an index that must exist already (WD_ENOTFOUND if path does not):
 * for readers, so that a mistyped path does not create an empty index.
 */
int wd_index_open_existing(wd_index **out, const char *path);

/* Closes the index, committing a batch that is still open. NULL is a no-op. */
int wd_index_close(wd_index *index);

/*
 * How long a write waits for another writer of the same index file before
 * failing with WD_EBUSY (default 5000 ms).
 */
int wd_index_set_busy_timeout(wd_index *index, int milliseconds);

/* The parameters the index runs with: all fields set, but window_bands and
 * window_rows, 0 in an index of the old layout (see wd_params). */
void wd_index_params(wd_params *out, const wd_index *index);

/*
 * Batches: between wd_index_begin and wd_index_commit every add shares one
 * SQLite transaction (much faster for bulk loads). Outside a batch each add
 * is its own transaction. A failed add inside a batch leaves the batch and
 * the earlier adds intact.
 */
int wd_index_begin(wd_index *index);
int wd_index_commit(wd_index *index);

/* Abandons the open batch: every write since wd_index_begin is undone
 * (for a caller whose commit failed, or who changed its mind). */
int wd_index_rollback(wd_index *index);

/* What wd_index_add did. */
typedef enum wd_add_status {
	WD_ADD_NEW = 0,      /* stored as a new article */
	WD_ADD_UNCHANGED = 1 /* the same id with the same content was there already */
} wd_add_status;

typedef struct wd_add_result {
	wd_add_status status;
	int64_t seq;         /* the article's ingest number in this index */
	uint32_t matches;    /* verified matches found for a new article */
} wd_add_result;

/*
 * Adds one article: signs it, finds and verifies its LSH candidates,
 * stores it and merges the clusters it matches. out may be NULL.
 * Errors: WD_EINPUT (unusable text; nothing stored), WD_EDUPLICATE (id
 * present with other content; nothing stored), WD_EDB.
 */
int wd_index_add(wd_add_result *out, wd_index *index, const wd_article *article);

/* Which side of a match is the smaller one, contained in the other. */
enum {
	WD_CONTAINED_NEITHER = 0, /* same number of shingles */
	WD_CONTAINED_ARTICLE = 1, /* the article asked about is in the match */
	WD_CONTAINED_MATCH = -1   /* the match is in the article asked about */
};

/* One verified match of an article against another. Similarities are
 * exact, over the shingles of the story text (credit and chrome left out). */
typedef struct wd_match {
	char *id;            /* the other article */
	char *cluster;       /* the other article's cluster id */
	double jaccard;      /* shared / union of the two shingle sets */
	double containment;  /* shared / the smaller set */
	double score;        /* max(jaccard, containment) */
	uint64_t shared_shingles;
	int contained;       /* WD_CONTAINED_* */
	char *credit_agency; /* the other article's credit, NULL if none */
	char *credit_place;
	char *source;        /* the other article's outlet, NULL if none */
} wd_match;

/* The answer to a query: best matches first. Owned by the caller. */
typedef struct wd_query_result {
	char *cluster;       /* cluster the article would join (its own id if new) */
	int new_story;       /* 1 when nothing matched */
	char *credit_agency; /* the article's own credit ("AFP"), NULL if none */
	char *credit_place;  /* its dateline place, NULL if none */
	uint64_t n_shingles; /* shingles of its story text */
	size_t n_matches;    /* every verified match (all of them, best first) */
	wd_match *matches;
} wd_query_result;

/*
 * Finds the verified matches of an article without storing anything.
 * *out is allocated; free it with wd_query_result_free.
 */
int wd_index_query(wd_query_result **out, wd_index *index, const wd_article *article);
void wd_query_result_free(wd_query_result *result);

/* Where an article sits: its cluster and its similarity to the
 * cluster's representative (1.0 for the representative itself). */
typedef struct wd_assignment {
	const char *id;      /* valid until the next call on the index */
	const char *cluster; /* valid until the next call on the index */
	double similarity;   /* max(jaccard, containment) to the representative,
	                        exact, over the story text */
} wd_assignment;

/* The assignment of the article with ingest number seq (see wd_add_result). */
int wd_index_assignment(wd_assignment *out, wd_index *index, int64_t seq);

/* One cluster, as wd_index_foreach_cluster reports it. Strings are valid
 * during the callback only. */
typedef struct wd_cluster {
	const char *id;              /* the representative's id */
	size_t size;
	const char *const *members;  /* ids, earliest first */
	const char *const *sources;  /* distinct non-null outlets, sorted */
	size_t n_sources;
	const char *first_published; /* NULL when no member has a time */
	const char *last_published;
} wd_cluster;

/*
 * Calls fn for every cluster with at least min_size members, in the order
 * of their representatives' ingest numbers. A non-zero return from fn stops
 * the walk and is returned.
 */
int wd_index_foreach_cluster(wd_index *index, size_t min_size,
                             int (*fn)(const wd_cluster *cluster, void *ctx),
                             void *ctx);

/* ---- Syndication research: who reprinted a story, when, how ---- */

/*
 * One member of a cluster, with its relation to the representative (the
 * earliest published member). Containments are exact, over the shingles
 * of the story texts (credit and chrome left out).
 */
typedef struct wd_member {
	char *id;
	char *source;                /* the outlet, NULL if unknown */
	char *published;             /* as given, NULL if absent */
	int has_time;                /* published parsed: published_ts is set */
	int64_t published_ts;        /* UTC seconds */
	int has_lag;                 /* both times known: lag_seconds is set */
	int64_t lag_seconds;         /* published_ts - the representative's */
	char *credit_agency;         /* the agency it credits itself, NULL if none */
	int credits_agency;          /* 1 it names the cluster's agency, 0 it does
	                                not, -1 the cluster has no agency */
	int uncredited;              /* a copy (not the representative) that does
	                                not name the cluster's agency */
	uint64_t shingles;           /* of its story text */
	uint64_t shared;             /* shingles in common with the representative */
	double member_in_representative; /* shared / shingles */
	double representative_in_member; /* shared / the representative's shingles */
	int trimmed;                 /* a copy with member_in_representative >= 0.8
	                                and fewer than 0.9 x the representative's
	                                shingles */
	int agency_in_byline;        /* an uncredited copy whose page names the
	                                agency in a short line (a byline such as
	                                "Jane Doe, Associated Press", a copyright
	                                line), outside picture credits */
} wd_member;

/* The members of one cluster. Owned by the caller. */
typedef struct wd_cluster_members {
	char *cluster;      /* the representative's id */
	char *agency;       /* the credited agency: the one most members name
	                       (a tie: the earliest member's), NULL if none */
	size_t n_members;
	wd_member *members; /* earliest published first; [0] is the
	                       representative (lag 0, containments 1) */
} wd_cluster_members;

/*
 * The members of the cluster named `cluster` (its representative's id),
 * WD_ENOTFOUND when no cluster has that name. Members that share no
 * stored match with the representative (they joined through others) are
 * compared with it now. Free with wd_cluster_members_free.
 */
int wd_index_cluster_members(wd_cluster_members **out, wd_index *index,
                             const char *cluster);
void wd_cluster_members_free(wd_cluster_members *members);

/* A stretch of an article's text as given (text, not title). */
typedef struct wd_span {
	size_t start, end;           /* code points [start, end) */
	size_t byte_start, byte_end; /* the same stretch in bytes */
} wd_span;

/* A passage two articles share: the same words (as matching compares
 * them: case, accents, spelling variants folded) in the same order. */
typedef struct wd_passage {
	wd_span a, b;
	size_t words;
} wd_passage;

/* Two articles compared passage by passage. Owned by the caller. */
typedef struct wd_explanation {
	char *id_a, *id_b;
	char *text_a, *text_b;       /* the texts as given */
	size_t bytes_a, bytes_b;
	size_t chars_a, chars_b;     /* code points */
	size_t words_a, words_b;
	size_t shared_words;         /* words in passages (each side has as many) */
	size_t n_passages;
	wd_passage *passages;        /* in text order, on both sides */
	size_t n_a_only, n_b_only;
	wd_span *a_only;             /* a's text outside the passages (words in
	                                it): what b dropped, or a added */
	wd_span *b_only;             /* what b added */
	/* verification of the story texts, as matching sees them */
	double jaccard, containment;
	uint64_t shared_shingles;
	int match;                   /* 1 when the two would match */
} wd_explanation;

/*
 * Aligns the texts of two indexed articles: maximal runs of at least
 * shingle_words common words, longest first, kept when they agree in
 * order with the longer ones already kept. WD_ENOTFOUND names an id that
 * is not in the index. Free with wd_explanation_free.
 */
int wd_index_explain(wd_explanation **out, wd_index *index, const char *id_a,
                     const char *id_b);
void wd_explanation_free(wd_explanation *explanation);

typedef struct wd_stats {
	int64_t articles;
	int64_t clusters;
	int64_t multi_clusters;  /* clusters with two or more members */
	int64_t matches;         /* verified match edges */
	int schema_version;
} wd_stats;

int wd_index_stats(wd_stats *out, wd_index *index);

/* ---- Looking up, deleting, time windows, durability ---- */

/* A stored article, as wd_index_get_article reports it. Owned by the
 * caller: free it with wd_article_info_free. */
typedef struct wd_article_info {
	int64_t seq;          /* its ingest number */
	char *id;
	char *title, *source, *published, *url; /* as given; NULL when absent */
	char *text;           /* as given (text_len bytes, NUL-terminated) */
	size_t text_len;
	char *cluster;        /* the id of its cluster's representative */
	char *credit_agency;  /* its credit ("AFP"), NULL if none */
	char *credit_place;
	int64_t added;        /* when it was added, UTC seconds since 1970 */
	uint64_t n_shingles;  /* shingles of its story text */
	size_t n_matches;     /* its stored verified matches, best first: those */
	wd_match *matches;    /* found when it was added and those of later articles */
} wd_article_info;

/*
 * Looks up an article by id: its fields, cluster, credit and verified
 * matches (for a match, `contained` says which side is the smaller as in
 * wd_index_query, the article looked up being "the article"). One
 * consistent snapshot even while another handle writes.
 * Errors: WD_ENOTFOUND (no such id), WD_EDB, WD_ENOMEM.
 */
int wd_index_get_article(wd_article_info **out, wd_index *index, const char *id);
void wd_article_info_free(wd_article_info *info);

/*
 * Deletes an article: its row, LSH keys and matches. Its cluster is
 * rebuilt from the matches that remain, so members it alone held together
 * split apart, each part named after its earliest member. Chrome learned
 * from its outlet stays learned (it describes the outlet, not the
 * article); lines of the outlet for which it was the article new ones are
 * compared with are forgotten (the next article with such a line takes
 * that place). Its ingest
 * number may be given again. In a transaction of its own, or in the open
 * batch. Errors: WD_ENOTFOUND (no such id; nothing changed), WD_EDB.
 */
int wd_index_delete(wd_index *index, const char *id);

/*
 * Deletes (as wd_index_delete) every article whose time is before
 * `before` (UTC seconds since 1970): its publication time, or when that is
 * unknown, the time it was added. *n_deleted (may be NULL) receives how
 * many. One transaction (or the open batch).
 */
int wd_index_evict(size_t *n_deleted, wd_index *index, int64_t before);

/*
 * From now on matching (wd_index_add, wd_index_query) on this handle
 * ignores articles whose time (as for wd_index_evict) is before `before`;
 * 0 matches against everything again. A sliding window sets this before
 * each call and evicts now and then.
 */
void wd_index_set_cutoff(wd_index *index, int64_t before);

/*
 * How durable a commit is. 0 (the default): SQLite's WAL synchronous=NORMAL,
 * a commit survives the process crashing, and the last commits may be lost
 * if the machine loses power. 1: synchronous=FULL, the WAL is synced to
 * disk at every commit before it returns, so a commit survives power loss
 * too (an fsync per commit).
 */
int wd_index_set_fsync(wd_index *index, int every_commit);

/* ---- The batch job ---- */

/*
 * A batch job clusters one whole set of articles in memory, on every core:
 * what `wiredup dedup` runs. It parses articles as they are added, then
 * learns each outlet's chrome from the whole set before signing anything,
 * so every article is matched on what its outlet taught (an index learns
 * as it goes and re-signs). Candidates are those of the index's LSH bands,
 * verified the same way (wd_index_add), and the clusters are the connected
 * components of verified matches, named after their earliest member.
 */
typedef struct wd_batch wd_batch;

/*
 * Called for an article the job leaves out because it is unusable (no
 * words left, invalid UTF-8...), in input order, with the tag it was added
 * with, WD_EINPUT and a message. A negative return stops the job with that
 * code.
 */
typedef int (*wd_reject_fn)(uint64_t tag, int code, const char *message, void *ctx);

/*
 * Starts a job with `params` (NULL or unset fields: the defaults) on
 * `threads` threads (0: one per online core). reject (may be NULL) hears of
 * the articles left out. Free with wd_batch_close.
 */
int wd_batch_open(wd_batch **out, const wd_params *params, unsigned threads,
                  wd_reject_fn reject, void *reject_ctx);

/*
 * Adds an article (copied; tag is the caller's, e.g. where it was read).
 * *status is WD_ADD_NEW, or WD_ADD_UNCHANGED for an id added before with
 * the same content (kept once). Returns WD_OK; WD_EINPUT for an article
 * without id or text; WD_EDUPLICATE for an id added before with other
 * content; a rejection found while parsing (which runs in batches) goes to
 * the reject callback, possibly during a later call.
 */
int wd_batch_add(wd_add_status *status, wd_batch *b, const wd_article *article,
                 uint64_t tag);

/* Clusters what was added. Call once, after the last wd_batch_add. */
int wd_batch_run(wd_batch *b);

/*
 * Makes the job keep what an index stores of each article (its fields,
 * signature and lines, every verified match with its scores, what chrome
 * learning found), for wd_batch_write_index. Call before the first
 * wd_batch_add. wd_batch_run then compares every candidate pair (it skips
 * none), and the temporary files hold the texts too.
 */
int wd_batch_keep_articles(wd_batch *b);

/*
 * After wd_batch_run of a job that keeps its articles: writes them into
 * the index at path, which must be new (created if missing) or hold no
 * article yet, with the job's parameters. The index ends as adding the
 * same articles in input order with wd_index_add would leave it (the same
 * articles, ingest numbers, clusters, LSH bands, matches and learned
 * chrome; only its change log starts empty), in one transaction: a crash
 * leaves it as it was. Far faster than adding articles one by one, for a
 * first load.
 */
int wd_batch_write_index(wd_batch *b, const char *path);

/* The number of articles clustered (added, not rejected), after the run. */
size_t wd_batch_size(const wd_batch *b);

/* The assignment of the i-th article clustered, in input order (strings
 * are valid until wd_batch_close). */
int wd_batch_assignment(wd_assignment *out, const wd_batch *b, size_t i);

/* What a batch job did: seconds per stage (wall clock) and counts. */
typedef struct wd_batch_stats {
	double parse_s, learn_s, sign_s, link_s, verify_s, group_s;
	uint64_t articles;   /* added (repeats aside) */
	uint64_t rejected;   /* left out while parsing */
	uint64_t candidates; /* distinct pairs sharing an LSH key */
	uint64_t matches;    /* of those, found to match; wd_batch_run skips a
	                      * pair already joined by other matches (it cannot
	                      * change a cluster), so its count varies a little
	                      * from run to run: the clusters do not */
	uint64_t spilled;    /* bytes written to temporary files, in all */
} wd_batch_stats;

void wd_batch_get_stats(wd_batch_stats *out, const wd_batch *b);

void wd_batch_close(wd_batch *b);

/*
 * The batch job one stage at a time, for other engines (the stage
 * commands wiredup learn, sign, link, verify and cluster; see
 * docs/scaling.md). wd_batch_run is learn, sign, link, verify and group in
 * one call; instead, after the last wd_batch_add:
 *
 *   wd_batch_learn             parse, learn chrome (or take it: load_chrome)
 *   wd_batch_sign              shingles and band keys (fn hears of each key)
 *   wd_batch_verify            a candidate pair (two articles sharing a key)
 *   wd_batch_add_match, _group clusters from the matches found
 *
 * then wd_batch_size and wd_batch_assignment as after wd_batch_run.
 * Articles are named by id; a pair of ids is compared the way
 * wd_batch_run compares it (the later article of the input against the
 * earlier one).
 */

/*
 * Gives the job the chrome keys another job learned from the same input
 * (wd_batch_foreach_chrome), before wd_batch_learn: the job then learns
 * nothing itself (n may be 0: nothing learned). WD_EINVAL for a zero key
 * or after learning.
 */
int wd_batch_load_chrome(wd_batch *b, const uint64_t *keys, size_t n);

/* Parses what was added and learns each outlet's chrome from it, in input
 * order (unless chrome was loaded). Rejections go to the reject callback. */
int wd_batch_learn(wd_batch *b);

/* Calls fn for every chrome key (an opaque non-zero 64-bit key of an
 * outlet and a line) the job learned or was given, after wd_batch_learn.
 * A non-zero return from fn stops the walk and is returned. */
int wd_batch_foreach_chrome(const wd_batch *b, int (*fn)(uint64_t key, void *ctx),
                            void *ctx);

/* Called for every LSH key of an article (id valid during the call). */
typedef int (*wd_band_key_fn)(const char *id, uint32_t band, uint64_t key, void *ctx);

/*
 * Learns (unless done) and signs every article; fn (may be NULL) hears of
 * every (id, band, key) the articles are filed under. A non-zero return
 * from fn stops the walk and is returned.
 */
int wd_batch_sign(wd_batch *b, wd_band_key_fn fn, void *ctx);

/*
 * After wd_batch_sign: *match is 1 when the articles id_a and id_b match
 * (0 when not). WD_ENOTFOUND (with a message) for an id the job does not
 * hold or left out, WD_EINVAL for a pair of an article with itself.
 */
int wd_batch_verify(int *match, wd_batch *b, const char *id_a, const char *id_b);

/* After wd_batch_sign: records that id_a and id_b match (errors as
 * wd_batch_verify), for wd_batch_group. */
int wd_batch_add_match(wd_batch *b, const char *id_a, const char *id_b);

/* After wd_batch_sign: the clusters of the recorded matches, each named
 * after its earliest member, with every member's similarity to it. */
int wd_batch_group(wd_batch *b);

/* ---- Reading articles ---- */

typedef struct wd_reader wd_reader;

/*
 * Opens a JSON Lines file of articles ("-" or NULL: standard input). Each
 * line is an object with "id" (string or integer; integers become their
 * decimal text) and "text" (string), optional "title", "source",
 * "published" (or, when absent, "date") and "url" (strings or null);
 * other fields are ignored. A UTF-8 byte order mark, CRLF line ends and
 * blank lines are accepted.
 */
int wd_reader_open_jsonl(wd_reader **out, const char *path);

/*
 * Opens a directory of plain-text files, walked recursively in byte order
 * of their paths; each file is one article whose id is its path relative
 * to dir. Hidden files and directories (".name") are skipped.
 */
int wd_reader_open_dir(wd_reader **out, const char *dir);

/*
 * Reads the next article into *article (its strings are valid until the
 * next call). Returns 1 for an article, 0 at the end, WD_EINPUT for a bad
 * record (wd_last_error() says "FILE:LINE: reason"; call again to go on),
 * or WD_EIO/WD_ENOMEM when reading cannot go on.
 */
int wd_reader_next(wd_article *article, wd_reader *reader);

/*
 * Opens a JSON document in memory (data, len bytes; borrowed until
 * wd_reader_open_json returns): one article object, or an array of them,
 * with the fields of wd_reader_open_jsonl. Invalid JSON or another kind
 * of value fails here (WD_EINPUT, "NAME: reason"); a bad element fails its
 * wd_reader_next ("NAME[i]: reason", i counted from 0) and
 * wd_reader_line says its number counted from 1 (0 for a single object).
 */
int wd_reader_open_json(wd_reader **out, const char *name, const char *data, size_t len);

/* The number of articles in an array opened with wd_reader_open_json;
 * -1 for anything else. */
int wd_reader_count(const wd_reader *reader);

/* Records larger than this are rejected (WD_EINPUT), by default. */
#define WD_DEFAULT_MAX_BYTES ((size_t)16 << 20)

/* Sets the largest record (JSON line or text file) accepted, in bytes. */
void wd_reader_set_max_bytes(wd_reader *reader, size_t max_bytes);

/* Where the last record came from: the file name and its line (0 for a
 * whole-file record). */
const char *wd_reader_name(const wd_reader *reader);
size_t wd_reader_line(const wd_reader *reader);

void wd_reader_close(wd_reader *reader);

/* ---- Pipeline stages, exposed for tests, tools and other engines. ---- */

/*
 * Normalizes UTF-8 text: NFKC, case folding, one form for quotes,
 * apostrophes, dashes and spaces, default-ignorable characters (zero-width
 * space, soft hyphen...) removed, CRLF and CR as LF, tabs as spaces,
 * other control characters removed. Combining marks are kept.
 * *out is malloc'd and NUL-terminated; free() it.
 * Invalid UTF-8 is rejected (WD_EINPUT, message gives the byte offset).
 */
int wd_normalize(char **out, size_t *out_len, const char *text, size_t len);

/*
 * Checks that text is valid UTF-8 (no surrogates, no overlong forms).
 * Returns 1 if so; otherwise 0 and, when bad_offset is not NULL, the byte
 * offset of the first invalid sequence.
 */
int wd_utf8_valid(const char *text, size_t len, size_t *bad_offset);

/*
 * Splits normalized text into words: maximal runs of letters, marks and
 * digits (a '.', ',', '/', '-' or ':' between two digits stays inside the
 * figure: "1.2", "900,000", "6-3/16", "8:33"); in
 * scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao,
 * Khmer, Myanmar) every letter is its own word. Writes each word's XXH3
 * hash to hashes (malloc'd; free()), British spellings folded to American
 * ones first ("colour" hashes as "color"). *n may be 0.
 */
int wd_tokenize(uint64_t **hashes, size_t *n, const char *normalized, size_t len);

/*
 * Hashes every run of k consecutive word hashes (fewer words than k: one
 * shingle of all of them), sorts and deduplicates. *shingles is malloc'd.
 */
int wd_shingle(uint64_t **shingles, size_t *n, const uint64_t *words,
               size_t n_words, uint32_t k, uint64_t seed);

/*
 * MinHash signature of a non-empty shingle set: sig[i] is the minimum over
 * the shingles of the i-th seeded multiply-shift permutation.
 */
void wd_minhash(uint32_t *sig, uint32_t num_perm, const uint64_t *shingles,
                size_t n, uint64_t seed);

/* Share of equal slots between two signatures: the Jaccard estimate. */
double wd_minhash_jaccard(const uint32_t *a, const uint32_t *b, uint32_t num_perm);

/*
 * Containment of the smaller of two sets (sizes na, nb) in the larger,
 * estimated from their Jaccard j: |A n B| = j (na + nb) / (1 + j).
 */
double wd_containment_estimate(double j, uint64_t na, uint64_t nb);

/* The LSH key of band `band` (rows slots starting at band * rows). */
uint64_t wd_band_key(const uint32_t *sig, uint32_t band, uint32_t rows, uint64_t seed);

#ifdef __cplusplus
}
#endif

#endif /* WIREDUP_H */
