/*
 * batch_internal.h - the wd_batch handle, shared by batch.c and the
 * drivers that run the job's stages one at a time over a share of the
 * data (wiredup-mpi, src/mpi/): they add and parse articles as
 * wd_batch_add does, then take over learning, linking and grouping, and
 * reuse the rest (batch_stages.h).
 */
#ifndef WD_BATCH_INTERNAL_H
#define WD_BATCH_INTERNAL_H

#include "batch_stages.h"
#include "pool.h"
#include "spill.h"

/* Articles are kept in pages of PAGE slots (a page never moves), and a
 * full page is parsed in the background while the next one fills: enough
 * to keep every core busy, few enough that text copies stay small. */
enum { PAGE = 1024, MAX_THREADS = 256 };
#define SLOT(b, i) (&(b)->pages[(i) / PAGE][(i) % PAGE])

typedef struct slot {
	char *id, *source;
	uint64_t tag, content_hash;
	int64_t ts;
	int has_ts;
	int rejected;        /* a wd_error when left out */
	int reported;        /* the caller has heard of it */
	char *error;         /* its message */
	char *title, *text;  /* copies, until parsed */
	size_t text_len;
	uint64_t doc_at;     /* its packed doc in a spill: the words once */
	size_t doc_bytes;    /* parsed (b->words), what verify reads once signed (b->docs) */
	void *lines;         /* lines blob, until chrome is learned */
	size_t lines_bytes;
	size_t root;         /* the representative of its cluster */
	double similarity;   /* to the representative */
	/* kept for an index (wd_batch_keep_articles): */
	uint64_t record_at;  /* its fields in b->records (batch_read_record) */
	size_t record_bytes;
	char *agency, *place; /* its credit (NULL: none) */
} slot;

/* A candidate pair's scores, when the job keeps them for an index. */
typedef struct pair_score {
	double jaccard, containment;
	uint64_t shared;
} pair_score;

/* Open addressing from a 64-bit key (never 0) to a slot number. */
typedef struct id_entry {
	uint64_t hash;
	size_t slot;
} id_entry;

/* How far the job has gone. */
enum batch_stage { STAGE_ADD = 0, STAGE_LEARNED, STAGE_SIGNED, STAGE_GROUPED };

struct wd_batch {
	wd_params params;
	wd_pool *pool;
	unsigned threads;
	wd_reject_fn reject;
	void *reject_ctx;
	slot **pages;
	size_t n_pages, cap_pages;
	size_t n;             /* slots in use */
	size_t parsed;        /* slots [0, parsed) are parsed and reported */
	int parsing;          /* a page is being parsed in the background */
	struct stage {        /* ... this one */
		slot *page;
		size_t count;
	} parse;
	id_entry *ids;
	size_t n_ids, cap_ids;
	chrome_model chrome;
	int chrome_given;     /* set by the caller: nothing to learn */
	/* What the stages hand on, in temporary files (spill.h): */
	spill *words;         /* parsed docs (doc_pack_words), until signed */
	spill *docs;          /* signed docs (doc_pack), for verify and group */
	spill *keys;          /* LSH keys (key_entry), until linked */
	spill_writer *words_out, *docs_out; /* [worker] */
	spill_writer *keys_out; /* [worker * lsh_band_count + band] */
	struct words_region *words_left; /* every region of b->words, by offset, */
	size_t n_words_left;             /* with its records not yet signed */
	uint64_t *matches;    /* wd_batch_add_match: pairs of slots */
	size_t n_matches, cap_matches;
	/* wd_batch_keep_articles: what an index made from the job stores */
	int keep;
	spill *records;       /* each slot's title, source, published, url, text */
	spill_writer records_out; /* the adding thread's */
	learned_lines learned; /* what learning ends with (source_lines) */
	uint64_t *pairs;      /* every candidate pair, sorted, ... */
	unsigned char *match; /* ... whether it matched ... */
	pair_score *scores;   /* ... and its scores */
	size_t n_pairs;
	wd_batch_stats stats;
	size_t *clustered;    /* slot numbers of the clustered, input order */
	size_t n_clustered;
	enum batch_stage stage;
	int failed;           /* a page failed to parse: no more adds */
};

/* Parses what was added and not parsed yet, and reports its rejections. */
int batch_parse_all(wd_batch *b);

/* Leaves slot i out silently: the caller found it is a repeat of an id
 * (wiredup-mpi, which sees repeats across processes). */
void batch_drop(wd_batch *b, size_t i);

/* Frees the slots' lines blobs (once chrome is learned). */
void batch_free_lines(wd_batch *b);

/* Signs every slot with b->chrome, filing its keys (with slot numbers)
 * per worker and band, and reports the slots left out. */
int batch_sign(wd_batch *b);

/* The keys of band filed by signing worker t, into *ev (empty). */
int batch_band_keys(entry_vec *ev, const wd_batch *b, unsigned t, uint32_t band);

/* How many keys were filed in all. */
uint64_t batch_keys_filed(const wd_batch *b);

/* Frees the keys filed by batch_sign. */
void batch_free_filed(wd_batch *b);

/* Slot i's signed doc (what verification reads), read back; doc_free it.
 * buf/cap: a buffer for the bytes, grown as needed (free it after). */
int batch_load_doc(wd_doc *doc, const wd_batch *b, size_t i, unsigned char **buf,
                   size_t *cap);

/* Slot i's fields, as wd_batch_add was given them (kept articles only):
 * they point into *buf (grown as needed), but for the id (the slot's). */
int batch_read_record(wd_article *a, const wd_batch *b, size_t i, unsigned char **buf,
                      size_t *cap);

/* Bytes of a signature kept after each signed doc (0 unless the job keeps
 * its articles). */
size_t batch_sig_bytes(const wd_batch *b);

/* Slot i's signed doc (slot->doc_bytes into *buf, grown as needed) and,
 * kept after it, its signature (into sig, num_perm slots). */
int batch_read_signed(uint32_t *sig, const wd_batch *b, size_t i, unsigned char **buf,
                      size_t *cap);

/* Slot i's signed doc as doc_pack wrote it: slot->doc_bytes into out. */
int batch_read_packed(unsigned char *out, const wd_batch *b, size_t i);

#endif
