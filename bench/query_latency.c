/*
 * query_latency.c - how long one wd_index_query takes against an index.
 *
 *   wd-query-latency [--warmup W] [--count M] INDEX FILE
 *
 * Opens an existing index (built beforehand, e.g. with `wiredup add --db
 * INDEX`), reads articles from the JSON Lines FILE with the library's
 * reader and keeps them in memory, then, in this one process:
 *
 *  - warm-up: queries the first W articles (default 100), not timed, so
 *    that the page cache, SQLite's cache and the library's caches are in
 *    the state a long-running service would see;
 *  - queries each of the next M articles (default: all the rest) once,
 *    timing each wd_index_query call alone with clock_gettime
 *    (CLOCK_MONOTONIC); freeing the result is not timed.
 *
 * Prints, one "name value" per line: count (timed queries), matched (those
 * with at least one verified match), new (no match), failed (articles the
 * library rejected, WD_EINPUT: reported on stderr, not timed), p50_ms,
 * p90_ms, p99_ms, max_ms (nearest-rank percentiles), mean_ms, total_s (sum
 * of the timed calls) and queries/s (count / total_s).
 *
 * Exit status: 0 done; 2 usage error, or FILE holds no article beyond the
 * warm-up; 3 the index or FILE could not be opened or read, or a query
 * failed for another reason than the article.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "wiredup.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
	wd_article *v;
	size_t n, cap;
} articles;

static void die_oom(void)
{
	fputs("wd-query-latency: out of memory\n", stderr);
	exit(3);
}

static char *dup_or_null(const char *s, size_t len)
{
	char *d;
	if (!s)
		return NULL;
	if (!(d = malloc(len + 1)))
		die_oom();
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

static char *dup_str(const char *s)
{
	return s ? dup_or_null(s, strlen(s)) : NULL;
}

static void push(articles *as, const wd_article *a)
{
	if (as->n == as->cap) {
		size_t cap = as->cap ? as->cap * 2 : 1024;
		wd_article *v = realloc(as->v, cap * sizeof *v);
		if (!v)
			die_oom();
		as->v = v;
		as->cap = cap;
	}
	size_t len = a->text_len ? a->text_len : strlen(a->text);
	wd_article *c = &as->v[as->n++];
	memset(c, 0, sizeof *c);
	c->id = dup_str(a->id);
	c->text = dup_or_null(a->text, len);
	c->text_len = len;
	c->title = dup_str(a->title);
	c->source = dup_str(a->source);
	c->published = dup_str(a->published);
	c->url = dup_str(a->url);
}

static void articles_free(articles *as)
{
	for (size_t i = 0; i < as->n; i++) {
		wd_article *a = &as->v[i];
		free((char *)a->id);
		free((char *)a->text);
		free((char *)a->title);
		free((char *)a->source);
		free((char *)a->published);
		free((char *)a->url);
	}
	free(as->v);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Nearest rank: the smallest value with at least p of the values <= it. */
static double percentile(const double *sorted, size_t n, double p)
{
	size_t rank = (size_t)(p * (double)n + 0.999999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

static int parse_size(size_t *out, const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > SIZE_MAX / 2)
		return -1;
	*out = (size_t)v;
	return 0;
}

static void usage(FILE *fp)
{
	fputs("usage: wd-query-latency [--warmup W] [--count M] INDEX FILE\n"
	      "Queries the articles of the JSON Lines FILE against the existing\n"
	      "index INDEX with wd_index_query and prints latency percentiles.\n"
	      "  --warmup W  query the first W articles untimed first (default 100)\n"
	      "  --count M   then time M queries (default: every article left)\n",
	      fp);
}

/* One query; 1: timed and counted, 0: the article was rejected. */
static int query_one(wd_index *ix, const wd_article *a, double *seconds, int *matched)
{
	wd_query_result *q = NULL;
	double t0 = now();
	int err = wd_index_query(&q, ix, a);
	double t1 = now();
	if (err == WD_EINPUT) {
		fprintf(stderr, "wd-query-latency: %s\n", wd_last_error());
		return 0;
	}
	if (err < 0) {
		fprintf(stderr, "wd-query-latency: query of '%s' failed: %s\n", a->id,
		        wd_last_error());
		exit(3);
	}
	*seconds = t1 - t0;
	*matched = q->n_matches > 0;
	wd_query_result_free(q);
	return 1;
}

int main(int argc, char **argv)
{
	size_t warmup = 100, count = SIZE_MAX;
	const char *pos[2] = {NULL, NULL};
	int n_pos = 0;

	for (int i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "--warmup") == 0 || strcmp(argv[i], "--count") == 0) &&
		    i + 1 < argc) {
			int is_warmup = argv[i][2] == 'w';
			if (parse_size(is_warmup ? &warmup : &count, argv[i + 1]) < 0) {
				fprintf(stderr, "wd-query-latency: %s needs a number\n", argv[i]);
				return 2;
			}
			i++;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "wd-query-latency: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		} else if (n_pos < 2) {
			pos[n_pos++] = argv[i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (n_pos != 2 || count == 0) {
		usage(stderr);
		return 2;
	}

	wd_index *ix;
	if (wd_index_open_existing(&ix, pos[0]) < 0) {
		fprintf(stderr, "wd-query-latency: %s\n", wd_last_error());
		return 3;
	}

	/* Read everything first: reading is not what is measured. */
	articles as = {0};
	wd_reader *r;
	wd_article a;
	int rc;
	if (wd_reader_open_jsonl(&r, pos[1]) < 0) {
		fprintf(stderr, "wd-query-latency: %s\n", wd_last_error());
		wd_index_close(ix);
		return 3;
	}
	size_t want = count == SIZE_MAX ? SIZE_MAX : warmup + count;
	while (as.n < want && (rc = wd_reader_next(&a, r)) != 0) {
		if (rc == WD_EINPUT) {
			fprintf(stderr, "wd-query-latency: %s\n", wd_last_error());
			continue;
		}
		if (rc < 0) {
			fprintf(stderr, "wd-query-latency: %s\n", wd_last_error());
			wd_reader_close(r);
			articles_free(&as);
			wd_index_close(ix);
			return 3;
		}
		push(&as, &a);
	}
	wd_reader_close(r);
	if (as.n <= warmup) {
		fprintf(stderr, "wd-query-latency: %s: %zu articles, none left after a warm-up of %zu\n",
		        pos[1], as.n, warmup);
		articles_free(&as);
		wd_index_close(ix);
		return 2;
	}
	if (count != SIZE_MAX && as.n < warmup + count)
		fprintf(stderr, "wd-query-latency: %s: only %zu articles after the warm-up, not %zu\n",
		        pos[1], as.n - warmup, count);

	double s;
	int m;
	for (size_t i = 0; i < warmup; i++)
		query_one(ix, &as.v[i], &s, &m);

	size_t n_timed = as.n - warmup, done = 0, matched = 0, failed = 0;
	double *lat = malloc(n_timed * sizeof *lat), total = 0;
	if (!lat)
		die_oom();
	for (size_t i = warmup; i < as.n; i++) {
		if (!query_one(ix, &as.v[i], &s, &m)) {
			failed++;
			continue;
		}
		lat[done++] = s;
		total += s;
		matched += (size_t)m;
	}
	wd_index_close(ix);
	articles_free(&as);

	if (done == 0) {
		fputs("wd-query-latency: every query was rejected\n", stderr);
		free(lat);
		return 3;
	}
	qsort(lat, done, sizeof *lat, cmp_double);
	printf("count %zu\n", done);
	printf("matched %zu\n", matched);
	printf("new %zu\n", done - matched);
	printf("failed %zu\n", failed);
	printf("p50_ms %.3f\n", 1e3 * percentile(lat, done, 0.50));
	printf("p90_ms %.3f\n", 1e3 * percentile(lat, done, 0.90));
	printf("p99_ms %.3f\n", 1e3 * percentile(lat, done, 0.99));
	printf("max_ms %.3f\n", 1e3 * lat[done - 1]);
	printf("mean_ms %.3f\n", 1e3 * total / (double)done);
	printf("total_s %.3f\n", total);
	printf("queries/s %.1f\n", total > 0 ? (double)done / total : 0.0);
	free(lat);
	return 0;
}
