/*
 * main.c - the wiredup command-line tool: a thin layer over libwiredup
 * that sees only include/wiredup.h.
 *
 * Exit status: 0 success; 1 done, but some input records were rejected;
 * 2 usage error; 3 failure (unreadable input, database error, parameter
 * mismatch, not an index).
 */
#include "wiredup.h"

#include "explain.h"
#include "members.h"
#include "output.h"
#include "report.h"
#include "serve.h"
#include "tsv.h"

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_REJECTED = 1, EXIT_USAGE = 2, EXIT_FATAL = 3 };

/* Options, one set shared by all commands; `allowed` says which apply. */
typedef struct options {
	const char *db;
	const char *text_dir;
	out_format format;
	wd_params params;
	size_t min_size;
	size_t max_matches;
	size_t batch_size;
	size_t max_bytes;
	size_t busy_timeout;
	size_t threads;
	int verbose;
	int bulk;
	int html;
	const char *table;
	const char *chrome;
	size_t top;
	char **files;
	int n_files;
	/* serve */
	const char *listen;
	const char *token_file;
	int64_t window;
	size_t queue, max_connections;
	int sync_full;
} options;


/* Which options each command takes (bit per option group). */
enum { A_DB = 1, A_DB_REQ = 2, A_INPUT = 4, A_PARAMS = 8, A_FORMAT = 16,
       A_MIN_SIZE = 32, A_MAX_MATCHES = 64, A_BATCH = 128, A_HTML = 256,
       A_TABLE = 512, A_TOP = 1024, A_IDS = 2048 /* arguments are article ids */,
       A_THREADS = 4096, A_SERVE = 8192, A_CHROME = 16384,
       A_PAIRS = 32768 /* pairs on stdin, articles in files */, A_BULK = 65536 };

typedef struct command {
	const char *name;
	int (*run)(options *);
	unsigned allowed;
	const char *usage;
} command;

static const char *const FORMAT_NAMES[] = {"jsonl", "csv", "text", "html"};

/* The commands whose formats are not just jsonl (the default) and csv. */
static const struct command_formats {
	const char *name;
	unsigned accepted; /* 1 << out_format */
	out_format default_format;
} FORMATS[] = {
	{"explain", 1u << FORMAT_TEXT | 1u << FORMAT_JSONL | 1u << FORMAT_HTML, FORMAT_TEXT},
	{"report", 1u << FORMAT_JSONL | 1u << FORMAT_CSV | 1u << FORMAT_HTML, FORMAT_JSONL},
	{"cluster", 1u << FORMAT_TEXT | 1u << FORMAT_JSONL | 1u << FORMAT_CSV, FORMAT_TEXT},
};

/* The formats command c accepts, and its default. */
static unsigned formats_of(const command *c, out_format *default_format)
{
	for (size_t i = 0; i < sizeof FORMATS / sizeof *FORMATS; i++)
		if (strcmp(c->name, FORMATS[i].name) == 0) {
			*default_format = FORMATS[i].default_format;
			return FORMATS[i].accepted;
		}
	*default_format = FORMAT_JSONL;
	return 1u << FORMAT_JSONL | 1u << FORMAT_CSV;
}

static const char *const PARAMS_HELP =
	"Matching parameters (fixed when an index is created; an existing index\n"
	"keeps its own, and a different value is an error):\n"
	"  -t, --threshold T      match threshold (0.45; see README)\n"
	"      --lsh-threshold T  Jaccard the LSH bands aim to catch (0.4)\n"
	"  -k, --shingle-words K  words per shingle (5)\n"
	"      --num-perm N       MinHash slots (128)\n"
	"      --bands B --rows R LSH bands and rows per band (derived from\n"
	"                         --lsh-threshold when not given)\n"
	"      --window-bands B --window-rows R\n"
	"                         LSH bands of each 96-shingle window (14 x 3)\n"
	"      --seed S           hashing seed (1)\n";

static const char *const INPUT_HELP =
	"Input: JSON Lines files (one article per line: \"id\" and \"text\" required;\n"
	"\"title\", \"source\", \"published\" (ISO 8601), \"url\" optional), '-' or none\n"
	"for standard input; or --text-dir DIR, one article per file (id = path\n"
	"relative to DIR). --max-bytes N rejects larger records (16 MiB).\n"
	"A bad record is reported as FILE:LINE: reason and\n"
	"skipped. An id seen again with the same content is kept once; with\n"
	"different content it is rejected.\n";

static void usage_main(FILE *fp)
{
	fputs("usage: wiredup COMMAND [options] [FILE...]\n"
	      "\n"
	      "Finds syndicated copies of news stories and clusters them.\n"
	      "\n"
	      "Commands:\n"
	      "  dedup     cluster the input articles; one line per article\n"
	      "  add       add articles to a persistent index (--db)\n"
	      "  query     find an article's matches in an index, storing nothing\n"
	      "  clusters  list an index's clusters\n"
	      "  members   list the members of an index's clusters, with lags and credits\n"
	      "  explain   the passages two indexed articles share, with offsets\n"
	      "  report    syndication report: outlets, agencies, biggest clusters\n"
	      "  stats     counts and parameters of an index\n"
	      "  serve     answer over HTTP: new story, or copy of which cluster\n"
	      "\n"
	      "The batch job (dedup without --db) in stages, as text, for other engines:\n"
	      "  learn     articles -> chrome keys learned from them\n"
	      "  sign      articles -> id, band, key lines\n"
	      "  link      id, band, key lines grouped by band and key -> candidate pairs\n"
	      "  verify    candidate pairs -> the pairs that match\n"
	      "  cluster   matching pairs -> id, cluster (or dedup's records)\n"
	      "\n"
	      "'wiredup COMMAND --help' describes a command.\n"
	      "Exit status: 0 success; 1 some input records were rejected;\n"
	      "2 usage error; 3 failure (input unreadable, database, parameters).\n",
	      fp);
}

/* ---- input ---- */

/* A rejection message held back, to print in input order. */
typedef struct held_message {
	size_t record; /* records (good or bad) read before it */
	char *text;
} held_message;

typedef struct input_stats {
	size_t read, rejected;
	size_t records;       /* every record read, good or bad */
	int hold;             /* hold messages back (the batch job reports late) */
	held_message *held;
	size_t n_held, cap_held;
} input_stats;

/* Reports one rejected record, "NAME:LINE: msg" (line 0: "NAME: msg";
 * no name: msg as it is),
 * now or, when messages are held, later in the order of `record`. */
static void say_rejected(input_stats *st, size_t record, const char *name, size_t line,
                         const char *msg)
{
	char buf[2048];
	if (!name)
		snprintf(buf, sizeof buf, "%s", msg);
	else if (line)
		snprintf(buf, sizeof buf, "%s:%zu: %s", name, line, msg);
	else
		snprintf(buf, sizeof buf, "%s: %s", name, msg);
	st->rejected++;
	if (st->hold) {
		if (st->n_held == st->cap_held) {
			size_t cap = st->cap_held ? st->cap_held * 2 : 64;
			held_message *v = realloc(st->held, cap * sizeof *v);
			if (!v)
				goto now;
			st->held = v;
			st->cap_held = cap;
		}
		char *text = strdup(buf);
		if (!text)
			goto now;
		st->held[st->n_held++] = (held_message){record, text};
		return;
	}
now:
	fprintf(stderr, "%s\n", buf);
}

static int cmp_held(const void *a, const void *b)
{
	const held_message *x = a, *y = b;
	return (x->record > y->record) - (x->record < y->record);
}

/* Prints the messages held back, in input order, and forgets them. */
static void say_held(input_stats *st)
{
	/* a record is rejected once: the keys are distinct (qsort of no
	 * array is undefined behaviour, UBSan says) */
	if (st->n_held > 1)
		qsort(st->held, st->n_held, sizeof *st->held, cmp_held);
	for (size_t i = 0; i < st->n_held; i++) {
		fprintf(stderr, "%s\n", st->held[i].text);
		free(st->held[i].text);
	}
	free(st->held);
	st->held = NULL;
	st->n_held = st->cap_held = 0;
}

/* Called for each article read; returns < 0 to stop with a failure. */
typedef int (*article_fn)(const wd_article *a, const wd_reader *r, void *ctx,
                          input_stats *st);

/*
 * Sorts out the result of adding or querying one article: 0 go on; 1 the
 * article was rejected (reported as FILE:LINE, counted; the run goes on);
 * < 0 a failure that stops the run (reported).
 */
static int article_outcome(int err, const wd_reader *r, input_stats *st)
{
	if (err == WD_EINPUT || err == WD_EDUPLICATE) {
		say_rejected(st, st->records - 1, wd_reader_name(r), wd_reader_line(r),
		             wd_last_error());
		return 1;
	}
	if (err < 0)
		fprintf(stderr, "wiredup: %s\n", wd_last_error());
	return err < 0 ? err : 0;
}

static void progress(const input_stats *st, int done)
{
	if (!isatty(STDERR_FILENO))
		return;
	if (done || st->read % 1000 == 0)
		fprintf(stderr, "\rwiredup: %zu articles read, %zu rejected%s", st->read,
		        st->rejected, done ? "\n" : "");
}

/* Reads one source to its end. Returns < 0 on a fatal error. */
static int read_source(wd_reader *r, article_fn fn, void *ctx, input_stats *st)
{
	wd_article a;
	int rc;
	while ((rc = wd_reader_next(&a, r)) != 0) {
		st->records++;
		if (rc == WD_EINPUT) {
			/* the reader's message names the file and line already */
			say_rejected(st, st->records - 1, NULL, 0, wd_last_error());
			continue;
		}
		if (rc < 0) {
			st->records--;
			fprintf(stderr, "wiredup: %s\n", wd_last_error());
			return rc;
		}
		st->read++;
		if ((rc = fn(&a, r, ctx, st)) < 0)
			return rc;
		progress(st, 0);
	}
	return 0;
}

static int for_each_article(options *o, article_fn fn, void *ctx, input_stats *st)
{
	wd_reader *r;
	int err = 0;
	if (o->text_dir) {
		if ((err = wd_reader_open_dir(&r, o->text_dir)) < 0) {
			fprintf(stderr, "wiredup: %s\n", wd_last_error());
			return err;
		}
		wd_reader_set_max_bytes(r, o->max_bytes);
		err = read_source(r, fn, ctx, st);
		wd_reader_close(r);
	}
	for (int i = 0; err == 0 && (i < o->n_files || (i == 0 && !o->text_dir)); i++) {
		const char *path = i < o->n_files ? o->files[i] : "-";
		if ((err = wd_reader_open_jsonl(&r, path)) < 0) {
			fprintf(stderr, "wiredup: %s\n", wd_last_error());
			return err;
		}
		wd_reader_set_max_bytes(r, o->max_bytes);
		err = read_source(r, fn, ctx, st);
		wd_reader_close(r);
	}
	progress(st, 1);
	return err;
}

/* Opens the index for a command; readers need one that exists. */
static wd_index *open_index(const options *o, int create)
{
	wd_index *ix;
	int err = create ? wd_index_open(&ix, o->db, &o->params)
	                 : wd_index_open_existing(&ix, o->db);
	if (err == WD_OK)
		err = wd_index_set_busy_timeout(ix, (int)o->busy_timeout);
	if (err < 0) {
		fprintf(stderr, "wiredup: %s\n", wd_last_error());
		return NULL;
	}
	return ix;
}

/* ---- add and dedup ---- */

typedef struct ingest {
	wd_index *ix;
	int verbose;
	size_t batch_size, in_batch, committed;
	size_t added, unchanged;
	int64_t *seqs; /* ingest numbers of the accepted articles, input order */
	size_t n_seqs, cap_seqs;
	int keep_seqs;
} ingest;

/* Counts (and with --verbose reports) the articles of a committed batch:
 * everything read up to the reader's position is then durable. */
static void log_commit(ingest *in, const wd_reader *r)
{
	in->committed += in->in_batch;
	in->in_batch = 0;
	if (!in->verbose)
		return;
	if (r)
		fprintf(stderr, "wiredup: committed %zu articles, through %s:%zu\n",
		        in->committed, wd_reader_name(r), wd_reader_line(r));
	else
		fprintf(stderr, "wiredup: committed %zu articles, all input\n", in->committed);
}

static int ingest_one(const wd_article *a, const wd_reader *r, void *ctx, input_stats *st)
{
	ingest *in = ctx;
	wd_add_result res;
	int err = article_outcome(wd_index_add(&res, in->ix, a), r, st);
	if (err != 0)
		return err < 0 ? err : 0;
	if (res.status == WD_ADD_UNCHANGED)
		in->unchanged++;
	else
		in->added++;
	if (in->keep_seqs) {
		if (in->n_seqs == in->cap_seqs) {
			size_t cap = in->cap_seqs ? in->cap_seqs * 2 : 1024;
			int64_t *v = realloc(in->seqs, cap * sizeof *v);
			if (!v) {
				fprintf(stderr, "wiredup: out of memory\n");
				return WD_ENOMEM;
			}
			in->seqs = v;
			in->cap_seqs = cap;
		}
		in->seqs[in->n_seqs++] = res.seq;
	}
	/* Commit in batches: fast, and a crash loses at most one batch. */
	if (++in->in_batch >= in->batch_size) {
		if ((err = wd_index_commit(in->ix)) < 0 || (err = wd_index_begin(in->ix)) < 0) {
			fprintf(stderr, "wiredup: %s\n", wd_last_error());
			return err;
		}
		log_commit(in, r);
	}
	return 0;
}

static int run_ingest(options *o, ingest *in, input_stats *st)
{
	int err;
	in->batch_size = o->batch_size;
	in->verbose = o->verbose;
	if ((err = wd_index_begin(in->ix)) < 0) {
		fprintf(stderr, "wiredup: %s\n", wd_last_error());
		return err;
	}
	err = for_each_article(o, ingest_one, in, st);
	if (wd_index_commit(in->ix) < 0) {
		if (err == 0) {
			fprintf(stderr, "wiredup: %s\n", wd_last_error());
			err = WD_EDB;
		}
	} else if (err == 0) {
		log_commit(in, NULL);
	}
	return err;
}

/* An ingest number and where it came in the input. */
typedef struct seq_pos {
	int64_t seq;
	size_t pos;
} seq_pos;

static int cmp_seq_pos(const void *a, const void *b)
{
	const seq_pos *x = a, *y = b;
	if (x->seq != y->seq)
		return (x->seq > y->seq) - (x->seq < y->seq);
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Drops repeated ingest numbers (an id sent twice), keeping the first,
 * in input order. Returns the new count, or (size_t)-1 out of memory. */
static size_t unique_in_order(int64_t *seqs, size_t n)
{
	seq_pos *sp = malloc((n ? n : 1) * sizeof *sp);
	unsigned char *keep = calloc(n ? n : 1, 1);
	size_t kept = 0;
	if (!sp || !keep) {
		free(sp);
		free(keep);
		return (size_t)-1;
	}
	for (size_t i = 0; i < n; i++)
		sp[i] = (seq_pos){seqs[i], i};
	qsort(sp, n, sizeof *sp, cmp_seq_pos);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || sp[i].seq != sp[i - 1].seq)
			keep[sp[i].pos] = 1;
	for (size_t i = 0; i < n; i++)
		if (keep[i])
			seqs[kept++] = seqs[i];
	free(sp);
	free(keep);
	return kept;
}

static int exit_status(int err, const input_stats *st)
{
	if (err < 0)
		return EXIT_FATAL;
	return st->rejected ? EXIT_REJECTED : 0;
}

/* ---- dedup as a batch job ---- */

/* Where an article added to the batch came from, to name it if the job
 * rejects it later. */
typedef struct position {
	size_t name; /* in batch_run.names */
	size_t line;
	size_t record; /* input_stats.records before it */
} position;

typedef struct batch_run {
	wd_batch *batch;
	char **names;
	size_t n_names, cap_names;
	position *pos;
	size_t n_pos, cap_pos;
	size_t unchanged; /* repeats of an id with the same content */
	input_stats *st;
} batch_run;

static int batch_reject(uint64_t tag, int code, const char *msg, void *ctx)
{
	batch_run *br = ctx;
	const position *p = &br->pos[tag];
	(void)code;
	say_rejected(br->st, p->record, br->names[p->name], p->line, msg);
	return 0;
}

/* Grows *v (of *cap elements of size bytes) to hold n + 1; 0 or -1. */
static int grow(void *v, size_t *cap, size_t n, size_t size)
{
	void **array = v;
	if (n < *cap)
		return 0;
	size_t new_cap = *cap ? *cap * 2 : 256;
	void *p = realloc(*array, new_cap * size);
	if (!p)
		return -1;
	*array = p;
	*cap = new_cap;
	return 0;
}

static int batch_one(const wd_article *a, const wd_reader *r, void *ctx, input_stats *st)
{
	batch_run *br = ctx;
	const char *name = wd_reader_name(r);
	wd_add_status status;
	if (br->n_names == 0 || strcmp(br->names[br->n_names - 1], name) != 0) {
		if (grow(&br->names, &br->cap_names, br->n_names, sizeof *br->names) < 0 ||
		    !(br->names[br->n_names] = strdup(name))) {
			fprintf(stderr, "wiredup: out of memory\n");
			return WD_ENOMEM;
		}
		br->n_names++;
	}
	if (grow(&br->pos, &br->cap_pos, br->n_pos, sizeof *br->pos) < 0) {
		fprintf(stderr, "wiredup: out of memory\n");
		return WD_ENOMEM;
	}
	br->pos[br->n_pos] = (position){br->n_names - 1, wd_reader_line(r), st->records - 1};
	int err = article_outcome(wd_batch_add(&status, br->batch, a, br->n_pos), r, st);
	br->n_pos++;
	if (err == 0 && status == WD_ADD_UNCHANGED)
		br->unchanged++;
	return err < 0 ? err : 0;
}

/* Loads a chrome file (wiredup learn: one 16-hex-digit key a line) into
 * the job. Returns 0 or < 0 (reported, naming the file and line). */
static int load_chrome(wd_batch *b, const char *path)
{
	FILE *fp = fopen(path, "r");
	tsv_reader tr = {fp, NULL, 0, 0};
	uint64_t *keys = NULL;
	size_t n = 0, cap = 0;
	char *line;
	int err = 0;
	if (!fp) {
		fprintf(stderr, "wiredup: %s: cannot open: %s\n", path, strerror(errno));
		return WD_EIO;
	}
	while (err == 0 && (line = tsv_next(&tr))) {
		char *end;
		size_t len = strcspn(line, "\r\n");
		unsigned long long k = strtoull(line, &end, 16);
		if (len != 16 || end != line + 16 || k == 0) {
			fprintf(stderr, "wiredup: %s:%zu: not a chrome key (16 hex digits, "
			        "not 0)\n", path, tr.line_no);
			err = WD_EINPUT;
		} else if (grow(&keys, &cap, n, sizeof *keys) < 0) {
			fprintf(stderr, "wiredup: out of memory\n");
			err = WD_ENOMEM;
		} else {
			keys[n++] = k;
		}
	}
	if (err == 0 && ferror(fp)) {
		fprintf(stderr, "wiredup: %s: read error\n", path);
		err = WD_EIO;
	}
	if (err == 0 && (err = wd_batch_load_chrome(b, keys, n)) < 0)
		fprintf(stderr, "wiredup: %s\n", wd_last_error());
	fclose(fp);
	tsv_reader_free(&tr);
	free(keys);
	return err;
}

/* Opens a batch job and adds the input articles to it (rejections held
 * back); `keep`: for an index (wd_batch_keep_articles). Returns 0 or < 0
 * (reported). */
static int batch_read(options *o, batch_run *br, input_stats *st, int keep)
{
	int err;
	st->hold = 1;
	br->st = st;
	if ((err = wd_batch_open(&br->batch, &o->params, (unsigned)o->threads, batch_reject,
	                         br)) < 0 ||
	    (keep && (err = wd_batch_keep_articles(br->batch)) < 0)) {
		fprintf(stderr, "wiredup: %s\n", wd_last_error());
		return err;
	}
	if (o->chrome && (err = load_chrome(br->batch, o->chrome)) < 0)
		return err;
	return for_each_article(o, batch_one, br, st);
}

/* Prints the rejections held back, frees the job; the exit status. */
static int batch_done(batch_run *br, input_stats *st, int err)
{
	say_held(st);
	wd_batch_close(br->batch);
	for (size_t i = 0; i < br->n_names; i++)
		free(br->names[i]);
	free(br->names);
	free(br->pos);
	return exit_status(err, st);
}

/* Writes what the job clustered: dedup's records. */
static int batch_write(options *o, wd_batch *b)
{
	static const char *const cols[] = {"id", "cluster", "similarity", NULL};
	for (size_t i = 0; i < wd_batch_size(b); i++) {
		wd_assignment as;
		if (wd_batch_assignment(&as, b, i) < 0) {
			fprintf(stderr, "wiredup: %s\n", wd_last_error());
			return WD_ERROR;
		}
		json_t *rec = json_pack("{s:s, s:s, s:f}", "id", as.id, "cluster", as.cluster,
		                        "similarity", as.similarity);
		if (out_record(stdout, o->format, cols, rec) < 0) {
			fprintf(stderr, "wiredup: cannot write output\n");
			return WD_EIO;
		}
	}
	return 0;
}

/* Runs the job; with --verbose, reports its stages. 0 or < 0 (reported). */
static int batch_run_all(options *o, batch_run *br)
{
	int err = wd_batch_run(br->batch);
	if (err < 0)
		fprintf(stderr, "wiredup: %s\n", wd_last_error());
	if (err == 0 && o->verbose) {
		wd_batch_stats bs;
		wd_batch_get_stats(&bs, br->batch);
		fprintf(stderr,
		        "wiredup: %llu articles, %llu rejected, %llu candidate pairs, %llu matches\n"
		        "wiredup: seconds: parse %.2f, learn %.2f, sign %.2f, link %.2f, "
		        "verify %.2f, group %.2f\n"
		        "wiredup: %.1f MB written to temporary files\n",
		        (unsigned long long)bs.articles, (unsigned long long)bs.rejected,
		        (unsigned long long)bs.candidates, (unsigned long long)bs.matches,
		        bs.parse_s, bs.learn_s, bs.sign_s, bs.link_s, bs.verify_s, bs.group_s,
		        (double)bs.spilled / 1e6);
	}
	return err;
}

static int dedup_batch(options *o)
{
	input_stats st = {0};
	batch_run br = {0};
	int err = batch_read(o, &br, &st, 0);
	if (err == 0)
		err = batch_run_all(o, &br);
	if (err == 0)
		err = batch_write(o, br.batch);
	return batch_done(&br, &st, err);
}

static int cmd_dedup(options *o)
{
	static const char *const cols[] = {"id", "cluster", "similarity", NULL};
	input_stats st = {0};
	ingest in = {.keep_seqs = 1};
	int err;
	if (!o->db)
		return dedup_batch(o);
	if (!(in.ix = open_index(o, 1)))
		return EXIT_FATAL;
	err = run_ingest(o, &in, &st);
	if (err == 0) {
		in.n_seqs = unique_in_order(in.seqs, in.n_seqs);
		if (in.n_seqs == (size_t)-1) {
			fprintf(stderr, "wiredup: out of memory\n");
			err = WD_ENOMEM;
			in.n_seqs = 0;
		}
		for (size_t i = 0; i < in.n_seqs && err == 0; i++) {
			wd_assignment as;
			if ((err = wd_index_assignment(&as, in.ix, in.seqs[i])) < 0) {
				fprintf(stderr, "wiredup: %s\n", wd_last_error());
				break;
			}
			json_t *rec = json_pack("{s:s, s:s, s:f}", "id", as.id, "cluster",
			                        as.cluster, "similarity", as.similarity);
			if (out_record(stdout, o->format, cols, rec) < 0) {
				fprintf(stderr, "wiredup: cannot write output\n");
				err = WD_EIO;
			}
		}
	}
	free(in.seqs);
	if (wd_index_close(in.ix) < 0 && err == 0) {
		fprintf(stderr, "wiredup: %s\n", wd_last_error());
		err = WD_EDB;
	}
	return exit_status(err, &st);
}

static void print_added(size_t added, size_t unchanged, size_t rejected)
{
	json_t *rec = json_pack("{s:I, s:I, s:I}", "added", (json_int_t)added, "unchanged",
	                        (json_int_t)unchanged, "rejected", (json_int_t)rejected);
	out_record(stdout, FORMAT_JSONL, NULL, rec);
}

/* add --bulk: the batch job, its result written into a new index. */
static int add_bulk(options *o)
{
	input_stats st = {0};
	batch_run br = {0};
	wd_stats stats = {0};
	wd_index *ix;
	int err;
	/* before the job runs (minutes, for millions): the index must be new */
	if (!(ix = open_index(o, 1)))
		return EXIT_FATAL;
	if ((err = wd_index_stats(&stats, ix)) < 0)
		fprintf(stderr, "wiredup: %s\n", wd_last_error());
	else if (stats.articles > 0)
		fprintf(stderr, "wiredup: %s: --bulk writes only a new index, and this one holds "
		        "%lld articles; add to it without --bulk\n", o->db,
		        (long long)stats.articles);
	if (wd_index_close(ix) < 0 && err == 0) {
		fprintf(stderr, "wiredup: %s\n", wd_last_error());
		err = WD_EDB;
	}
	if (err < 0 || stats.articles > 0)
		return EXIT_FATAL;
	err = batch_read(o, &br, &st, 1);
	if (err == 0)
		err = batch_run_all(o, &br);
	if (err == 0) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((err = wd_batch_write_index(br.batch, o->db)) < 0)
			fprintf(stderr, "wiredup: %s\n", wd_last_error());
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (err == 0 && o->verbose)
			fprintf(stderr, "wiredup: index written in %.2f s\n",
			        (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
	}
	if (err == 0)
		print_added(wd_batch_size(br.batch), br.unchanged, st.rejected);
	return batch_done(&br, &st, err);
}

static int cmd_add(options *o)
{
	input_stats st = {0};
	ingest in = {0};
	int err;
	if (o->bulk)
		return add_bulk(o);
	if (!(in.ix = open_index(o, 1)))
		return EXIT_FATAL;
	err = run_ingest(o, &in, &st);
	if (wd_index_close(in.ix) < 0 && err == 0) {
		fprintf(stderr, "wiredup: %s\n", wd_last_error());
		err = WD_EDB;
	}
	print_added(in.added, in.unchanged, st.rejected);
	return exit_status(err, &st);
}

/* ---- the batch job in stages ---- */

static int print_chrome_key(uint64_t key, void *ctx)
{
	(void)ctx;
	return printf("%016llx\n", (unsigned long long)key) < 0 ? WD_EIO : 0;
}

static int cmd_learn(options *o)
{
	input_stats st = {0};
	batch_run br = {0};
	int err = batch_read(o, &br, &st, 0);
	if (err == 0 && (err = wd_batch_learn(br.batch)) < 0)
		fprintf(stderr, "wiredup: %s\n", wd_last_error());
	if (err == 0 && (err = wd_batch_foreach_chrome(br.batch, print_chrome_key, NULL)) < 0)
		fprintf(stderr, "wiredup: cannot write output\n");
	return batch_done(&br, &st, err);
}

static int print_band_key(const char *id, uint32_t band, uint64_t key, void *ctx)
{
	(void)ctx;
	tsv_put(stdout, id);
	return printf("\t%u\t%016llx\n", band, (unsigned long long)key) < 0 ? WD_EIO : 0;
}

static int cmd_sign(options *o)
{
	input_stats st = {0};
	batch_run br = {0};
	int err = batch_read(o, &br, &st, 0);
	if (err == 0 && (err = wd_batch_sign(br.batch, print_band_key, NULL)) < 0)
		fprintf(stderr, "wiredup: %s\n", err == WD_EIO ? "cannot write output"
		                                              : wd_last_error());
	return batch_done(&br, &st, err);
}

/* link: one group of lines with the same band and key -> its pairs. */
typedef struct link_group {
	char *band_key;       /* "band\tkey" of the group */
	char **ids;           /* escaped, as read */
	size_t n, cap;
} link_group;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Writes every pair of the group's ids (the smaller first, so that a pair
 * met in several bands is the same line each time) and empties it. */
static int link_flush(link_group *g)
{
	int err = 0;
	if (g->n > 1)
		qsort(g->ids, g->n, sizeof *g->ids, cmp_str);
	for (size_t i = 0; i < g->n; i++)
		for (size_t j = i + 1; j < g->n && err == 0; j++)
			if (strcmp(g->ids[i], g->ids[j]) != 0 &&
			    printf("%s\t%s\n", g->ids[i], g->ids[j]) < 0)
				err = WD_EIO;
	for (size_t i = 0; i < g->n; i++)
		free(g->ids[i]);
	g->n = 0;
	return err;
}

static int cmd_link(options *o)
{
	tsv_reader tr = {stdin, NULL, 0, 0};
	link_group g = {0};
	char *line;
	int err = 0;
	(void)o;
	while (err == 0 && (line = tsv_next(&tr))) {
		line[strcspn(line, "\r\n")] = '\0';
		char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		if (!tab1 || !tab2 || strchr(tab2 + 1, '\t') || tab1 == line) {
			fprintf(stderr, "wiredup link: <stdin>:%zu: expected ID<TAB>BAND<TAB>KEY "
			        "(wiredup sign)\n", tr.line_no);
			err = WD_EINPUT;
			break;
		}
		*tab1 = '\0';
		int order = g.band_key ? strcmp(tab1 + 1, g.band_key) : 1;
		if (order < 0) {
			fprintf(stderr, "wiredup link: <stdin>:%zu: not sorted by band and key: "
			        "sort the input with LC_ALL=C sort -t \"$(printf '\\t')\" -k2,3\n",
			        tr.line_no);
			err = WD_EINPUT;
			break;
		}
		if (order > 0) {
			err = link_flush(&g);
			free(g.band_key);
			if (!(g.band_key = strdup(tab1 + 1)))
				err = WD_ENOMEM;
		}
		if (err == 0 && grow(&g.ids, &g.cap, g.n, sizeof *g.ids) < 0)
			err = WD_ENOMEM;
		else if (err == 0 && !(g.ids[g.n++] = strdup(line)))
			err = WD_ENOMEM;
	}
	if (err == 0 && ferror(stdin)) {
		fprintf(stderr, "wiredup link: <stdin>: read error\n");
		err = WD_EIO;
	}
	if (err == 0)
		err = link_flush(&g);
	for (size_t i = 0; i < g.n; i++)
		free(g.ids[i]);
	if (err == WD_ENOMEM)
		fprintf(stderr, "wiredup link: out of memory\n");
	else if (err == WD_EIO)
		fprintf(stderr, "wiredup link: cannot write output\n");
	free(g.ids);
	free(g.band_key);
	tsv_reader_free(&tr);
	return err < 0 ? EXIT_FATAL : 0;
}

/* verify and cluster: calls fn for every pair of ids on stdin. */
typedef int (*pair_fn)(wd_batch *b, char *const *ids, void *ctx);

static int read_pairs(const char *cmd, wd_batch *b, pair_fn fn, void *ctx)
{
	tsv_reader tr = {stdin, NULL, 0, 0};
	char *line, *f[3];
	int err = 0;
	while (err == 0 && (line = tsv_next(&tr))) {
		int n = tsv_split(line, f, 3);
		if (n != 2 || !f[0][0] || !f[1][0]) {
			fprintf(stderr, "wiredup %s: <stdin>:%zu: expected ID<TAB>ID (a pair of "
			        "article ids)\n", cmd, tr.line_no);
			err = WD_EINPUT;
		} else if ((err = fn(b, f, ctx)) < 0 && err != WD_EIO) {
			fprintf(stderr, "wiredup %s: <stdin>:%zu: %s\n", cmd, tr.line_no,
			        wd_last_error());
		}
	}
	if (err == 0 && ferror(stdin)) {
		fprintf(stderr, "wiredup %s: <stdin>: read error\n", cmd);
		err = WD_EIO;
	}
	if (err == WD_EIO)
		fprintf(stderr, "wiredup %s: cannot write output\n", cmd);
	tsv_reader_free(&tr);
	return err;
}

static int verify_pair(wd_batch *b, char *const *ids, void *ctx)
{
	int match, err = wd_batch_verify(&match, b, ids[0], ids[1]);
	(void)ctx;
	if (err < 0 || !match)
		return err;
	tsv_put(stdout, ids[0]);
	putchar('\t');
	tsv_put(stdout, ids[1]);
	return putchar('\n') == EOF ? WD_EIO : 0;
}

static int add_match(wd_batch *b, char *const *ids, void *ctx)
{
	(void)ctx;
	return wd_batch_add_match(b, ids[0], ids[1]);
}

/* verify and cluster: reads and signs the articles, then calls fn for
 * every pair on stdin. Returns 0, < 0 (reported) or EXIT_USAGE. */
static int signed_pairs(options *o, const char *cmd, batch_run *br, input_stats *st,
                        pair_fn fn)
{
	int err, bad = !o->n_files && !o->text_dir;
	for (int i = 0; i < o->n_files; i++)
		bad |= strcmp(o->files[i], "-") == 0;
	if (bad) {
		fprintf(stderr, "wiredup %s: the articles come from files (FILE... or "
		        "--text-dir), the pairs from standard input\n", cmd);
		return EXIT_USAGE;
	}
	err = batch_read(o, br, st, 0);
	if (err == 0 && (err = wd_batch_sign(br->batch, NULL, NULL)) < 0)
		fprintf(stderr, "wiredup: %s\n", wd_last_error());
	if (err == 0)
		err = read_pairs(cmd, br->batch, fn, NULL);
	return err;
}

static int cmd_verify(options *o)
{
	input_stats st = {0};
	batch_run br = {0};
	int err = signed_pairs(o, "verify", &br, &st, verify_pair);
	return err == EXIT_USAGE ? err : batch_done(&br, &st, err);
}

static int cmd_cluster(options *o)
{
	input_stats st = {0};
	batch_run br = {0};
	int err = signed_pairs(o, "cluster", &br, &st, add_match);
	if (err == EXIT_USAGE)
		return err;
	if (err == 0 && (err = wd_batch_group(br.batch)) < 0)
		fprintf(stderr, "wiredup: %s\n", wd_last_error());
	if (err == 0 && o->format != FORMAT_TEXT) {
		err = batch_write(o, br.batch);
	} else {
		for (size_t i = 0; err == 0 && i < wd_batch_size(br.batch); i++) {
			wd_assignment as;
			wd_batch_assignment(&as, br.batch, i);
			tsv_put(stdout, as.id);
			putchar('\t');
			tsv_put(stdout, as.cluster);
			if (putchar('\n') == EOF) {
				fprintf(stderr, "wiredup: cannot write output\n");
				err = WD_EIO;
			}
		}
	}
	return batch_done(&br, &st, err);
}

/* ---- query ---- */

typedef struct query_ctx {
	wd_index *ix;
	size_t max_matches;
} query_ctx;

static int query_one(const wd_article *a, const wd_reader *r, void *ctx, input_stats *st)
{
	query_ctx *q = ctx;
	wd_query_result *res;
	int err = article_outcome(wd_index_query(&res, q->ix, a), r, st);
	if (err != 0)
		return err < 0 ? err : 0;
	json_t *rec = out_query_json(a->id, res, q->max_matches);
	wd_query_result_free(res);
	return out_record(stdout, FORMAT_JSONL, NULL, rec) < 0 ? WD_EIO : 0;
}

static int cmd_query(options *o)
{
	input_stats st = {0};
	query_ctx q = {open_index(o, 0), o->max_matches};
	if (!q.ix)
		return EXIT_FATAL;
	int err = for_each_article(o, query_one, &q, &st);
	wd_index_close(q.ix);
	return exit_status(err, &st);
}

/* ---- clusters and stats ---- */

static json_t *string_array(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

typedef struct cluster_walk {
	options *o;
	wd_index *ix;
} cluster_walk;

static int print_cluster(const wd_cluster *c, void *ctx)
{
	static const char *const cols[] = {"cluster", "size", "members", "sources",
	                                   "first_published", "last_published", "agency",
	                                   "uncredited_copies", "trimmed_copies", NULL};
	cluster_walk *w = ctx;
	json_t *rec = json_pack(
		"{s:s, s:I, s:o, s:o, s:s?, s:s?}", "cluster", c->id, "size",
		(json_int_t)c->size, "members", string_array(c->members, c->size),
		"sources", string_array(c->sources, c->n_sources), "first_published",
		c->first_published, "last_published", c->last_published);
	int err = members_add_to_cluster(rec, w->ix, c->id);
	if (err < 0) {
		json_decref(rec);
		return err;
	}
	return out_record(stdout, w->o->format, cols, rec) < 0 ? WD_EIO : 0;
}

static int print_members(const wd_cluster *c, void *ctx)
{
	cluster_walk *w = ctx;
	return members_write(stdout, w->o->format, w->ix, c->id);
}

/* clusters and members: a record per cluster or per member. */
static int list_clusters(options *o, int (*fn)(const wd_cluster *, void *))
{
	wd_index *ix = open_index(o, 0);
	if (!ix)
		return EXIT_FATAL;
	cluster_walk w = {o, ix};
	int err = wd_index_foreach_cluster(ix, o->min_size, fn, &w);
	if (err < 0)
		fprintf(stderr, "wiredup: %s\n", err == WD_EIO ? "cannot write output"
		                                              : wd_last_error());
	wd_index_close(ix);
	return err < 0 ? EXIT_FATAL : 0;
}

static int cmd_clusters(options *o)
{
	return list_clusters(o, print_cluster);
}

static int cmd_members(options *o)
{
	return list_clusters(o, print_members);
}

/* ---- explain and report ---- */

static int cmd_explain(options *o)
{
	wd_explanation *e;
	if (o->n_files != 2) {
		fprintf(stderr, "wiredup explain: takes two article ids, not %d\n", o->n_files);
		return EXIT_USAGE;
	}
	wd_index *ix = open_index(o, 0);
	if (!ix)
		return EXIT_FATAL;
	int err = wd_index_explain(&e, ix, o->files[0], o->files[1]);
	if (err < 0) {
		fprintf(stderr, "wiredup: %s: %s\n", o->db, wd_last_error());
	} else {
		if (explain_write(stdout, e, o->html ? FORMAT_HTML : o->format) < 0) {
			fprintf(stderr, "wiredup: cannot write output\n");
			err = WD_EIO;
		}
		wd_explanation_free(e);
	}
	wd_index_close(ix);
	return err < 0 ? EXIT_FATAL : 0;
}

static int cmd_report(options *o)
{
	report_table table;
	if (report_table_parse(&table, o->table, o->format) < 0) {
		fprintf(stderr, "wiredup report: --table must be outlets, agencies or clusters"
		        "%s\n", o->format == FORMAT_HTML ? " (and does not apply to html)" : "");
		return EXIT_USAGE;
	}
	wd_index *ix = open_index(o, 0);
	if (!ix)
		return EXIT_FATAL;
	int err = report_run(stdout, ix, o->format, table, o->top);
	if (err < 0)
		fprintf(stderr, "wiredup: %s\n", err == WD_EIO     ? "cannot write output"
		                                : err == WD_ENOMEM ? "out of memory"
		                                                   : wd_last_error());
	wd_index_close(ix);
	return err < 0 ? EXIT_FATAL : 0;
}

static int cmd_stats(options *o)
{
	wd_index *ix = open_index(o, 0);
	wd_stats s;
	wd_params p;
	if (!ix)
		return EXIT_FATAL;
	int err = wd_index_stats(&s, ix);
	if (err < 0) {
		fprintf(stderr, "wiredup: %s\n", wd_last_error());
		wd_index_close(ix);
		return EXIT_FATAL;
	}
	wd_index_params(&p, ix);
	json_t *rec = out_stats_json(&s, &p);
	wd_index_close(ix);
	return out_record(stdout, FORMAT_JSONL, NULL, rec) < 0 ? EXIT_FATAL : 0;
}

/* ---- serve ---- */

static int cmd_serve(options *o)
{
	serve_config c = {o->db, o->listen, o->token_file, o->window,
	                  o->threads ? o->threads : 4, o->queue,
	                  o->max_connections, o->max_bytes, o->max_matches,
	                  o->busy_timeout, o->sync_full};
	return serve_run(&c);
}

/* ---- argument parsing ---- */

static const command COMMANDS[] = {
	{"dedup", cmd_dedup, A_DB | A_INPUT | A_PARAMS | A_FORMAT | A_BATCH | A_THREADS,
	 "usage: wiredup dedup [options] [FILE...]\n"
	 "\n"
	 "Clusters the input articles. Writes one record per distinct input\n"
	 "article, in input order: {\"id\", \"cluster\", \"similarity\"}, where\n"
	 "cluster is the id of the cluster's representative (its earliest\n"
	 "published member; ties: the first ingested) and similarity is\n"
	 "max(jaccard, containment) to it (1.0 for the representative).\n"
	 "\n"
	 "Without --db it runs as a batch job on every core, handing its data\n"
	 "from stage to stage through temporary files in $TMPDIR (default /tmp;\n"
	 "about 9 KB per article, removed as it goes); with --db it adds the\n"
	 "articles to that index (as 'add' does) first.\n"
	 "\n"
	 "  -d, --db PATH          keep the index in PATH\n"
	 "  -f, --format F         jsonl (default) or csv\n"
	 "      --text-dir DIR     read a directory of text files\n"
	 "  -j, --threads N        threads of the batch job (0, the default: one\n"
	 "                         per core)\n"
	 "      --batch-size N     with --db: articles per transaction (10000)\n"
	 "  -v, --verbose          report each committed batch (with --db), or\n"
	 "                         the batch job's stages and counts\n"
	 "      --busy-timeout MS  wait this long for another writer (5000)\n"},
	{"add", cmd_add, A_DB | A_DB_REQ | A_INPUT | A_PARAMS | A_BATCH | A_BULK | A_THREADS,
	 "usage: wiredup add --db PATH [options] [FILE...]\n"
	 "\n"
	 "Adds articles to a persistent index, merging clusters as copies are\n"
	 "found. Adding the same articles again changes nothing. Prints\n"
	 "{\"added\", \"unchanged\", \"rejected\"} at the end.\n"
	 "\n"
	 "With --bulk, into a new index (or one with no article yet): runs\n"
	 "the batch job (as dedup does, on every core) and writes what it\n"
	 "found in one transaction, as adding the articles one by one would\n"
	 "leave the index, much faster: for a first load. A crash or an\n"
	 "error leaves the index as it was.\n"
	 "\n"
	 "  -d, --db PATH          the index (created if missing)\n"
	 "      --text-dir DIR     read a directory of text files\n"
	 "      --batch-size N     articles per transaction (10000)\n"
	 "      --bulk             the batch job, written in one go (see above)\n"
	 "  -j, --threads N        with --bulk: threads (0, the default: one per\n"
	 "                         core)\n"
	 "  -v, --verbose          report each committed batch on stderr:\n"
	 "                         'committed N articles, through FILE:LINE';\n"
	 "                         with --bulk, the job's stages\n"
	 "      --busy-timeout MS  wait this long for another writer (5000)\n"},
	{"query", cmd_query, A_DB | A_DB_REQ | A_INPUT | A_MAX_MATCHES,
	 "usage: wiredup query --db PATH [options] [FILE...]\n"
	 "\n"
	 "For each input article, without storing it: {\"id\", \"cluster\" (the\n"
	 "cluster it would join; its own id if none), \"new_story\", \"credit\"\n"
	 "({\"agency\", \"place\"} or null), \"shingles\", \"matches\": [{\"id\",\n"
	 "\"cluster\", \"jaccard\", \"containment\", \"shared_shingles\",\n"
	 "\"contained\" (article_in_match, match_in_article or same_size),\n"
	 "\"credit\"}]}, best first. Similarities are exact, over story text.\n"
	 "\n"
	 "  -d, --db PATH          the index\n"
	 "      --text-dir DIR     read a directory of text files\n"
	 "      --max-matches N    matches listed per article (10)\n"},
	{"clusters", cmd_clusters, A_DB | A_DB_REQ | A_FORMAT | A_MIN_SIZE,
	 "usage: wiredup clusters --db PATH [--min-size N] [--format jsonl|csv]\n"
	 "\n"
	 "One record per cluster: {\"cluster\", \"size\", \"members\" (earliest\n"
	 "first), \"sources\", \"first_published\", \"last_published\"}.\n"
	 "In CSV, members and sources are joined with '|'.\n"
	 "\n"
	 "  -d, --db PATH          the index\n"
	 "      --min-size N       only clusters of N or more members (1)\n"
	 "  -f, --format F         jsonl (default) or csv\n"
	 "\n"
	 "Also \"agency\" (the agency most members credit; a tie: the earliest\n"
	 "member's; null if none), \"uncredited_copies\", \"trimmed_copies\" and, in\n"
	 "JSON Lines, \"member_details\": every member as 'wiredup members' writes it.\n"},
	{"members", cmd_members, A_DB | A_DB_REQ | A_FORMAT | A_MIN_SIZE,
	 "usage: wiredup members --db PATH [--min-size N] [--format jsonl|csv]\n"
	 "\n"
	 "One record per member of each cluster, earliest first: \"cluster\",\n"
	 "\"position\" (1: the representative), \"id\", \"source\", \"published\",\n"
	 "\"published_ts\", \"lag_seconds\" (behind the representative; null when a\n"
	 "time is unknown), \"credit_agency\" (its own), \"cluster_agency\",\n"
	 "\"credits_agency\", \"uncredited\" (a copy not naming the cluster's agency),\n"
	 "\"shingles\", \"shared\" (with the representative),\n"
	 "\"member_in_representative\", \"representative_in_member\", \"trimmed\"\n"
	 "(member_in_representative >= 0.8 and under 0.9 x its shingles),\n"
	 "\"agency_in_byline\" (an uncredited copy whose byline or copyright line\n"
	 "names the agency).\n"
	 "Columns are described in docs/schema.md (view cluster_members).\n"
	 "\n"
	 "  -d, --db PATH          the index\n"
	 "      --min-size N       only clusters of N or more members (1)\n"
	 "  -f, --format F         jsonl (default) or csv\n"},
	{"serve", cmd_serve, A_DB | A_DB_REQ | A_MAX_MATCHES | A_SERVE,
	 "usage: wiredup serve --db PATH [options]\n"
	 "\n"
	 "Serves the index over HTTP (JSON in and out; docs/api.md):\n"
	 "  POST /v1/articles, POST /v1/query, GET|DELETE /v1/articles/{id},\n"
	 "  GET /v1/clusters/{id}, GET /v1/health, GET /v1/stats.\n"
	 "A write is answered once it is committed. SIGTERM or SIGINT: stop\n"
	 "accepting, finish and commit every queued write, answer, exit.\n"
	 "\n"
	 "  -d, --db PATH          the index (created if missing)\n"
	 "      --listen HOST:PORT where to listen (127.0.0.1:8080); port 0 picks\n"
	 "                         a free one; the address is printed on stderr\n"
	 "      --token-file FILE  require 'Authorization: Bearer TOKEN', TOKEN\n"
	 "                         being the file's first line (not for /v1/health)\n"
	 "      --window DURATION  match only articles of the last DURATION (72h,\n"
	 "                         30m, 7d, seconds) by published time, or time\n"
	 "                         added when unknown; older ones are deleted\n"
	 "      --max-bytes N      largest request body (16 MiB); larger: 413\n"
	 "      --max-matches N    matches listed per article (10)\n"
	 "  -j, --threads N        HTTP threads, each with a reader (4)\n"
	 "      --queue N          writes waiting at most; more get 503 (1024)\n"
	 "      --max-connections N  open connections at most (512)\n"
	 "      --sync full|normal full (default): every commit is synced to disk\n"
	 "                         before it is answered (survives power loss);\n"
	 "                         normal: survives the process dying, not power loss\n"
	 "      --busy-timeout MS  wait this long for another writer (5000)\n"},
	{"explain", cmd_explain, A_DB | A_DB_REQ | A_FORMAT | A_HTML | A_IDS,
	 "usage: wiredup explain --db PATH [--format text|jsonl|html] [--html] ID_A ID_B\n"
	 "\n"
	 "The passages two indexed articles share (runs of at least shingle-words\n"
	 "common words, in the same order in both), with offsets in code points\n"
	 "[start, end) into each text as given, and what only one side has: what b\n"
	 "dropped from a and what it added. Also the story-text figures matching\n"
	 "uses (Jaccard, containment, shared shingles).\n"
	 "\n"
	 "  -d, --db PATH          the index\n"
	 "  -f, --format F         text (default), jsonl (one record, full texts of\n"
	 "                         every span) or html\n"
	 "      --html             --format html: both texts side by side, one\n"
	 "                         self-contained page\n"},
	{"report", cmd_report, A_DB | A_DB_REQ | A_FORMAT | A_TABLE | A_TOP,
	 "usage: wiredup report --db PATH [--format jsonl|csv|html] [--table T] [--top N]\n"
	 "\n"
	 "Syndication report over the clusters of two or more members:\n"
	 "  outlets   per outlet: copies reprinted, firsts (representatives),\n"
	 "            agencies, median lag, share uncredited, share trimmed\n"
	 "  agencies  per credited agency: stories, copies, outlets reached,\n"
	 "            median lag, uncredited copies\n"
	 "  clusters  the biggest clusters\n"
	 "JSON Lines: a summary record, then every table (records carry \"table\").\n"
	 "CSV: one table (--table, default outlets). HTML: one self-contained page\n"
	 "with every table and inline SVG charts (copies over time, lag distribution).\n"
	 "\n"
	 "  -d, --db PATH          the index\n"
	 "  -f, --format F         jsonl (default), csv or html\n"
	 "      --table T          outlets, agencies or clusters (jsonl, csv)\n"
	 "      --top N            clusters listed (20)\n"},
	{"learn", cmd_learn, A_INPUT | A_PARAMS | A_THREADS,
	 "usage: wiredup learn [options] [FILE...] > CHROME\n"
	 "\n"
	 "The first stage of the batch job in stages (see docs/scaling.md): learns\n"
	 "each outlet's page chrome from the input articles, in input order, as\n"
	 "dedup does, and writes what it learned: one key (16 hex digits, an\n"
	 "outlet and a line) a line, for sign, verify and cluster --chrome.\n"
	 "Outlets are learned independently: a run over every article of some\n"
	 "outlets, in input order, learns what the whole input teaches about them.\n"
	 "\n"
	 "  -j, --threads N        threads (0, the default: one per core)\n"},
	{"sign", cmd_sign, A_INPUT | A_PARAMS | A_THREADS | A_CHROME,
	 "usage: wiredup sign [--chrome CHROME] [options] [FILE...]\n"
	 "\n"
	 "Writes the LSH keys every input article is filed under, one a line:\n"
	 "ID<TAB>BAND<TAB>KEY (KEY 16 hex digits; a backslash, tab, newline or CR\n"
	 "in an id written as \\\\, \\t, \\n, \\r). Articles sharing a band and key are\n"
	 "candidates (wiredup link). Without --chrome, sign learns the chrome from\n"
	 "its own input first (as learn does).\n"
	 "\n"
	 "      --chrome FILE      chrome keys written by wiredup learn\n"
	 "  -j, --threads N        threads (0, the default: one per core)\n"},
	{"link", cmd_link, 0,
	 "usage: LC_ALL=C sort -t \"$(printf '\\t')\" -k2,3 KEYS | wiredup link > PAIRS\n"
	 "\n"
	 "Reads the lines of wiredup sign grouped by band and key (sorted on the\n"
	 "second and third fields, in byte order) and writes every pair of ids\n"
	 "that share a key: ID_A<TAB>ID_B, the smaller first. A pair sharing keys in\n"
	 "several bands comes once per band: 'sort -u' drops the repeats.\n"},
	{"verify", cmd_verify, A_INPUT | A_PARAMS | A_THREADS | A_CHROME,
	 "usage: wiredup verify [--chrome CHROME] [options] FILE... < PAIRS\n"
	 "\n"
	 "Reads candidate pairs (ID_A<TAB>ID_B, as link writes them) on standard\n"
	 "input and writes those that match, as they came. The articles are read\n"
	 "from the files (in the input order of dedup: the order decides which\n"
	 "side of a pair is compared with which), signed with the chrome given\n"
	 "(or learned from them), and compared exactly, as dedup compares them.\n"
	 "An id not in the files is an error.\n"
	 "\n"
	 "      --chrome FILE      chrome keys written by wiredup learn\n"
	 "  -j, --threads N        threads (0, the default: one per core)\n"},
	{"cluster", cmd_cluster, A_INPUT | A_PARAMS | A_THREADS | A_CHROME | A_FORMAT,
	 "usage: wiredup cluster [--chrome CHROME] [options] FILE... < MATCHES\n"
	 "\n"
	 "Reads matching pairs (ID_A<TAB>ID_B, as verify writes them) on standard\n"
	 "input and clusters the articles of the files: the components of the\n"
	 "matches, each named after its earliest member. Writes ID<TAB>CLUSTER for\n"
	 "every article, in input order, or with --format jsonl|csv exactly the\n"
	 "records dedup writes (with the similarity to the representative).\n"
	 "\n"
	 "      --chrome FILE      chrome keys written by wiredup learn\n"
	 "  -f, --format F         text (default), jsonl or csv\n"
	 "  -j, --threads N        threads (0, the default: one per core)\n"},
	{"stats", cmd_stats, A_DB | A_DB_REQ,
	 "usage: wiredup stats --db PATH\n"
	 "\n"
	 "Counts of articles, clusters and matches, and the index's parameters.\n"
	 "\n"
	 "  -d, --db PATH          the index\n"},
};

static void usage_command(FILE *fp, const command *c)
{
	fputs(c->usage, fp);
	if (c->allowed & A_PARAMS)
		fprintf(fp, "\n%s", PARAMS_HELP);
	if (c->allowed & A_INPUT)
		fprintf(fp, "\n%s", INPUT_HELP);
}

/* How an option's value is parsed and where it goes. */
typedef enum { V_STRING, V_FORMAT, V_UNIT, V_U32, V_SIZE, V_SEED, V_FLAG, V_BOOL,
               V_DURATION, V_SYNC } value_kind;

typedef struct option_spec {
	const char *name;
	char short_name;  /* 0: long only */
	value_kind kind;
	unsigned need;    /* the A_* group a command must allow */
	size_t offset;    /* of the target in `options` */
} option_spec;

#define AT(field) offsetof(options, field)
static const option_spec OPTIONS[] = {
	{"db", 'd', V_STRING, A_DB, AT(db)},
	{"format", 'f', V_FORMAT, A_FORMAT, AT(format)},
	{"threshold", 't', V_UNIT, A_PARAMS, AT(params.threshold)},
	{"lsh-threshold", 0, V_UNIT, A_PARAMS, AT(params.lsh_threshold)},
	{"shingle-words", 'k', V_U32, A_PARAMS, AT(params.shingle_words)},
	{"num-perm", 0, V_U32, A_PARAMS, AT(params.num_perm)},
	{"bands", 0, V_U32, A_PARAMS, AT(params.bands)},
	{"rows", 0, V_U32, A_PARAMS, AT(params.rows)},
	{"window-bands", 0, V_U32, A_PARAMS, AT(params.window_bands)},
	{"window-rows", 0, V_U32, A_PARAMS, AT(params.window_rows)},
	{"seed", 0, V_SEED, A_PARAMS, AT(params.seed)},
	{"text-dir", 0, V_STRING, A_INPUT, AT(text_dir)},
	{"min-size", 0, V_SIZE, A_MIN_SIZE, AT(min_size)},
	{"max-matches", 0, V_SIZE, A_MAX_MATCHES, AT(max_matches)},
	{"batch-size", 0, V_SIZE, A_BATCH, AT(batch_size)},
	{"max-bytes", 0, V_SIZE, A_INPUT | A_SERVE, AT(max_bytes)},
	{"busy-timeout", 0, V_SIZE, A_DB, AT(busy_timeout)},
	{"verbose", 'v', V_BOOL, A_BATCH, AT(verbose)},
	{"bulk", 0, V_BOOL, A_BULK, AT(bulk)},
	{"threads", 'j', V_SIZE, A_THREADS | A_SERVE, AT(threads)},
	{"html", 0, V_BOOL, A_HTML, AT(html)},
	{"table", 0, V_STRING, A_TABLE, AT(table)},
	{"top", 0, V_SIZE, A_TOP, AT(top)},
	{"listen", 0, V_STRING, A_SERVE, AT(listen)},
	{"token-file", 0, V_STRING, A_SERVE, AT(token_file)},
	{"window", 0, V_DURATION, A_SERVE, AT(window)},
	{"queue", 0, V_SIZE, A_SERVE, AT(queue)},
	{"max-connections", 0, V_SIZE, A_SERVE, AT(max_connections)},
	{"sync", 0, V_SYNC, A_SERVE, AT(sync_full)},
	{"chrome", 0, V_STRING, A_CHROME, AT(chrome)},
	{"help", 'h', V_FLAG, ~0u, 0},
};
#undef AT
enum { N_OPTIONS = sizeof OPTIONS / sizeof OPTIONS[0] };

/* Parses `val` as spec says into the options; 0 on success, -1 if bad. */
static int parse_value(options *o, const option_spec *spec, const char *val)
{
	void *dst = (char *)o + spec->offset;
	char *end;
	unsigned long long n;
	double d;
	switch (spec->kind) {
	case V_STRING:
		*(const char **)dst = val;
		return 0;
	case V_FORMAT:
		if (strcmp(val, "jsonl") == 0)
			*(out_format *)dst = FORMAT_JSONL;
		else if (strcmp(val, "csv") == 0)
			*(out_format *)dst = FORMAT_CSV;
		else if (strcmp(val, "text") == 0)
			*(out_format *)dst = FORMAT_TEXT;
		else if (strcmp(val, "html") == 0)
			*(out_format *)dst = FORMAT_HTML;
		else
			return -1;
		return 0;
	case V_UNIT: /* a threshold in (0, 1] */
		d = strtod(val, &end);
		if (!*val || *end || !(d > 0.0 && d <= 1.0))
			return -1;
		*(double *)dst = d;
		return 0;
	case V_FLAG:
		return 0;
	case V_SYNC:
		if (strcmp(val, "full") != 0 && strcmp(val, "normal") != 0)
			return -1;
		*(int *)dst = strcmp(val, "full") == 0;
		return 0;
	case V_DURATION: /* N[smhd], N > 0 */
		n = strtoull(val, &end, 10);
		if (!*val || val[0] == '-' || n == 0 || end == val ||
		    (*end && (end[1] || !strchr("smhd", *end))))
			return -1;
		{
			uint64_t unit = *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400 : 1;
			if (n > (uint64_t)INT64_MAX / unit)
				return -1;
			*(int64_t *)dst = (int64_t)(n * unit);
		}
		return 0;
	case V_BOOL:
		*(int *)dst = 1;
		return 0;
	default: /* whole numbers > 0 */
		n = strtoull(val, &end, 10);
		if (!*val || *end || val[0] == '-' || n == 0)
			return -1;
		if (spec->kind == V_U32) {
			if (n > UINT32_MAX)
				return -1;
			*(uint32_t *)dst = (uint32_t)n;
		} else if (spec->kind == V_SEED) {
			*(uint64_t *)dst = n;
		} else {
			*(size_t *)dst = (size_t)n;
		}
		return 0;
	}
}

static int parse_args(options *o, const command *c, int argc, char **argv)
{
	struct option longopts[N_OPTIONS + 1];
	char shortopts[2 * N_OPTIONS + 1];
	size_t ns = 0;
	int opt, index;

	/* getopt_long returns 256 + i for long-only option i */
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const option_spec *sp = &OPTIONS[i];
		int has_arg = sp->kind == V_FLAG || sp->kind == V_BOOL ? no_argument
		                                                        : required_argument;
		int val = sp->short_name ? sp->short_name : 256 + (int)i;
		longopts[i] = (struct option){sp->name, has_arg, NULL, val};
		if (sp->short_name) {
			shortopts[ns++] = sp->short_name;
			if (has_arg)
				shortopts[ns++] = ':';
		}
	}
	longopts[N_OPTIONS] = (struct option){NULL, 0, NULL, 0};
	shortopts[ns] = '\0';

	out_format default_format;
	formats_of(c, &default_format);
	o->format = default_format;
	optind = 1;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, &index)) != -1) {
		const option_spec *sp = NULL;
		for (size_t i = 0; i < N_OPTIONS && !sp; i++)
			if (opt == (OPTIONS[i].short_name ? OPTIONS[i].short_name : 256 + (int)i))
				sp = &OPTIONS[i];
		if (!sp) {
			fprintf(stderr, "Try 'wiredup %s --help'.\n", c->name);
			return EXIT_USAGE;
		}
		if (sp->kind == V_FLAG) { /* --help */
			usage_command(stdout, c);
			return -1;
		}
		if (!(c->allowed & sp->need)) {
			fprintf(stderr, "wiredup %s: option --%s does not apply to this command\n",
			        c->name, sp->name);
			return EXIT_USAGE;
		}
		if (parse_value(o, sp, sp->kind == V_BOOL ? "" : optarg) < 0) {
			fprintf(stderr, "wiredup %s: invalid value for --%s: '%s'\n", c->name,
			        sp->name, optarg);
			return EXIT_USAGE;
		}
	}
	if (o->params.lsh_threshold >= 1.0) {
		fprintf(stderr, "wiredup %s: --lsh-threshold must be below 1\n", c->name);
		return EXIT_USAGE;
	}
	if ((c->allowed & A_DB_REQ) && !o->db) {
		fprintf(stderr, "wiredup %s: --db PATH is required\n", c->name);
		return EXIT_USAGE;
	}
	if (o->html)
		o->format = FORMAT_HTML;
	if (!(formats_of(c, &default_format) & 1u << o->format)) {
		fprintf(stderr, "wiredup %s: --format %s does not apply to this command\n",
		        c->name, FORMAT_NAMES[o->format]);
		return EXIT_USAGE;
	}
	o->files = argv + optind;
	o->n_files = argc - optind;
	if (o->n_files && !(c->allowed & (A_INPUT | A_IDS))) {
		fprintf(stderr, "wiredup %s: takes no input files\n", c->name);
		return EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	options o = {.format = FORMAT_JSONL, .min_size = 1, .max_matches = 10,
	             .batch_size = 10000, .max_bytes = WD_DEFAULT_MAX_BYTES,
	             .busy_timeout = 5000, .top = 20, .listen = "127.0.0.1:8080",
	             .queue = 1024, .max_connections = 512, .sync_full = 1};
	wd_params_init(&o.params);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage_main(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("wiredup %s\n", WD_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++) {
		if (strcmp(argv[1], COMMANDS[i].name) != 0)
			continue;
		int rc = parse_args(&o, &COMMANDS[i], argc - 1, argv + 1);
		if (rc != 0)
			return rc < 0 ? 0 : rc;
		return COMMANDS[i].run(&o);
	}
	fprintf(stderr, "wiredup: unknown command '%s'\n", argv[1]);
	usage_main(stderr);
	return EXIT_USAGE;
}
