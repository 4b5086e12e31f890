/* store_research.c - SQL of the syndication research outputs (see
 * store_research.h and docs/schema.md). */
#include "store_research.h"

#include "error.h"

#include <stdlib.h>
#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x)

/*
 * Every article with its cluster's figures, computed from the stored
 * columns: the member's position (earliest published first, unknown times
 * last, ties by ingest order: the order that names the representative),
 * its lag behind the representative, the cluster's credited agency (the
 * agency most members name; a tie goes to the agency named by the
 * earliest member) and the shingles the member shares with the
 * representative, from their direct match (NULL when the member joined
 * through other members). `filter` restricts the articles read.
 */
#define MEMBERS_SELECT(filter)                                                          \
	"WITH m AS (\n"                                                                 \
	"  SELECT a.seq, a.cluster, a.id, a.source, a.published, a.published_ts,\n"     \
	"         a.credit_agency, a.n_shingles,\n"                                    \
	"         row_number() OVER (PARTITION BY a.cluster\n"                          \
	"           ORDER BY a.published_ts IS NULL, a.published_ts, a.seq) AS position\n" \
	"  FROM articles a" filter "),\n"                                               \
	"counts AS (\n"                                                                 \
	"  SELECT cluster, credit_agency AS agency, count(*) AS n, min(position) AS first\n" \
	"  FROM m WHERE credit_agency IS NOT NULL GROUP BY cluster, credit_agency),\n" \
	"agencies AS (\n"                                                               \
	"  SELECT cluster, agency FROM (\n"                                             \
	"    SELECT cluster, agency, row_number() OVER (PARTITION BY cluster\n"         \
	"      ORDER BY n DESC, first) AS k FROM counts) WHERE k = 1)\n"               \
	"SELECT m.seq, r.id AS cluster, m.position, m.id, m.source, m.published,\n"     \
	"  m.published_ts, m.published_ts - r.published_ts AS lag_seconds,\n"           \
	"  m.credit_agency, g.agency AS cluster_agency,\n"                              \
	"  CASE WHEN g.agency IS NULL THEN NULL\n"                                      \
	"    WHEN m.credit_agency IS g.agency THEN 1 ELSE 0 END AS credits_agency,\n"   \
	"  (m.seq <> r.seq AND g.agency IS NOT NULL\n"                                  \
	"    AND m.credit_agency IS NOT g.agency) AS uncredited,\n"                     \
	"  m.n_shingles AS shingles, r.n_shingles AS representative_shingles,\n"        \
	"  CASE WHEN m.seq = r.seq THEN m.n_shingles ELSE\n"                            \
	"    (SELECT x.shared FROM matches x\n"                                         \
	"     WHERE x.a = min(m.seq, r.seq) AND x.b = max(m.seq, r.seq)) END AS shared\n" \
	"FROM m JOIN articles r ON r.seq = m.cluster\n"                                 \
	"LEFT JOIN agencies g ON g.cluster = m.cluster"

static const char *const VIEW_SQL =
	"CREATE VIEW IF NOT EXISTS cluster_members AS\n"
	"SELECT cluster, position, id, source, published, published_ts, lag_seconds,\n"
	"  credit_agency, cluster_agency, credits_agency, uncredited, shingles, shared,\n"
	"  shared * 1.0 / shingles AS member_in_representative,\n"
	"  shared * 1.0 / representative_shingles AS representative_in_member,\n"
	"  CASE WHEN shared IS NULL THEN NULL ELSE\n"
	"    (position > 1 AND shared >= " STR(TRIM_CONTAINMENT) " * shingles\n"
	"     AND shingles < " STR(TRIM_SHORTER) " * representative_shingles) END AS trimmed\n"
	"FROM (\n" MEMBERS_SELECT("") ");\n";

static const char *const CLUSTER_SQL =
	MEMBERS_SELECT(" WHERE a.cluster = ?1") "\nORDER BY m.position";

int store_research_migrate(wd_store *st)
{
	sqlite3_stmt *s;
	int have = 0, err;
	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sqlite_schema"
	                       " WHERE type = 'view' AND name = 'cluster_members'",
	                       -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "reading the schema");
	if (sqlite3_step(s) == SQLITE_ROW)
		have = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (have)
		return WD_OK;
	if ((err = store_exec(st, "BEGIN IMMEDIATE")) < 0)
		return err;
	if ((err = store_exec(st, VIEW_SQL)) < 0) {
		store_exec(st, "ROLLBACK");
		return err;
	}
	return store_exec(st, "COMMIT");
}

static const char *text_or_null(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

int store_cluster_members(wd_store *st, int64_t rep_seq,
                          int (*fn)(const store_member_row *row, void *ctx), void *ctx)
{
	sqlite3_stmt *s;
	int rc, err = WD_OK;
	if (sqlite3_prepare_v2(st->db, CLUSTER_SQL, -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "reading cluster members");
	sqlite3_bind_int64(s, 1, rep_seq);
	while (err == WD_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_member_row r = {
			.seq = sqlite3_column_int64(s, 0),
			.cluster = text_or_null(s, 1),
			.position = sqlite3_column_int64(s, 2),
			.id = text_or_null(s, 3),
			.source = text_or_null(s, 4),
			.published = text_or_null(s, 5),
			.has_ts = sqlite3_column_type(s, 6) != SQLITE_NULL,
			.published_ts = sqlite3_column_int64(s, 6),
			.has_lag = sqlite3_column_type(s, 7) != SQLITE_NULL,
			.lag_seconds = sqlite3_column_int64(s, 7),
			.credit_agency = text_or_null(s, 8),
			.cluster_agency = text_or_null(s, 9),
			.credits_agency = sqlite3_column_type(s, 10) == SQLITE_NULL
			                          ? -1 : sqlite3_column_int(s, 10),
			.uncredited = sqlite3_column_int(s, 11),
			.shingles = (uint64_t)sqlite3_column_int64(s, 12),
			.representative_shingles = (uint64_t)sqlite3_column_int64(s, 13),
			.has_shared = sqlite3_column_type(s, 14) != SQLITE_NULL,
			.shared = (uint64_t)sqlite3_column_int64(s, 14),
		};
		err = fn(&r, ctx);
	}
	if (err == WD_OK && rc != SQLITE_DONE)
		err = store_fail(st, "reading cluster members");
	sqlite3_finalize(s);
	return err;
}
