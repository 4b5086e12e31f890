/* params.c - matching parameters: defaults, validation, LSH band choice. */
#include "error.h"

#include <math.h>
#include <string.h>

enum {
	DEFAULT_SHINGLE_WORDS = 5,
	DEFAULT_NUM_PERM = 128,
	/* 14 x 3 finds the passages 32 x 4 did (bench/accuracy), with 56%
	 * fewer keys a window to look up */
	DEFAULT_WINDOW_BANDS = 14,
	DEFAULT_WINDOW_ROWS = 3,
	MAX_SHINGLE_WORDS = 64,
	MAX_NUM_PERM = 4096
};
static const double DEFAULT_LSH_THRESHOLD = 0.4;
static const double DEFAULT_THRESHOLD = 0.45;
static const uint64_t DEFAULT_SEED = 1;

void wd_params_init(wd_params *params)
{
	memset(params, 0, sizeof *params);
}

/* Probability that a pair of Jaccard s shares at least one band. */
static double collision_probability(double s, uint32_t b, uint32_t r)
{
	return 1.0 - pow(1.0 - pow(s, (double)r), (double)b);
}

/* Simpson's rule over [lo, hi] of P(collide) (or of 1 - P if miss). */
static double area(double lo, double hi, uint32_t b, uint32_t r, int miss)
{
	enum { STEPS = 200 }; /* even */
	double h = (hi - lo) / STEPS, sum = 0.0;
	for (int i = 0; i <= STEPS; i++) {
		double p = collision_probability(lo + i * h, b, r);
		double y = miss ? 1.0 - p : p;
		double w = (i == 0 || i == STEPS) ? 1.0 : (i % 2 ? 4.0 : 2.0);
		sum += w * y;
	}
	return sum * h / 3.0;
}

void wd_lsh_optimal_bands(uint32_t *bands, uint32_t *rows, uint32_t num_perm,
                          double threshold)
{
	double best = INFINITY;
	*bands = 1;
	*rows = num_perm;
	for (uint32_t b = 1; b <= num_perm; b++) {
		for (uint32_t r = 1; r <= num_perm / b; r++) {
			double fp = area(0.0, threshold, b, r, 0);
			double fn = area(threshold, 1.0, b, r, 1);
			double err = 0.5 * fp + 0.5 * fn;
			if (err < best) {
				best = err;
				*bands = b;
				*rows = r;
			}
		}
	}
}

int wd_params_resolve(wd_params *p)
{
	if (p->shingle_words == 0)
		p->shingle_words = DEFAULT_SHINGLE_WORDS;
	if (p->num_perm == 0)
		p->num_perm = DEFAULT_NUM_PERM;
	if (p->lsh_threshold == 0.0)
		p->lsh_threshold = DEFAULT_LSH_THRESHOLD;
	if (p->threshold == 0.0)
		p->threshold = DEFAULT_THRESHOLD;
	if (p->seed == 0)
		p->seed = DEFAULT_SEED;

	if (p->shingle_words > MAX_SHINGLE_WORDS)
		return wd_fail(WD_EINVAL, "shingle words must be 1..%d, not %u",
		               MAX_SHINGLE_WORDS, p->shingle_words);
	if (p->num_perm > MAX_NUM_PERM)
		return wd_fail(WD_EINVAL, "num_perm must be 1..%d, not %u",
		               MAX_NUM_PERM, p->num_perm);
	if (!(p->lsh_threshold > 0.0 && p->lsh_threshold < 1.0))
		return wd_fail(WD_EINVAL, "LSH threshold must be in (0, 1), not %g",
		               p->lsh_threshold);
	if (!(p->threshold > 0.0 && p->threshold <= 1.0))
		return wd_fail(WD_EINVAL, "threshold must be in (0, 1], not %g",
		               p->threshold);
	if ((p->bands == 0) != (p->rows == 0))
		return wd_fail(WD_EINVAL, "give both bands and rows, or neither");
	if (p->bands == 0)
		wd_lsh_optimal_bands(&p->bands, &p->rows, p->num_perm, p->lsh_threshold);
	if ((uint64_t)p->bands * p->rows > p->num_perm)
		return wd_fail(WD_EINVAL, "bands x rows (%u x %u) exceeds num_perm %u",
		               p->bands, p->rows, p->num_perm);
	/* the defaults shrink to fit a small num_perm */
	if (p->window_rows > p->num_perm)
		return wd_fail(WD_EINVAL, "window rows must be 1..num_perm %u, not %u",
		               p->num_perm, p->window_rows);
	if (p->window_rows == 0)
		p->window_rows = DEFAULT_WINDOW_ROWS < p->num_perm ? DEFAULT_WINDOW_ROWS : p->num_perm;
	if (p->window_bands == 0) {
		uint32_t fit = p->num_perm / p->window_rows;
		p->window_bands = fit < DEFAULT_WINDOW_BANDS ? fit : DEFAULT_WINDOW_BANDS;
	}
	if (p->window_bands == 0 || (uint64_t)p->window_bands * p->window_rows > p->num_perm)
		return wd_fail(WD_EINVAL, "window bands x rows (%u x %u) must be 1 .. num_perm %u",
		               p->window_bands, p->window_rows, p->num_perm);
	return WD_OK;
}
