/* test_minhash_lsh.c - stages 4-5: MinHash estimates, LSH bands, parameters. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "wiredup.h"
#include "lsh.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A synthetic "shingle hash": distinct, well mixed values (splitmix64). */
static uint64_t shingle_hash(uint64_t i)
{
	uint64_t z = (i + 1) * 0x9E3779B97F4A7C15ULL;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* The set {shingle_hash(i) : first <= i < first + n}; free() it. */
static uint64_t *shingle_set(uint64_t first, size_t n)
{
	uint64_t *v = malloc(n * sizeof *v);
	assert_non_null(v);
	for (size_t i = 0; i < n; i++)
		v[i] = shingle_hash(first + i);
	return v;
}

/* Estimated Jaccard of two synthetic sets with num_perm slots. */
static double estimate(const uint64_t *a, size_t na, const uint64_t *b, size_t nb,
                       uint32_t num_perm)
{
	uint32_t *sa = malloc(num_perm * sizeof *sa), *sb = malloc(num_perm * sizeof *sb);
	assert_non_null(sa);
	assert_non_null(sb);
	wd_minhash(sa, num_perm, a, na, 1);
	wd_minhash(sb, num_perm, b, nb, 1);
	double j = wd_minhash_jaccard(sa, sb, num_perm);
	free(sa);
	free(sb);
	return j;
}

static void test_identical_sets(void **state)
{
	(void)state;
	uint64_t *a = shingle_set(0, 500), *b = shingle_set(0, 500);
	/* order does not matter: reverse b */
	for (size_t i = 0; i < 250; i++) {
		uint64_t t = b[i];
		b[i] = b[499 - i];
		b[499 - i] = t;
	}
	assert_true(estimate(a, 500, b, 500, 128) == 1.0);
	free(a);
	free(b);
}

static void test_disjoint_sets(void **state)
{
	(void)state;
	uint64_t *a = shingle_set(0, 500), *b = shingle_set(10000, 500);
	assert_true(estimate(a, 500, b, 500, 128) < 0.05);
	free(a);
	free(b);
}

static void test_jaccard_half(void **state)
{
	(void)state;
	/* |A| = |B| = 1000, |A n B| = 667: J = 667 / 1333 = 0.5004 */
	uint64_t *a = shingle_set(0, 1000), *b = shingle_set(333, 1000);
	double j = estimate(a, 1000, b, 1000, 256);
	print_message("estimated Jaccard %.4f (true 0.5004)\n", j);
	assert_true(fabs(j - 0.5) <= 0.08);
	free(a);
	free(b);
}

static void test_containment_estimate(void **state)
{
	(void)state;
	/* A (400) lies wholly inside B (1000): J = 0.4, containment 1 */
	uint64_t *a = shingle_set(0, 400), *b = shingle_set(0, 1000);
	double j = estimate(a, 400, b, 1000, 256);
	double c = wd_containment_estimate(j, 400, 1000);
	print_message("estimated Jaccard %.4f (true 0.4), containment %.4f\n", j, c);
	assert_true(fabs(c - 1.0) <= 0.15);
	assert_true(c <= 1.0);
	/* the estimate is symmetric in the two sizes */
	assert_true(wd_containment_estimate(j, 1000, 400) == c);
	free(a);
	free(b);
}

static void test_containment_formula(void **state)
{
	(void)state;
	/* |A n B| = j (na + nb) / (1 + j), over the smaller set */
	assert_true(fabs(wd_containment_estimate(0.4, 400, 1000) - 1.0) < 1e-12);
	assert_true(fabs(wd_containment_estimate(0.5, 100, 100) - 2.0 / 3.0) < 1e-12);
	assert_true(wd_containment_estimate(1.0, 50, 50) == 1.0);
	assert_true(wd_containment_estimate(0.0, 50, 80) == 0.0);
	assert_true(wd_containment_estimate(0.9, 10, 1000) == 1.0); /* clamped */
	assert_true(wd_containment_estimate(0.5, 0, 10) == 0.0);    /* empty set */
}

static void test_optimal_bands(void **state)
{
	(void)state;
	uint32_t b = 0, r = 0;
	wd_lsh_optimal_bands(&b, &r, 128, 0.5);
	double midpoint = pow(1.0 / b, 1.0 / r);
	print_message("threshold 0.5, 128 perms: %u bands x %u rows, "
	              "S-curve midpoint %.3f\n", b, r, midpoint);
	assert_true(b >= 1 && r >= 1);
	assert_true((uint64_t)b * r <= 128);
	assert_true(fabs(midpoint - 0.5) <= 0.15);

	/* a higher threshold never gives a lower midpoint */
	double last = 0.0;
	const double thresholds[] = {0.2, 0.3, 0.5, 0.7, 0.9};
	for (size_t i = 0; i < sizeof thresholds / sizeof thresholds[0]; i++) {
		wd_lsh_optimal_bands(&b, &r, 64, thresholds[i]);
		assert_true(b >= 1 && r >= 1);
		assert_true((uint64_t)b * r <= 64);
		double m = pow(1.0 / b, 1.0 / r);
		assert_true(m >= last);
		last = m;
	}
}

static void test_band_keys(void **state)
{
	(void)state;
	uint32_t sig[8] = {1, 2, 3, 4, 1, 2, 3, 4};
	/* same rows in two different bands: the band number is in the key */
	assert_true(wd_band_key(sig, 0, 4, 1) != wd_band_key(sig, 1, 4, 1));
	uint32_t other[8] = {1, 2, 3, 4, 9, 9, 9, 9};
	assert_true(wd_band_key(sig, 0, 4, 1) == wd_band_key(other, 0, 4, 1));
	assert_true(wd_band_key(sig, 1, 4, 1) != wd_band_key(other, 1, 4, 1));
}

static void test_params_defaults(void **state)
{
	(void)state;
	wd_params p;
	wd_params_init(&p);
	assert_int_equal(p.shingle_words, 0);
	assert_int_equal(p.num_perm, 0);
	assert_int_equal(wd_params_resolve(&p), WD_OK);
	assert_int_equal(p.shingle_words, 5);
	assert_int_equal(p.num_perm, 128);
	assert_true(p.lsh_threshold == 0.4);
	assert_true(p.threshold == 0.45);
	assert_int_equal(p.seed, 1);
	assert_true(p.bands >= 1 && p.rows >= 1);
	assert_true((uint64_t)p.bands * p.rows <= p.num_perm);

	uint32_t b, r;
	wd_lsh_optimal_bands(&b, &r, 128, 0.4);
	assert_int_equal(p.bands, b);
	assert_int_equal(p.rows, r);

	/* set fields are kept */
	wd_params_init(&p);
	p.shingle_words = 3;
	p.num_perm = 64;
	p.bands = 16;
	p.rows = 4;
	p.seed = 42;
	assert_int_equal(wd_params_resolve(&p), WD_OK);
	assert_int_equal(p.shingle_words, 3);
	assert_int_equal(p.num_perm, 64);
	assert_int_equal(p.bands, 16);
	assert_int_equal(p.rows, 4);
	assert_int_equal(p.seed, 42);
}

/* Resolving p must fail with WD_EINVAL and a message. */
static void check_invalid(wd_params p, const char *what)
{
	print_message("  %s\n", what);
	assert_int_equal(wd_params_resolve(&p), WD_EINVAL);
	assert_true(strlen(wd_last_error()) > 0);
}

static void test_params_invalid(void **state)
{
	(void)state;
	/* fields not named are unset: zero, as wd_params_init leaves them */
	static const struct {
		wd_params p;
		const char *what;
	} cases[] = {
		{{.bands = 8}, "bands without rows"},
		{{.rows = 8}, "rows without bands"},
		{{.num_perm = 64, .bands = 20, .rows = 4}, "bands x rows > num_perm"},
		{{.threshold = 1.5}, "threshold 1.5"},
		{{.threshold = -0.2}, "threshold -0.2"},
		{{.lsh_threshold = 1.0}, "LSH threshold 1.0"},
		{{.shingle_words = 65}, "65 words per shingle"},
		{{.num_perm = 5000}, "5000 permutations"},
		{{.window_bands = 50}, "50 window bands x 3 rows > 128"},
		{{.window_rows = 200}, "window rows 200 > 128"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_invalid(cases[i].p, cases[i].what);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_band_key(const void *a, const void *b)
{
	const band_key *x = a, *y = b;
	if (x->band != y->band)
		return x->band < y->band ? -1 : 1;
	return (x->key > y->key) - (x->key < y->key);
}

/* Appends the keys of signature sig in bands [first, first + n). */
static size_t push_keys(band_key *out, size_t at, const uint32_t *sig, uint32_t first,
                        uint32_t n, uint32_t rows, uint64_t seed)
{
	for (uint32_t i = 0; i < n; i++)
		out[at++] = (band_key){first + i, wd_band_key(sig, i, rows, seed + first)};
	return at;
}

/*
 * lsh_sign signs by blocks: the whole signature must equal wd_minhash over
 * the distinct shingles, and the keys be exactly those of the whole text
 * in the text bands plus those of every window, signed whole, in the
 * window bands (or, for a text no longer than a window, the whole text's);
 * or, with window_bands 0, the windows' in the text bands.
 */
static void check_sign_blocks(const wd_params *p)
{
	const uint32_t wb = p->window_bands ? p->window_bands : p->bands;
	const uint32_t wr = p->window_bands ? p->window_rows : p->rows;
	const uint32_t w_first = p->window_bands ? p->bands : 0;
	uint64_t rng = 7;
	for (size_t n_order = 1; n_order < 400; n_order += 13) {
		uint64_t *order = malloc(n_order * sizeof *order), *set = malloc(n_order * sizeof *set);
		uint32_t *sig = malloc(p->num_perm * sizeof *sig);
		uint32_t *want = malloc(p->num_perm * sizeof *want);
		size_t n_windows = n_order > LSH_WINDOW ? (n_order - LSH_WINDOW) / LSH_STEP + 2 : 0;
		band_key *expect = malloc((p->bands + (n_windows + 1) * wb) * sizeof *expect);
		size_t n_set = 0, n_keys = 0, n_expect = 0, distinct = 0;
		band_key *keys = NULL;
		for (size_t i = 0; i < n_order; i++) {
			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			order[i] = rng % 300; /* repeats, as texts repeat phrases */
		}
		memcpy(set, order, n_order * sizeof *set);
		qsort(set, n_order, sizeof *set, cmp_u64);
		for (size_t i = 0; i < n_order; i++)
			if (n_set == 0 || set[i] != set[n_set - 1])
				set[n_set++] = set[i];
		assert_int_equal(lsh_sign(sig, &keys, &n_keys, p, order, n_order), WD_OK);
		wd_minhash(want, p->num_perm, set, n_set, p->seed);
		assert_memory_equal(sig, want, p->num_perm * sizeof *sig);
		n_expect = push_keys(expect, 0, want, 0, p->bands, p->rows, p->seed);
		if (n_windows == 0 && p->window_bands)
			n_expect = push_keys(expect, n_expect, want, w_first, wb, wr, p->seed);
		for (size_t w = 0; w < n_windows; w++) {
			size_t start = w + 1 < n_windows ? w * LSH_STEP : n_order - LSH_WINDOW;
			wd_minhash(want, p->num_perm, order + start, LSH_WINDOW, p->seed);
			n_expect = push_keys(expect, n_expect, want, w_first, wb, wr, p->seed);
		}
		qsort(expect, n_expect, sizeof *expect, cmp_band_key);
		for (size_t i = 0; i < n_expect; i++)
			if (distinct == 0 || cmp_band_key(&expect[i], &expect[distinct - 1]) != 0)
				expect[distinct++] = expect[i];
		assert_int_equal(n_keys, distinct); /* sorted and distinct, as expected */
		for (size_t i = 0; i < n_keys; i++) {
			assert_int_equal(keys[i].band, expect[i].band);
			assert_true(keys[i].key == expect[i].key);
		}
		free(keys);
		free(expect);
		free(order);
		free(set);
		free(sig);
		free(want);
	}
}

static void test_lsh_sign_blocks(void **state)
{
	(void)state;
	wd_params p;
	wd_params_init(&p);
	assert_int_equal(wd_params_resolve(&p), WD_OK);
	assert_int_equal(p.window_bands, 14);
	assert_int_equal(p.window_rows, 3);
	assert_int_equal(lsh_band_count(&p), p.bands + 14);
	check_sign_blocks(&p);
	/* an index made before windows had bands of their own */
	p.window_bands = p.window_rows = 0;
	assert_int_equal(lsh_band_count(&p), p.bands);
	check_sign_blocks(&p);
}

/* Window bands default to 14 x 3 and shrink to fit a small num_perm. */
static void test_window_params(void **state)
{
	(void)state;
	wd_params p;
	wd_params_init(&p);
	p.num_perm = 16;
	assert_int_equal(wd_params_resolve(&p), WD_OK);
	assert_int_equal(p.window_rows, 3);
	assert_int_equal(p.window_bands, 5);
	wd_params_init(&p);
	p.num_perm = 2;
	assert_int_equal(wd_params_resolve(&p), WD_OK);
	assert_int_equal(p.window_rows, 2);
	assert_int_equal(p.window_bands, 1);
	wd_params_init(&p);
	p.window_bands = 8;
	assert_int_equal(wd_params_resolve(&p), WD_OK);
	assert_int_equal(p.window_rows, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical_sets),
		cmocka_unit_test(test_disjoint_sets),
		cmocka_unit_test(test_jaccard_half),
		cmocka_unit_test(test_containment_estimate),
		cmocka_unit_test(test_containment_formula),
		cmocka_unit_test(test_optimal_bands),
		cmocka_unit_test(test_band_keys),
		cmocka_unit_test(test_params_defaults),
		cmocka_unit_test(test_params_invalid),
		cmocka_unit_test(test_lsh_sign_blocks),
		cmocka_unit_test(test_window_params),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
