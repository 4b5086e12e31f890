/*
 * batch_index.c - a new index written from a batch job
 * (wd_batch_write_index): the rows that adding the same articles one by
 * one would leave (articles, clusters, LSH bands, matches, learned
 * chrome), written in one transaction, each table in primary-key order,
 * with the secondary indexes made at the end. Adding a million articles
 * one by one takes hours (each commit rewrites pages all over the LSH
 * table); this takes minutes.
 */
#include "wiredup.h"

#include "batch_internal.h"
#include "error.h"
#include "index_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What the writing steps share. */
typedef struct writer {
	wd_batch *b;
	wd_store *st;
	int64_t *seq; /* per slot: its ingest number, 0 when it is not stored */
} writer;

static int write_articles(writer *w)
{
	const wd_batch *b = w->b;
	uint32_t *sig = malloc(b->params.num_perm * sizeof *sig);
	unsigned char *rec = NULL, *packed = NULL;
	size_t rec_cap = 0, packed_cap = 0;
	int64_t added = (int64_t)time(NULL);
	int err = sig ? WD_OK : wd_fail_oom();
	for (size_t i = 0; i < b->n && err == WD_OK; i++) {
		const slot *s = SLOT(b, i);
		wd_article a;
		wd_doc doc;
		if (!w->seq[i])
			continue;
		if ((err = batch_read_record(&a, b, i, &rec, &rec_cap)) < 0 ||
		    (err = batch_read_signed(sig, b, i, &packed, &packed_cap)) < 0)
			break;
		long used = doc_view(&doc, packed, s->doc_bytes);
		if (used < 0) {
			err = (int)used;
			break;
		}
		store_article art = {
			.a = &a, .credit_agency = s->agency ? s->agency : "",
			.credit_place = s->place ? s->place : "", .lines = s->lines,
			.lines_bytes = s->lines_bytes, .has_ts = s->has_ts, .published_ts = s->ts,
			.content_hash = s->content_hash, .n_shingles = doc.n_set, .sig = sig,
			.num_perm = b->params.num_perm,
		};
		doc_free(&doc);
		err = store_bulk_article(w->st, &art, w->seq[i], w->seq[s->root], added, packed,
		                         s->doc_bytes);
	}
	free(sig);
	free(rec);
	free(packed);
	return err;
}

/* source_lines order: by outlet, then line (as SQLite compares them). */
static int cmp_learned(const void *x, const void *y)
{
	const learned_line *a = x, *b = y;
	int c = strcmp(a->source, b->source);
	if (c)
		return c;
	return ((int64_t)a->line > (int64_t)b->line) - ((int64_t)a->line < (int64_t)b->line);
}

static int write_learned(writer *w)
{
	learned_lines *l = &w->b->learned;
	int err = WD_OK;
	qsort(l->v, l->n, sizeof *l->v, cmp_learned);
	for (size_t i = 0; i < l->n && err == WD_OK; i++) {
		/* learning numbers articles by slot + 1 */
		int64_t first = w->seq[l->v[i].first - 1];
		if (first) /* else its article was left out after learning */
			err = store_bulk_line(w->st, l->v[i].source, l->v[i].line, first,
			                      l->v[i].chrome);
	}
	return err;
}

/* A row of bands, as SQLite orders them. */
typedef struct band_row {
	int64_t key, seq;
} band_row;

static int cmp_band_row(const void *x, const void *y)
{
	const band_row *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

static int write_band(writer *w, uint32_t band)
{
	const wd_batch *b = w->b;
	entry_vec parts[MAX_THREADS] = {{0}};
	band_row *rows = NULL;
	size_t n = 0, total = 0;
	int err = WD_OK;
	for (unsigned t = 0; t < b->threads && err == WD_OK; t++)
		if ((err = batch_band_keys(&parts[t], b, t, band)) == WD_OK)
			total += parts[t].n;
	if (err == WD_OK && !(rows = malloc((total ? total : 1) * sizeof *rows)))
		err = wd_fail_oom();
	for (unsigned t = 0; t < b->threads && err == WD_OK; t++)
		for (size_t i = 0; i < parts[t].n; i++)
			if (w->seq[parts[t].v[i].slot])
				rows[n++] = (band_row){(int64_t)parts[t].v[i].key,
				                       w->seq[parts[t].v[i].slot]};
	for (unsigned t = 0; t < b->threads; t++)
		free(parts[t].v);
	if (err == WD_OK)
		qsort(rows, n, sizeof *rows, cmp_band_row);
	for (size_t i = 0; i < n && err == WD_OK; i++)
		err = store_run(w->st, ST_INSERT_BAND, "writing LSH bands", 3, (int64_t)band,
		                rows[i].key, rows[i].seq);
	free(rows);
	return err;
}

/* Every verified match: pairs are sorted by slots, so by ingest numbers. */
static int write_matches(writer *w)
{
	const wd_batch *b = w->b;
	int err = WD_OK;
	for (size_t i = 0; i < b->n_pairs && err == WD_OK; i++) {
		if (!b->match[i])
			continue;
		int64_t x = w->seq[b->pairs[i] >> 32], y = w->seq[b->pairs[i] & UINT32_MAX];
		const pair_score *sc = &b->scores[i];
		err = store_insert_match(w->st, x, y, sc->jaccard, sc->containment, sc->shared);
	}
	return err;
}

static int write_all(writer *w)
{
	store_bulk bk;
	int err = store_bulk_begin(w->st, &bk);
	if (err < 0)
		return err;
	/* The LSH table first: what every query reads most (a long article
	 * looks up hundreds of keys) then lies at the start of the file, which
	 * readers map into memory (up to 2 GB: SQLite's limit), rather than
	 * after the texts, where each page would be a system call. */
	for (uint32_t band = 0; band < lsh_band_count(&w->b->params) && err == WD_OK; band++)
		err = write_band(w, band);
	if (err == WD_OK && (err = write_articles(w)) == WD_OK && (err = write_learned(w)) == WD_OK)
		err = write_matches(w);
	if (err < 0) {
		store_bulk_abort(w->st, &bk);
		return err;
	}
	return store_bulk_commit(w->st, &bk);
}

int wd_batch_write_index(wd_batch *b, const char *path)
{
	wd_index *ix;
	int64_t n_stored = 0;
	int err;
	if (!b->keep)
		return wd_fail(WD_EINVAL, "the job did not keep its articles "
		               "(wd_batch_keep_articles)");
	if (b->stage != STAGE_GROUPED || !b->scores)
		return wd_fail(WD_EINVAL, "the job has not run (wd_batch_run)");
	writer w = {b, NULL, malloc((b->n ? b->n : 1) * sizeof *w.seq)};
	if (!w.seq)
		return wd_fail_oom();
	/* ingest numbers as an index gives them: in input order, to the
	 * articles it keeps */
	for (size_t i = 0; i < b->n; i++)
		w.seq[i] = SLOT(b, i)->rejected ? 0 : ++n_stored;
	if ((err = wd_index_open(&ix, path, &b->params)) == WD_OK) {
		w.st = &ix->store;
		err = write_all(&w);
		if (err < 0)
			err = wd_fail_prefix(err, "%s: ", path);
		int closed = wd_index_close(ix);
		if (err == WD_OK)
			err = closed;
	}
	free(w.seq);
	return err;
}
