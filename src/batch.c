/*
 * batch.c - the batch job (wd_batch_*): the whole pipeline over one set of
 * articles, in memory, on every core. The stages themselves are in
 * batch_stages.c, shared with the stage commands and wiredup-mpi.
 *
 *   add    articles are copied and parsed in parallel, PARSE_BATCH at a time
 *   learn  each outlet's chrome, from every article in input order (as an
 *          index learns it, but before anything is signed)
 *   sign   shingles, MinHash and LSH band keys, in parallel
 *   link   per band, articles sharing a key are candidates
 *   verify candidate pairs compared exactly (verify_docs), in parallel
 *   group  union-find over the matches; each cluster is named after its
 *          earliest member, and each member's similarity to it computed
 *
 * wd_batch_run runs them all; wd_batch_learn, _sign, _verify, _add_match
 * and _group run them one at a time (the stage commands).
 */
#include "wiredup.h"

#include "article.h"
#include "batch_internal.h"
#include "bytes.h"
#include "error.h"
#include "index_internal.h"
#include "published.h"
#include "shingle.h"
#include "vec.h"
#include "verify.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- ids ---- */

static uint64_t id_hash(const char *id)
{
	uint64_t h = XXH3_64bits(id, strlen(id));
	return h ? h : 1;
}

static int ids_grow(wd_batch *b)
{
	size_t cap = b->cap_ids ? b->cap_ids * 2 : 4096;
	id_entry *e = calloc(cap, sizeof *e);
	if (!e)
		return wd_fail_oom();
	for (size_t i = 0; i < b->cap_ids; i++) {
		if (!b->ids[i].hash)
			continue;
		size_t j = b->ids[i].hash & (cap - 1);
		while (e[j].hash)
			j = (j + 1) & (cap - 1);
		e[j] = b->ids[i];
	}
	free(b->ids);
	b->ids = e;
	b->cap_ids = cap;
	return WD_OK;
}

/* The slot holding id, or (size_t)-1; *pos is its entry, or where it
 * would go. */
static size_t ids_find(const wd_batch *b, const char *id, uint64_t h, size_t *pos)
{
	size_t j = h & (b->cap_ids - 1);
	while (b->ids[j].hash) {
		if (b->ids[j].hash == h && strcmp(SLOT(b, b->ids[j].slot)->id, id) == 0) {
			*pos = j;
			return b->ids[j].slot;
		}
		j = (j + 1) & (b->cap_ids - 1);
	}
	*pos = j;
	return (size_t)-1;
}

/* ---- open, add ---- */

/* Regions of a writer: large for docs (few writes), small for keys (a
 * writer per worker and band). */
enum { DOC_REGION = 1 << 20, KEY_REGION = 64 << 10 };

/* A key as filed: the key and the slot number (native order: the file is
 * this process's own). */
enum { KEY_BYTES = 12 };

/* Keys are filed per worker and band: the files there are. */
static size_t n_key_files(const wd_batch *b)
{
	return (size_t)b->threads * lsh_band_count(&b->params);
}

static int open_spills(wd_batch *b)
{
	size_t n_keys = n_key_files(b);
	int err;
	if ((err = spill_open(&b->words)) < 0 || (err = spill_open(&b->docs)) < 0 ||
	    (err = spill_open(&b->keys)) < 0)
		return err;
	b->words_out = calloc(b->threads, sizeof *b->words_out);
	b->docs_out = calloc(b->threads, sizeof *b->docs_out);
	b->keys_out = calloc(n_keys, sizeof *b->keys_out);
	if (!b->words_out || !b->docs_out || !b->keys_out)
		return wd_fail_oom();
	for (unsigned t = 0; t < b->threads; t++) {
		spill_writer_init(&b->words_out[t], b->words, DOC_REGION);
		spill_writer_init(&b->docs_out[t], b->docs, DOC_REGION);
	}
	for (size_t i = 0; i < n_keys; i++)
		spill_writer_init(&b->keys_out[i], b->keys, KEY_REGION);
	return WD_OK;
}

/* Writes what the writers [0, n) hold, so that it can be read. */
static int flush_all(spill_writer *w, size_t n)
{
	int err = WD_OK;
	for (size_t i = 0; i < n && err == WD_OK; i++)
		err = spill_flush(&w[i]);
	return err;
}

/* Closes a spill whose data is used up, counting what it held. */
static void close_spill(wd_batch *b, spill **sp)
{
	b->stats.spilled += spill_written(*sp);
	spill_close(*sp);
	*sp = NULL;
}

/* A region of parsed words and how many of its records are still to be
 * signed: at 0 its space is given back (spill_discard), so that signing
 * writes into pages just freed rather than into memory never touched. */
struct words_region {
	uint64_t at, len;
	_Atomic uint64_t left;
};

static int cmp_region(const void *a, const void *b)
{
	const struct words_region *x = a, *y = b;
	return (x->at > y->at) - (x->at < y->at);
}

/* Lists the regions of b->words (once every writer is flushed). */
static int list_words_regions(wd_batch *b)
{
	size_t n = 0, k = 0;
	for (unsigned t = 0; t < b->threads; t++)
		n += b->words_out[t].n_regions;
	if (!(b->words_left = malloc((n ? n : 1) * sizeof *b->words_left)))
		return wd_fail_oom();
	for (unsigned t = 0; t < b->threads; t++)
		for (size_t r = 0; r < b->words_out[t].n_regions; r++, k++) {
			const spill_region *g = &b->words_out[t].regions[r];
			b->words_left[k].at = g->at;
			b->words_left[k].len = g->len;
			atomic_init(&b->words_left[k].left, g->records);
		}
	qsort(b->words_left, n, sizeof *b->words_left, cmp_region);
	b->n_words_left = n;
	return WD_OK;
}

/* The record at `at` of b->words was read for the last time. */
static void words_signed(wd_batch *b, uint64_t at)
{
	size_t lo = 0, hi = b->n_words_left;
	while (hi - lo > 1) { /* the last region starting at or before at */
		size_t mid = lo + (hi - lo) / 2;
		if (b->words_left[mid].at <= at)
			lo = mid;
		else
			hi = mid;
	}
	if (lo < b->n_words_left && atomic_fetch_sub(&b->words_left[lo].left, 1) == 1)
		spill_discard(b->words, b->words_left[lo].at, b->words_left[lo].len);
}

static void free_writers(spill_writer **w, size_t n)
{
	for (size_t i = 0; *w && i < n; i++)
		spill_writer_free(&(*w)[i]);
	free(*w);
	*w = NULL;
}

int wd_batch_open(wd_batch **out, const wd_params *params, unsigned threads,
                  wd_reject_fn reject, void *reject_ctx)
{
	wd_batch *b = calloc(1, sizeof *b);
	int err;
	*out = NULL;
	if (!b)
		return wd_fail_oom();
	if (params)
		b->params = *params;
	else
		wd_params_init(&b->params);
	if (threads == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cores > 0 ? (unsigned)cores : 1;
	}
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	b->threads = threads;
	b->reject = reject;
	b->reject_ctx = reject_ctx;
	if ((err = wd_params_resolve(&b->params)) < 0 ||
	    (err = pool_open(&b->pool, threads)) < 0 || (err = ids_grow(b)) < 0) {
		wd_batch_close(b);
		return err;
	}
	if ((err = open_spills(b)) < 0) {
		wd_batch_close(b);
		return err;
	}
	*out = b;
	return WD_OK;
}

/* Marks slot s left out, with the message of the error just failed. */
static void reject_slot(slot *s, int err)
{
	char buf[600];
	snprintf(buf, sizeof buf, "article '%s': %s", s->id, wd_last_error());
	s->rejected = err;
	s->error = strdup(buf);
}

void batch_drop(wd_batch *b, size_t i)
{
	slot *s = SLOT(b, i);
	s->rejected = WD_EDUPLICATE;
	s->reported = 1;
}

/* Tells the caller of the slots in [from, to) left out, in order. */
static int report_rejects(wd_batch *b, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		slot *s = SLOT(b, i);
		if (!s->rejected || !b->reject || s->reported)
			continue;
		s->reported = 1;
		int rc = b->reject(s->tag, s->rejected, s->error ? s->error : "out of memory",
		                   b->reject_ctx);
		if (rc < 0)
			return wd_fail(rc, "stopped after article '%s'", s->id);
	}
	return WD_OK;
}

/* Keeps an article's credit (for an index). */
static int keep_credit(slot *s, const wd_credit_info *c)
{
	if ((c->agency[0] && !(s->agency = strdup(c->agency))) ||
	    (c->place[0] && !(s->place = strdup(c->place))))
		return wd_fail_oom();
	return WD_OK;
}

/* Parses a slot and files its words for signing. */
static int parse_slot(wd_batch *b, slot *s, unsigned worker)
{
	wd_doc doc;
	unsigned char *p;
	int err = doc_parse(&doc, s->title, s->text, s->text_len);
	if (err == WD_OK)
		err = doc_check_words(&doc);
	if (err == WD_OK)
		err = chrome_lines_blob(&s->lines, &s->lines_bytes, &doc);
	if (err == WD_OK && b->keep)
		err = keep_credit(s, &doc.credit);
	if (err == WD_OK) {
		s->doc_bytes = doc_words_packed_size(&doc);
		if ((err = spill_append(&b->words_out[worker], s->doc_bytes, &s->doc_at, &p)) ==
		    WD_OK)
			doc_pack_words(p, &doc);
	}
	doc_free(&doc);
	free(s->title);
	free(s->text);
	s->title = s->text = NULL;
	return err;
}

static int parse_range(void *ctx, size_t begin, size_t end, unsigned worker)
{
	wd_batch *b = ctx;
	for (size_t i = begin; i < end; i++) {
		slot *s = &b->parse.page[i];
		int err = parse_slot(b, s, worker);
		if (err == WD_ENOMEM || err == WD_EIO)
			return err;
		if (err < 0)
			reject_slot(s, err);
	}
	return WD_OK;
}

/* Waits for the page being parsed, if any, and reports its rejections. */
static int finish_parse(wd_batch *b)
{
	if (!b->parsing)
		return WD_OK;
	double t0 = now();
	int err = pool_wait(b->pool);
	b->stats.parse_s += now() - t0;
	b->parsing = 0;
	if (err < 0) {
		b->failed = 1; /* the page's texts are gone, its docs half made */
		return err;
	}
	size_t from = b->parsed;
	b->parsed += b->parse.count;
	for (size_t i = from; i < b->parsed; i++)
		b->stats.rejected += SLOT(b, i)->rejected != 0;
	return report_rejects(b, from, b->parsed);
}

/* Starts parsing the slots added since the last time (a page, or at the
 * end what there is of the last one). */
static int parse_pending(wd_batch *b)
{
	int err;
	if ((err = finish_parse(b)) < 0 || b->parsed == b->n)
		return err;
	b->parse = (struct stage){SLOT(b, b->parsed), b->n - b->parsed};
	pool_start(b->pool, b->parse.count, 8, parse_range, b);
	b->parsing = 1;
	return WD_OK;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* ---- the fields an index stores, kept in b->records ---- */

/* A record is title, source, published, url and text as given (the slot's
 * source is NULL for ""), each as its length + 1 (0: NULL; 8 bytes,
 * little-endian) and its bytes. */
enum { RECORD_FIELDS = 5 };

static size_t field_size(const char *s, size_t len)
{
	return 8 + (s ? len : 0);
}

static unsigned char *put_field(unsigned char *p, const char *s, size_t len)
{
	wd_put_le64(p, s ? (uint64_t)len + 1 : 0);
	if (s)
		memcpy(p + 8, s, len);
	return p + 8 + (s ? len : 0);
}

/* Files the fields of the article in slot s. */
static int keep_record(wd_batch *b, slot *s, const wd_article *a)
{
	const char *f[RECORD_FIELDS] = {a->title, a->source, a->published, a->url, a->text};
	size_t len[RECORD_FIELDS];
	for (int i = 0; i < RECORD_FIELDS - 1; i++)
		len[i] = f[i] ? strlen(f[i]) : 0;
	len[RECORD_FIELDS - 1] = a->text_len;
	unsigned char *p;
	int err;
	s->record_bytes = 0;
	for (int i = 0; i < RECORD_FIELDS; i++)
		s->record_bytes += field_size(f[i], len[i]);
	if ((err = spill_append(&b->records_out, s->record_bytes, &s->record_at, &p)) < 0)
		return err;
	for (int i = 0; i < RECORD_FIELDS; i++)
		p = put_field(p, f[i], len[i]);
	return WD_OK;
}

int wd_batch_keep_articles(wd_batch *b)
{
	int err;
	if (b->n || b->stage != STAGE_ADD)
		return wd_fail(WD_EINVAL, "articles are kept only from the first one added");
	if (b->keep)
		return WD_OK;
	if ((err = spill_open(&b->records)) < 0)
		return err;
	spill_writer_init(&b->records_out, b->records, DOC_REGION);
	b->keep = 1;
	return WD_OK;
}

int wd_batch_add(wd_add_status *status, wd_batch *b, const wd_article *article,
                 uint64_t tag)
{
	wd_article a = *article;
	size_t pos = 0, found;
	int err;

	if (b->stage != STAGE_ADD)
		return wd_fail(WD_EINVAL, "the batch has run already");
	if (b->failed)
		return wd_fail(WD_ERROR, "the batch failed earlier and takes no more articles");
	if ((err = article_check(&a)) < 0)
		return err;
	uint64_t hash = article_content_hash(&a), h = id_hash(a.id);
	int reuse = 0;
	if ((found = ids_find(b, a.id, h, &pos)) != (size_t)-1) {
		/* Whether the id is taken depends on whether the article that has
		 * it is kept: an index never stores one it rejects. Rare enough to
		 * parse what is pending now. */
		if (found >= b->parsed &&
		    ((err = parse_pending(b)) < 0 || (err = finish_parse(b)) < 0))
			return err;
		if (!SLOT(b, found)->rejected) {
			if (SLOT(b, found)->content_hash != hash)
				return article_fail_duplicate(a.id);
			*status = WD_ADD_UNCHANGED;
			return WD_OK;
		}
		reuse = 1; /* the id is free again: its entry names this one */
	}
	if (b->n == b->n_pages * PAGE) {
		slot *page = calloc(PAGE, sizeof *page);
		if (!page || wd_grow(&b->pages, &b->cap_pages, b->n_pages, sizeof *b->pages, 64) < 0) {
			free(page);
			return wd_fail_oom();
		}
		b->pages[b->n_pages++] = page;
	}
	slot *s = SLOT(b, b->n);
	memset(s, 0, sizeof *s);
	if (b->keep && (err = keep_record(b, s, &a)) < 0)
		return err;
	s->id = strdup(a.id);
	s->source = dup_or_null(a.source && a.source[0] ? a.source : NULL);
	s->title = dup_or_null(a.title);
	s->text = malloc(a.text_len + 1);
	if (!s->id || (a.source && a.source[0] && !s->source) || (a.title && !s->title) ||
	    !s->text) {
		free(s->id);
		free(s->source);
		free(s->title);
		free(s->text);
		return wd_fail_oom();
	}
	memcpy(s->text, a.text, a.text_len);
	s->text[a.text_len] = '\0';
	s->text_len = a.text_len;
	s->tag = tag;
	s->content_hash = hash;
	s->has_ts = wd_parse_iso8601(&s->ts, a.published);
	b->ids[pos] = (id_entry){h, b->n};
	b->n++;
	b->n_ids += !reuse;
	*status = WD_ADD_NEW;
	if (b->n_ids * 2 > b->cap_ids && (err = ids_grow(b)) < 0)
		return err;
	if (b->n % PAGE == 0)
		return parse_pending(b);
	return WD_OK;
}


int batch_parse_all(wd_batch *b)
{
	int err;
	if ((err = parse_pending(b)) < 0)
		return err;
	return finish_parse(b);
}

/* ---- learn ---- */

void batch_free_lines(wd_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(SLOT(b, i)->lines);
		SLOT(b, i)->lines = NULL;
	}
}

/* Learns from every slot in input order; its number + 1 is its seq. */
static int learn_chrome(wd_batch *b)
{
	learn_item *items = malloc((b->n ? b->n : 1) * sizeof *items);
	size_t n = 0;
	int err;
	if (!items)
		return wd_fail_oom();
	for (size_t i = 0; i < b->n; i++) {
		const slot *s = SLOT(b, i);
		if (!s->rejected && s->source)
			items[n++] = (learn_item){(int64_t)i + 1, s->source, s->lines, s->lines_bytes};
	}
	err = stage_learn(&b->chrome, items, n, b->pool, b->keep ? &b->learned : NULL);
	free(items);
	return err;
}

/* Parses what is left and learns (unless the chrome was given). */
static int run_learn(wd_batch *b)
{
	int err;
	if (b->failed)
		return wd_fail(WD_ERROR, "the batch failed earlier and cannot run");
	if (b->stage >= STAGE_LEARNED)
		return WD_OK;
	b->stage = STAGE_LEARNED;
	if ((err = batch_parse_all(b)) < 0 || (err = flush_all(b->words_out, b->threads)) < 0 ||
	    (err = flush_all(&b->records_out, b->keep)) < 0 || (err = list_words_regions(b)) < 0)
		return err;
	double t = now();
	if (!b->chrome_given && (err = learn_chrome(b)) < 0)
		return err;
	if (!b->keep) /* an index stores them */
		batch_free_lines(b);
	b->stats.learn_s = now() - t;
	return WD_OK;
}

/* ---- sign ---- */

/* Makes *buf (of *cap bytes) hold at least n. */
static int grow_buf(unsigned char **buf, size_t *cap, size_t n)
{
	if (n > *cap) {
		unsigned char *p = realloc(*buf, n);
		if (!p)
			return wd_fail_oom();
		*buf = p;
		*cap = n;
	}
	return WD_OK;
}

/* Reads n bytes at `at` of spill sp into *buf (grown as needed). */
static int read_spilled(unsigned char **buf, size_t *cap, const spill *sp, uint64_t at,
                        size_t n)
{
	int err = grow_buf(buf, cap, n);
	return err < 0 ? err : spill_read(sp, at, *buf, n);
}

/* Signs slot i: reads back its words, files its keys and its packed doc. */
static int sign_slot(wd_batch *b, size_t i, unsigned worker, uint32_t *sig,
                     unsigned char **buf, size_t *cap)
{
	const wd_params *p = &b->params;
	slot *s = SLOT(b, i);
	band_key *keys = NULL;
	size_t n_keys = 0;
	wd_doc doc;
	unsigned char *out;
	int err = read_spilled(buf, cap, b->words, s->doc_at, s->doc_bytes);
	if (err < 0)
		return err;
	words_signed(b, s->doc_at);
	long used = doc_unpack_words(&doc, *buf, s->doc_bytes);
	if (used < 0)
		return (int)used;
	err = stage_sign(&keys, &n_keys, sig, &doc, s->source, &b->chrome, p);
	if (err < 0 && err != WD_ENOMEM) {
		reject_slot(s, err);
		s->doc_bytes = 0;
		doc_free(&doc);
		return WD_OK;
	}
	if (err == WD_OK) {
		size_t sig_bytes = batch_sig_bytes(b);
		s->doc_bytes = doc_packed_size(&doc);
		if ((err = spill_append(&b->docs_out[worker], s->doc_bytes + sig_bytes, &s->doc_at,
		                        &out)) == WD_OK) {
			doc_pack(out, &doc);
			if (sig_bytes) { /* kept for an index */
				memset(out + s->doc_bytes, 0, sig_bytes);
				for (uint32_t k = 0; k < p->num_perm; k++)
					wd_put_le32(out + s->doc_bytes + 4 * (size_t)k, sig[k]);
			}
		}
	}
	spill_writer *filed = b->keys_out + (size_t)worker * lsh_band_count(p);
	for (size_t k = 0; k < n_keys && err == WD_OK; k++) {
		uint64_t at;
		if ((err = spill_append(&filed[keys[k].band], KEY_BYTES, &at, &out)) == WD_OK) {
			memcpy(out, &keys[k].key, 8);
			memcpy(out + 8, &(uint32_t){(uint32_t)i}, 4);
		}
	}
	free(keys);
	doc_free(&doc);
	return err;
}

static int sign_range(void *ctx, size_t begin, size_t end, unsigned worker)
{
	wd_batch *b = ctx;
	uint32_t *sig = malloc(b->params.num_perm * sizeof *sig);
	unsigned char *buf = NULL;
	size_t cap = 0;
	int err = sig ? WD_OK : wd_fail_oom();
	for (size_t i = begin; i < end && err == WD_OK; i++)
		if (!SLOT(b, i)->rejected)
			err = sign_slot(b, i, worker, sig, &buf, &cap);
	free(sig);
	free(buf);
	return err;
}

void batch_free_filed(wd_batch *b)
{
	free_writers(&b->keys_out, n_key_files(b));
	close_spill(b, &b->keys);
}

uint64_t batch_keys_filed(const wd_batch *b)
{
	uint64_t bytes = 0;
	for (size_t i = 0; b->keys_out && i < n_key_files(b); i++)
		for (size_t r = 0; r < b->keys_out[i].n_regions; r++)
			bytes += b->keys_out[i].regions[r].len;
	return bytes / KEY_BYTES;
}

int batch_band_keys(entry_vec *ev, const wd_batch *b, unsigned t, uint32_t band)
{
	const spill_writer *w = &b->keys_out[(size_t)t * lsh_band_count(&b->params) + band];
	size_t n = 0, most = 0;
	unsigned char *buf = NULL;
	int err = WD_OK;
	*ev = (entry_vec){0};
	for (size_t r = 0; r < w->n_regions; r++) {
		n += w->regions[r].len / KEY_BYTES;
		most = w->regions[r].len > most ? w->regions[r].len : most;
	}
	if (!(ev->v = malloc((n ? n : 1) * sizeof *ev->v)) || !(buf = malloc(most ? most : 1))) {
		free(ev->v);
		ev->v = NULL;
		return wd_fail_oom();
	}
	ev->cap = n;
	for (size_t r = 0; r < w->n_regions && err == WD_OK; r++) {
		if ((err = spill_read(b->keys, w->regions[r].at, buf, w->regions[r].len)) < 0)
			break;
		for (const unsigned char *p = buf; p < buf + w->regions[r].len; p += KEY_BYTES) {
			key_entry *e = &ev->v[ev->n++];
			uint32_t slot;
			memcpy(&e->key, p, 8);
			memcpy(&slot, p + 8, 4);
			e->slot = slot;
			e->next = 0;
		}
	}
	free(buf);
	if (err < 0) {
		free(ev->v);
		*ev = (entry_vec){0};
	}
	return err;
}

int batch_load_doc(wd_doc *doc, const wd_batch *b, size_t i, unsigned char **buf,
                   size_t *cap)
{
	const slot *s = SLOT(b, i);
	int err = read_spilled(buf, cap, b->docs, s->doc_at, s->doc_bytes);
	long used = err < 0 ? err : doc_unpack(doc, *buf, s->doc_bytes);
	if (err < 0)
		memset(doc, 0, sizeof *doc);
	return used < 0 ? (int)used : WD_OK;
}

int batch_read_record(wd_article *a, const wd_batch *b, size_t i, unsigned char **buf,
                      size_t *cap)
{
	const slot *s = SLOT(b, i);
	char *field[RECORD_FIELDS];
	size_t len[RECORD_FIELDS];
	/* one byte more than the record: each field is NUL-terminated in
	 * place, over the length word after it (read already), the last one
	 * past the record */
	int err = grow_buf(buf, cap, s->record_bytes + 1);
	if (err < 0 || (err = spill_read(b->records, s->record_at, *buf, s->record_bytes)) < 0)
		return err;
	unsigned char *p = *buf, *end = *buf + s->record_bytes;
	for (int k = 0; k < RECORD_FIELDS; k++) {
		if (end - p < 8)
			return wd_fail(WD_ERROR, "a kept article is cut short");
		uint64_t n = wd_get_le64(p);
		if (n > (uint64_t)(end - p - 8) + 1)
			return wd_fail(WD_ERROR, "a kept article is cut short");
		field[k] = n ? (char *)p + 8 : NULL;
		len[k] = n ? (size_t)n - 1 : 0;
		p += 8 + len[k];
	}
	for (int k = 0; k < RECORD_FIELDS; k++)
		if (field[k])
			field[k][len[k]] = '\0';
	*a = (wd_article){.id = s->id, .title = field[0], .source = field[1],
	                  .published = field[2], .url = field[3], .text = field[4],
	                  .text_len = len[4]};
	return WD_OK;
}

size_t batch_sig_bytes(const wd_batch *b)
{
	/* whole 8-byte words, so that the docs stay aligned for doc_view */
	return b->keep ? (4 * (size_t)b->params.num_perm + 7) & ~(size_t)7 : 0;
}

int batch_read_signed(uint32_t *sig, const wd_batch *b, size_t i, unsigned char **buf,
                      size_t *cap)
{
	const slot *s = SLOT(b, i);
	int err = read_spilled(buf, cap, b->docs, s->doc_at, s->doc_bytes + batch_sig_bytes(b));
	for (uint32_t k = 0; err == WD_OK && k < b->params.num_perm; k++)
		sig[k] = wd_get_le32(*buf + s->doc_bytes + 4 * (size_t)k);
	return err;
}

int batch_read_packed(unsigned char *out, const wd_batch *b, size_t i)
{
	return spill_read(b->docs, SLOT(b, i)->doc_at, out, SLOT(b, i)->doc_bytes);
}

int batch_sign(wd_batch *b)
{
	int err;
	if ((err = run_learn(b)) < 0)
		return err;
	if (b->stage >= STAGE_SIGNED)
		return WD_OK;
	b->stage = STAGE_SIGNED;
	if (b->n > UINT32_MAX)
		return wd_fail(WD_EINVAL, "a batch holds at most %u articles", UINT32_MAX);
	double t = now();
	if ((err = pool_for(b->pool, b->n, 16, sign_range, b)) < 0 ||
	    (err = flush_all(b->docs_out, b->threads)) < 0 ||
	    (err = flush_all(b->keys_out, n_key_files(b))) < 0 ||
	    (err = report_rejects(b, 0, b->n)) < 0)
		return err;
	/* the words are signed: their file can go */
	free_writers(&b->words_out, b->threads);
	close_spill(b, &b->words);
	free(b->words_left);
	b->words_left = NULL;
	b->stats.sign_s = now() - t;
	return WD_OK;
}

/* ---- link ---- */

typedef struct link_ctx {
	wd_batch *b;
	link_worker *workers;
} link_ctx;

/* Links the bands [begin, end): the band's entries are those every
 * signing worker filed, taken in turn. */
static int link_bands(void *ctx, size_t begin, size_t end, unsigned worker)
{
	link_ctx *lc = ctx;
	wd_batch *b = lc->b;
	int err = WD_OK;
	for (size_t band = begin; band < end && err == WD_OK; band++) {
		entry_vec vecs[MAX_THREADS] = {{0}}, *parts[MAX_THREADS];
		for (unsigned t = 0; t < b->threads && err == WD_OK; t++) {
			parts[t] = &vecs[t];
			err = batch_band_keys(&vecs[t], b, t, (uint32_t)band);
		}
		if (err == WD_OK)
			err = link_band(&lc->workers[worker], parts, b->threads);
		for (unsigned t = 0; t < b->threads; t++)
			free(vecs[t].v);
	}
	return err;
}

/* The distinct candidate pairs (in no particular order: the clusters do
 * not depend on it). */
static int link_all(wd_batch *b, uint64_t **pairs, size_t *n_pairs)
{
	link_worker *workers = calloc(b->threads, sizeof *workers);
	int err;
	if (!workers)
		return wd_fail_oom();
	err = pool_for(b->pool, lsh_band_count(&b->params), 1, link_bands, &(link_ctx){b, workers});
	/* the workers' sets, merged into the first */
	for (unsigned t = 1; t < b->threads && err == WD_OK; t++)
		err = link_merge(&workers[0], &workers[t]);
	if (err == WD_OK)
		err = link_take_pairs(pairs, n_pairs, &workers[0]);
	if (!b->keep) /* an index stores them */
		batch_free_filed(b);
	for (unsigned t = 0; t < b->threads; t++)
		link_worker_free(&workers[t]);
	free(workers);
	return err;
}

/* ---- verify ---- */

/*
 * A cluster of s copies is about s^2/2 candidate pairs, of which s - 1
 * make it. So the workers join the articles of every match at once in a
 * shared union-find, and skip a pair whose articles are joined already:
 * it could not change a cluster. Which pairs get skipped depends on the
 * workers' timing; the clusters do not (a skipped match joins what is
 * joined anyway), only the count of matches (wd_batch_stats) does.
 */
typedef struct verify_ctx {
	wd_batch *b;
	const uint64_t *pairs;
	unsigned char *match;
	_Atomic size_t *joined; /* union-find: a parent per slot */
	pair_score *scores;     /* per pair, or NULL: an index needs every
	                         * match and its scores, so none is skipped */
} verify_ctx;

static size_t joined_root(_Atomic size_t *parent, size_t i)
{
	size_t p;
	while ((p = atomic_load_explicit(&parent[i], memory_order_acquire)) != i)
		i = p;
	return i;
}

/* Joins the sets of x and y: the larger root points at the smaller. */
static void join(_Atomic size_t *parent, size_t x, size_t y)
{
	for (;;) {
		size_t rx = joined_root(parent, x), ry = joined_root(parent, y);
		if (rx == ry)
			return;
		size_t hi = rx > ry ? rx : ry, lo = rx < ry ? rx : ry;
		if (atomic_compare_exchange_weak(&parent[hi], &hi, lo))
			return;
	}
}

/* A signed doc read back, kept while the next pairs need it too. */
typedef struct loaded {
	size_t slot;     /* (size_t)-1: none */
	wd_doc doc;
	unsigned char *buf;
	size_t cap;
} loaded;

static int load(loaded *l, const wd_batch *b, size_t i)
{
	if (l->slot == i)
		return WD_OK;
	const slot *s = SLOT(b, i);
	doc_free(&l->doc);
	l->slot = (size_t)-1;
	int err = read_spilled(&l->buf, &l->cap, b->docs, s->doc_at, s->doc_bytes);
	long used = err < 0 ? err : doc_view(&l->doc, l->buf, s->doc_bytes); /* no copy */
	if (used < 0)
		return (int)used;
	l->slot = i;
	return WD_OK;
}

static void loaded_free(loaded *l)
{
	doc_free(&l->doc);
	free(l->buf);
}

/* Pairs are sorted, so the earlier article of one is often the next's. */
static int verify_range(void *ctx, size_t begin, size_t end, unsigned worker)
{
	verify_ctx *vc = ctx;
	loaded earlier = {.slot = (size_t)-1}, later = {.slot = (size_t)-1};
	int err = WD_OK;
	(void)worker;
	for (size_t i = begin; i < end && err == WD_OK; i++) {
		size_t x = vc->pairs[i] >> 32, y = vc->pairs[i] & UINT32_MAX;
		vc->match[i] = 0;
		if (!vc->scores && joined_root(vc->joined, x) == joined_root(vc->joined, y))
			continue;
		if ((err = load(&earlier, vc->b, x)) < 0 || (err = load(&later, vc->b, y)) < 0)
			break;
		verdict v;
		verify_docs(&v, &later.doc, &earlier.doc, vc->b->params.threshold);
		vc->match[i] = (unsigned char)v.match;
		if (vc->scores)
			vc->scores[i] = (pair_score){v.jaccard, v.containment, v.shared};
		else if (v.match)
			join(vc->joined, x, y);
	}
	loaded_free(&earlier);
	loaded_free(&later);
	return err;
}

/* ---- group ---- */

static int earlier_slot(size_t x, size_t y, void *ctx)
{
	const wd_batch *b = ctx;
	const slot *a = SLOT(b, x), *c = SLOT(b, y);
	return cluster_earlier(a->has_ts, a->ts, (int64_t)x, c->has_ts, c->ts, (int64_t)y);
}

typedef struct similarity_ctx {
	wd_batch *b;
	const uint64_t *members; /* root << 32 | slot, sorted: by root */
} similarity_ctx;

static int similarity_range(void *ctx, size_t begin, size_t end, unsigned worker)
{
	similarity_ctx *sc = ctx;
	loaded rep = {.slot = (size_t)-1}, member = {.slot = (size_t)-1};
	int err = WD_OK;
	(void)worker;
	for (size_t i = begin; i < end && err == WD_OK; i++) {
		size_t root = sc->members[i] >> 32, m = sc->members[i] & UINT32_MAX;
		if ((err = load(&rep, sc->b, root)) < 0 || (err = load(&member, sc->b, m)) < 0)
			break;
		SLOT(sc->b, m)->similarity = stage_similarity(&member.doc, &rep.doc,
		                                              sc->b->params.threshold);
	}
	loaded_free(&rep);
	loaded_free(&member);
	return err;
}


/* Clusters = components of the matched pairs; each slot's root becomes its
 * cluster's representative (earliest member). */
static int group(wd_batch *b, const uint64_t *pairs, const unsigned char *match,
                 size_t n_pairs)
{
	size_t n = b->n ? b->n : 1;
	size_t *rep = malloc(n * sizeof *rep);
	uint64_t *members = malloc(n * sizeof *members);
	unsigned char *skip = malloc(n);
	int err;
	double t = now();
	b->stage = STAGE_GROUPED;
	if (!rep || !members || !skip || !(b->clustered = malloc(n * sizeof *b->clustered))) {
		err = wd_fail_oom();
		goto done;
	}
	for (size_t i = 0; i < b->n; i++)
		skip[i] = SLOT(b, i)->rejected != 0;
	if ((err = stage_components(rep, b->n, pairs, match, n_pairs, skip, earlier_slot,
	                            b)) < 0)
		goto done;
	/* members other than representatives, by representative: each is
	 * read back once */
	size_t n_members = 0;
	for (size_t i = 0; i < b->n; i++)
		if (!skip[i]) {
			size_t root = rep[i];
			SLOT(b, i)->root = root;
			SLOT(b, i)->similarity = 1.0; /* the representative itself */
			b->clustered[b->n_clustered++] = i;
			if (root != i)
				members[n_members++] = (uint64_t)root << 32 | i;
		}
	if ((err = wd_shingle_set_inplace(members, n_members, &n_members)) < 0)
		goto done;
	err = pool_for(b->pool, n_members, 64, similarity_range,
	               &(similarity_ctx){b, members});
done:
	b->stats.group_s = now() - t;
	free(rep);
	free(members);
	free(skip);
	return err;
}

/* match[i] of each pair: 1 or 0 (0 too where not compared). */
static int verify_all(wd_batch *b, const uint64_t *pairs, unsigned char *match,
                      size_t n_pairs)
{
	_Atomic size_t *joined = malloc((b->n ? b->n : 1) * sizeof *joined);
	if (!joined)
		return wd_fail_oom();
	for (size_t i = 0; i < b->n; i++)
		atomic_init(&joined[i], i);
	int err = WD_OK;
	if (b->keep && !(b->scores = malloc((n_pairs ? n_pairs : 1) * sizeof *b->scores)))
		err = wd_fail_oom();
	if (err == WD_OK)
		err = pool_for(b->pool, n_pairs, 256, verify_range,
		               &(verify_ctx){b, pairs, match, joined, b->scores});
	free((void *)joined);
	return err;
}

int wd_batch_run(wd_batch *b)
{
	uint64_t *pairs = NULL;
	size_t n_pairs = 0;
	unsigned char *match = NULL;
	int err;
	if (b->stage != STAGE_ADD)
		return wd_fail(WD_EINVAL, "the batch has run already");
	if ((err = batch_sign(b)) < 0)
		goto done;
	double t = now();
	if ((err = link_all(b, &pairs, &n_pairs)) < 0)
		goto done;
	/* by earlier article: the shingles' radix sort (pairs are distinct) */
	if ((err = wd_shingle_set_inplace(pairs, n_pairs, &n_pairs)) < 0)
		goto done;
	b->stats.link_s = now() - t;
	b->stats.candidates = n_pairs;
	if (n_pairs && !(match = malloc(n_pairs))) {
		err = wd_fail_oom();
		goto done;
	}
	t = now();
	if ((err = verify_all(b, pairs, match, n_pairs)) < 0)
		goto done;
	b->stats.verify_s = now() - t;
	for (size_t i = 0; i < n_pairs; i++)
		b->stats.matches += match[i];
	err = group(b, pairs, match, n_pairs);
	if (b->keep) { /* an index stores them */
		b->pairs = pairs;
		b->match = match;
		b->n_pairs = n_pairs;
		return err;
	}
done:
	free(pairs);
	free(match);
	return err;
}

/* ---- the stages one at a time ---- */

int wd_batch_load_chrome(wd_batch *b, const uint64_t *keys, size_t n)
{
	if (b->stage != STAGE_ADD)
		return wd_fail(WD_EINVAL, "chrome must be given before the batch learns");
	b->chrome_given = 1;
	for (size_t i = 0; i < n; i++) {
		int err = chrome_add_key(&b->chrome, keys[i]);
		if (err < 0)
			return err;
	}
	return WD_OK;
}

int wd_batch_learn(wd_batch *b)
{
	return run_learn(b);
}

int wd_batch_foreach_chrome(const wd_batch *b, int (*fn)(uint64_t key, void *ctx),
                            void *ctx)
{
	for (size_t i = 0; i < b->chrome.cap; i++)
		if (b->chrome.keys[i]) {
			int rc = fn(b->chrome.keys[i], ctx);
			if (rc != 0)
				return rc;
		}
	return WD_OK;
}

int wd_batch_sign(wd_batch *b, wd_band_key_fn fn, void *ctx)
{
	int err = batch_sign(b);
	for (size_t band = 0; err == WD_OK && fn && band < lsh_band_count(&b->params); band++)
		for (unsigned t = 0; err == WD_OK && t < b->threads; t++) {
			entry_vec ev;
			if ((err = batch_band_keys(&ev, b, t, (uint32_t)band)) < 0)
				break;
			for (size_t e = 0; e < ev.n && err == WD_OK; e++)
				err = fn(SLOT(b, ev.v[e].slot)->id, (uint32_t)band, ev.v[e].key, ctx);
			free(ev.v);
		}
	batch_free_filed(b);
	return err;
}

/* The slot of a signed article that is not left out. */
static int find_signed(size_t *out, const wd_batch *b, const char *id)
{
	size_t pos;
	if (b->stage < STAGE_SIGNED)
		return wd_fail(WD_EINVAL, "the batch is not signed yet");
	*out = ids_find(b, id, id_hash(id), &pos);
	if (*out == (size_t)-1)
		return wd_fail(WD_ENOTFOUND, "no article '%s' in the input", id);
	if (SLOT(b, *out)->rejected)
		return wd_fail(WD_ENOTFOUND, "article '%s' was left out", id);
	return WD_OK;
}

/* The pair of two slots, the earlier first. */
static int slot_pair(uint64_t *pair, const wd_batch *b, const char *id_a,
                     const char *id_b)
{
	size_t x, y;
	int err;
	if ((err = find_signed(&x, b, id_a)) < 0 || (err = find_signed(&y, b, id_b)) < 0)
		return err;
	if (x == y)
		return wd_fail(WD_EINVAL, "a pair of article '%s' with itself", id_a);
	*pair = x < y ? (uint64_t)x << 32 | y : (uint64_t)y << 32 | x;
	return WD_OK;
}

int wd_batch_verify(int *match, wd_batch *b, const char *id_a, const char *id_b)
{
	uint64_t pair;
	int err = slot_pair(&pair, b, id_a, id_b);
	if (err < 0)
		return err;
	loaded earlier = {.slot = (size_t)-1}, later = {.slot = (size_t)-1};
	if ((err = load(&earlier, b, pair >> 32)) == WD_OK &&
	    (err = load(&later, b, pair & UINT32_MAX)) == WD_OK)
		*match = stage_match(&later.doc, &earlier.doc, b->params.threshold);
	loaded_free(&earlier);
	loaded_free(&later);
	if (err < 0)
		return err;
	b->stats.candidates++;
	b->stats.matches += (uint64_t)*match;
	return WD_OK;
}

int wd_batch_add_match(wd_batch *b, const char *id_a, const char *id_b)
{
	uint64_t pair;
	int err = slot_pair(&pair, b, id_a, id_b);
	if (err < 0)
		return err;
	if (b->stage == STAGE_GROUPED)
		return wd_fail(WD_EINVAL, "the batch is grouped already");
	if (wd_grow(&b->matches, &b->cap_matches, b->n_matches, sizeof *b->matches, 1024) < 0)
		return wd_fail_oom();
	b->matches[b->n_matches++] = pair;
	return WD_OK;
}

int wd_batch_group(wd_batch *b)
{
	if (b->stage < STAGE_SIGNED)
		return wd_fail(WD_EINVAL, "the batch is not signed yet");
	if (b->stage == STAGE_GROUPED)
		return wd_fail(WD_EINVAL, "the batch is grouped already");
	b->stats.matches = b->n_matches;
	return group(b, b->matches, NULL, b->n_matches);
}

/* ---- results ---- */

size_t wd_batch_size(const wd_batch *b)
{
	return b->n_clustered;
}

int wd_batch_assignment(wd_assignment *out, const wd_batch *b, size_t i)
{
	if (i >= b->n_clustered)
		return wd_fail(WD_ENOTFOUND, "no clustered article #%zu", i);
	const slot *s = SLOT(b, b->clustered[i]);
	out->id = s->id;
	out->cluster = SLOT(b, s->root)->id;
	out->similarity = s->similarity;
	return WD_OK;
}

void wd_batch_get_stats(wd_batch_stats *out, const wd_batch *b)
{
	*out = b->stats;
	out->articles = b->n;
	out->spilled += spill_written(b->words) + spill_written(b->docs) + spill_written(b->keys) +
	                spill_written(b->records);
}

void wd_batch_close(wd_batch *b)
{
	if (!b)
		return;
	if (b->pool) {
		pool_wait(b->pool); /* a page may be in the works */
		pool_close(b->pool);
	}
	for (size_t i = 0; i < b->n; i++) {
		slot *s = SLOT(b, i);
		free(s->id);
		free(s->source);
		free(s->error);
		free(s->title);
		free(s->text);
		free(s->lines);
		free(s->agency);
		free(s->place);
	}
	batch_free_filed(b);
	free_writers(&b->words_out, b->threads);
	free_writers(&b->docs_out, b->threads);
	spill_close(b->words);
	spill_close(b->docs);
	spill_writer_free(&b->records_out);
	spill_close(b->records);
	free(b->learned.v);
	free(b->pairs);
	free(b->match);
	free(b->scores);
	free(b->words_left);
	for (size_t i = 0; i < b->n_pages; i++)
		free(b->pages[i]);
	free(b->pages);
	free(b->ids);
	free(b->matches);
	free(b->clustered);
	chrome_free(&b->chrome);
	free(b);
}
