/* index.c - the wd_index handle: open, add, query, assignments, stats. */
#include "index_internal.h"

#include "article.h"
#include "error.h"
#include "published.h"
#include "lsh.h"
#include "verify.h"
#include "vec.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	CHECK_U(window_bands, "window bands")
	CHECK_U(window_rows, "window rows")
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

/*
 * An index of the old layout files windows in the text's bands (window
 * bands 0 in meta). While it holds nothing, a writer switches it to the
 * given (or default) window bands: there is nothing to file again. Under
 * the write lock, so that no article is added in between; the lock only
 * when it looks empty.
 */
static int adopt_window_bands(wd_params *stored, wd_store *st, const wd_params *given)
{
	wd_params p = *stored;
	int err;
	if ((err = store_holds_anything(st)) != 0)
		return err < 0 ? err : WD_OK;
	if ((err = store_exec(st, "BEGIN IMMEDIATE")) < 0)
		return err;
	if ((err = store_holds_anything(st)) == 0) {
		p.window_bands = given->window_bands;
		p.window_rows = given->window_rows;
		if ((err = wd_params_resolve(&p)) == WD_OK &&
		    (err = store_save_params(st, &p)) == WD_OK) {
			stored->window_bands = p.window_bands;
			stored->window_rows = p.window_rows;
		}
	}
	if (err < 0) {
		store_exec(st, "ROLLBACK");
		return err;
	}
	return store_exec(st, "COMMIT");
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
		/* made before windows had bands of their own: it files them in
		 * the text's bands, and goes on doing so unless still empty */
		if (stored.window_bands == 0 && create &&
		    (err = adopt_window_bands(&stored, &ix->store, &given)) < 0)
			goto fail;
		int windows_in_text_bands = stored.window_bands == 0;
		if ((err = check_params(&given, &stored)) < 0)
			goto fail;
		ix->params = stored;
		if ((err = wd_params_resolve(&ix->params)) < 0)
			goto fail;
		if (windows_in_text_bands)
			ix->params.window_bands = ix->params.window_rows = 0;
	}
	/* the epoch before the chrome: a bump in between reloads it later */
	if ((err = store_epoch(&ix->store, &ix->epoch, NULL)) < 0 ||
	    (err = chrome_load(&ix->chrome, &ix->store)) < 0)
		goto fail;
	ix->sig = malloc(2 * ix->params.num_perm * sizeof *ix->sig);
	if (!ix->sig) {
		err = wd_fail_oom();
		goto fail;
	}
	ix->other_sig = ix->sig + ix->params.num_perm;
	*out = ix;
	return WD_OK;
fail:
	chrome_free(&ix->chrome);
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
	chrome_free(&ix->chrome);
	doc_cache_free(&ix->cache);
	free(ix->sig);
	free(ix->keys);
	free(ix->assign_id);
	free(ix->assign_cluster);
	free(ix);
	return err;
}

int wd_index_set_busy_timeout(wd_index *ix, int ms)
{
	if (ms < 0)
		return wd_fail(WD_EINVAL, "busy timeout must not be negative");
	sqlite3_busy_timeout(ix->store.db, ms);
	return WD_OK;
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
	if (err == WD_OK && (err = index_refresh(ix)) < 0)
		store_exec(&ix->store, "ROLLBACK");
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

/* ---- analysis and signing ---- */

int index_analyze(wd_doc *doc, wd_index *ix, const wd_article *a)
{
	int err = doc_parse(doc, a->title, a->text, a->text_len);
	if (err == WD_OK) {
		chrome_mark_doc(doc, &ix->chrome, a->source);
		err = doc_shingle(doc, ix->params.shingle_words, ix->params.seed);
	}
	return err;
}

/* index_analyze_stored, also saying the article's outlet key. */
static int analyze_stored(wd_doc *doc, uint64_t *source_key, wd_index *ix, int64_t seq)
{
	stored_text t;
	int err = store_load_text(&ix->store, seq, &t);
	memset(doc, 0, sizeof *doc);
	if (err == WD_OK) {
		wd_article a = {.text = t.text, .text_len = t.len, .source = t.source,
		                .title = t.title};
		*source_key = chrome_source_key(t.source);
		err = index_analyze(doc, ix, &a);
	}
	if (err < 0)
		err = wd_fail_prefix(err, "stored article #%lld: ", (long long)seq);
	stored_text_free(&t);
	return err;
}

int index_analyze_stored(wd_doc *doc, wd_index *ix, int64_t seq)
{
	uint64_t key;
	return analyze_stored(doc, &key, ix, seq);
}

/* Stores what verification reads of doc for seq: candidates are then
 * read back instead of parsed again. */
static int store_doc(wd_index *ix, int64_t seq, const wd_doc *doc)
{
	size_t bytes = doc_packed_size(doc);
	unsigned char *packed = malloc(bytes);
	if (!packed)
		return wd_fail_oom();
	doc_pack(packed, doc);
	int err = store_set_shingles(&ix->store, seq, packed, bytes);
	free(packed);
	return err;
}

/* The stored shingles of seq, unpacked into doc; 0 when there are none
 * (an article of an older index: the caller parses its text). */
static int load_doc(wd_doc *doc, uint64_t *source_key, wd_index *ix, int64_t seq)
{
	void *packed;
	size_t bytes;
	char *source;
	int err = store_load_shingles(&ix->store, seq, &packed, &bytes, &source);
	if (err < 0 || !packed) {
		free(source);
		return err;
	}
	long used = doc_unpack(doc, packed, bytes);
	*source_key = chrome_source_key(source);
	free(packed);
	free(source);
	if (used < 0)
		return wd_fail_prefix((int)used, "stored article #%lld: ", (long long)seq);
	return 1;
}

int index_stored_doc(const wd_doc **out, wd_index *ix, int64_t seq)
{
	uint64_t key = 0;
	wd_doc doc;
	int err;
	if ((*out = doc_cache_get(&ix->cache, seq)))
		return WD_OK;
	memset(&doc, 0, sizeof doc);
	if ((err = load_doc(&doc, &key, ix, seq)) == 0)
		err = analyze_stored(&doc, &key, ix, seq);
	if (err > 0)
		err = WD_OK;
	if (err == WD_OK &&
	    !(*out = doc_cache_put(&ix->cache, seq, key, &doc)))
		err = wd_fail_oom();
	doc_free(&doc);
	return err;
}

/* Signs doc into ix->sig and its LSH keys into ix->keys. */
static int sign_doc(wd_index *ix, const wd_doc *doc)
{
	free(ix->keys);
	ix->keys = NULL;
	ix->n_keys = 0;
	return lsh_sign(ix->sig, &ix->keys, &ix->n_keys, &ix->params, doc->order, doc->n_order);
}

/* Files seq under the LSH keys just signed (ix->keys). */
static int write_bands(wd_index *ix, int64_t seq)
{
	int err = WD_OK;
	for (size_t i = 0; i < ix->n_keys && err == WD_OK; i++)
		err = store_run(&ix->store, ST_INSERT_BAND, "writing LSH bands", 3,
		                (int64_t)ix->keys[i].band, (int64_t)ix->keys[i].key, seq);
	return err;
}

/* Stores the verified matches of seq and merges their clusters with its. */
static int link_matches(wd_index *ix, int64_t seq, const candidate_match *m, size_t n)
{
	i64_vec own = {0};
	int err = WD_OK;
	for (size_t i = 0; i < n && err == WD_OK; i++)
		err = store_insert_match(&ix->store, m[i].seq, seq, m[i].jaccard,
		                         m[i].containment, m[i].shared);
	if (err == WD_OK && n &&
	    (err = store_ints(&ix->store, ST_CLUSTER_OF, "reading a cluster", &own, 1, seq)) == WD_OK)
		err = cluster_union(ix, own.n ? own.v[0] : seq, m, n);
	i64_free(&own);
	return err;
}

/*
 * Re-signs a stored article after its outlet's chrome changed: new
 * signature and bands, its matches found again, and its old cluster split
 * where those matches no longer hold it together.
 */
static int resign(wd_index *ix, int64_t seq)
{
	uint32_t *old_sig = ix->other_sig, *new_sig = ix->sig;
	uint64_t old_n;
	int64_t cluster;
	candidate_match *m = NULL;
	size_t n = 0;
	wd_doc doc;
	int err;

	if ((err = store_load_sig(&ix->store, seq, old_sig, ix->params.num_perm, &old_n,
	                          &cluster)) < 0)
		return err;
	doc_cache_drop(&ix->cache, seq);
	if ((err = index_analyze_stored(&doc, ix, seq)) < 0)
		goto done;
	if ((err = sign_doc(ix, &doc)) < 0 || (err = store_doc(ix, seq, &doc)) < 0)
		goto done;
	if (doc.n_set == old_n &&
	    memcmp(old_sig, new_sig, ix->params.num_perm * sizeof *new_sig) == 0)
		goto done; /* nothing it is matched on changed */
	if ((err = store_run(&ix->store, ST_DELETE_BANDS_OF, "removing LSH bands", 1, seq)) < 0 ||
	    (err = store_update_sig(&ix->store, seq, doc.n_set, new_sig,
	                            ix->params.num_perm)) < 0 ||
	    (err = write_bands(ix, seq)) < 0 ||
	    (err = store_run(&ix->store, ST_DELETE_MATCHES, "removing matches", 1, seq)) < 0 ||
	    (err = cluster_rebuild(ix, cluster)) < 0 ||
	    (err = verify_candidates(&m, &n, ix, &doc, seq)) < 0)
		goto done;
	err = link_matches(ix, seq, m, n);
done:
	free(m);
	doc_free(&doc);
	return err;
}

/* Re-signs the articles of `source` (other than `except`) that contain any
 * of the lines just learned as chrome. */
typedef struct resign_ctx {
	const i64_vec *lines;
	int64_t except;
	i64_vec todo;
} resign_ctx;

static int collect_affected(int64_t seq, const void *lines, size_t bytes, void *ctx)
{
	resign_ctx *rc = ctx;
	if (seq != rc->except && chrome_blob_has_any(lines, bytes, rc->lines) &&
	    i64_push(&rc->todo, seq) < 0)
		return wd_fail_oom();
	return WD_OK;
}

static int resign_outlet(wd_index *ix, const char *source, i64_vec *newly, int64_t except)
{
	resign_ctx rc = {newly, except, {0}};
	int err;
	i64_sort_unique(newly);
	err = store_source_each(&ix->store, source, collect_affected, &rc);
	for (size_t i = 0; i < rc.todo.n && err == WD_OK; i++)
		err = resign(ix, rc.todo.v[i]);
	i64_free(&rc.todo);
	return err;
}

/* The body of wd_index_add, run inside a savepoint. */
static int add_locked(wd_add_result *res, wd_index *ix, const wd_article *a)
{
	uint64_t old_hash, hash = article_content_hash(a);
	chrome_table table = chrome_store_table(&ix->store);
	candidate_match *m = NULL;
	size_t n = 0, lines_bytes = 0;
	void *lines = NULL;
	i64_vec newly = {0};
	int64_t seq, ts;
	wd_doc doc;
	int err, found;

	memset(&doc, 0, sizeof doc);
	if ((found = store_find_id(&ix->store, a->id, &seq, &old_hash)) < 0)
		return found;
	if (found) {
		if (old_hash != hash)
			return article_fail_duplicate(a->id);
		*res = (wd_add_result){WD_ADD_UNCHANGED, seq, 0};
		return WD_OK;
	}
	if ((err = index_analyze(&doc, ix, a)) < 0) {
		err = wd_fail_prefix(err, "article '%s': ", a->id);
		goto done;
	}
	if ((err = chrome_lines_blob(&lines, &lines_bytes, &doc)) < 0 ||
	    (err = sign_doc(ix, &doc)) < 0)
		goto done;

	int has_ts = wd_parse_iso8601(&ts, a->published);
	store_article art = {
		.a = a, .credit_agency = doc.credit.agency, .credit_place = doc.credit.place,
		.lines = lines, .lines_bytes = lines_bytes, .has_ts = has_ts,
		.published_ts = ts, .content_hash = hash, .n_shingles = doc.n_set,
		.sig = ix->sig, .num_perm = ix->params.num_perm,
	};
	if ((err = store_insert_article(&ix->store, &art, &seq)) < 0 ||
	    (err = chrome_learn(&ix->chrome, &table, seq, a->source, lines, lines_bytes,
	                        &newly)) < 0)
		goto done;
	if (newly.n) {
		/* The outlet's chrome changed: this article is signed again, and
		 * so are the outlet's earlier articles that carry those lines. */
		doc_cache_drop_source(&ix->cache, chrome_source_key(a->source));
		if ((err = index_note_chrome(ix, a->source, &newly)) < 0 ||
		    (err = resign_outlet(ix, a->source, &newly, seq)) < 0)
			goto done;
		doc_free(&doc);
		if ((err = index_analyze(&doc, ix, a)) < 0 || (err = sign_doc(ix, &doc)) < 0)
			goto done;
		if ((err = store_update_sig(&ix->store, seq, doc.n_set, ix->sig,
		                            ix->params.num_perm)) < 0)
			goto done;
	}
	if ((err = store_doc(ix, seq, &doc)) < 0 ||
	    (err = verify_candidates(&m, &n, ix, &doc, seq)) < 0 ||
	    (err = write_bands(ix, seq)) < 0 ||
	    (err = link_matches(ix, seq, m, n)) < 0)
		goto done;
	*res = (wd_add_result){WD_ADD_NEW, seq, (uint32_t)n};
done:
	free(m);
	free(lines);
	i64_free(&newly);
	doc_free(&doc);
	return err;
}

typedef struct add_call {
	wd_add_result res;
	wd_article a;
} add_call;

static int add_write(wd_index *ix, void *ctx)
{
	add_call *c = ctx;
	return add_locked(&c->res, ix, &c->a);
}

int wd_index_add(wd_add_result *out, wd_index *ix, const wd_article *article)
{
	add_call c = {.a = *article};
	int err;

	if ((err = article_check(&c.a)) < 0)
		return err;
	err = index_write(ix, add_write, &c);
	if (err == WD_OK && out)
		*out = c.res;
	return err;
}

/* Copies s (NULL stays NULL) into *out. */
static int dup_or_null(char **out, const char *s)
{
	*out = NULL;
	if (!s || !s[0])
		return WD_OK;
	return (*out = strdup(s)) ? WD_OK : wd_fail_oom();
}

/* The body of wd_index_query, in one read transaction. */
static int query_locked(wd_query_result **out, wd_index *ix, const wd_article *article)
{
	wd_article a = *article;
	candidate_match *m = NULL;
	size_t n = 0;
	int64_t ts, rep;
	i64_vec reps = {0};
	wd_doc doc;
	int err;
	wd_query_result *r = calloc(1, sizeof *r);

	*out = NULL;
	memset(&doc, 0, sizeof doc);
	if (!r)
		return wd_fail_oom();
	if ((err = article_check(&a)) < 0)
		goto fail;
	if ((err = index_analyze(&doc, ix, &a)) < 0) {
		err = wd_fail_prefix(err, "article '%s': ", a.id);
		goto fail;
	}
	if ((err = sign_doc(ix, &doc)) < 0 ||
	    (err = verify_candidates(&m, &n, ix, &doc, 0)) < 0 ||
	    (err = dup_or_null(&r->credit_agency, doc.credit.agency)) < 0 ||
	    (err = dup_or_null(&r->credit_place, doc.credit.place)) < 0)
		goto fail;
	r->n_shingles = doc.n_set;
	if (n && !(r->matches = calloc(n, sizeof *r->matches))) {
		err = wd_fail_oom();
		goto fail;
	}
	r->n_matches = n;
	for (size_t i = 0; i < n; i++) {
		wd_match *out_m = &r->matches[i];
		out_m->jaccard = m[i].jaccard;
		out_m->containment = m[i].containment;
		out_m->score = m[i].score;
		out_m->shared_shingles = m[i].shared;
		out_m->contained = m[i].contained;
		if ((err = store_id_of(&ix->store, m[i].seq, &out_m->id)) < 0 ||
		    (err = store_id_of(&ix->store, m[i].cluster, &out_m->cluster)) < 0 ||
		    (err = store_credit_of(&ix->store, m[i].seq, &out_m->credit_agency,
		                           &out_m->credit_place)) < 0 ||
		    (err = store_source_of(&ix->store, m[i].seq, &out_m->source)) < 0)
			goto fail;
		if (i64_push(&reps, m[i].cluster) < 0) {
			err = wd_fail_oom();
			goto fail;
		}
	}

	/* The cluster it would join: the merge of every matched cluster, named
	 * after the earliest member, which may be the article itself (it would
	 * be ingested last). */
	i64_sort_unique(&reps);
	int has_ts = wd_parse_iso8601(&ts, a.published);
	if ((err = cluster_pick_representative(&rep, ix, reps.v, reps.n, INT64_MAX,
	                                       has_ts ? &ts : NULL)) < 0)
		goto fail;
	r->new_story = n == 0;
	if (rep == INT64_MAX)
		err = dup_or_null(&r->cluster, a.id);
	else
		err = store_id_of(&ix->store, rep, &r->cluster);
	if (err < 0)
		goto fail;
	free(m);
	i64_free(&reps);
	doc_free(&doc);
	*out = r;
	return WD_OK;
fail:
	free(m);
	i64_free(&reps);
	doc_free(&doc);
	wd_query_result_free(r);
	return err;
}

typedef struct query_call {
	wd_query_result **out;
	const wd_article *a;
} query_call;

static int query_read(wd_index *ix, void *ctx)
{
	query_call *c = ctx;
	return query_locked(c->out, ix, c->a);
}

int wd_index_query(wd_query_result **out, wd_index *ix, const wd_article *article)
{
	/* One snapshot for the whole answer, and one lock for its hundred or
	 * so lookups instead of one each. Inside a batch, the batch's. */
	query_call c = {out, article};
	*out = NULL;
	return index_read(ix, query_read, &c);
}

void wd_query_result_free(wd_query_result *r)
{
	if (!r)
		return;
	index_free_matches(r->matches, r->n_matches);
	free(r->cluster);
	free(r->credit_agency);
	free(r->credit_place);
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
	int64_t rep = sqlite3_column_int64(s, 2);
	int is_rep = rep == seq;
	sqlite3_reset(s);
	if (is_rep) {
		out->similarity = 1.0; /* the representative itself */
		return WD_OK;
	}
	/* Most members matched the representative directly: the verified
	 * score is stored. Others joined through a chain: compare now. */
	int direct = store_edge_score(&ix->store, seq, rep, &out->similarity);
	if (direct != 0)
		return direct < 0 ? direct : WD_OK;
	wd_doc da = {0}, db = {0};
	verdict v;
	if ((err = index_analyze_stored(&da, ix, seq)) == WD_OK &&
	    (err = index_analyze_stored(&db, ix, rep)) == WD_OK) {
		verify_docs(&v, &da, &db, ix->params.threshold);
		out->similarity = v.jaccard > v.containment ? v.jaccard : v.containment;
	}
	doc_free(&da);
	doc_free(&db);
	return err;
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
