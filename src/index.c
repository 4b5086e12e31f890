/* index.c - the wd_index handle: open, add, query, assignments, stats. */
#include "index_internal.h"

#include "error.h"
#include "published.h"
#include "sign.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

/* Compares the set fields of `given` with what the index was built with. */
static int check_params(const wd_params *given, const wd_params *stored)
{
#define CHECK_U(f, name)                                                        \
	if (given->f && given->f != stored->f)                                  \
		return wd_fail(WD_EPARAMS, "the index was built with " name     \
		               " %u, not %u; use the index's value or a new index", \
		               stored->f, given->f);
#define CHECK_D(f, name)                                                        \
	if (given->f != 0.0 && fabs(given->f - stored->f) > 1e-12)              \
		return wd_fail(WD_EPARAMS, "the index was built with " name     \
		               " %g, not %g; use the index's value or a new index", \
		               stored->f, given->f);
	CHECK_U(shingle_words, "shingle words")
	CHECK_U(num_perm, "num_perm")
	CHECK_U(bands, "bands")
	CHECK_U(rows, "rows")
	CHECK_D(lsh_threshold, "LSH threshold")
	CHECK_D(threshold, "threshold")
#undef CHECK_U
#undef CHECK_D
	if (given->seed && given->seed != stored->seed)
		return wd_fail(WD_EPARAMS, "the index was built with seed %llu, not %llu",
		               (unsigned long long)stored->seed,
		               (unsigned long long)given->seed);
	return WD_OK;
}

static int open_index(wd_index **out, const char *path, const wd_params *params,
                      int create)
{
	wd_params given, stored;
	int created = 0, err;
	wd_index *ix = calloc(1, sizeof *ix);
	*out = NULL;
	if (!ix)
		return wd_fail_oom();
	if (params)
		given = *params;
	else
		wd_params_init(&given);

	if ((err = store_open(&ix->store, path, create, &created)) < 0) {
		free(ix);
		return err;
	}
	if ((err = store_load_params(&ix->store, &stored)) < 0)
		goto fail;
	if (stored.num_perm == 0) { /* a new index takes the given parameters */
		ix->params = given;
		if ((err = wd_params_resolve(&ix->params)) < 0 ||
		    (err = store_save_params(&ix->store, &ix->params)) < 0)
			goto fail;
	} else {
		if ((err = check_params(&given, &stored)) < 0)
			goto fail;
		ix->params = stored;
		if ((err = wd_params_resolve(&ix->params)) < 0)
			goto fail;
	}
	ix->sig = malloc(2 * ix->params.num_perm * sizeof *ix->sig);
	if (!ix->sig) {
		err = wd_fail_oom();
		goto fail;
	}
	ix->other_sig = ix->sig + ix->params.num_perm;
	*out = ix;
	return WD_OK;
fail:
	store_close(&ix->store);
	free(ix);
	return err;
}

int wd_index_open(wd_index **out, const char *path, const wd_params *params)
{
	return open_index(out, path, params, 1);
}

int wd_index_open_existing(wd_index **out, const char *path)
{
	return open_index(out, path, NULL, 0);
}

int wd_index_close(wd_index *ix)
{
	int err = WD_OK;
	if (!ix)
		return WD_OK;
	if (ix->in_batch)
		err = wd_index_commit(ix);
	store_close(&ix->store);
	free(ix->sig);
	free(ix->assign_id);
	free(ix->assign_cluster);
	free(ix);
	return err;
}

void wd_index_params(wd_params *out, const wd_index *ix)
{
	*out = ix->params;
}

int wd_index_begin(wd_index *ix)
{
	if (ix->in_batch)
		return wd_fail(WD_EINVAL, "a batch is open already");
	int err = store_exec(&ix->store, "BEGIN IMMEDIATE");
	if (err == WD_OK)
		ix->in_batch = 1;
	return err;
}

int wd_index_commit(wd_index *ix)
{
	if (!ix->in_batch)
		return wd_fail(WD_EINVAL, "no batch is open");
	int err = store_exec(&ix->store, "COMMIT");
	if (err == WD_OK)
		ix->in_batch = 0;
	return err;
}

/* Hash of everything stored about an article, to tell a resend from a
 * different article under a reused id. */
static uint64_t content_hash(const wd_article *a)
{
	XXH3_state_t st;
	const char *fields[] = {a->title, a->source, a->published, a->url};
	XXH3_64bits_reset(&st);
	XXH3_64bits_update(&st, a->text, a->text_len);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		/* a length prefix keeps ("ab", "c") apart from ("a", "bc"); NULL
		 * hashes differently from "" */
		uint64_t len = fields[i] ? strlen(fields[i]) + 1 : 0;
		XXH3_64bits_update(&st, &len, sizeof len);
		if (fields[i])
			XXH3_64bits_update(&st, fields[i], len - 1);
	}
	return XXH3_64bits_digest(&st);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Best first; ties by ingest order, so results are reproducible. */
static int cmp_match(const void *a, const void *b)
{
	const candidate_match *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * LSH candidates of ix->sig, each verified against its stored signature.
 * *matches (malloc'd, best first) holds those whose score passes.
 */
static int find_matches(wd_index *ix, uint64_t n_shingles,
                        candidate_match **matches, size_t *n_matches)
{
	const wd_params *p = &ix->params;
	int64_t *cands = NULL;
	size_t n = 0, cap = 0, n_ok = 0;
	candidate_match *ok = NULL;
	int err = WD_OK;

	for (uint32_t b = 0; b < p->bands && err == WD_OK; b++)
		err = store_band_lookup(&ix->store, b, wd_band_key(ix->sig, b, p->rows, p->seed),
		                        &cands, &n, &cap);
	if (err < 0)
		goto done;
	if (n > 1)
		qsort(cands, n, sizeof *cands, cmp_i64);
	if (n && !(ok = malloc(n * sizeof *ok))) {
		err = wd_fail_oom();
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t other_n;
		int64_t cluster;
		if (i > 0 && cands[i] == cands[i - 1])
			continue;
		if ((err = store_load_sig(&ix->store, cands[i], ix->other_sig, p->num_perm,
		                          &other_n, &cluster)) < 0)
			goto done;
		/* Verification: never trust a raw LSH collision. */
		double j = wd_minhash_jaccard(ix->sig, ix->other_sig, p->num_perm);
		double c = wd_containment_estimate(j, n_shingles, other_n);
		double score = j > c ? j : c;
		if (score >= p->threshold)
			ok[n_ok++] = (candidate_match){cands[i], cluster, j, c, score};
	}
	if (n_ok > 1)
		qsort(ok, n_ok, sizeof *ok, cmp_match);
done:
	free(cands);
	if (err < 0) {
		free(ok);
		ok = NULL;
		n_ok = 0;
	}
	*matches = ok;
	*n_matches = n_ok;
	return err;
}

/* Checks the required fields and signs the text into ix->sig. */
static int prepare(wd_index *ix, wd_article *a, uint64_t *n_shingles)
{
	if (!a->id || !a->id[0])
		return wd_fail(WD_EINPUT, "article has no id");
	if (!a->text)
		return wd_fail(WD_EINPUT, "article '%s' has no text", a->id);
	if (a->text_len == 0)
		a->text_len = strlen(a->text);
	int err = wd_sign_text(ix->sig, n_shingles, &ix->params, a->text, a->text_len);
	if (err < 0)
		return wd_fail_prefix(err, "article '%s': ", a->id);
	return WD_OK;
}

/* The body of wd_index_add, run inside a savepoint. */
static int add_locked(wd_add_result *res, wd_index *ix, wd_article *a)
{
	uint64_t n_shingles, old_hash, hash;
	candidate_match *matches = NULL;
	size_t n_matches = 0;
	int64_t seq, ts;
	int err, found;

	if ((err = prepare(ix, a, &n_shingles)) < 0)
		return err;
	hash = content_hash(a);
	if ((found = store_find_id(&ix->store, a->id, &seq, &old_hash)) < 0)
		return found;
	if (found) {
		if (old_hash != hash)
			return wd_fail(WD_EDUPLICATE, "id '%s' is indexed already with "
			               "different content; ids must be unique", a->id);
		*res = (wd_add_result){WD_ADD_UNCHANGED, seq, 0};
		return WD_OK;
	}
	if ((err = find_matches(ix, n_shingles, &matches, &n_matches)) < 0)
		return err;

	int has_ts = wd_parse_iso8601(&ts, a->published);
	store_article art = {a, has_ts, ts, hash, n_shingles, ix->sig, ix->params.num_perm};
	if ((err = store_insert_article(&ix->store, &art, &seq)) < 0)
		goto done;
	for (uint32_t b = 0; b < ix->params.bands && err == WD_OK; b++)
		err = store_insert_band(&ix->store, b,
		                        wd_band_key(ix->sig, b, ix->params.rows, ix->params.seed),
		                        seq);
	for (size_t i = 0; i < n_matches && err == WD_OK; i++)
		err = store_insert_match(&ix->store, matches[i].seq, seq,
		                         matches[i].jaccard, matches[i].containment);
	if (err == WD_OK)
		err = cluster_merge(ix, seq, has_ts ? &ts : NULL, matches, n_matches);
	if (err == WD_OK)
		*res = (wd_add_result){WD_ADD_NEW, seq, (uint32_t)n_matches};
done:
	free(matches);
	return err;
}

int wd_index_add(wd_add_result *out, wd_index *ix, const wd_article *article)
{
	wd_add_result res = {0};
	wd_article a = *article;
	int err;

	/* Outside a batch the add is its own transaction; inside, a savepoint
	 * undoes a failed add without touching the rest of the batch. */
	if (!ix->in_batch && (err = store_exec(&ix->store, "BEGIN IMMEDIATE")) < 0)
		return err;
	if ((err = store_exec(&ix->store, "SAVEPOINT wd_add")) < 0)
		goto end;
	err = add_locked(&res, ix, &a);
	if (err < 0) {
		store_exec(&ix->store, "ROLLBACK TO wd_add");
		store_exec(&ix->store, "RELEASE wd_add");
	} else {
		err = store_exec(&ix->store, "RELEASE wd_add");
	}
end:
	if (!ix->in_batch) {
		if (err == WD_OK) {
			err = store_exec(&ix->store, "COMMIT");
		} else {
			/* keep the add's message, not the rollback's */
			char msg[1024];
			snprintf(msg, sizeof msg, "%s", wd_last_error());
			store_exec(&ix->store, "ROLLBACK");
			wd_fail(err, "%s", msg);
		}
	}
	if (err == WD_OK && out)
		*out = res;
	return err;
}

int wd_index_query(wd_query_result **out, wd_index *ix, const wd_article *article)
{
	wd_article a = *article;
	candidate_match *matches = NULL;
	size_t n = 0;
	uint64_t n_shingles;
	int64_t ts, rep;
	int err;
	wd_query_result *r = calloc(1, sizeof *r);

	*out = NULL;
	if (!r)
		return wd_fail_oom();
	if ((err = prepare(ix, &a, &n_shingles)) < 0 ||
	    (err = find_matches(ix, n_shingles, &matches, &n)) < 0)
		goto fail;
	if (n && !(r->matches = calloc(n, sizeof *r->matches))) {
		err = wd_fail_oom();
		goto fail;
	}
	r->n_matches = n;
	for (size_t i = 0; i < n; i++) {
		r->matches[i].jaccard = matches[i].jaccard;
		r->matches[i].containment = matches[i].containment;
		r->matches[i].score = matches[i].score;
		if ((err = store_id_of(&ix->store, matches[i].seq, &r->matches[i].id)) < 0 ||
		    (err = store_id_of(&ix->store, matches[i].cluster, &r->matches[i].cluster)) < 0)
			goto fail;
	}

	/* The cluster it would join: the merge of every matched cluster, named
	 * after the earliest member, which may be the article itself (it would
	 * be ingested last). */
	int64_t *reps = malloc((n ? n : 1) * sizeof *reps);
	if (!reps) {
		err = wd_fail_oom();
		goto fail;
	}
	for (size_t i = 0; i < n; i++)
		reps[i] = matches[i].cluster;
	int has_ts = wd_parse_iso8601(&ts, a.published);
	err = cluster_pick_representative(&rep, ix, reps, n, INT64_MAX, has_ts ? &ts : NULL);
	free(reps);
	if (err < 0)
		goto fail;
	r->new_story = n == 0;
	if (rep == INT64_MAX)
		r->cluster = strdup(a.id);
	else if ((err = store_id_of(&ix->store, rep, &r->cluster)) < 0)
		goto fail;
	if (!r->cluster) {
		err = wd_fail_oom();
		goto fail;
	}
	free(matches);
	*out = r;
	return WD_OK;
fail:
	free(matches);
	wd_query_result_free(r);
	return err;
}

void wd_query_result_free(wd_query_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_matches; i++) {
		free(r->matches[i].id);
		free(r->matches[i].cluster);
	}
	free(r->matches);
	free(r->cluster);
	free(r);
}

/* Replaces *slot with a copy of s. */
static int keep_copy(char **slot, const unsigned char *s)
{
	free(*slot);
	*slot = strdup(s ? (const char *)s : "");
	return *slot ? WD_OK : wd_fail_oom();
}

int wd_index_assignment(wd_assignment *out, wd_index *ix, int64_t seq)
{
	sqlite3_stmt *s = store_stmt(&ix->store, ST_ASSIGNMENT);
	uint32_t np = ix->params.num_perm;
	int rc, err;
	sqlite3_bind_int64(s, 1, seq);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? wd_fail(WD_ENOTFOUND, "no article #%lld", (long long)seq)
		                         : store_fail(&ix->store, "reading an assignment");
	}
	if ((err = keep_copy(&ix->assign_id, sqlite3_column_text(s, 0))) < 0 ||
	    (err = keep_copy(&ix->assign_cluster, sqlite3_column_text(s, 1))) < 0)
		goto done;
	out->id = ix->assign_id;
	out->cluster = ix->assign_cluster;
	if (sqlite3_column_int(s, 6)) {
		out->similarity = 1.0; /* the representative itself */
		goto done;
	}
	if ((err = store_decode_sig(ix->sig, np, sqlite3_column_blob(s, 2),
	                            sqlite3_column_bytes(s, 2))) < 0 ||
	    (err = store_decode_sig(ix->other_sig, np, sqlite3_column_blob(s, 4),
	                            sqlite3_column_bytes(s, 4))) < 0)
		goto done;
	double j = wd_minhash_jaccard(ix->sig, ix->other_sig, np);
	double c = wd_containment_estimate(j, (uint64_t)sqlite3_column_int64(s, 3),
	                                   (uint64_t)sqlite3_column_int64(s, 5));
	out->similarity = j > c ? j : c;
done:
	sqlite3_reset(s);
	return err;
}

int wd_index_stats(wd_stats *out, wd_index *ix)
{
	static const char *const SQL =
		"SELECT (SELECT count(*) FROM articles),"
		" (SELECT count(DISTINCT cluster) FROM articles),"
		" (SELECT count(*) FROM (SELECT cluster FROM articles GROUP BY cluster"
		"   HAVING count(*) > 1)),"
		" (SELECT count(*) FROM matches)";
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(ix->store.db, SQL, -1, &s, NULL) != SQLITE_OK)
		return store_fail(&ix->store, "reading statistics");
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->articles = sqlite3_column_int64(s, 0);
		out->clusters = sqlite3_column_int64(s, 1);
		out->multi_clusters = sqlite3_column_int64(s, 2);
		out->matches = sqlite3_column_int64(s, 3);
		out->schema_version = WD_SCHEMA_VERSION;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? WD_OK : store_fail(&ix->store, "reading statistics");
}
