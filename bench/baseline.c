/*
 * baseline.c - "plain MinHash": the textbook near-duplicate clustering that
 * wiredup is compared against.
 *
 *   baseline [--threshold T] [FILE...] > clusters.jsonl
 *
 * Every article (JSON Lines, read with the library's reader) is signed with
 * the library's public stages: normalize, tokenize, 5-word shingles,
 * MinHash with K = 128 (seed 1, as wiredup's defaults). The signature is cut
 * into the b x r bands that datasketch would choose for Jaccard threshold T
 * (default 0.5), and any two articles that share a band key are put in one
 * cluster (union-find). There is no page-chrome removal and no
 * verification of candidates: a raw LSH collision merges.
 *
 * Output, like `wiredup dedup`: one {"id", "cluster"} per distinct input
 * article, in input order; cluster is the id of the cluster's
 * earliest-ingested member. A repeated id is kept once (the first). Bad
 * records (and texts without words) are reported on stderr as FILE:LINE:
 * reason and skipped; the exit status is then 1. Exit status 2: usage
 * error; 3: an input could not be read.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "wiredup.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHINGLE_WORDS 5
#define NUM_PERM 128
#define SEED 1

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("baseline: out of memory\n", stderr);
		exit(3);
	}
	return q;
}

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return mix64(h);
}

/* ---- articles: ids and union-find parents ---- */

typedef struct {
	char **id;
	uint32_t *parent;
	size_t n, cap;
} Articles;

static uint32_t find(Articles *a, uint32_t x)
{
	while (a->parent[x] != x) {
		a->parent[x] = a->parent[a->parent[x]]; /* path halving */
		x = a->parent[x];
	}
	return x;
}

/* The root is always the earliest-ingested member. */
static void unite(Articles *a, uint32_t x, uint32_t y)
{
	x = find(a, x);
	y = find(a, y);
	if (x < y)
		a->parent[y] = x;
	else if (y < x)
		a->parent[x] = y;
}

/* ---- id set: string -> present ---- */

typedef struct {
	uint32_t *slot; /* article index + 1; 0 = empty */
	size_t cap, len;
} IdSet;

/* Returns 1 if id was present; otherwise records it as article idx. */
static int idset_check_add(IdSet *s, const Articles *a, const char *id, uint32_t idx)
{
	if ((s->len + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		uint32_t *slot = calloc(cap, sizeof *slot);
		if (!slot) {
			fputs("baseline: out of memory\n", stderr);
			exit(3);
		}
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i]) {
				size_t j = hash_str(a->id[s->slot[i] - 1]) & (cap - 1);
				while (slot[j])
					j = (j + 1) & (cap - 1);
				slot[j] = s->slot[i];
			}
		free(s->slot);
		s->slot = slot;
		s->cap = cap;
	}
	size_t j = hash_str(id) & (s->cap - 1);
	while (s->slot[j]) {
		if (strcmp(a->id[s->slot[j] - 1], id) == 0)
			return 1;
		j = (j + 1) & (s->cap - 1);
	}
	s->slot[j] = idx + 1;
	s->len++;
	return 0;
}

/* ---- band keys: (band, key) -> first article holding it ---- */

typedef struct {
	uint64_t *key; /* 0 = empty */
	uint32_t *idx;
	size_t cap, len;
} BandTable;

static uint32_t *band_slot(BandTable *t, uint64_t k, int *found)
{
	size_t j = mix64(k) & (t->cap - 1);
	while (t->key[j] && t->key[j] != k)
		j = (j + 1) & (t->cap - 1);
	*found = t->key[j] == k;
	if (!*found)
		t->key[j] = k;
	return &t->idx[j];
}

static void band_grow(BandTable *t)
{
	BandTable n = {NULL, NULL, t->cap ? t->cap * 2 : 1u << 16, 0};
	n.key = calloc(n.cap, sizeof *n.key);
	n.idx = calloc(n.cap, sizeof *n.idx);
	if (!n.key || !n.idx) {
		fputs("baseline: out of memory\n", stderr);
		exit(3);
	}
	for (size_t i = 0; i < t->cap; i++)
		if (t->key[i]) {
			int found;
			*band_slot(&n, t->key[i], &found) = t->idx[i];
			n.len++;
		}
	free(t->key);
	free(t->idx);
	*t = n;
}

/* Returns the first article that had this key, or idx itself. */
static uint32_t band_add(BandTable *t, uint32_t band, uint64_t key, uint32_t idx)
{
	if ((t->len + 1) * 2 > t->cap)
		band_grow(t);
	uint64_t k = mix64(key ^ mix64((uint64_t)band + 0x51ED)) | 1;
	int found;
	uint32_t *slot = band_slot(t, k, &found);
	if (found)
		return *slot;
	*slot = idx;
	t->len++;
	return idx;
}

/* ---- signing with the public stages ---- */

/* 0, or < 0 with *why saying what is wrong with the text. */
static int sign(uint32_t *sig, const char *text, size_t len, const char **why)
{
	char *norm = NULL;
	size_t norm_len = 0, n_words = 0, n_sh = 0;
	uint64_t *words = NULL, *shingles = NULL;
	int err;
	if ((err = wd_normalize(&norm, &norm_len, text, len)) < 0)
		goto done;
	if ((err = wd_tokenize(&words, &n_words, norm, norm_len)) < 0)
		goto done;
	if (n_words == 0) {
		err = WD_EINPUT;
		*why = "text has no words to match on";
		goto done;
	}
	if ((err = wd_shingle(&shingles, &n_sh, words, n_words, SHINGLE_WORDS, SEED)) < 0)
		goto done;
	wd_minhash(sig, NUM_PERM, shingles, n_sh, SEED);
done:
	if (err < 0 && !*why)
		*why = wd_last_error();
	free(norm);
	free(words);
	free(shingles);
	return err;
}

static void usage(FILE *f)
{
	fputs("usage: baseline [--threshold T] [FILE...]\n"
	      "\n"
	      "Plain MinHash LSH clustering (the comparison baseline): 5-word\n"
	      "shingles, 128 permutations, datasketch-optimal bands for Jaccard\n"
	      "threshold T (default 0.5); articles sharing any band key are one\n"
	      "cluster. No chrome removal, no verification. Reads JSON Lines files\n"
	      "('-' or none: standard input); writes {\"id\", \"cluster\"} per article.\n",
	      f);
}

int main(int argc, char **argv)
{
	double threshold = 0.5;
	const char **files = xrealloc(NULL, (size_t)(argc + 1) * sizeof *files);
	int n_files = 0, rejected = 0, only_files = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
			files[n_files++] = a;
		} else if (strcmp(a, "--") == 0) {
			only_files = 1;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			free(files);
			return 0;
		} else if ((strcmp(a, "--threshold") == 0 || strcmp(a, "-t") == 0) && i + 1 < argc) {
			char *end;
			errno = 0;
			threshold = strtod(argv[++i], &end);
			if (errno || *end || end == argv[i] || !(threshold > 0.0 && threshold < 1.0)) {
				fprintf(stderr, "baseline: --threshold must be a number in (0, 1), not '%s'\n",
				        argv[i]);
				free(files);
				return 2;
			}
		} else {
			fprintf(stderr, "baseline: unknown or incomplete option '%s'\n", a);
			usage(stderr);
			free(files);
			return 2;
		}
	}
	if (n_files == 0)
		files[n_files++] = "-";

	uint32_t bands, rows;
	wd_lsh_optimal_bands(&bands, &rows, NUM_PERM, threshold);

	Articles arts = {0};
	IdSet ids = {0};
	BandTable table = {0};
	uint32_t sig[NUM_PERM];
	int status = 0;

	for (int f = 0; f < n_files && status == 0; f++) {
		wd_reader *rd;
		if (wd_reader_open_jsonl(&rd, files[f]) < 0) {
			fprintf(stderr, "baseline: %s\n", wd_last_error());
			status = 3;
			break;
		}
		for (;;) {
			wd_article art;
			int rc = wd_reader_next(&art, rd);
			if (rc == 0)
				break;
			if (rc == WD_EINPUT) {
				fprintf(stderr, "%s\n", wd_last_error());
				rejected = 1;
				continue;
			}
			if (rc < 0) {
				fprintf(stderr, "baseline: %s\n", wd_last_error());
				status = 3;
				break;
			}
			size_t len = art.text_len ? art.text_len : strlen(art.text);
			const char *why = NULL;
			int err = sign(sig, art.text, len, &why);
			if (err < 0) {
				fprintf(stderr, "%s:%zu: article '%s': %s\n", wd_reader_name(rd),
				        wd_reader_line(rd), art.id, why);
				if (err != WD_EINPUT) {
					status = 3;
					break;
				}
				rejected = 1;
				continue;
			}
			if (arts.n == UINT32_MAX - 1) {
				fputs("baseline: too many articles\n", stderr);
				status = 3;
				break;
			}
			if (arts.n == arts.cap) {
				arts.cap = arts.cap ? arts.cap * 2 : 1024;
				arts.id = xrealloc(arts.id, arts.cap * sizeof *arts.id);
				arts.parent = xrealloc(arts.parent, arts.cap * sizeof *arts.parent);
			}
			uint32_t idx = (uint32_t)arts.n;
			size_t idlen = strlen(art.id);
			arts.id[idx] = memcpy(xrealloc(NULL, idlen + 1), art.id, idlen + 1);
			if (idset_check_add(&ids, &arts, arts.id[idx], idx)) {
				fprintf(stderr, "%s:%zu: id '%s' seen before: kept the first\n",
				        wd_reader_name(rd), wd_reader_line(rd), art.id);
				free(arts.id[idx]);
				continue;
			}
			arts.parent[idx] = idx;
			arts.n++;
			for (uint32_t b = 0; b < bands; b++) {
				uint32_t first = band_add(&table, b, wd_band_key(sig, b, rows, SEED), idx);
				if (first != idx)
					unite(&arts, first, idx);
			}
		}
		wd_reader_close(rd);
	}

	if (status == 0) {
		for (size_t i = 0; i < arts.n; i++) {
			json_t *rec = json_pack("{s:s, s:s}", "id", arts.id[i], "cluster",
			                        arts.id[find(&arts, (uint32_t)i)]);
			if (!rec || json_dumpf(rec, stdout, 0) != 0 || putchar('\n') == EOF) {
				json_decref(rec);
				fputs("baseline: cannot write the output\n", stderr);
				status = 3;
				break;
			}
			json_decref(rec);
		}
		if (fflush(stdout) != 0) {
			fputs("baseline: cannot write the output\n", stderr);
			status = 3;
		}
	}

	for (size_t i = 0; i < arts.n; i++)
		free(arts.id[i]);
	free(arts.id);
	free(arts.parent);
	free(ids.slot);
	free(table.key);
	free(table.idx);
	free(files);
	if (status)
		return status;
	return rejected ? 1 : 0;
}
