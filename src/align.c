/* align.c - shared passages of two word sequences (see align.h). */
#include "align.h"

#include "error.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

enum { MAX_SEEDS = 64 }; /* places in b one phrase may seed runs from */

typedef struct keyed {
	uint64_t key;
	size_t pos;
} keyed;

static int cmp_keyed(const void *x, const void *y)
{
	const keyed *p = x, *q = y;
	if (p->key != q->key)
		return p->key < q->key ? -1 : 1;
	return (p->pos > q->pos) - (p->pos < q->pos);
}

/* Longest first; ties by position, so the result is reproducible. */
static int cmp_longest(const void *x, const void *y)
{
	const align_run *p = x, *q = y;
	if (p->len != q->len)
		return p->len < q->len ? 1 : -1;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return (p->b > q->b) - (p->b < q->b);
}

static int cmp_position(const void *x, const void *y)
{
	const align_run *p = x, *q = y;
	return (p->a > q->a) - (p->a < q->a);
}

static uint64_t phrase_key(const uint64_t *w, size_t k)
{
	return XXH3_64bits(w, k * sizeof *w);
}

typedef struct run_vec {
	align_run *v;
	size_t n, cap;
} run_vec;

static int push_run(run_vec *r, align_run run)
{
	if (wd_grow(&r->v, &r->cap, r->n, sizeof *r->v, 64) < 0)
		return wd_fail_oom();
	r->v[r->n++] = run;
	return WD_OK;
}

/* Every maximal run of >= k equal words (each found once, from its start). */
static int find_runs(run_vec *out, const uint64_t *a, size_t na, const uint64_t *b,
                     size_t nb, size_t k)
{
	size_t nk = nb - k + 1;
	keyed *bk = malloc(nk * sizeof *bk);
	int err = WD_OK;
	if (!bk)
		return wd_fail_oom();
	for (size_t j = 0; j < nk; j++)
		bk[j] = (keyed){phrase_key(b + j, k), j};
	qsort(bk, nk, sizeof *bk, cmp_keyed);
	for (size_t i = 0; i + k <= na && err == WD_OK; i++) {
		keyed probe = {phrase_key(a + i, k), 0};
		size_t lo = 0, hi = nk;
		while (lo < hi) { /* the first entry with key >= probe's */
			size_t mid = lo + (hi - lo) / 2;
			if (bk[mid].key < probe.key)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t end = lo;
		while (end < nk && bk[end].key == probe.key)
			end++;
		if (end - lo > MAX_SEEDS)
			continue;
		for (size_t e = lo; e < end && err == WD_OK; e++) {
			size_t j = bk[e].pos, len = 0;
			if (i > 0 && j > 0 && a[i - 1] == b[j - 1])
				continue; /* inside a run that starts earlier */
			while (i + len < na && j + len < nb && a[i + len] == b[j + len])
				len++;
			if (len >= k)
				err = push_run(out, (align_run){i, j, len});
		}
	}
	free(bk);
	return err;
}

/*
 * Fits candidate c around the kept run r: cut where it overlaps r on
 * either side. Returns 0 when c crosses r (before it in one sequence,
 * after it in the other) and cannot be kept.
 */
static int fit_around(align_run *c, const align_run *r)
{
	if (c->a < r->a && c->b < r->b) {
		size_t room_a = r->a - c->a, room_b = r->b - c->b;
		size_t room = room_a < room_b ? room_a : room_b;
		if (c->len > room)
			c->len = room;
		return 1;
	}
	if (c->a >= r->a && c->b >= r->b) {
		size_t end_a = r->a + r->len, end_b = r->b + r->len, cut = 0;
		if (end_a > c->a)
			cut = end_a - c->a;
		if (end_b > c->b && end_b - c->b > cut)
			cut = end_b - c->b;
		if (cut >= c->len)
			return 0;
		c->a += cut;
		c->b += cut;
		c->len -= cut;
		return 1;
	}
	return 0;
}

int align_words(align_run **runs, size_t *n, const uint64_t *a, size_t na,
                const uint64_t *b, size_t nb, size_t k)
{
	run_vec cand = {0}, kept = {0};
	int err = WD_OK;
	*runs = NULL;
	*n = 0;
	if (k == 0)
		k = 1;
	if (na < k || nb < k)
		return WD_OK;
	if ((err = find_runs(&cand, a, na, b, nb, k)) < 0)
		goto done;
	if (cand.n > 1)
		qsort(cand.v, cand.n, sizeof *cand.v, cmp_longest);
	for (size_t i = 0; i < cand.n && err == WD_OK; i++) {
		align_run c = cand.v[i];
		int ok = 1;
		/* cutting only shortens c, so one pass over the kept runs does */
		for (size_t r = 0; r < kept.n && ok; r++)
			ok = fit_around(&c, &kept.v[r]) && c.len >= k;
		if (ok)
			err = push_run(&kept, c);
	}
	if (err == WD_OK && kept.n > 1)
		qsort(kept.v, kept.n, sizeof *kept.v, cmp_position);
done:
	free(cand.v);
	if (err < 0) {
		free(kept.v);
		return err;
	}
	*runs = kept.v;
	*n = kept.n;
	return WD_OK;
}
