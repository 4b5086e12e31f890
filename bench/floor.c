/*
 * floor.c - the hashing floor: the least work any near-duplicate detector
 * must do on a JSON Lines corpus before it can compare anything.
 *
 *   wd-floor [--threads N] [--check] [FILE]
 *
 * For every line: read it (getline), decode it as the library's reader does
 * (json_fields_scan in place, jansson with the reader's flags for the lines
 * it defers) and take "id" and "text", normalize the text
 * (wd_normalize), split it into hashed words (wd_tokenize) and hash every
 * run of 5 consecutive word hashes once with XXH3 (the bytes and seed that
 * wd_shingle hashes, but no sort, no dedup, nothing stored). A text of
 * fewer than 5 words is one shingle of all of them, as in wd_shingle.
 *
 * With --threads N the file is cut into N byte ranges (a line belongs to
 * the range holding its first byte) and each range is processed by its own
 * pthread with its own FILE; the checksum is a sum, so it does not depend
 * on N. FILE must then be a regular file; with one thread, no FILE or "-"
 * reads standard input.
 *
 * --check also runs wd_shingle on every text and fails (exit 1) unless its
 * sorted set equals the sorted, deduplicated shingles hashed here: proof
 * that the floor hashes what the library hashes. Not for timing.
 *
 * Prints, one "name value" per line: threads, articles, rejected (lines
 * that are not a JSON object with a string or integer "id" and a string
 * "text", or whose text is not valid UTF-8), bytes (read, newlines
 * included), words, shingles, seconds (wall, from opening the input to the
 * end of the last thread), articles/s, MB/s (10^6 bytes), checksum (sum of
 * all shingle hashes and word counts mod 2^64, so that nothing can be
 * optimized away); then where the time went, in seconds summed over the
 * threads: read_s (getline), decode_s (json_fields_scan; for a line it
 * defers, json_loadb, the field lookups and freeing the tree; and freeing
 * the article's buffers), normalize_s, tokenize_s, hash_s (the shingle
 * hashes). With --check, also "check ok".
 *
 * Exit status: 0 done; 1 --check found a difference; 2 usage error;
 * 3 the input could not be read or memory ran out.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "wiredup.h"
#include "json_fields.h" /* private to the library: the reader's decoder */

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <xxhash.h>

#define SHINGLE_WORDS 5
#define SEED 1 /* wiredup's default --seed */
#define MAX_THREADS 256

typedef struct {
	const char *path;  /* NULL: standard input (one thread only) */
	off_t start, end;  /* lines whose first byte is in [start, end); end < 0: to EOF */
	int first_range;   /* the range at offset 0: may start with a BOM */
	int check;
	/* results */
	uint64_t articles, rejected, bytes, words, shingles, checksum;
	double t_read, t_decode, t_normalize, t_tokenize, t_hash; /* seconds */
	int failed;        /* 3: I/O or memory; 1: --check mismatch */
	char error[256];
} job;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Adds the time since *t to *acc and restarts *t. */
static void lap(double *acc, double *t)
{
	double t1 = now();
	*acc += t1 - *t;
	*t = t1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The shingle hash: the k word hashes as little-endian bytes, XXH3. */
static uint64_t shingle_hash(const uint64_t *words, size_t k)
{
	unsigned char buf[8 * SHINGLE_WORDS];
	for (size_t i = 0; i < k; i++)
		for (int b = 0; b < 8; b++)
			buf[8 * i + (size_t)b] = (unsigned char)(words[i] >> (8 * b));
	return XXH3_64bits_withSeed(buf, 8 * k, SEED);
}

/* --check: the shingles hashed here, as a set, against wd_shingle's. */
static int check_against_library(job *j, const uint64_t *words, size_t n_words)
{
	size_t width = n_words < SHINGLE_WORDS ? n_words : SHINGLE_WORDS;
	size_t count = n_words ? n_words - width + 1 : 0, uniq = 0, n_lib = 0;
	uint64_t *mine = malloc((count ? count : 1) * sizeof *mine), *lib = NULL;
	int same;
	if (!mine || wd_shingle(&lib, &n_lib, words, n_words, SHINGLE_WORDS, SEED) < 0) {
		free(mine);
		snprintf(j->error, sizeof j->error, "--check: out of memory");
		return 3;
	}
	for (size_t i = 0; i < count; i++)
		mine[i] = shingle_hash(words + i, width);
	qsort(mine, count, sizeof *mine, cmp_u64);
	for (size_t i = 0; i < count; i++)
		if (uniq == 0 || mine[i] != mine[uniq - 1])
			mine[uniq++] = mine[i];
	same = uniq == n_lib && (uniq == 0 || memcmp(mine, lib, uniq * sizeof *mine) == 0);
	free(mine);
	free(lib);
	if (!same) {
		snprintf(j->error, sizeof j->error,
		         "--check: article %llu: %zu shingles here, %zu from wd_shingle",
		         (unsigned long long)j->articles + 1, uniq, n_lib);
		return 1;
	}
	return 0;
}

/* One line (without its newline, in a buffer it may change): decode,
 * normalize, tokenize, hash. */
static int process_line(job *j, char *s, size_t len)
{
	json_error_t jerr;
	json_field_value f[JF_COUNT];
	json_t *obj = NULL, *id, *text;
	const char *text_str;
	size_t text_len;
	char *norm = NULL;
	size_t norm_len = 0, n_words = 0;
	uint64_t *words = NULL;
	int err = 0;
	double t = now();

	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	size_t blank = 0;
	while (blank < len && (s[blank] == ' ' || s[blank] == '\t'))
		blank++;
	if (blank == len)
		return 0; /* blank line */

	if (json_fields_scan(f, s, len)) {
		/* a string or integer id and a string text, as checked below */
		text_str = f[JF_TEXT].str;
		text_len = f[JF_TEXT].len;
	} else {
		obj = json_loadb(s, len, JSON_REJECT_DUPLICATES, &jerr);
		id = json_object_get(obj, "id"); /* NULL-safe */
		text = json_object_get(obj, "text");
		if (!json_is_object(obj) || !(json_is_string(id) || json_is_integer(id)) ||
		    !json_is_string(text)) {
			j->rejected++;
			json_decref(obj);
			lap(&j->t_decode, &t);
			return 0;
		}
		text_str = json_string_value(text);
		text_len = json_string_length(text);
	}
	lap(&j->t_decode, &t);
	if (wd_normalize(&norm, &norm_len, text_str, text_len) < 0) {
		j->rejected++; /* invalid UTF-8 (or memory) */
		goto done;
	}
	lap(&j->t_normalize, &t);
	if (wd_tokenize(&words, &n_words, norm, norm_len) < 0) {
		j->rejected++; /* memory: the next article will fail as well */
		goto done;
	}
	lap(&j->t_tokenize, &t);
	j->articles++;
	j->words += n_words;
	j->checksum += n_words;
	if (n_words) {
		size_t width = n_words < SHINGLE_WORDS ? n_words : SHINGLE_WORDS;
		size_t count = n_words - width + 1;
		uint64_t sum = 0;
		for (size_t i = 0; i < count; i++)
			sum += shingle_hash(words + i, width);
		j->shingles += count;
		j->checksum += sum;
		lap(&j->t_hash, &t);
		if (j->check)
			err = check_against_library(j, words, n_words);
	}
done:
	free(words);
	free(norm);
	json_decref(obj);
	lap(&j->t_decode, &t);
	return err;
}

static void *run_job(void *arg)
{
	job *j = arg;
	FILE *fp = j->path ? fopen(j->path, "rb") : stdin;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	off_t pos = j->start;
	double t;

	if (!fp) {
		snprintf(j->error, sizeof j->error, "%s: cannot open: %s", j->path,
		         strerror(errno));
		j->failed = 3;
		return NULL;
	}
	if (j->start > 0) {
		/* Skip the line that began in the previous range: read from the
		 * byte before start through the next newline. */
		if (fseeko(fp, j->start - 1, SEEK_SET) != 0) {
			snprintf(j->error, sizeof j->error, "%s: cannot seek: %s", j->path,
			         strerror(errno));
			j->failed = 3;
			goto out;
		}
		pos = j->start - 1;
		errno = 0;
		if ((n = getline(&line, &cap, fp)) > 0)
			pos += n; /* that line's bytes are counted by its owner */
	}
	for (;;) {
		if (j->end >= 0 && pos >= j->end)
			break;
		t = now();
		errno = 0;
		n = getline(&line, &cap, fp);
		lap(&j->t_read, &t);
		if (n <= 0)
			break;
		char *s = line;
		size_t len = (size_t)n;
		if (j->first_range && pos == 0 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
			s += 3;
			len -= 3;
		}
		pos += n;
		j->bytes += (uint64_t)n;
		if ((j->failed = process_line(j, s, len)) != 0)
			goto out;
	}
	if (ferror(fp)) {
		snprintf(j->error, sizeof j->error, "%s: read error: %s",
		         j->path ? j->path : "<stdin>", strerror(errno));
		j->failed = 3;
	}
out:
	free(line);
	if (j->path)
		fclose(fp);
	return NULL;
}

static void usage(FILE *fp)
{
	fputs("usage: wd-floor [--threads N] [--check] [FILE]\n"
	      "Reads JSON Lines articles, normalizes, tokenizes and XXH3-hashes every\n"
	      "5-word shingle once; prints the work done and its speed.\n"
	      "  --threads N  split FILE (a regular file) into N byte ranges, one\n"
	      "               pthread each (default 1)\n"
	      "  --check      also compare with wd_shingle (slower; not for timing)\n",
	      fp);
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	long threads = 1;
	int check = 0, status = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
			char *end;
			errno = 0;
			threads = strtol(argv[++i], &end, 10);
			if (errno || *end || end == argv[i] || threads < 1 || threads > MAX_THREADS) {
				fprintf(stderr, "wd-floor: --threads needs 1..%d\n", MAX_THREADS);
				return 2;
			}
		} else if (strcmp(argv[i], "--check") == 0) {
			check = 1;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "wd-floor: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		} else if (path) {
			fprintf(stderr, "wd-floor: one FILE only\n");
			return 2;
		} else {
			path = argv[i];
		}
	}
	if (path && strcmp(path, "-") == 0)
		path = NULL;

	off_t size = -1;
	if (path) {
		struct stat sb;
		if (stat(path, &sb) != 0) {
			fprintf(stderr, "wd-floor: %s: %s\n", path, strerror(errno));
			return 3;
		}
		if (S_ISREG(sb.st_mode))
			size = sb.st_size;
	}
	if (threads > 1 && size < 0) {
		fputs("wd-floor: --threads above 1 needs a regular FILE\n", stderr);
		return 2;
	}

	job *jobs = calloc((size_t)threads, sizeof *jobs);
	pthread_t *tid = calloc((size_t)threads, sizeof *tid);
	if (!jobs || !tid) {
		fputs("wd-floor: out of memory\n", stderr);
		free(jobs);
		free(tid);
		return 3;
	}
	double t0 = now();
	for (long t = 0; t < threads; t++) {
		job *j = &jobs[t];
		j->path = path;
		j->check = check;
		j->first_range = t == 0;
		j->start = threads == 1 ? 0 : (off_t)((double)size * (double)t / (double)threads);
		j->end = threads == 1 || t == threads - 1
		                 ? -1
		                 : (off_t)((double)size * (double)(t + 1) / (double)threads);
	}
	long started = 0;
	for (long t = 1; t < threads; t++, started++) {
		int e = pthread_create(&tid[t], NULL, run_job, &jobs[t]);
		if (e != 0) {
			fprintf(stderr, "wd-floor: pthread_create: %s\n", strerror(e));
			jobs[t].failed = 3;
			break;
		}
	}
	run_job(&jobs[0]);
	for (long t = 1; t <= started; t++)
		pthread_join(tid[t], NULL);
	double seconds = now() - t0;

	job total = {0};
	for (long t = 0; t < threads; t++) {
		job *j = &jobs[t];
		if (j->failed) {
			if (j->error[0])
				fprintf(stderr, "wd-floor: %s\n", j->error);
			if (j->failed > status)
				status = j->failed;
		}
		total.articles += j->articles;
		total.rejected += j->rejected;
		total.bytes += j->bytes;
		total.words += j->words;
		total.shingles += j->shingles;
		total.checksum += j->checksum;
		total.t_read += j->t_read;
		total.t_decode += j->t_decode;
		total.t_normalize += j->t_normalize;
		total.t_tokenize += j->t_tokenize;
		total.t_hash += j->t_hash;
	}
	free(jobs);
	free(tid);

	printf("threads %ld\n", threads);
	printf("articles %llu\n", (unsigned long long)total.articles);
	printf("rejected %llu\n", (unsigned long long)total.rejected);
	printf("bytes %llu\n", (unsigned long long)total.bytes);
	printf("words %llu\n", (unsigned long long)total.words);
	printf("shingles %llu\n", (unsigned long long)total.shingles);
	printf("seconds %.3f\n", seconds);
	printf("articles/s %.0f\n", seconds > 0 ? (double)total.articles / seconds : 0.0);
	printf("MB/s %.1f\n", seconds > 0 ? (double)total.bytes / 1e6 / seconds : 0.0);
	printf("checksum %016llx\n", (unsigned long long)total.checksum);
	/* Where the time goes, summed over the threads. */
	printf("read_s %.3f\n", total.t_read);
	printf("decode_s %.3f\n", total.t_decode);
	printf("normalize_s %.3f\n", total.t_normalize);
	printf("tokenize_s %.3f\n", total.t_tokenize);
	printf("hash_s %.3f\n", total.t_hash);
	if (check && status == 0)
		printf("check ok\n");
	return status;
}
