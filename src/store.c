/* store.c - SQLite schema, parameters and typed statements of an index. */
#include "store.h"
#include "store_research.h"

#include "bytes.h"
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* 'WDUP': marks a database as a wiredup index (PRAGMA application_id). */
#define WD_APPLICATION_ID 0x57445550

static const char *const SCHEMA =
	"CREATE TABLE meta(\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE articles(\n"
	"  seq INTEGER PRIMARY KEY,\n"          /* ingest order */
	"  id TEXT NOT NULL UNIQUE,\n"
	"  title TEXT,\n"
	"  source TEXT,\n"
	"  published TEXT,\n"                   /* as given */
	"  published_ts INTEGER,\n"             /* UTC seconds, NULL if unknown */
	"  url TEXT,\n"
	"  text TEXT NOT NULL,\n"
	"  credit_agency TEXT,\n"             /* e.g. AFP, from the credit line */
	"  credit_place TEXT,\n"              /* the dateline's place */
	"  content_hash INTEGER NOT NULL,\n"
	"  lines BLOB NOT NULL,\n"            /* per line: hash (u64) + words (u32), LE */
	"  n_shingles INTEGER NOT NULL,\n"
	"  signature BLOB NOT NULL,\n"          /* num_perm little-endian uint32 */
	"  cluster INTEGER NOT NULL\n"          /* seq of the representative */
	");\n"
	"CREATE INDEX articles_by_cluster ON articles(cluster);\n"
	"CREATE INDEX articles_by_source ON articles(source);\n"
	"CREATE TABLE bands(\n"
	"  band INTEGER NOT NULL,\n"
	"  key INTEGER NOT NULL,\n"
	"  seq INTEGER NOT NULL,\n"
	"  PRIMARY KEY(band, key, seq)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX bands_by_seq ON bands(seq);\n" /* to refile a re-signed article */
	"CREATE TABLE matches(\n"
	"  a INTEGER NOT NULL,\n"               /* a < b, both seqs */
	"  b INTEGER NOT NULL,\n"
	"  jaccard REAL NOT NULL,\n"
	"  containment REAL NOT NULL,\n"
	"  shared INTEGER NOT NULL,\n"         /* shingles in common */
	"  PRIMARY KEY(a, b)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX matches_by_b ON matches(b);\n"
	"CREATE TABLE source_lines(\n"         /* what is learned about page chrome */
	"  source TEXT NOT NULL,\n"
	"  line INTEGER NOT NULL,\n"           /* hash of the line's words */
	"  first_seq INTEGER NOT NULL,\n"      /* the article a new one is compared with */
	"  chrome INTEGER NOT NULL,\n"         /* 1: chrome; 2: long, in two stories */
	"  PRIMARY KEY(source, line)\n"
	") WITHOUT ROWID;\n"
	"CREATE VIEW clusters AS\n"
	"  SELECT r.id AS cluster, count(*) AS size,\n"
	"         min(a.published_ts) AS first_published_ts,\n"
	"         max(a.published_ts) AS last_published_ts\n"
	"  FROM articles a JOIN articles r ON r.seq = a.cluster\n"
	"  GROUP BY a.cluster;\n";

/*
 * Schema changes, in order: MIGRATIONS[v - 1] takes an index of version v
 * to v + 1 (in the transaction that sets the new user_version). A new
 * index is made with SCHEMA and then every migration.
 */
static const char *const MIGRATIONS[WD_SCHEMA_VERSION - 1] = {
	/* 1 -> 2: when each article was added (UTC seconds), so that a time
	 * window can age out articles without a publication time; articles
	 * of a version 1 index count as added at the upgrade. */
	"ALTER TABLE articles ADD COLUMN added_ts INTEGER;\n"
	"UPDATE articles SET added_ts = CAST(strftime('%s', 'now') AS INTEGER);\n"
	"CREATE INDEX articles_by_time ON articles(coalesce(published_ts, added_ts));\n"
	/* what handles that live long (a server's readers) must catch up on
	 * when another handle writes: a line learned as chrome, or a freed
	 * ingest number; `epoch` counts them */
	"CREATE TABLE changes(\n"
	"  epoch INTEGER PRIMARY KEY,\n"
	"  source TEXT,\n"
	"  line INTEGER,\n"
	"  freed_seq INTEGER\n"
	");\n",
	/* 2 -> 3: what verification reads of each article (shingles, their
	 * order, figures: doc_pack), so that a candidate is not parsed again;
	 * NULL for the articles of an older index until they are signed again
	 * (they are parsed from their text, as before) */
	"ALTER TABLE articles ADD COLUMN shingles BLOB;\n",
	/* 3 -> 4: windows have LSH bands of their own (window_bands x
	 * window_rows after the text's bands); an index made before says 0:
	 * it files them in the text's bands. A new version, so that an older
	 * wiredup refuses an index it would fill with keys of the old layout. */
	"INSERT OR IGNORE INTO meta(key, value)\n"
	"  SELECT 'window_bands', '0' FROM meta WHERE key = 'num_perm';\n"
	"INSERT OR IGNORE INTO meta(key, value)\n"
	"  SELECT 'window_rows', '0' FROM meta WHERE key = 'num_perm';\n",
};

static const char *const SQL[ST_COUNT] = {
	[ST_FIND_ID] = "SELECT seq, content_hash FROM articles WHERE id = ?1",
	[ST_BAND_LOOKUP] = "SELECT seq FROM bands WHERE band = ?1 AND key = ?2",
	[ST_LOAD_SIG] = "SELECT signature, n_shingles, cluster FROM articles WHERE seq = ?1",
	[ST_REP_TIME] = "SELECT published_ts FROM articles WHERE seq = ?1",
	[ST_INSERT_ARTICLE] =
		"INSERT INTO articles(seq, id, title, source, published, published_ts,"
		" url, text, credit_agency, credit_place, content_hash, lines,"
		" n_shingles, signature, cluster)"
		" VALUES((SELECT coalesce(max(seq), 0) + 1 FROM articles),"
		" ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
		" (SELECT coalesce(max(seq), 0) + 1 FROM articles))",
	[ST_INSERT_BAND] = "INSERT OR IGNORE INTO bands(band, key, seq) VALUES(?1, ?2, ?3)",
	[ST_INSERT_MATCH] =
		"INSERT OR REPLACE INTO matches(a, b, jaccard, containment, shared)"
		" VALUES(?1, ?2, ?3, ?4, ?5)",
	[ST_RELABEL_CLUSTER] = "UPDATE articles SET cluster = ?2 WHERE cluster = ?1",
	[ST_ASSIGNMENT] =
		"SELECT a.id, r.id, r.seq"
		" FROM articles a JOIN articles r ON r.seq = a.cluster"
		" WHERE a.seq = ?1",
	[ST_CLUSTER_LIST] =
		"SELECT cluster, count(*) FROM articles GROUP BY cluster"
		" HAVING count(*) >= ?1 ORDER BY cluster",
	[ST_CLUSTER_MEMBERS] =
		"SELECT id, source, published FROM articles WHERE cluster = ?1"
		" ORDER BY published_ts IS NULL, published_ts, seq",
	[ST_ID_OF] = "SELECT id FROM articles WHERE seq = ?1",
	[ST_LINE_GET] = "SELECT first_seq, chrome FROM source_lines WHERE source = ?1 AND line = ?2",
	[ST_LINE_INSERT] =
		"INSERT INTO source_lines(source, line, first_seq, chrome) VALUES(?1, ?2, ?3, 0)"
		" ON CONFLICT(source, line) DO UPDATE SET first_seq = excluded.first_seq",
	[ST_LINE_SET_CHROME] =
		"UPDATE source_lines SET first_seq = ?3, chrome = ?4 WHERE source = ?1 AND line = ?2",
	[ST_LEARNED_ALL] = "SELECT source, line FROM source_lines WHERE chrome = 1",
	[ST_ARTICLE_LINES] = "SELECT lines FROM articles WHERE seq = ?1",
	[ST_SET_SHINGLES] = "UPDATE articles SET shingles = ?2 WHERE seq = ?1",
	[ST_LOAD_SHINGLES] = "SELECT shingles, source FROM articles WHERE seq = ?1",
	[ST_LOAD_TEXT] = "SELECT text, source, title FROM articles WHERE seq = ?1",
	[ST_UPDATE_SIG] = "UPDATE articles SET n_shingles = ?2, signature = ?3 WHERE seq = ?1",
	[ST_DELETE_BANDS_OF] = "DELETE FROM bands WHERE seq = ?1",
	[ST_DELETE_MATCHES] = "DELETE FROM matches WHERE a = ?1 OR b = ?1",
	[ST_NEIGHBOURS] =
		"SELECT b FROM matches WHERE a = ?1 UNION ALL SELECT a FROM matches WHERE b = ?1",
	[ST_MEMBERS] = "SELECT seq FROM articles WHERE cluster = ?1 ORDER BY seq",
	[ST_SET_CLUSTER] = "UPDATE articles SET cluster = ?2 WHERE seq = ?1",
	[ST_CLUSTER_OF] = "SELECT cluster FROM articles WHERE seq = ?1",
	[ST_EDGE] = "SELECT max(jaccard, containment) FROM matches WHERE a = ?1 AND b = ?2",
	[ST_CREDIT_OF] = "SELECT credit_agency, credit_place FROM articles WHERE seq = ?1",
	[ST_SET_ADDED] = "UPDATE articles SET added_ts = ?2 WHERE seq = ?1",
	/* an article's time: published, or when unknown, added */
	[ST_ARTICLE_TIME] =
		"SELECT coalesce(published_ts, added_ts) FROM articles"
		" WHERE seq = ?1 AND coalesce(published_ts, added_ts) IS NOT NULL",
	[ST_OLDER_THAN] =
		"SELECT seq FROM articles WHERE coalesce(published_ts, added_ts) < ?1",
	[ST_DELETE_ARTICLE] = "DELETE FROM articles WHERE seq = ?1",
	[ST_MAX_SEQ] = "SELECT max(seq) FROM articles",
	[ST_LINE_FORGET] =
		"DELETE FROM source_lines"
		" WHERE source = ?1 AND line = ?2 AND first_seq = ?3 AND chrome <> 1",
	[ST_ARTICLE_GET] =
		"SELECT a.seq, a.id, a.title, a.source, a.published, a.url, a.text,"
		" a.credit_agency, a.credit_place, a.added_ts, a.n_shingles, r.id"
		" FROM articles a JOIN articles r ON r.seq = a.cluster WHERE a.id = ?1",
	[ST_MATCHES_OF] =
		"SELECT b, jaccard, containment, shared FROM matches WHERE a = ?1"
		" UNION ALL SELECT a, jaccard, containment, shared FROM matches WHERE b = ?1",
	[ST_MATCH_INFO] =
		"SELECT a.id, r.id, a.source, a.credit_agency, a.credit_place, a.n_shingles"
		" FROM articles a JOIN articles r ON r.seq = a.cluster WHERE a.seq = ?1",
	[ST_SOURCE_OF] = "SELECT source FROM articles WHERE seq = ?1",
	/* two subqueries: each min() or max() alone is one index probe */
	[ST_EPOCH] =
		"SELECT coalesce((SELECT max(epoch) FROM changes), 0),"
		" coalesce((SELECT min(epoch) FROM changes), 0)",
	[ST_CHANGES_SINCE] =
		"SELECT epoch, source, line, freed_seq FROM changes WHERE epoch > ?1 ORDER BY epoch",
	[ST_NOTE_CHANGE] = "INSERT INTO changes(source, line, freed_seq) VALUES(?1, ?2, ?3)",
	[ST_PRUNE_CHANGES] = "DELETE FROM changes WHERE epoch <= ?1",
	/* a new index written in one go (store_bulk_*): the first 13
	 * parameters as ST_INSERT_ARTICLE's */
	[ST_BULK_ARTICLE] =
		"INSERT INTO articles(id, title, source, published, published_ts,"
		" url, text, credit_agency, credit_place, content_hash, lines,"
		" n_shingles, signature, seq, cluster, added_ts, shingles)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
		" ?14, ?15, ?16, ?17)",
	[ST_BULK_LINE] =
		"INSERT INTO source_lines(source, line, first_seq, chrome) VALUES(?1, ?2, ?3, ?4)",
	/* what a new index lacks: articles, and chrome (which outlives them) */
	[ST_ANY_ROWS] = "SELECT EXISTS (SELECT 1 FROM articles) OR EXISTS (SELECT 1 FROM source_lines)",
};

int store_fail(wd_store *st, const char *what)
{
	int rc = st->db ? sqlite3_extended_errcode(st->db) : SQLITE_ERROR;
	const char *msg = st->db ? sqlite3_errmsg(st->db) : "cannot open";
	if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED)
		return wd_fail(WD_EBUSY, "%s: the index is busy (another writer?): %s",
		               what, msg);
	if ((rc & 0xFF) == SQLITE_NOTADB)
		return wd_fail(WD_ENOTINDEX, "not a wiredup index (not a SQLite database)");
	return wd_fail(WD_EDB, "%s: %s", what, msg);
}

int store_exec(wd_store *st, const char *sql)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(st, sql);
	return WD_OK;
}

/* Runs a one-integer query such as "PRAGMA user_version". */
static int query_int(wd_store *st, const char *sql, int64_t *out)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "cannot read it");
	int rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, "cannot read it");
	return WD_OK;
}

/* Brings an index of an older schema up to WD_SCHEMA_VERSION, in one
 * transaction (another handle may have done it meanwhile: the version is
 * read again under the write lock). */
static int migrate(wd_store *st, const char *path)
{
	int64_t version;
	int err;
	if ((err = store_exec(st, "BEGIN IMMEDIATE")) < 0)
		return wd_fail_prefix(err, "%s: upgrading the index: ", path);
	if ((err = query_int(st, "PRAGMA user_version", &version)) == WD_OK && version < 1)
		err = wd_fail(WD_ENOTINDEX, "schema version %lld is not one of wiredup's",
		              (long long)version);
	for (int64_t v = version; v < WD_SCHEMA_VERSION && err == WD_OK; v++) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %lld", (long long)v + 1);
		if ((err = store_exec(st, MIGRATIONS[v - 1])) == WD_OK)
			err = store_exec(st, pragma);
	}
	if (err == WD_OK)
		err = store_exec(st, "COMMIT");
	if (err < 0) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", wd_last_error());
		store_exec(st, "ROLLBACK");
		return wd_fail(err, "%s: upgrading the index to schema version %d: %s", path,
		               WD_SCHEMA_VERSION, msg);
	}
	return WD_OK;
}

/* Checks that an existing database is ours, or creates the schema. */
static int check_or_create(wd_store *st, const char *path, int *created)
{
	int64_t app_id, version, n_tables;
	int err;
	if ((err = query_int(st, "PRAGMA application_id", &app_id)) < 0 ||
	    (err = query_int(st, "PRAGMA user_version", &version)) < 0 ||
	    (err = query_int(st, "SELECT count(*) FROM sqlite_schema", &n_tables)) < 0)
		return wd_fail_prefix(err, "%s: ", path);
	*created = 0;
	if (app_id == WD_APPLICATION_ID) {
		if (version > WD_SCHEMA_VERSION)
			return wd_fail(WD_ENOTINDEX,
			               "%s: index schema version %lld is newer than this "
			               "wiredup understands (%d); upgrade wiredup",
			               path, (long long)version, WD_SCHEMA_VERSION);
		return version < WD_SCHEMA_VERSION ? migrate(st, path) : WD_OK;
	}
	if (n_tables > 0 || app_id != 0)
		return wd_fail(WD_ENOTINDEX, "%s: not a wiredup index (a SQLite database "
		               "of something else); nothing was changed", path);

	char pragmas[128];
	snprintf(pragmas, sizeof pragmas,
	         "PRAGMA application_id = %d; PRAGMA user_version = %d;",
	         WD_APPLICATION_ID, WD_SCHEMA_VERSION);
	if ((err = store_exec(st, "BEGIN IMMEDIATE")) < 0)
		return err;
	err = store_exec(st, SCHEMA);
	for (int v = 1; v < WD_SCHEMA_VERSION && err == WD_OK; v++)
		err = store_exec(st, MIGRATIONS[v - 1]);
	if (err < 0 || (err = store_exec(st, pragmas)) < 0) {
		store_exec(st, "ROLLBACK");
		return err;
	}
	if ((err = store_exec(st, "COMMIT")) < 0)
		return err;
	*created = 1;
	return WD_OK;
}

int store_open(wd_store *st, const char *path, int create, int *created)
{
	int err;
	int in_memory = path == NULL || strcmp(path, ":memory:") == 0;
	const char *name = in_memory ? ":memory:" : path;
	memset(st, 0, sizeof *st);
	if (sqlite3_open_v2(name, &st->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
	                            (create || in_memory ? SQLITE_OPEN_CREATE : 0),
	                    NULL) != SQLITE_OK) {
		int missing = !create && access(path, F_OK) != 0;
		err = wd_fail(missing ? WD_ENOTFOUND : WD_EDB, "%s: cannot open: %s", path,
		              missing ? "no such index" :
		              st->db ? sqlite3_errmsg(st->db) : "out of memory");
		store_close(st);
		return err;
	}
	sqlite3_busy_timeout(st->db, 5000);
	sqlite3_extended_result_codes(st->db, 1);
	/* Check the file before changing anything in it (WAL mode writes
	 * to the header): a foreign database must stay as it was. */
	if ((err = check_or_create(st, name, created)) < 0)
		goto fail;
	if (create && (err = store_research_migrate(st)) < 0) /* research views */
		goto fail;
	if (!in_memory &&
	    (err = store_exec(st, "PRAGMA journal_mode = WAL")) < 0)
		goto fail;
	if ((err = store_exec(st, "PRAGMA synchronous = NORMAL")) < 0)
		goto fail;
	/* Every handle reads through mmap (the 2 GB at most SQLite allows):
	 * no copy, no system call per page; reading pages with pread was a
	 * third of a one-by-one add's time at 100k. A writer also needs the
	 * pages it dirties kept in the cache until commit: a smaller cache
	 * spills a batch's writes to the LSH index (random pages) into the
	 * WAL, page by page and again when dirtied again, and every read then
	 * searches that longer WAL (1 GB at most, only as used: adding 10k
	 * articles to 260k took 82 s with 256 MB, 51 with 1 GB, 54 with 2). */
	if (!in_memory && ((err = store_exec(st, "PRAGMA mmap_size = 2147418112")) < 0 ||
	                   (create && (err = store_exec(st, "PRAGMA cache_size = -1048576")) < 0)))
		goto fail;
	for (int i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, SQL[i], -1, SQLITE_PREPARE_PERSISTENT,
		                       &st->stmt[i], NULL) != SQLITE_OK) {
			err = store_fail(st, "preparing statements");
			goto fail;
		}
	}
	return WD_OK;
fail:
	store_close(st);
	return err;
}

void store_close(wd_store *st)
{
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	memset(st, 0, sizeof *st);
}

sqlite3_stmt *store_stmt(wd_store *st, enum store_stmt which)
{
	sqlite3_stmt *s = st->stmt[which];
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

/* Steps a statement that returns no rows. */
static int step_done(wd_store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, what);
	return WD_OK;
}

/* ---- parameters, kept in meta as text ---- */

static const char *const PARAM_KEYS[] = {
	"shingle_words", "num_perm", "bands", "rows", "lsh_threshold", "threshold", "seed",
	"window_bands", "window_rows" /* absent from an index made before them: 0 */
};
enum { N_PARAM_KEYS = sizeof PARAM_KEYS / sizeof PARAM_KEYS[0] };

static void param_to_text(char *buf, size_t size, const wd_params *p, int i)
{
	switch (i) {
	case 0: snprintf(buf, size, "%u", p->shingle_words); break;
	case 1: snprintf(buf, size, "%u", p->num_perm); break;
	case 2: snprintf(buf, size, "%u", p->bands); break;
	case 3: snprintf(buf, size, "%u", p->rows); break;
	case 4: snprintf(buf, size, "%.17g", p->lsh_threshold); break;
	case 5: snprintf(buf, size, "%.17g", p->threshold); break;
	case 6: snprintf(buf, size, "%llu", (unsigned long long)p->seed); break;
	case 7: snprintf(buf, size, "%u", p->window_bands); break;
	default: snprintf(buf, size, "%u", p->window_rows); break;
	}
}

static void param_from_text(wd_params *p, int i, const char *v)
{
	switch (i) {
	case 0: p->shingle_words = (uint32_t)strtoul(v, NULL, 10); break;
	case 1: p->num_perm = (uint32_t)strtoul(v, NULL, 10); break;
	case 2: p->bands = (uint32_t)strtoul(v, NULL, 10); break;
	case 3: p->rows = (uint32_t)strtoul(v, NULL, 10); break;
	case 4: p->lsh_threshold = strtod(v, NULL); break;
	case 5: p->threshold = strtod(v, NULL); break;
	case 6: p->seed = strtoull(v, NULL, 10); break;
	case 7: p->window_bands = (uint32_t)strtoul(v, NULL, 10); break;
	default: p->window_rows = (uint32_t)strtoul(v, NULL, 10); break;
	}
}

int store_load_params(wd_store *st, wd_params *p)
{
	sqlite3_stmt *s;
	wd_params_init(p);
	if (sqlite3_prepare_v2(st->db, "SELECT key, value FROM meta", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "reading parameters");
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(s, 0);
		const char *v = (const char *)sqlite3_column_text(s, 1);
		for (int i = 0; i < N_PARAM_KEYS; i++)
			if (k && v && strcmp(k, PARAM_KEYS[i]) == 0)
				param_from_text(p, i, v);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "reading parameters");
	return WD_OK;
}

int store_save_params(wd_store *st, const wd_params *p)
{
	sqlite3_stmt *s;
	int err;
	/* all or nothing: a crash must not leave half the parameters */
	if ((err = store_exec(st, "SAVEPOINT wd_params")) < 0)
		return err;
	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)",
	                       -1, &s, NULL) != SQLITE_OK) {
		err = store_fail(st, "saving parameters");
		store_exec(st, "ROLLBACK TO wd_params");
		store_exec(st, "RELEASE wd_params");
		return err;
	}
	for (int i = 0; i < N_PARAM_KEYS && err == WD_OK; i++) {
		char buf[64];
		param_to_text(buf, sizeof buf, p, i);
		sqlite3_bind_text(s, 1, PARAM_KEYS[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, buf, -1, SQLITE_TRANSIENT);
		err = step_done(st, s, "saving parameters");
	}
	sqlite3_finalize(s);
	if (err < 0)
		store_exec(st, "ROLLBACK TO wd_params");
	int rel = store_exec(st, "RELEASE wd_params");
	return err < 0 ? err : rel;
}

/* ---- articles, bands, matches ---- */

int store_find_id(wd_store *st, const char *id, int64_t *seq, uint64_t *hash)
{
	sqlite3_stmt *s = store_stmt(st, ST_FIND_ID);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(s, 0);
		*hash = (uint64_t)sqlite3_column_int64(s, 1);
		sqlite3_reset(s);
		return 1;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "looking up an id");
}

int store_ints(wd_store *st, enum store_stmt which, const char *what, i64_vec *out,
               int n_args, ...)
{
	sqlite3_stmt *s = store_stmt(st, which);
	va_list ap;
	int rc;
	va_start(ap, n_args);
	for (int i = 0; i < n_args; i++)
		sqlite3_bind_int64(s, i + 1, va_arg(ap, int64_t));
	va_end(ap);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (i64_push(out, sqlite3_column_int64(s, 0)) < 0) {
			sqlite3_reset(s);
			return wd_fail_oom();
		}
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? WD_OK : store_fail(st, what);
}

int store_run(wd_store *st, enum store_stmt which, const char *what, int n_args, ...)
{
	sqlite3_stmt *s = store_stmt(st, which);
	va_list ap;
	va_start(ap, n_args);
	for (int i = 0; i < n_args; i++)
		sqlite3_bind_int64(s, i + 1, va_arg(ap, int64_t));
	va_end(ap);
	return step_done(st, s, what);
}

/* Decodes a signature blob; WD_EDB if its size is wrong. */
int store_decode_sig(uint32_t *sig, uint32_t num_perm, const void *blob, int bytes)
{
	if (bytes != (int)(4 * num_perm))
		return wd_fail(WD_EDB, "corrupt index: a signature has %d bytes, not %u",
		               bytes, 4 * num_perm);
	for (uint32_t i = 0; i < num_perm; i++)
		sig[i] = wd_get_le32((const unsigned char *)blob + 4 * i);
	return WD_OK;
}

int store_load_sig(wd_store *st, int64_t seq, uint32_t *sig, uint32_t num_perm,
                   uint64_t *n_shingles, int64_t *cluster)
{
	sqlite3_stmt *s = store_stmt(st, ST_LOAD_SIG);
	sqlite3_bind_int64(s, 1, seq);
	int rc = sqlite3_step(s), err;
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? wd_fail(WD_ENOTFOUND, "no article #%lld", (long long)seq)
		                         : store_fail(st, "reading a signature");
	}
	err = store_decode_sig(sig, num_perm, sqlite3_column_blob(s, 0), sqlite3_column_bytes(s, 0));
	*n_shingles = (uint64_t)sqlite3_column_int64(s, 1);
	*cluster = sqlite3_column_int64(s, 2);
	sqlite3_reset(s);
	return err;
}

int store_published_ts(wd_store *st, int64_t seq, int64_t *ts)
{
	sqlite3_stmt *s = store_stmt(st, ST_REP_TIME);
	sqlite3_bind_int64(s, 1, seq);
	int rc = sqlite3_step(s), known = 0;
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		*ts = sqlite3_column_int64(s, 0);
		known = 1;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? wd_fail(WD_ENOTFOUND, "no article #%lld", (long long)seq)
		                         : store_fail(st, "reading a publication time");
	return known;
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* Binds parameters 1 to 13 of ST_INSERT_ARTICLE or ST_BULK_ARTICLE; the
 * signature goes through *blob (malloc'd: free it after the step). */
static int bind_article(sqlite3_stmt *s, const store_article *art, unsigned char **blob)
{
	const wd_article *a = art->a;
	size_t bytes = 4 * (size_t)art->num_perm;
	if (!(*blob = malloc(bytes)))
		return wd_fail_oom();
	for (uint32_t i = 0; i < art->num_perm; i++)
		wd_put_le32(*blob + 4 * i, art->sig[i]);
	sqlite3_bind_text(s, 1, a->id, -1, SQLITE_STATIC);
	bind_text_or_null(s, 2, a->title);
	bind_text_or_null(s, 3, a->source);
	bind_text_or_null(s, 4, a->published);
	if (art->has_ts)
		sqlite3_bind_int64(s, 5, art->published_ts);
	else
		sqlite3_bind_null(s, 5);
	bind_text_or_null(s, 6, a->url);
	sqlite3_bind_text(s, 7, a->text, (int)a->text_len, SQLITE_STATIC);
	bind_text_or_null(s, 8, art->credit_agency[0] ? art->credit_agency : NULL);
	bind_text_or_null(s, 9, art->credit_place[0] ? art->credit_place : NULL);
	sqlite3_bind_int64(s, 10, (int64_t)art->content_hash);
	sqlite3_bind_blob(s, 11, art->lines, (int)art->lines_bytes, SQLITE_STATIC);
	sqlite3_bind_int64(s, 12, (int64_t)art->n_shingles);
	sqlite3_bind_blob(s, 13, *blob, (int)bytes, SQLITE_STATIC);
	return WD_OK;
}

int store_insert_article(wd_store *st, const store_article *art, int64_t *seq)
{
	unsigned char *blob;
	sqlite3_stmt *s = store_stmt(st, ST_INSERT_ARTICLE);
	int err = bind_article(s, art, &blob);
	if (err < 0)
		return err;
	err = step_done(st, s, "storing an article");
	free(blob);
	if (err == WD_OK)
		*seq = sqlite3_last_insert_rowid(st->db);
	if (err == WD_OK) /* when it was added: its age when its time is unknown */
		err = store_run(st, ST_SET_ADDED, "storing an article", 2, *seq,
		                (int64_t)time(NULL));
	return err;
}

int store_insert_match(wd_store *st, int64_t a, int64_t b, double jaccard,
                       double containment, uint64_t shared)
{
	sqlite3_stmt *s = store_stmt(st, ST_INSERT_MATCH);
	sqlite3_bind_int64(s, 1, a < b ? a : b);
	sqlite3_bind_int64(s, 2, a < b ? b : a);
	sqlite3_bind_double(s, 3, jaccard);
	sqlite3_bind_double(s, 4, containment);
	sqlite3_bind_int64(s, 5, (int64_t)shared);
	return step_done(st, s, "storing a match");
}

int store_id_of(wd_store *st, int64_t seq, char **id)
{
	sqlite3_stmt *s = store_stmt(st, ST_ID_OF);
	sqlite3_bind_int64(s, 1, seq);
	int rc = sqlite3_step(s), err = WD_OK;
	if (rc == SQLITE_ROW) {
		*id = strdup((const char *)sqlite3_column_text(s, 0));
		if (!*id)
			err = wd_fail_oom();
	} else {
		err = rc == SQLITE_DONE ? wd_fail(WD_ENOTFOUND, "no article #%lld", (long long)seq)
		                        : store_fail(st, "reading an id");
	}
	sqlite3_reset(s);
	return err;
}

/* Encodes a signature as little-endian bytes (malloc'd). */
static unsigned char *encode_sig(const uint32_t *sig, uint32_t num_perm)
{
	unsigned char *blob = malloc(4 * (size_t)num_perm);
	if (blob)
		for (uint32_t i = 0; i < num_perm; i++)
			wd_put_le32(blob + 4 * i, sig[i]);
	return blob;
}

int store_update_sig(wd_store *st, int64_t seq, uint64_t n_shingles,
                     const uint32_t *sig, uint32_t num_perm)
{
	unsigned char *blob = encode_sig(sig, num_perm);
	if (!blob)
		return wd_fail_oom();
	sqlite3_stmt *s = store_stmt(st, ST_UPDATE_SIG);
	sqlite3_bind_int64(s, 1, seq);
	sqlite3_bind_int64(s, 2, (int64_t)n_shingles);
	sqlite3_bind_blob(s, 3, blob, 4 * (int)num_perm, SQLITE_STATIC);
	int err = step_done(st, s, "updating a signature");
	free(blob);
	return err;
}

int store_line_get(wd_store *st, const char *source, uint64_t line, int64_t *first_seq,
                   int *chrome)
{
	sqlite3_stmt *s = store_stmt(st, ST_LINE_GET);
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (int64_t)line);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*first_seq = sqlite3_column_int64(s, 0);
		*chrome = sqlite3_column_int(s, 1);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail(st, "reading learned chrome");
}

int store_line_put(wd_store *st, const char *source, uint64_t line, int64_t first_seq,
                   int chrome)
{
	sqlite3_stmt *s = store_stmt(st, chrome ? ST_LINE_SET_CHROME : ST_LINE_INSERT);
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (int64_t)line);
	sqlite3_bind_int64(s, 3, first_seq);
	if (chrome)
		sqlite3_bind_int(s, 4, chrome);
	return step_done(st, s, "storing learned chrome");
}

int store_learned_each(wd_store *st, int (*fn)(const char *source, uint64_t line, void *),
                       void *ctx)
{
	sqlite3_stmt *s = store_stmt(st, ST_LEARNED_ALL);
	int rc, err = WD_OK;
	while (err == WD_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
		err = fn((const char *)sqlite3_column_text(s, 0),
		         (uint64_t)sqlite3_column_int64(s, 1), ctx);
	sqlite3_reset(s);
	if (err == WD_OK && rc != SQLITE_DONE)
		err = store_fail(st, "reading learned chrome");
	return err;
}

int store_set_shingles(wd_store *st, int64_t seq, const void *packed, size_t bytes)
{
	sqlite3_stmt *s = store_stmt(st, ST_SET_SHINGLES);
	sqlite3_bind_int64(s, 1, seq);
	sqlite3_bind_blob(s, 2, packed, (int)bytes, SQLITE_STATIC);
	return step_done(st, s, "storing shingles");
}

int store_load_shingles(wd_store *st, int64_t seq, void **packed, size_t *bytes,
                        char **source)
{
	sqlite3_stmt *s = store_stmt(st, ST_LOAD_SHINGLES);
	sqlite3_bind_int64(s, 1, seq);
	int rc = sqlite3_step(s), err = WD_OK;
	*packed = NULL;
	*bytes = 0;
	*source = NULL;
	if (rc == SQLITE_ROW) {
		const void *blob = sqlite3_column_blob(s, 0);
		const unsigned char *src = sqlite3_column_text(s, 1);
		*bytes = (size_t)sqlite3_column_bytes(s, 0);
		if (blob && *bytes && !(*packed = malloc(*bytes)))
			err = wd_fail_oom();
		else if (blob && *bytes)
			memcpy(*packed, blob, *bytes);
		if (err == WD_OK && src && !(*source = strdup((const char *)src)))
			err = wd_fail_oom();
	} else {
		err = rc == SQLITE_DONE ? wd_fail(WD_ENOTFOUND, "no article #%lld", (long long)seq)
		                        : store_fail(st, "reading shingles");
	}
	sqlite3_reset(s);
	if (err < 0) {
		free(*packed);
		free(*source);
		*packed = NULL;
		*source = NULL;
	}
	return err;
}

int store_article_lines(wd_store *st, int64_t seq, void **blob, size_t *bytes)
{
	sqlite3_stmt *s = store_stmt(st, ST_ARTICLE_LINES);
	sqlite3_bind_int64(s, 1, seq);
	int rc = sqlite3_step(s), err = WD_OK;
	*blob = NULL;
	*bytes = 0;
	if (rc == SQLITE_ROW) {
		*bytes = (size_t)sqlite3_column_bytes(s, 0);
		if (*bytes && !(*blob = malloc(*bytes)))
			err = wd_fail_oom();
		else if (*bytes)
			memcpy(*blob, sqlite3_column_blob(s, 0), *bytes);
	} else {
		err = rc == SQLITE_DONE ? wd_fail(WD_ENOTFOUND, "no article #%lld", (long long)seq)
		                        : store_fail(st, "reading lines");
	}
	sqlite3_reset(s);
	return err;
}

int store_source_each(wd_store *st, const char *source,
                      int (*fn)(int64_t seq, const void *lines, size_t bytes, void *),
                      void *ctx)
{
	/* A private statement: fn may use the cached ones. */
	sqlite3_stmt *s;
	int rc, err = WD_OK;
	if (sqlite3_prepare_v2(st->db, "SELECT seq, lines FROM articles WHERE source = ?1"
	                       " ORDER BY seq", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "reading an outlet's articles");
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	while (err == WD_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
		err = fn(sqlite3_column_int64(s, 0), sqlite3_column_blob(s, 1),
		         (size_t)sqlite3_column_bytes(s, 1), ctx);
	if (err == WD_OK && rc != SQLITE_DONE)
		err = store_fail(st, "reading an outlet's articles");
	sqlite3_finalize(s);
	return err;
}

/* Copies column i of the current row of s into a malloc'd string (NULL
 * for NULL); 0, or WD_ENOMEM. */
static int column_dup(char **out, sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);
	*out = NULL;
	if (!v)
		return WD_OK;
	*out = strdup((const char *)v);
	return *out ? WD_OK : wd_fail_oom();
}

int store_load_text(wd_store *st, int64_t seq, stored_text *out)
{
	sqlite3_stmt *s = store_stmt(st, ST_LOAD_TEXT);
	sqlite3_bind_int64(s, 1, seq);
	int rc = sqlite3_step(s), err;
	memset(out, 0, sizeof *out);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? wd_fail(WD_ENOTFOUND, "no article #%lld", (long long)seq)
		                         : store_fail(st, "reading an article");
	}
	/* the text may hold NUL bytes (the API takes a length): copy them all */
	const void *text = sqlite3_column_blob(s, 0);
	out->len = (size_t)sqlite3_column_bytes(s, 0);
	err = (out->text = malloc(out->len + 1)) ? WD_OK : wd_fail_oom();
	if (err == WD_OK) {
		if (out->len)
			memcpy(out->text, text, out->len);
		out->text[out->len] = '\0';
		if ((err = column_dup(&out->source, s, 1)) == WD_OK)
			err = column_dup(&out->title, s, 2);
	}
	sqlite3_reset(s);
	if (err < 0)
		stored_text_free(out);
	return err;
}

void stored_text_free(stored_text *t)
{
	free(t->text);
	free(t->source);
	free(t->title);
	memset(t, 0, sizeof *t);
}

int store_credit_of(wd_store *st, int64_t seq, char **agency, char **place)
{
	sqlite3_stmt *s = store_stmt(st, ST_CREDIT_OF);
	sqlite3_bind_int64(s, 1, seq);
	int rc = sqlite3_step(s), err = WD_OK;
	*agency = *place = NULL;
	if (rc == SQLITE_ROW) {
		if ((err = column_dup(agency, s, 0)) == WD_OK)
			err = column_dup(place, s, 1);
	} else {
		err = rc == SQLITE_DONE ? wd_fail(WD_ENOTFOUND, "no article #%lld", (long long)seq)
		                        : store_fail(st, "reading a credit");
	}
	sqlite3_reset(s);
	return err;
}

int store_edge_score(wd_store *st, int64_t a, int64_t b, double *score)
{
	sqlite3_stmt *s = store_stmt(st, ST_EDGE);
	sqlite3_bind_int64(s, 1, a < b ? a : b);
	sqlite3_bind_int64(s, 2, a < b ? b : a);
	int rc = sqlite3_step(s), found = 0;
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		*score = sqlite3_column_double(s, 0);
		found = 1;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, "reading a match");
	return found;
}

int store_line_forget(wd_store *st, const char *source, uint64_t line, int64_t first_seq)
{
	sqlite3_stmt *s = store_stmt(st, ST_LINE_FORGET);
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (int64_t)line);
	sqlite3_bind_int64(s, 3, first_seq);
	return step_done(st, s, "forgetting an article's lines");
}

int store_source_of(wd_store *st, int64_t seq, char **source)
{
	sqlite3_stmt *s = store_stmt(st, ST_SOURCE_OF);
	sqlite3_bind_int64(s, 1, seq);
	int rc = sqlite3_step(s), err = WD_OK;
	*source = NULL;
	if (rc == SQLITE_ROW)
		err = column_dup(source, s, 0);
	else
		err = rc == SQLITE_DONE ? wd_fail(WD_ENOTFOUND, "no article #%lld", (long long)seq)
		                        : store_fail(st, "reading an outlet");
	sqlite3_reset(s);
	return err;
}

int store_epoch(wd_store *st, int64_t *epoch, int64_t *oldest)
{
	sqlite3_stmt *s = store_stmt(st, ST_EPOCH);
	int rc = sqlite3_step(s);
	*epoch = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	if (oldest)
		*oldest = rc == SQLITE_ROW ? sqlite3_column_int64(s, 1) : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? WD_OK : store_fail(st, "reading the epoch");
}

int store_note_change(wd_store *st, const char *source, uint64_t line, int64_t freed_seq,
                      int64_t *epoch)
{
	sqlite3_stmt *s = store_stmt(st, ST_NOTE_CHANGE);
	bind_text_or_null(s, 1, freed_seq ? NULL : source);
	if (freed_seq) {
		sqlite3_bind_null(s, 2);
		sqlite3_bind_int64(s, 3, freed_seq);
	} else {
		sqlite3_bind_int64(s, 2, (int64_t)line);
		sqlite3_bind_null(s, 3);
	}
	int err = step_done(st, s, "noting a change");
	if (err == WD_OK)
		*epoch = sqlite3_last_insert_rowid(st->db);
	return err;
}

int store_changes_each(wd_store *st, int64_t since,
                       int (*fn)(int64_t epoch, const char *source, uint64_t line,
                                 int64_t freed_seq, void *ctx),
                       void *ctx)
{
	sqlite3_stmt *s = store_stmt(st, ST_CHANGES_SINCE);
	int rc, err = WD_OK;
	sqlite3_bind_int64(s, 1, since);
	while (err == WD_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
		err = fn(sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
		         (uint64_t)sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3), ctx);
	sqlite3_reset(s);
	if (err == WD_OK && rc != SQLITE_DONE)
		err = store_fail(st, "reading changes");
	return err;
}

int store_column_dup(char **out, sqlite3_stmt *s, int i)
{
	return column_dup(out, s, i);
}

/* ---- a new index in one go ---- */

int store_holds_anything(wd_store *st)
{
	i64_vec any = {0};
	int err = store_ints(st, ST_ANY_ROWS, "reading the index", &any, 0);
	if (err == WD_OK)
		err = any.n == 1 && any.v[0] != 0;
	i64_free(&any);
	return err;
}

int store_bulk_begin(wd_store *st, store_bulk *bk)
{
	sqlite3_stmt *s;
	int rc = SQLITE_DONE, err;
	memset(bk, 0, sizeof *bk);
	/* A rollback journal instead of the WAL: it saves only the pages the
	 * transaction changes that were there before (almost none in a new
	 * index), where the WAL would write every page twice. A crash still
	 * leaves the index as it was: the journal undoes what was written. */
	if ((err = store_exec(st, "PRAGMA journal_mode = DELETE")) < 0 ||
	    (err = store_exec(st, "BEGIN IMMEDIATE")) < 0)
		return err;
	if ((err = store_holds_anything(st)) > 0)
		err = wd_fail(WD_EINVAL, "the index holds articles or learned chrome already: it "
		              "is written in one go only when new");
	if (err < 0)
		goto fail;
	/* Secondary indexes are made at the end, from sorted data, rather
	 * than kept up to date row by row: their SQL is set aside. */
	if (sqlite3_prepare_v2(st->db, "SELECT name, sql FROM sqlite_schema"
	                       " WHERE type = 'index' AND sql IS NOT NULL", -1, &s, NULL) != SQLITE_OK) {
		err = store_fail(st, "reading the schema");
		goto fail;
	}
	while (err == WD_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (wd_grow(&bk->indexes, &bk->cap, bk->n, sizeof *bk->indexes, 8) < 0) {
			err = wd_fail_oom();
			break;
		}
		store_index *ix = &bk->indexes[bk->n++];
		ix->name = sqlite3_mprintf("%s", sqlite3_column_text(s, 0));
		ix->sql = sqlite3_mprintf("%s", sqlite3_column_text(s, 1));
		if (!ix->name || !ix->sql)
			err = wd_fail_oom();
	}
	if (err == WD_OK && rc != SQLITE_DONE)
		err = store_fail(st, "reading the schema");
	sqlite3_finalize(s);
	for (size_t i = 0; i < bk->n && err == WD_OK; i++) {
		char *drop = sqlite3_mprintf("DROP INDEX \"%w\"", bk->indexes[i].name);
		err = drop ? store_exec(st, drop) : wd_fail_oom();
		sqlite3_free(drop);
	}
	if (err == WD_OK)
		return WD_OK;
fail:
	store_bulk_abort(st, bk);
	return err;
}

int store_bulk_article(wd_store *st, const store_article *art, int64_t seq, int64_t cluster,
                       int64_t added, const void *packed, size_t packed_bytes)
{
	unsigned char *blob;
	sqlite3_stmt *s = store_stmt(st, ST_BULK_ARTICLE);
	int err = bind_article(s, art, &blob);
	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 14, seq);
	sqlite3_bind_int64(s, 15, cluster);
	sqlite3_bind_int64(s, 16, added);
	sqlite3_bind_blob(s, 17, packed, (int)packed_bytes, SQLITE_STATIC);
	err = step_done(st, s, "storing an article");
	free(blob);
	return err;
}

int store_bulk_line(wd_store *st, const char *source, uint64_t line, int64_t first_seq,
                    int chrome)
{
	sqlite3_stmt *s = store_stmt(st, ST_BULK_LINE);
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (int64_t)line);
	sqlite3_bind_int64(s, 3, first_seq);
	sqlite3_bind_int(s, 4, chrome);
	return step_done(st, s, "storing learned chrome");
}

static void bulk_free(store_bulk *bk)
{
	for (size_t i = 0; i < bk->n; i++) {
		sqlite3_free(bk->indexes[i].name);
		sqlite3_free(bk->indexes[i].sql);
	}
	free(bk->indexes);
	memset(bk, 0, sizeof *bk);
}

int store_bulk_commit(wd_store *st, store_bulk *bk)
{
	int err = WD_OK;
	for (size_t i = 0; i < bk->n && err == WD_OK; i++)
		err = store_exec(st, bk->indexes[i].sql);
	if (err == WD_OK)
		err = store_exec(st, "COMMIT");
	if (err < 0) {
		store_bulk_abort(st, bk);
		return err;
	}
	bulk_free(bk);
	return store_exec(st, "PRAGMA journal_mode = WAL");
}

void store_bulk_abort(wd_store *st, store_bulk *bk)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	bulk_free(bk);
}
