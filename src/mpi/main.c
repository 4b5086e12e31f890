/*
 * wiredup-mpi - the batch job of `wiredup dedup` across the ranks of an
 * MPI job, with the same output:
 *
 *   mpirun -np N wiredup-mpi dedup [options] FILE...
 *
 * Every stage is the batch job's own code (batch_stages.h, wd_batch_add);
 * what is new here is who holds what (docs/scaling.md):
 *
 *   read    rank r reads the lines that start in the r-th N-th of the
 *           input's bytes (files taken as one stream); a record's ordinal
 *           (its place in the input, which decides every tie) is its
 *           rank's offset (MPI_Exscan of the counts) + its local number
 *   ids     each id goes to rank hash(id) mod N, which finds repeats across
 *           ranks: the first keeps the id, the others are unchanged or
 *           rejected as wd_batch_add would have said
 *   learn   (ordinal, outlet, lines) go to rank hash(outlet) mod N, which
 *           learns its outlets' chrome in input order; the learned keys
 *           are gathered by every rank (MPI_Allgatherv: they are few)
 *   sign    each rank signs its articles with the whole model
 *   link    (band, key, ordinal) go to rank key mod N, in rounds of a few
 *           bands (--round-mb bounds the bytes a rank sends per round);
 *           each owner links its keys into candidate pairs
 *   verify  each pair goes to the rank of its later article, which fetches
 *           the earlier one's packed doc from its rank (in rounds) and
 *           compares them
 *   group   each rank reduces its matches to a spanning forest; rank 0
 *           merges the forests, names each component after its earliest
 *           member (cluster_earlier) and sends each article's
 *           representative to its rank, which fetches the representative's
 *           doc for the similarity
 *   write   rank 0 writes every rank's records in input order (or each
 *           rank its own file, --output-dir); rejections go to stderr in
 *           input order, as FILE:LINE: reason
 */
#include "wiredup.h"

#include "../article.h"
#include "../batch_internal.h"
#include "../cli/output.h"
#include "../error.h"
#include "../index_internal.h"
#include "../reader.h"
#include "../vec.h"
#include "exchange.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

enum { EXIT_REJECTED = 1, EXIT_USAGE = 2, EXIT_FATAL = 3 };
enum { NONE = UINT32_MAX };
/* A doc as fetched weighs about this much (shingles and their order). */
enum { DOC_BYTES_GUESS = 8192 };

typedef struct opts {
	wd_params params;
	out_format format;
	size_t threads, max_bytes, round_mb;
	const char *output_dir;
	int verbose;
	char **files;
	int n_files;
} opts;

/* A rejection message, held back to print in input order. */
typedef struct held {
	uint64_t record; /* local record number, global once written */
	char *text;
} held;

/* Where a record came from. */
typedef struct position {
	uint32_t file;
	uint32_t line;
} position;

/* An id as read: wd_batch_add's verdict here, to be checked across ranks. */
enum { OCC_NEW, OCC_UNCHANGED, OCC_DUPLICATE };
enum { VERDICT_KEEP, VERDICT_UNCHANGED, VERDICT_DUPLICATE };
typedef struct occurrence {
	uint32_t record;
	uint32_t slot; /* OCC_NEW: its slot */
	uint64_t hash; /* of its content */
	char *id;
	int local;
} occurrence;

/* An article of another rank, fetched for verification. */
typedef struct fetched {
	uint32_t ord;
	int has_ts;
	int64_t ts;
	char *id;
	wd_doc doc;
} fetched;

enum { ST_READ, ST_IDS, ST_LEARN, ST_SIGN, ST_LINK, ST_VERIFY, ST_GROUP, ST_WRITE, N_ST };
static const char *const STAGE_NAMES[N_ST] = {"read+parse", "ids", "learn", "sign",
                                               "link", "verify", "group", "write"};

typedef struct job {
	const opts *o;
	int rank, size;
	wd_batch *b;
	position *pos; /* per local record */
	size_t n_records, cap_records;
	uint32_t *rec_slot; /* local record -> slot, NONE */
	uint32_t *slot_rec; /* slot -> local record */
	size_t n_slots, cap_slots;
	occurrence *occ;
	size_t n_occ, cap_occ;
	held *held;
	size_t n_held, cap_held;
	uint64_t rec_off;   /* ordinal of the first local record */
	uint64_t *rank_off; /* [size + 1]: first ordinal of each rank */
	uint64_t *reps;     /* per slot: its representative's ordinal */
	char **rep_ids;     /* per slot: its representative's id when remote */
	uint64_t sent[N_ST];
	double secs[N_ST];
	uint64_t candidates, matches;
} job;

/* wd_grow, failing with a message */
static int grow(void *v, size_t *cap, size_t n, size_t size)
{
	return wd_grow(v, cap, n, size, 1024) < 0 ? wd_fail_oom() : 0;
}

/* ---- messages ---- */

/* Holds "FILE:LINE: msg" for local record `record` (or msg as it is when
 * it names them already: a reader's). */
static int hold_as(job *j, uint64_t record, const char *msg, int named)
{
	char buf[2048];
	const position *p = &j->pos[record];
	if (p->line && !named)
		snprintf(buf, sizeof buf, "%s:%" PRIu32 ": %s", j->o->files[p->file], p->line,
		         msg);
	else
		snprintf(buf, sizeof buf, "%s", msg);
	if (grow(&j->held, &j->cap_held, j->n_held, sizeof *j->held) < 0)
		return WD_ENOMEM;
	if (!(j->held[j->n_held].text = strdup(buf)))
		return wd_fail_oom();
	j->held[j->n_held++].record = record;
	return WD_OK;
}

static int hold(job *j, uint64_t record, const char *msg)
{
	return hold_as(j, record, msg, 0);
}

static int batch_reject(uint64_t tag, int code, const char *msg, void *ctx)
{
	(void)code;
	return hold(ctx, tag, msg) < 0 ? WD_ENOMEM : 0;
}

/* A failure on this rank: said at once, with the rank. */
static int say_failure(const job *j, int err)
{
	fprintf(stderr, "wiredup-mpi: rank %d: %s\n", j->rank, wd_last_error());
	return err;
}

/* ---- read ---- */

/* The rank that holds ordinal o. */
static int owner_of(const job *j, uint64_t o)
{
	int lo = 0, hi = j->size - 1;
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;
		if (j->rank_off[mid] <= o)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static int add_article(job *j, const wd_article *article, size_t record)
{
	wd_article a = *article;
	wd_add_status status;
	int err, local;
	if (article_check(&a) < 0)
		return hold(j, record, wd_last_error());
	err = wd_batch_add(&status, j->b, &a, record);
	if (err == WD_EINPUT)
		return hold(j, record, wd_last_error());
	if (err < 0 && err != WD_EDUPLICATE)
		return err;
	local = err == WD_EDUPLICATE ? OCC_DUPLICATE
	        : status == WD_ADD_NEW ? OCC_NEW : OCC_UNCHANGED;
	if (grow(&j->occ, &j->cap_occ, j->n_occ, sizeof *j->occ) < 0)
		return WD_ENOMEM;
	occurrence *oc = &j->occ[j->n_occ];
	*oc = (occurrence){(uint32_t)record, NONE, article_content_hash(&a), strdup(a.id),
	                   local};
	if (!oc->id)
		return wd_fail_oom();
	j->n_occ++;
	if (local == OCC_NEW) {
		if (grow(&j->slot_rec, &j->cap_slots, j->n_slots, sizeof *j->slot_rec) < 0)
			return WD_ENOMEM;
		oc->slot = (uint32_t)j->n_slots;
		j->rec_slot[record] = (uint32_t)j->n_slots;
		j->slot_rec[j->n_slots++] = (uint32_t)record;
	}
	return WD_OK;
}

/* Counts the newlines of path in [lo, hi); finds the first line start at
 * or after lo (*start; the file's size if none) and whether a newline
 * lies in [lo, *start). */
static int scan_piece(uint64_t *newlines, uint64_t *start, const char *path, uint64_t lo,
                      uint64_t hi, uint64_t file_size)
{
	FILE *fp = fopen(path, "rb");
	char buf[1 << 16];
	*newlines = 0;
	*start = lo;
	if (!fp)
		return wd_fail(WD_EIO, "%s: cannot open: %s", path, strerror(errno));
	if (lo > 0) {
		/* a line starts at lo when the byte before it ends one */
		int c = fseeko(fp, (off_t)(lo - 1), SEEK_SET) == 0 ? fgetc(fp) : EOF;
		if (c != '\n') {
			*start = file_size;
			for (uint64_t at = lo;;) {
				size_t got = fread(buf, 1, sizeof buf, fp);
				char *nl = got ? memchr(buf, '\n', got) : NULL;
				if (nl) {
					*start = at + (uint64_t)(nl - buf) + 1;
					break;
				}
				if (got == 0)
					break;
				at += got;
			}
		}
	}
	if (fseeko(fp, (off_t)lo, SEEK_SET) != 0) {
		fclose(fp);
		return wd_fail(WD_EIO, "%s: cannot seek: %s", path, strerror(errno));
	}
	for (uint64_t at = lo; at < hi;) {
		size_t want = hi - at < sizeof buf ? (size_t)(hi - at) : sizeof buf;
		size_t got = fread(buf, 1, want, fp);
		if (got == 0)
			break;
		for (char *p = buf; (p = memchr(p, '\n', got - (size_t)(p - buf))); p++)
			(*newlines)++;
		at += got;
	}
	int failed = ferror(fp);
	fclose(fp);
	return failed ? wd_fail(WD_EIO, "%s: read error", path) : WD_OK;
}

/* Reads this rank's share of the input into the batch (and parses it). */
static int read_input(job *j)
{
	const opts *o = j->o;
	size_t nf = (size_t)o->n_files;
	uint64_t *size = calloc(nf * 4 + 1, sizeof *size);
	int err = WD_OK;
	if (!size)
		return all_ok(wd_fail_oom());
	uint64_t *newlines = size + nf, *before = newlines + nf, *start = before + nf;
	uint64_t total = 0;
	for (size_t f = 0; f < nf; f++) {
		struct stat sb;
		if (stat(o->files[f], &sb) != 0) {
			err = wd_fail(WD_EIO, "%s: cannot open: %s", o->files[f], strerror(errno));
			break;
		}
		if (S_ISDIR(sb.st_mode)) {
			err = wd_fail(WD_EIO, "%s: is a directory", o->files[f]);
			break;
		}
		size[f] = (uint64_t)sb.st_size;
		total += size[f];
	}
	if (err < 0) { /* every rank sees it: rank 0 says it */
		if (j->rank == 0)
			fprintf(stderr, "wiredup-mpi: %s\n", wd_last_error());
		free(size);
		return err;
	}
	/* this rank's bytes of the input taken as one stream */
	uint64_t my_lo = total / (uint64_t)j->size * (uint64_t)j->rank +
	                 total % (uint64_t)j->size * (uint64_t)j->rank / (uint64_t)j->size;
	uint64_t r1 = (uint64_t)j->rank + 1;
	uint64_t my_hi = total / (uint64_t)j->size * r1 +
	                 total % (uint64_t)j->size * r1 / (uint64_t)j->size;
	uint64_t *lo = calloc(nf * 2 + 1, sizeof *lo), *hi = lo ? lo + nf : NULL;
	if (!lo)
		err = wd_fail_oom();
	for (size_t f = 0, base = 0; f < nf && err == WD_OK; base += size[f], f++) {
		uint64_t a = my_lo > base ? my_lo - base : 0, z = my_hi - base;
		if (my_hi <= base || my_lo >= base + size[f])
			continue;
		lo[f] = a;
		hi[f] = z < size[f] ? z : size[f];
		err = scan_piece(&newlines[f], &start[f], o->files[f], lo[f], hi[f], size[f]);
	}
	if (all_ok(err) < 0) {
		if (err < 0)
			say_failure(j, err);
		free(size);
		free(lo);
		return WD_EIO;
	}
	MPI_Exscan(newlines, before, (int)nf, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
	if (j->rank == 0)
		memset(before, 0, nf * sizeof *before);
	for (size_t f = 0; f < nf && err == WD_OK; f++) {
		wd_reader *r;
		wd_article a;
		int rc;
		if (hi[f] <= lo[f] || start[f] >= hi[f])
			continue;
		size_t first_line = 1 + before[f] + (start[f] > lo[f]);
		if ((err = reader_open_jsonl_range(&r, o->files[f], start[f], hi[f],
		                                   first_line)) < 0)
			break;
		wd_reader_set_max_bytes(r, o->max_bytes);
		while (err == WD_OK && (rc = wd_reader_next(&a, r)) != 0) {
			if (rc < 0 && rc != WD_EINPUT) {
				err = rc;
				break;
			}
			size_t cap = j->cap_records;
			if (grow(&j->pos, &j->cap_records, j->n_records, sizeof *j->pos) < 0) {
				err = WD_ENOMEM;
				break;
			}
			if (cap != j->cap_records) {
				uint32_t *v = realloc(j->rec_slot, j->cap_records * sizeof *v);
				if (!v) {
					err = wd_fail_oom();
					break;
				}
				j->rec_slot = v;
			}
			size_t record = j->n_records++;
			j->pos[record] = (position){(uint32_t)f, (uint32_t)wd_reader_line(r)};
			j->rec_slot[record] = NONE;
			if (rc == WD_EINPUT) /* the reader's message names file and line */
				err = hold_as(j, record, wd_last_error(), 1) < 0 ? WD_ENOMEM : WD_OK;
			else
				err = add_article(j, &a, record);
		}
		wd_reader_close(r);
	}
	if (err == WD_OK && (err = batch_parse_all(j->b)) < 0 && err != WD_ENOMEM)
		err = WD_ERROR;
	free(size);
	free(lo);
	if (err < 0)
		say_failure(j, err);
	if ((err = all_ok(err)) < 0)
		return err;
	/* ordinals */
	uint64_t n = j->n_records;
	j->rec_off = 0;
	MPI_Exscan(&n, &j->rec_off, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
	if (j->rank == 0)
		j->rec_off = 0;
	if (!(j->rank_off = calloc((size_t)j->size + 1, sizeof *j->rank_off)))
		return all_ok(wd_fail_oom());
	MPI_Allgather(&j->rec_off, 1, MPI_UINT64_T, j->rank_off, 1, MPI_UINT64_T,
	              MPI_COMM_WORLD);
	j->rank_off[j->size] = all_sum(n);
	if (j->rank_off[j->size] >= UINT32_MAX) {
		if (j->rank == 0)
			fprintf(stderr, "wiredup-mpi: %" PRIu64 " records: a run holds at most "
			        "%u\n", j->rank_off[j->size], UINT32_MAX - 1);
		return WD_EINVAL;
	}
	return WD_OK;
}

/* ---- ids repeated across ranks ---- */

typedef struct id_occ {
	const char *id;
	uint32_t len, ord;
	uint64_t hash;
	unsigned char rejected; /* parsed and left out: the id stays free */
} id_occ;

static int cmp_id_occ(const void *a, const void *b)
{
	const id_occ *x = a, *y = b;
	uint32_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->id, y->id, n);
	if (c || x->len != y->len)
		return c ? c : (x->len > y->len) - (x->len < y->len);
	return (x->ord > y->ord) - (x->ord < y->ord);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The verdicts of the id owner, for the occurrences of this rank. */
static int id_verdicts(job *j, uint64_t **out, size_t *n_out)
{
	int size = j->size, err = WD_OK;
	bbuf *send = calloc((size_t)size * 2, sizeof *send), *recv = send + size;
	id_occ *occ = NULL;
	size_t n = 0, cap = 0;
	if (!send)
		return all_ok(wd_fail_oom());
	for (size_t i = 0; i < j->n_occ && err == WD_OK; i++) {
		const occurrence *oc = &j->occ[i];
		uint32_t len = (uint32_t)strlen(oc->id);
		unsigned char rejected = oc->slot != NONE && SLOT(j->b, oc->slot)->rejected;
		bbuf *to = &send[XXH3_64bits(oc->id, len) % (uint64_t)size];
		if ((err = bbuf_put_u32(to, (uint32_t)(j->rec_off + oc->record))) == WD_OK &&
		    (err = bbuf_put_u64(to, oc->hash)) == WD_OK &&
		    (err = bbuf_put(to, &rejected, 1)) == WD_OK &&
		    (err = bbuf_put_u32(to, len)) == WD_OK)
			err = bbuf_put(to, oc->id, len);
	}
	if ((err = all_ok(err)) == WD_OK)
		err = exchange(send, recv, size, &j->sent[ST_IDS]);
	for (int s = 0; s < size && err == WD_OK; s++)
		for (bread r = {recv[s].v, recv[s].v + recv[s].n}; r.p < r.end && err == WD_OK;) {
			id_occ e;
			e.ord = bread_u32(&r);
			e.hash = bread_u64(&r);
			e.rejected = *r.p++;
			e.len = bread_u32(&r);
			e.id = (const char *)r.p;
			r.p += e.len;
			if (grow(&occ, &cap, n, sizeof *occ) < 0)
				err = WD_ENOMEM;
			else
				occ[n++] = e;
		}
	if (n > 1)
		qsort(occ, n, sizeof *occ, cmp_id_occ);
	/* the first of each id that is not left out keeps it (as wd_batch_add:
	 * a rejected article leaves its id free); the rest are judged against
	 * it */
	for (size_t i = 0, first = 0, holder = SIZE_MAX; i < n && err == WD_OK; i++) {
		if (i == 0 || occ[i].len != occ[first].len ||
		    memcmp(occ[i].id, occ[first].id, occ[i].len) != 0) {
			first = i;
			holder = SIZE_MAX;
		}
		int v = holder == SIZE_MAX ? VERDICT_KEEP
		        : occ[i].hash == occ[holder].hash ? VERDICT_UNCHANGED : VERDICT_DUPLICATE;
		if (holder == SIZE_MAX && !occ[i].rejected)
			holder = i;
		if (v != VERDICT_KEEP) /* no answer: keep */
			err = bbuf_put_u64(&send[owner_of(j, occ[i].ord)],
			                   (uint64_t)occ[i].ord << 8 | (uint64_t)v);
	}
	free(occ);
	for (int s = 0; s < size; s++)
		bbuf_free(&recv[s]);
	if ((err = all_ok(err)) == WD_OK)
		err = exchange(send, recv, size, &j->sent[ST_IDS]);
	bbuf all = {0};
	for (int s = 0; s < size && err == WD_OK; s++)
		err = bbuf_put(&all, recv[s].v, recv[s].n);
	for (int s = 0; s < size; s++) {
		bbuf_free(&send[s]);
		bbuf_free(&recv[s]);
	}
	free(send);
	*out = (uint64_t *)all.v;
	*n_out = all.n / sizeof(uint64_t);
	if (*n_out > 1)
		qsort(*out, *n_out, sizeof **out, cmp_u64);
	return all_ok(err);
}

static int cmp_held(const void *a, const void *b)
{
	const held *x = a, *y = b;
	return (x->record > y->record) - (x->record < y->record);
}

/* Applies the verdicts: a slot whose id came earlier on another rank is
 * dropped (and anything said of it withdrawn); repeats with other content
 * are rejected as wd_batch_add rejects them. */
static int check_ids(job *j)
{
	uint64_t *v = NULL;
	size_t n = 0;
	unsigned char *withdraw = calloc(j->n_records ? j->n_records : 1, 1);
	int err = withdraw ? WD_OK : wd_fail_oom();
	if ((err = all_ok(err)) == WD_OK)
		err = id_verdicts(j, &v, &n);
	for (size_t i = 0; i < j->n_occ && err == WD_OK; i++) {
		occurrence *oc = &j->occ[i];
		uint64_t key = (j->rec_off + oc->record) << 8;
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if ((v[mid] & ~(uint64_t)0xff) < key)
				lo = mid + 1;
			else
				hi = mid;
		}
		oc->local = lo < n && (v[lo] & ~(uint64_t)0xff) == key ? (int)(v[lo] & 0xff)
		                                                      : VERDICT_KEEP;
		if (oc->slot != NONE && oc->local != VERDICT_KEEP) {
			batch_drop(j->b, oc->slot);
			j->rec_slot[oc->record] = NONE;
			withdraw[oc->record] = 1;
		}
	}
	/* drop what was said of the dropped slots (a parse rejection) */
	size_t kept = 0;
	for (size_t i = 0; i < j->n_held; i++) {
		if (withdraw && withdraw[j->held[i].record])
			free(j->held[i].text);
		else
			j->held[kept++] = j->held[i];
	}
	j->n_held = kept;
	for (size_t i = 0; i < j->n_occ && err == WD_OK; i++)
		if (j->occ[i].local == VERDICT_DUPLICATE) {
			article_fail_duplicate(j->occ[i].id);
			err = hold(j, j->occ[i].record, wd_last_error());
		}
	for (size_t i = 0; i < j->n_occ; i++)
		free(j->occ[i].id);
	free(j->occ);
	j->occ = NULL;
	j->n_occ = 0;
	free(withdraw);
	free(v);
	return all_ok(err);
}

/* ---- learn ---- */

static int cmp_item(const void *a, const void *b)
{
	const learn_item *x = a, *y = b;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Each outlet's articles go to one rank, which learns from them in input
 * order; every rank then takes every rank's chrome keys. */
static int learn(job *j)
{
	int size = j->size, err = WD_OK;
	bbuf *send = calloc((size_t)size * 2, sizeof *send), *recv = send + size;
	learn_item *items = NULL;
	size_t n = 0, cap = 0;
	chrome_model model = {0};
	if (!send)
		return all_ok(wd_fail_oom());
	for (size_t i = 0; i < j->n_slots && err == WD_OK; i++) {
		const slot *s = SLOT(j->b, i);
		if (s->rejected || !s->source)
			continue;
		uint32_t len = (uint32_t)strlen(s->source) + 1;
		bbuf *to = &send[chrome_source_key(s->source) % (uint64_t)size];
		if ((err = bbuf_put_u32(to, (uint32_t)(j->rec_off + j->slot_rec[i]))) == WD_OK &&
		    (err = bbuf_put_u32(to, len)) == WD_OK &&
		    (err = bbuf_put(to, s->source, len)) == WD_OK &&
		    (err = bbuf_put_u32(to, (uint32_t)s->lines_bytes)) == WD_OK)
			err = bbuf_put(to, s->lines, s->lines_bytes);
	}
	batch_free_lines(j->b);
	if ((err = all_ok(err)) == WD_OK)
		err = exchange(send, recv, size, &j->sent[ST_LEARN]);
	for (int s = 0; s < size && err == WD_OK; s++)
		for (bread r = {recv[s].v, recv[s].v + recv[s].n}; r.p < r.end && err == WD_OK;) {
			learn_item it;
			it.seq = (int64_t)bread_u32(&r) + 1;
			uint32_t len = bread_u32(&r);
			it.source = (const char *)r.p;
			r.p += len;
			it.bytes = bread_u32(&r);
			it.lines = r.p;
			r.p += it.bytes;
			if (grow(&items, &cap, n, sizeof *items) < 0)
				err = WD_ENOMEM;
			else
				items[n++] = it;
		}
	if (n > 1)
		qsort(items, n, sizeof *items, cmp_item);
	if (err == WD_OK)
		err = stage_learn(&model, items, n, j->b->pool, NULL);
	free(items);
	for (int s = 0; s < size; s++)
		bbuf_free(&recv[s]);
	free(send);
	/* every rank's keys, to every rank */
	int mine = (int)model.n, *counts = calloc((size_t)size * 2, sizeof *counts);
	uint64_t *keys = malloc((model.n ? model.n : 1) * sizeof *keys), *all = NULL;
	if (!counts || !keys)
		err = wd_fail_oom();
	for (size_t i = 0, k = 0; keys && i < model.cap; i++)
		if (model.keys[i])
			keys[k++] = model.keys[i];
	if ((err = all_ok(err)) == WD_OK) {
		MPI_Allgather(&mine, 1, MPI_INT, counts, 1, MPI_INT, MPI_COMM_WORLD);
		int total = 0, *displ = counts + size;
		for (int s = 0; s < size; s++) {
			displ[s] = total;
			total += counts[s];
		}
		if (!(all = malloc(((size_t)total + 1) * sizeof *all)))
			err = wd_fail_oom();
		if ((err = all_ok(err)) == WD_OK) {
			MPI_Allgatherv(keys, mine, MPI_UINT64_T, all, counts, displ, MPI_UINT64_T,
			               MPI_COMM_WORLD);
			j->sent[ST_LEARN] += (uint64_t)mine * sizeof *keys * (uint64_t)(size - 1);
			err = wd_batch_load_chrome(j->b, all, (size_t)total);
		}
	}
	free(all);
	free(keys);
	free(counts);
	chrome_free(&model);
	if (err < 0)
		say_failure(j, err);
	return all_ok(err);
}

/* ---- link ---- */

/* Sends every key signed to its owner (key mod N), a few bands a round,
 * and links what this rank owns. *pairs: the candidate pairs found here
 * (ordinals; the same pair may be found by other owners too). */
static int link_keys(job *j, uint64_t **pairs, size_t *n_pairs)
{
	wd_batch *b = j->b;
	int size = j->size, err = WD_OK;
	uint32_t bands = lsh_band_count(&b->params);
	uint64_t entries = batch_keys_filed(b);
	/* bands per round: what the busiest rank sends stays under round_mb */
	uint64_t most = all_max(entries) * 16, budget = (uint64_t)j->o->round_mb << 20;
	uint64_t per_round = most ? budget * bands / most : bands;
	per_round = per_round < 1 ? 1 : per_round > bands ? bands : per_round;
	bbuf *send = calloc((size_t)size * 2, sizeof *send), *recv = send + size;
	entry_vec *vecs = calloc(per_round, sizeof *vecs);
	link_worker w = {0};
	if (!send || !vecs)
		err = wd_fail_oom();
	for (uint32_t b0 = 0; b0 < bands && (err = all_ok(err)) == WD_OK;
	     b0 += (uint32_t)per_round) {
		uint32_t b1 = b0 + (uint32_t)per_round < bands ? b0 + (uint32_t)per_round : bands;
		for (uint32_t band = b0; band < b1 && err == WD_OK; band++)
			for (unsigned t = 0; t < b->threads && err == WD_OK; t++) {
				entry_vec filed;
				if ((err = batch_band_keys(&filed, b, t, band)) < 0)
					break;
				for (size_t e = 0; e < filed.n && err == WD_OK; e++) {
					bbuf *to = &send[filed.v[e].key % (uint64_t)size];
					uint32_t ord = (uint32_t)(j->rec_off + j->slot_rec[filed.v[e].slot]);
					if ((err = bbuf_put_u64(to, filed.v[e].key)) == WD_OK &&
					    (err = bbuf_put_u32(to, ord)) == WD_OK)
						err = bbuf_put_u32(to, band);
				}
				free(filed.v);
			}
		if ((err = all_ok(err)) < 0)
			break;
		err = exchange(send, recv, size, &j->sent[ST_LINK]);
		for (int s = 0; s < size && err == WD_OK; s++) {
			for (bread r = {recv[s].v, recv[s].v + recv[s].n};
			     r.p < r.end && err == WD_OK;) {
				uint64_t key = bread_u64(&r);
				uint32_t ord = bread_u32(&r), band = bread_u32(&r);
				err = entry_push(&vecs[band - b0], key, ord);
			}
			bbuf_free(&recv[s]);
		}
		for (uint32_t band = b0; band < b1; band++) {
			entry_vec *ev = &vecs[band - b0];
			if (err == WD_OK)
				err = link_band(&w, &ev, 1);
			free(ev->v);
			*ev = (entry_vec){0};
		}
	}
	if (err == WD_OK)
		err = link_take_pairs(pairs, n_pairs, &w);
	link_worker_free(&w);
	free(vecs);
	if (send)
		for (int s = 0; s < size * 2; s++)
			bbuf_free(&send[s]);
	free(send);
	return all_ok(err);
}

/* Sends each pair to the rank of its later article, which keeps it once. */
static int route_pairs(job *j, uint64_t **pairs, size_t *n_pairs)
{
	int size = j->size, err = WD_OK;
	bbuf *send = calloc((size_t)size * 2, sizeof *send), *recv = send + size;
	link_worker w = {0};
	if (!send)
		return all_ok(wd_fail_oom());
	for (size_t i = 0; i < *n_pairs && err == WD_OK; i++)
		err = bbuf_put_u64(&send[owner_of(j, (*pairs)[i] & UINT32_MAX)], (*pairs)[i]);
	free(*pairs);
	*pairs = NULL;
	*n_pairs = 0;
	if ((err = all_ok(err)) == WD_OK)
		err = exchange(send, recv, size, &j->sent[ST_LINK]);
	for (int s = 0; s < size && err == WD_OK; s++)
		for (bread r = {recv[s].v, recv[s].v + recv[s].n}; r.p < r.end && err == WD_OK;)
			err = link_add_pair(&w, bread_u64(&r));
	if (err == WD_OK)
		err = link_take_pairs(pairs, n_pairs, &w);
	link_worker_free(&w);
	for (int s = 0; s < size * 2; s++)
		bbuf_free(&send[s]);
	free(send);
	return all_ok(err);
}

/* ---- fetching articles of other ranks ---- */

static int cmp_fetched(const void *a, const void *b)
{
	const fetched *x = a, *y = b;
	return (x->ord > y->ord) - (x->ord < y->ord);
}

static const fetched *find_fetched(const fetched *f, size_t n, uint32_t ord)
{
	return bsearch(&(fetched){.ord = ord}, f, n, sizeof *f, cmp_fetched);
}

static void free_fetched(fetched *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].id);
		doc_free(&f[i].doc);
	}
	free(f);
}

/* Fetches the articles with the given ordinals (of other ranks) from their
 * ranks: id, published time and what verification reads. Collective: a
 * rank with nothing to fetch still serves the others. */
static int fetch(job *j, const uint32_t *ords, size_t n, fetched **out, size_t *n_out,
                 int stage)
{
	int size = j->size, err = WD_OK;
	bbuf *send = calloc((size_t)size * 2, sizeof *send), *recv = send + size;
	fetched *f = NULL;
	size_t nf = 0, cap = 0;
	*out = NULL;
	*n_out = 0;
	if (!send)
		return all_ok(wd_fail_oom());
	for (size_t i = 0; i < n && err == WD_OK; i++)
		err = bbuf_put_u32(&send[owner_of(j, ords[i])], ords[i]);
	if ((err = all_ok(err)) == WD_OK)
		err = exchange(send, recv, size, &j->sent[stage]);
	/* answer */
	for (int s = 0; s < size && err == WD_OK; s++) {
		for (bread r = {recv[s].v, recv[s].v + recv[s].n}; r.p < r.end && err == WD_OK;) {
			uint32_t ord = bread_u32(&r);
			const slot *sl = SLOT(j->b, j->rec_slot[ord - j->rec_off]);
			uint32_t id_len = (uint32_t)strlen(sl->id) + 1;
			uint64_t doc_len = sl->doc_bytes;
			bbuf *to = &send[s];
			if ((err = bbuf_put_u32(to, ord)) == WD_OK &&
			    (err = bbuf_put_u32(to, (uint32_t)sl->has_ts)) == WD_OK &&
			    (err = bbuf_put_u64(to, (uint64_t)sl->ts)) == WD_OK &&
			    (err = bbuf_put_u32(to, id_len)) == WD_OK &&
			    (err = bbuf_put(to, sl->id, id_len)) == WD_OK &&
			    (err = bbuf_put_u64(to, doc_len)) == WD_OK &&
			    (err = bbuf_put(to, NULL, doc_len)) == WD_OK)
				err = batch_read_packed(to->v + to->n - doc_len, j->b,
				                        j->rec_slot[ord - j->rec_off]);
		}
		bbuf_free(&recv[s]);
	}
	if ((err = all_ok(err)) == WD_OK)
		err = exchange(send, recv, size, &j->sent[stage]);
	for (int s = 0; s < size && err == WD_OK; s++) {
		for (bread r = {recv[s].v, recv[s].v + recv[s].n}; r.p < r.end && err == WD_OK;) {
			fetched e = {0};
			e.ord = bread_u32(&r);
			e.has_ts = (int)bread_u32(&r);
			e.ts = (int64_t)bread_u64(&r);
			uint32_t id_len = bread_u32(&r);
			e.id = strdup((const char *)r.p);
			r.p += id_len;
			uint64_t doc_len = bread_u64(&r);
			long used = doc_unpack(&e.doc, r.p, doc_len);
			r.p += doc_len;
			if (!e.id || used < 0 || grow(&f, &cap, nf, sizeof *f) < 0) {
				free(e.id);
				doc_free(&e.doc);
				err = used < 0 ? (int)used : wd_fail_oom();
			} else {
				f[nf++] = e;
			}
		}
		bbuf_free(&recv[s]);
	}
	for (int s = 0; s < size * 2; s++)
		bbuf_free(&send[s]);
	free(send);
	if (nf > 1)
		qsort(f, nf, sizeof *f, cmp_fetched);
	if ((err = all_ok(err)) < 0) {
		free_fetched(f, nf);
		return err;
	}
	*out = f;
	*n_out = nf;
	return WD_OK;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Sorts and drops repeats; the new count. */
static size_t unique_u32(uint32_t *v, size_t n)
{
	size_t k = 0;
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_u32);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || v[i] != v[k - 1])
			v[k++] = v[i];
	return k;
}

static int is_local(const job *j, uint64_t ord)
{
	return ord >= j->rec_off && ord < j->rec_off + j->n_records;
}

static const slot *local_slot(const job *j, uint64_t ord)
{
	return SLOT(j->b, j->rec_slot[ord - j->rec_off]);
}

/* A local slot's signed doc, read back (doc_free it); buf/cap: a buffer
 * for the bytes, reused from call to call. */
static int local_doc(wd_doc *doc, const job *j, size_t slot_no, unsigned char **buf,
                     size_t *cap)
{
	return batch_load_doc(doc, j->b, slot_no, buf, cap);
}

/* Does the local later article of a pair match the earlier one (local, or
 * fetched when fx is not NULL)? 0 or 1, or < 0 for an error. */
static int pair_matches(const job *j, uint64_t x, uint64_t y, const fetched *fx,
                        unsigned char **buf, size_t *cap)
{
	wd_doc later, earlier = {0};
	int err = local_doc(&later, j, j->rec_slot[y - j->rec_off], buf, cap);
	if (err == WD_OK && !fx)
		err = local_doc(&earlier, j, j->rec_slot[x - j->rec_off], buf, cap);
	if (err == WD_OK)
		err = stage_match(&later, fx ? &fx->doc : &earlier, j->b->params.threshold);
	doc_free(&later);
	doc_free(&earlier);
	return err;
}

/* ---- verify ---- */

/* A node of the match graph: an article with its published time. */
typedef struct node {
	uint32_t ord;
	int32_t has_ts;
	int64_t ts;
} node;

/* Verifies the pairs held here (their later article is local), fetching
 * the earlier ones of other ranks a round at a time. *matched: the pairs
 * that match; *nodes: their articles (with repeats). */
static int verify_pairs(job *j, const uint64_t *pairs, size_t n_pairs, uint64_t **matched,
                        size_t *n_matched, node **nodes, size_t *n_nodes)
{
	size_t per_round = ((size_t)j->o->round_mb << 20) / DOC_BYTES_GUESS;
	size_t rounds = (size_t)all_max((n_pairs + per_round - 1) / per_round);
	uint32_t *want = malloc((per_round + 1) * sizeof *want);
	size_t cap_m = 0, cap_n = 0, cap_buf = 0;
	unsigned char *buf = NULL;
	int err = want ? WD_OK : wd_fail_oom();
	*matched = NULL;
	*nodes = NULL;
	*n_matched = *n_nodes = 0;
	for (size_t round = 0; round < rounds && (err = all_ok(err)) == WD_OK; round++) {
		size_t from = round * per_round < n_pairs ? round * per_round : n_pairs;
		size_t to = from + per_round < n_pairs ? from + per_round : n_pairs, n_want = 0;
		fetched *f = NULL;
		size_t nf = 0;
		for (size_t i = from; i < to; i++)
			if (!is_local(j, pairs[i] >> 32))
				want[n_want++] = (uint32_t)(pairs[i] >> 32);
		n_want = unique_u32(want, n_want);
		if ((err = fetch(j, want, n_want, &f, &nf, ST_VERIFY)) < 0)
			break;
		for (size_t i = from; i < to && err == WD_OK; i++) {
			uint32_t x = (uint32_t)(pairs[i] >> 32), y = (uint32_t)(pairs[i] & UINT32_MAX);
			const slot *later = local_slot(j, y);
			const fetched *fx = is_local(j, x) ? NULL : find_fetched(f, nf, x);
			const slot *sx = fx ? NULL : local_slot(j, x);
			int m = pair_matches(j, x, y, fx, &buf, &cap_buf);
			if (m <= 0) {
				err = m;
				continue;
			}
			if (grow(matched, &cap_m, *n_matched, sizeof **matched) < 0 ||
			    grow(nodes, &cap_n, *n_nodes + 1, sizeof **nodes) < 0) {
				err = WD_ENOMEM;
				break;
			}
			(*matched)[(*n_matched)++] = pairs[i];
			(*nodes)[(*n_nodes)++] = (node){x, fx ? fx->has_ts : sx->has_ts,
			                                fx ? fx->ts : sx->ts};
			(*nodes)[(*n_nodes)++] = (node){y, later->has_ts, later->ts};
		}
		free_fetched(f, nf);
	}
	free(want);
	free(buf);
	return all_ok(err);
}

/* ---- group ---- */

static int cmp_node(const void *a, const void *b)
{
	const node *x = a, *y = b;
	return (x->ord > y->ord) - (x->ord < y->ord);
}

/* Sorts nodes by ordinal and drops repeats; the new count. */
static size_t unique_nodes(node *v, size_t n)
{
	size_t k = 0;
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_node);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || v[i].ord != v[k - 1].ord)
			v[k++] = v[i];
	return k;
}

static size_t node_index(const node *v, size_t n, uint32_t ord)
{
	const node *p = bsearch(&(node){.ord = ord}, v, n, sizeof *v, cmp_node);
	return (size_t)(p - v);
}

static int node_earlier(size_t x, size_t y, void *ctx)
{
	const node *v = ctx;
	return cluster_earlier(v[x].has_ts, v[x].ts, v[x].ord, v[y].has_ts, v[y].ts, v[y].ord);
}

/*
 * The components of the edges (pairs of ordinals) over the nodes (sorted,
 * distinct; every edge's ends among them): rep[i] is the earliest node of
 * node i's component. The edges are rewritten as pairs of node indexes.
 */
static int components(size_t *rep, node *nodes, size_t n, uint64_t *edges, size_t n_edges)
{
	for (size_t i = 0; i < n_edges; i++)
		edges[i] = (uint64_t)node_index(nodes, n, (uint32_t)(edges[i] >> 32)) << 32 |
		           node_index(nodes, n, (uint32_t)(edges[i] & UINT32_MAX));
	return stage_components(rep, n, edges, NULL, n_edges, NULL, node_earlier, nodes);
}

/*
 * Names every local article's cluster: each rank sends rank 0 its matches
 * as a spanning forest (node -> the earliest node of its local component)
 * with the nodes' times; rank 0 takes the components of the union and
 * sends each node's representative back to the node's rank.
 */
static int group(job *j, uint64_t *matched, size_t n_matched, node *nodes, size_t n_nodes)
{
	int size = j->size, err = WD_OK;
	bbuf *send = calloc((size_t)size * 2, sizeof *send), *recv = send + size;
	size_t *rep = NULL;
	if (!send)
		return all_ok(wd_fail_oom());
	n_nodes = unique_nodes(nodes, n_nodes);
	if (!(rep = malloc((n_nodes ? n_nodes : 1) * sizeof *rep)))
		err = wd_fail_oom();
	if (err == WD_OK)
		err = components(rep, nodes, n_nodes, matched, n_matched);
	for (size_t i = 0; i < n_nodes && err == WD_OK; i++) {
		/* a node: ordinal, time; its forest edge when it is not the rep */
		if ((err = bbuf_put_u32(&send[0], nodes[i].ord)) == WD_OK &&
		    (err = bbuf_put_u32(&send[0], (uint32_t)nodes[i].has_ts)) == WD_OK &&
		    (err = bbuf_put_u64(&send[0], (uint64_t)nodes[i].ts)) == WD_OK)
			err = bbuf_put_u32(&send[0], nodes[rep[i]].ord);
	}
	free(rep);
	rep = NULL;
	if ((err = all_ok(err)) == WD_OK)
		err = exchange(send, recv, size, &j->sent[ST_GROUP]);
	if (j->rank == 0 && err == WD_OK) {
		node *all = NULL;
		uint64_t *edges = NULL;
		size_t n_all = 0, cap_all = 0, n_edges = 0, cap_edges = 0;
		for (int s = 0; s < size && err == WD_OK; s++)
			for (bread r = {recv[s].v, recv[s].v + recv[s].n};
			     r.p < r.end && err == WD_OK;) {
				node nd;
				nd.ord = bread_u32(&r);
				nd.has_ts = (int32_t)bread_u32(&r);
				nd.ts = (int64_t)bread_u64(&r);
				uint32_t to = bread_u32(&r);
				if (grow(&all, &cap_all, n_all, sizeof *all) < 0 ||
				    grow(&edges, &cap_edges, n_edges, sizeof *edges) < 0) {
					err = WD_ENOMEM;
					break;
				}
				all[n_all++] = nd;
				if (to != nd.ord)
					edges[n_edges++] = (uint64_t)nd.ord << 32 | to;
			}
		n_all = unique_nodes(all, n_all);
		if (err == WD_OK && !(rep = malloc((n_all ? n_all : 1) * sizeof *rep)))
			err = wd_fail_oom();
		if (err == WD_OK)
			err = components(rep, all, n_all, edges, n_edges);
		for (size_t i = 0; i < n_all && err == WD_OK; i++)
			if ((err = bbuf_put_u32(&send[owner_of(j, all[i].ord)], all[i].ord)) == WD_OK)
				err = bbuf_put_u32(&send[owner_of(j, all[i].ord)], all[rep[i]].ord);
		free(all);
		free(edges);
		free(rep);
	}
	for (int s = 0; s < size; s++)
		bbuf_free(&recv[s]);
	if ((err = all_ok(err)) == WD_OK)
		err = exchange(send, recv, size, &j->sent[ST_GROUP]);
	for (size_t i = 0; i < j->n_slots; i++)
		j->reps[i] = j->rec_off + j->slot_rec[i];
	for (int s = 0; s < size && err == WD_OK; s++)
		for (bread r = {recv[s].v, recv[s].v + recv[s].n}; r.p < r.end;) {
			uint32_t ord = bread_u32(&r), to = bread_u32(&r);
			j->reps[j->rec_slot[ord - j->rec_off]] = to;
		}
	for (int s = 0; s < size * 2; s++)
		bbuf_free(&send[s]);
	free(send);
	return all_ok(err);
}

/* Slot i's similarity to its representative: local, or fetched (r). */
static int similarity_to(double *out, const job *j, size_t i, const fetched *r,
                         unsigned char **buf, size_t *cap)
{
	wd_doc member, rep = {0};
	int err = local_doc(&member, j, i, buf, cap);
	if (err == WD_OK && !r)
		err = local_doc(&rep, j, j->rec_slot[j->reps[i] - j->rec_off], buf, cap);
	if (err == WD_OK)
		*out = stage_similarity(&member, r ? &r->doc : &rep, j->b->params.threshold);
	doc_free(&member);
	doc_free(&rep);
	return err;
}

/* Each clustered article's similarity to its representative, fetching
 * the representatives of other ranks a round at a time. */
static int similarities(job *j)
{
	size_t per_round = ((size_t)j->o->round_mb << 20) / DOC_BYTES_GUESS, n_want = 0;
	uint32_t *want = malloc((j->n_slots ? j->n_slots : 1) * sizeof *want);
	unsigned char *buf = NULL;
	size_t cap = 0;
	int err = want ? WD_OK : wd_fail_oom();
	for (size_t i = 0; want && i < j->n_slots; i++)
		if (!SLOT(j->b, i)->rejected && !is_local(j, j->reps[i]))
			want[n_want++] = (uint32_t)j->reps[i];
	n_want = unique_u32(want, n_want);
	size_t rounds = (size_t)all_max((n_want + per_round - 1) / per_round);
	for (size_t i = 0; i < j->n_slots && err == WD_OK; i++) {
		slot *s = SLOT(j->b, i);
		if (s->rejected || !is_local(j, j->reps[i]))
			continue;
		s->similarity = 1.0;
		if (j->reps[i] != j->rec_off + j->slot_rec[i])
			err = similarity_to(&s->similarity, j, i, NULL, &buf, &cap);
	}
	for (size_t round = 0; round < rounds && (err = all_ok(err)) == WD_OK; round++) {
		size_t from = round * per_round < n_want ? round * per_round : n_want;
		size_t to = from + per_round < n_want ? from + per_round : n_want, nf = 0;
		fetched *f = NULL;
		if ((err = fetch(j, want + from, to - from, &f, &nf, ST_GROUP)) < 0)
			break;
		for (size_t i = 0; i < j->n_slots && err == WD_OK; i++) {
			slot *s = SLOT(j->b, i);
			const fetched *r = s->rejected || is_local(j, j->reps[i])
			                   ? NULL : find_fetched(f, nf, (uint32_t)j->reps[i]);
			if (!r)
				continue;
			if ((err = similarity_to(&s->similarity, j, i, r, &buf, &cap)) == WD_OK &&
			    !(j->rep_ids[i] = strdup(r->id)))
				err = wd_fail_oom();
		}
		free_fetched(f, nf);
	}
	free(want);
	free(buf);
	return all_ok(err);
}

/* ---- write ---- */

/* Sends a buffer to rank 0 (size first), or there receives rank s's and
 * writes it to fp. */
static int gather_to(FILE *fp, int from, const char *buf, uint64_t len, int me)
{
	const size_t chunk = (size_t)1 << 30;
	if (me == from) {
		MPI_Send(&len, 1, MPI_UINT64_T, 0, 0, MPI_COMM_WORLD);
		for (uint64_t at = 0; at < len; at += chunk) {
			uint64_t n = len - at < chunk ? len - at : chunk;
			MPI_Send(buf + at, (int)n, MPI_BYTE, 0, 1, MPI_COMM_WORLD);
		}
		return WD_OK;
	}
	char *in = malloc(chunk);
	int err = in ? WD_OK : wd_fail_oom();
	MPI_Recv(&len, 1, MPI_UINT64_T, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	for (uint64_t at = 0; at < len; at += chunk) {
		uint64_t n = len - at < chunk ? len - at : chunk;
		/* received even after a failure, so that the sender is not stuck */
		MPI_Recv(in ? in : (char *)&len, in ? (int)n : 0, MPI_BYTE, from, 1,
		         MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		if (err == WD_OK && fwrite(in, 1, (size_t)n, fp) != n)
			err = WD_EIO;
	}
	free(in);
	return err;
}

/* The records of this rank's articles, in input order (CSV: the header
 * only on rank 0, so that the parts in rank order are the whole). */
static int write_records(job *j, FILE *fp)
{
	static const char *const cols[] = {"id", "cluster", "similarity", NULL};
	for (size_t i = 0; i < j->n_slots; i++) {
		const slot *s = SLOT(j->b, i);
		if (s->rejected)
			continue;
		const char *cluster = j->rep_ids[i] ? j->rep_ids[i]
		                                     : local_slot(j, j->reps[i])->id;
		json_t *rec = json_pack("{s:s, s:s, s:f}", "id", s->id, "cluster", cluster,
		                        "similarity", s->similarity);
		if (!rec || out_record(fp, j->o->format, cols, rec) < 0)
			return WD_EIO;
	}
	return WD_OK;
}

/* Writes the part of the output file of this rank (--output-dir). */
static int write_part(const job *j, const char *part)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/part-%05d.%s", j->o->output_dir, j->rank,
	         j->o->format == FORMAT_CSV ? "csv" : "jsonl");
	FILE *fp = fopen(path, "w");
	if (!fp)
		return wd_fail(WD_EIO, "%s: cannot create: %s", path, strerror(errno));
	size_t n = strlen(part);
	int failed = fwrite(part, 1, n, fp) != n;
	if (fclose(fp) != 0 || failed)
		return wd_fail(WD_EIO, "%s: cannot write", path);
	return WD_OK;
}

static int write_output(job *j)
{
	char *buf = NULL;
	size_t len = 0;
	int err = WD_OK;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		err = wd_fail_oom();
	if (mem && write_records(j, mem) < 0)
		err = wd_fail(WD_EIO, "cannot write the records");
	if (mem)
		fclose(mem);
	const char *part = buf ? buf : "";
	if (j->rank > 0 && j->o->format == FORMAT_CSV && (part = strchr(part, '\n')))
		part++; /* the header is rank 0's */
	if (!part)
		part = "";
	if (err == WD_OK && j->o->output_dir)
		err = write_part(j, part);
	if (err < 0)
		say_failure(j, err);
	if ((err = all_ok(err)) == WD_OK && !j->o->output_dir) {
		if (j->rank == 0 && fwrite(part, 1, strlen(part), stdout) != strlen(part))
			err = WD_EIO;
		for (int s = 1; s < j->size; s++)
			if (j->rank == 0 || j->rank == s) {
				int e = gather_to(stdout, s, part, strlen(part), j->rank);
				err = err < 0 ? err : e;
			}
		if (j->rank > 0)
			j->sent[ST_WRITE] += strlen(part);
		if (j->rank == 0 && fflush(stdout) != 0)
			err = WD_EIO;
		if (j->rank == 0 && err == WD_EIO)
			fprintf(stderr, "wiredup-mpi: cannot write output\n");
	}
	free(buf);
	return all_ok(err);
}

/* Writes every rank's rejections to stderr on rank 0, in input order;
 * the number of them. */
static uint64_t write_rejections(job *j)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (j->n_held > 1)
		qsort(j->held, j->n_held, sizeof *j->held, cmp_held);
	for (size_t i = 0; mem && i < j->n_held; i++)
		fprintf(mem, "%s\n", j->held[i].text);
	if (mem)
		fclose(mem);
	const char *text = buf ? buf : "";
	if (j->rank == 0)
		fputs(text, stderr);
	for (int s = 1; s < j->size; s++)
		if (j->rank == 0 || j->rank == s)
			gather_to(stderr, s, text, strlen(text), j->rank);
	free(buf);
	return all_sum(j->n_held);
}

/* ---- options ---- */

static void usage(FILE *fp)
{
	fputs("usage: mpirun -np N wiredup-mpi dedup [options] FILE...\n"
	      "\n"
	      "Runs the batch job of 'wiredup dedup' (without --db) across the ranks of an\n"
	      "MPI job and writes exactly what it writes: one record per distinct input\n"
	      "article, in input order, {\"id\", \"cluster\", \"similarity\"}; rejected\n"
	      "records on stderr as FILE:LINE: reason, in input order. Each rank reads its\n"
	      "share of the files' bytes (split at line starts): the files must be\n"
	      "readable by every rank, at the same path (docs/scaling.md).\n"
	      "\n"
	      "  -f, --format F         jsonl (default) or csv\n"
	      "  -j, --threads N        threads per rank (1)\n"
	      "      --round-mb N       bytes a rank sends per round of key and doc\n"
	      "                         exchange, in MiB (64): bounds memory per rank\n"
	      "      --output-dir DIR   each rank writes DIR/part-RRRRR.jsonl (or .csv)\n"
	      "                         instead of rank 0 writing stdout; the parts in\n"
	      "                         rank order are the output\n"
	      "      --max-bytes N      larger records are rejected (16 MiB)\n"
	      "  -v, --verbose          per-stage seconds and bytes sent between ranks\n"
	      "\n"
	      "Matching parameters, as for wiredup dedup: -t/--threshold, --lsh-threshold,\n"
	      "-k/--shingle-words, --num-perm, --bands, --rows, --window-bands,\n"
	      "--window-rows, --seed.\n"
	      "Exit status: 0 success; 1 some records were rejected; 2 usage error;\n"
	      "3 failure.\n",
	      fp);
}

/* A whole number > 0 into *out (limit: its largest value); -1 if bad. */
static int parse_count(uint64_t *out, const char *s, uint64_t limit)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (!*s || *end || s[0] == '-' || n == 0 || n > limit || errno)
		return -1;
	*out = n;
	return 0;
}

static int parse_options(opts *o, int argc, char **argv, int rank)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"threads", required_argument, NULL, 'j'},
		{"round-mb", required_argument, NULL, 'R'},
		{"output-dir", required_argument, NULL, 'O'},
		{"max-bytes", required_argument, NULL, 'M'},
		{"verbose", no_argument, NULL, 'v'},
		{"threshold", required_argument, NULL, 't'},
		{"lsh-threshold", required_argument, NULL, 'L'},
		{"shingle-words", required_argument, NULL, 'k'},
		{"num-perm", required_argument, NULL, 'P'},
		{"bands", required_argument, NULL, 'B'},
		{"rows", required_argument, NULL, 'W'},
		{"window-bands", required_argument, NULL, 'Y'},
		{"window-rows", required_argument, NULL, 'Z'},
		{"seed", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	int c;
	uint64_t n;
	if (argc < 2 || strcmp(argv[1], "dedup") != 0) {
		if (rank == 0) {
			if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
				usage(stdout);
				return -1;
			}
			usage(stderr);
		}
		return EXIT_USAGE;
	}
	opterr = rank == 0;
	optind = 2;
	while ((c = getopt_long(argc, argv, "f:j:vt:k:h", longopts, NULL)) != -1) {
		int bad = 0;
		double d;
		char *end;
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "jsonl"))
				o->format = FORMAT_JSONL;
			else if (!strcmp(optarg, "csv"))
				o->format = FORMAT_CSV;
			else
				bad = 1;
			break;
		case 'j': bad = parse_count(&n, optarg, 256) < 0; o->threads = n; break;
		case 'R': bad = parse_count(&n, optarg, 1 << 20) < 0; o->round_mb = n; break;
		case 'M': bad = parse_count(&n, optarg, SIZE_MAX) < 0; o->max_bytes = n; break;
		case 'O': o->output_dir = optarg; break;
		case 'v': o->verbose = 1; break;
		case 't':
		case 'L':
			d = strtod(optarg, &end);
			bad = !*optarg || *end || !(d > 0.0 && d <= 1.0) || (c == 'L' && d >= 1.0);
			*(c == 't' ? &o->params.threshold : &o->params.lsh_threshold) = d;
			break;
		case 'k': bad = parse_count(&n, optarg, UINT32_MAX) < 0; o->params.shingle_words = (uint32_t)n; break;
		case 'P': bad = parse_count(&n, optarg, UINT32_MAX) < 0; o->params.num_perm = (uint32_t)n; break;
		case 'B': bad = parse_count(&n, optarg, UINT32_MAX) < 0; o->params.bands = (uint32_t)n; break;
		case 'W': bad = parse_count(&n, optarg, UINT32_MAX) < 0; o->params.rows = (uint32_t)n; break;
		case 'Y': bad = parse_count(&n, optarg, UINT32_MAX) < 0; o->params.window_bands = (uint32_t)n; break;
		case 'Z': bad = parse_count(&n, optarg, UINT32_MAX) < 0; o->params.window_rows = (uint32_t)n; break;
		case 'S': bad = parse_count(&n, optarg, UINT64_MAX) < 0; o->params.seed = n; break;
		case 'h':
			if (rank == 0)
				usage(stdout);
			return -1;
		default:
			if (rank == 0)
				fprintf(stderr, "Try 'wiredup-mpi dedup --help'.\n");
			return EXIT_USAGE;
		}
		if (bad) {
			if (rank == 0)
				fprintf(stderr, "wiredup-mpi dedup: invalid value for %s: '%s'\n",
				        argv[optind - 1][0] == '-' && argv[optind - 1][1] == '-'
				                ? argv[optind - 1] : argv[optind - 2],
				        optarg);
			return EXIT_USAGE;
		}
	}
	o->files = argv + optind;
	o->n_files = argc - optind;
	if (o->n_files == 0) {
		if (rank == 0)
			fprintf(stderr, "wiredup-mpi dedup: give the input FILEs (every rank reads "
			        "its share of them; standard input cannot be shared)\n");
		return EXIT_USAGE;
	}
	for (int i = 0; i < o->n_files; i++)
		if (strcmp(o->files[i], "-") == 0) {
			if (rank == 0)
				fprintf(stderr, "wiredup-mpi dedup: '-': standard input cannot be "
				        "shared between ranks; give files\n");
			return EXIT_USAGE;
		}
	return 0;
}

/* ---- the job ---- */

static void job_free(job *j)
{
	wd_batch_close(j->b);
	for (size_t i = 0; i < j->n_held; i++)
		free(j->held[i].text);
	for (size_t i = 0; i < j->n_occ; i++)
		free(j->occ[i].id);
	for (size_t i = 0; j->rep_ids && i < j->n_slots; i++)
		free(j->rep_ids[i]);
	free(j->rep_ids);
	free(j->reps);
	free(j->occ);
	free(j->held);
	free(j->pos);
	free(j->rec_slot);
	free(j->slot_rec);
	free(j->rank_off);
}

static void report(const job *j)
{
	uint64_t clustered = 0;
	for (size_t i = 0; i < j->n_slots; i++)
		clustered += !SLOT(j->b, i)->rejected;
	uint64_t sent[N_ST], articles = all_sum(clustered), rejected = all_sum(j->n_held);
	MPI_Reduce(j->sent, sent, N_ST, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
	if (j->rank != 0)
		return;
	fprintf(stderr, "wiredup-mpi: %d ranks, %" PRIu64 " articles clustered, %" PRIu64
	        " rejected, %" PRIu64 " candidate pairs, %" PRIu64 " matches\n", j->size,
	        articles, rejected, j->candidates, j->matches);
	uint64_t total = 0;
	double secs = 0;
	for (int s = 0; s < N_ST; s++) {
		fprintf(stderr, "wiredup-mpi: %-10s %8.2f s  %12" PRIu64 " bytes sent\n",
		        STAGE_NAMES[s], j->secs[s], sent[s]);
		total += sent[s];
		secs += j->secs[s];
	}
	fprintf(stderr, "wiredup-mpi: %-10s %8.2f s  %12" PRIu64 " bytes sent (%.0f per article)\n",
	        "total", secs, total, articles ? (double)total / (double)articles : 0.0);
}

static int run(job *j)
{
	uint64_t *pairs = NULL, *matched = NULL;
	size_t n_pairs = 0, n_matched = 0, n_nodes = 0;
	node *nodes = NULL;
	double t = MPI_Wtime();
	int err;
#define STAGE(s) (j->secs[s] = MPI_Wtime() - t, t = MPI_Wtime())
	if ((err = read_input(j)) < 0)
		goto done;
	STAGE(ST_READ);
	if ((err = check_ids(j)) < 0)
		goto done;
	STAGE(ST_IDS);
	if ((err = learn(j)) < 0)
		goto done;
	STAGE(ST_LEARN);
	err = batch_sign(j->b);
	if (err < 0)
		say_failure(j, err);
	if ((err = all_ok(err)) < 0)
		goto done;
	STAGE(ST_SIGN);
	if ((err = link_keys(j, &pairs, &n_pairs)) < 0 ||
	    (err = route_pairs(j, &pairs, &n_pairs)) < 0)
		goto done;
	STAGE(ST_LINK);
	j->candidates = all_sum(n_pairs);
	if ((err = verify_pairs(j, pairs, n_pairs, &matched, &n_matched, &nodes, &n_nodes)) < 0)
		goto done;
	j->matches = all_sum(n_matched);
	free(pairs);
	pairs = NULL;
	STAGE(ST_VERIFY);
	j->reps = malloc((j->n_slots ? j->n_slots : 1) * sizeof *j->reps);
	j->rep_ids = calloc(j->n_slots ? j->n_slots : 1, sizeof *j->rep_ids);
	err = j->reps && j->rep_ids ? WD_OK : wd_fail_oom();
	if ((err = all_ok(err)) < 0 || (err = group(j, matched, n_matched, nodes, n_nodes)) < 0 ||
	    (err = similarities(j)) < 0)
		goto done;
	STAGE(ST_GROUP);
	err = write_output(j);
	STAGE(ST_WRITE);
#undef STAGE
done:
	free(pairs);
	free(matched);
	free(nodes);
	return err;
}

int main(int argc, char **argv)
{
	opts o = {.format = FORMAT_JSONL, .threads = 1, .round_mb = 64,
	          .max_bytes = WD_DEFAULT_MAX_BYTES};
	job j = {.o = &o};
	int provided, rc;
	MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
	MPI_Comm_rank(MPI_COMM_WORLD, &j.rank);
	MPI_Comm_size(MPI_COMM_WORLD, &j.size);
	wd_params_init(&o.params);
	if ((rc = parse_options(&o, argc, argv, j.rank)) != 0) {
		MPI_Finalize();
		return rc < 0 ? 0 : rc;
	}
	int err = wd_batch_open(&j.b, &o.params, (unsigned)o.threads, batch_reject, &j);
	if (err < 0 && j.rank == 0)
		fprintf(stderr, "wiredup-mpi: %s\n", wd_last_error());
	if (err == WD_OK)
		err = run(&j);
	uint64_t rejected = 0;
	if (err == WD_OK) {
		rejected = write_rejections(&j);
		if (o.verbose)
			report(&j);
	}
	job_free(&j);
	MPI_Finalize();
	return err < 0 ? EXIT_FATAL : rejected ? EXIT_REJECTED : 0;
}
