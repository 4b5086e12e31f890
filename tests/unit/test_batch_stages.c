/*
 * test_batch_stages.c - the pieces a distributed run relies on
 * (batch_stages.h, doc_pack): a doc packed and unpacked in another process
 * verifies as the original does; learning each outlet apart learns what
 * learning them together does (so outlets can go to different ranks); the
 * components name the earliest member whatever the order of the pairs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "batch_stages.h"
#include "unit_helpers.h"
#include "verify.h"

/* a + b + c in a malloc'd string */
static char *concat3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, "%s%s%s", a, b, c);
	return s;
}

/* Parses text (title none) and signs it with an empty chrome model. */
static void signed_doc(wd_doc *d, const char *text)
{
	wd_params p;
	chrome_model m = {0};
	band_key *keys;
	size_t n_keys;
	wd_params_init(&p);
	assert_int_equal(wd_params_resolve(&p), WD_OK);
	uint32_t *sig = malloc(p.num_perm * sizeof *sig);
	assert_non_null(sig);
	assert_int_equal(doc_parse(d, NULL, text, strlen(text)), WD_OK);
	assert_int_equal(stage_sign(&keys, &n_keys, sig, d, NULL, &m, &p), WD_OK);
	assert_true(n_keys > 0);
	free(keys);
	free(sig);
}

/* Packs d and unpacks it into *out. */
static void round_trip(wd_doc *out, const wd_doc *d)
{
	size_t n = doc_packed_size(d);
	unsigned char *buf = malloc(n);
	assert_non_null(buf);
	doc_pack(buf, d);
	assert_int_equal(doc_unpack(out, buf, n), (long)n);
	wd_doc bad;
	assert_int_equal(doc_unpack(&bad, buf, n - 1), WD_EINVAL); /* truncated */
	free(buf);
}

static void assert_same_verdict(const wd_doc *a, const wd_doc *b, const wd_doc *pa,
                                const wd_doc *pb)
{
	verdict v, w;
	verify_docs(&v, a, b, 0.45);
	verify_docs(&w, pa, pb, 0.45);
	assert_int_equal(v.shared, w.shared);
	assert_true(v.jaccard == w.jaccard && v.containment == w.containment);
	assert_int_equal(v.match, w.match);
	assert_int_equal(v.lede_shared, w.lede_shared);
}

static void test_packed_docs_verify_alike(void **state)
{
	(void)state;
	char *story = gen_story(3, 400), *other = gen_story(4, 300);
	char *trimmed = strdup(story);
	assert_non_null(trimmed);
	trimmed[strlen(trimmed) * 2 / 3] = '\0'; /* a trimmed copy */
	char *figures = concat3(story, "\nNet profit rose 12 percent to 340 million dollars "
	                        "in the third quarter of 2025.\n", "");
	wd_doc d[4], p[4];
	const char *texts[4] = {story, trimmed, other, figures};
	for (int i = 0; i < 4; i++) {
		signed_doc(&d[i], texts[i]);
		round_trip(&p[i], &d[i]);
		assert_int_equal(p[i].n_set, d[i].n_set);
		assert_int_equal(p[i].n_figures, d[i].n_figures);
	}
	assert_true(d[3].n_figures > 0);
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			if (i != j) {
				assert_same_verdict(&d[i], &d[j], &p[i], &p[j]);
				assert_same_verdict(&d[i], &d[j], &d[i], &p[j]);
			}
	verdict v;
	verify_docs(&v, &p[1], &p[0], 0.45);
	assert_int_equal(v.match, 1); /* the trimmed copy still matches */
	for (int i = 0; i < 4; i++) {
		doc_free(&d[i]);
		doc_free(&p[i]);
	}
	free(story), free(other), free(trimmed), free(figures);
}

/* A page of outlet o (0 or 1): its own chrome around story s. */
static char *page(int o, unsigned s)
{
	static const char *const chrome[2] = {
		"Subscribe to the Evening Courier for unlimited access to every story we publish.\n"
		"Our newsroom is funded by readers like you and every subscription helps us.\n",
		"The Harbour Gazette has served the coast since 1887 with local news and sport.\n"
		"Sign up for the morning briefing and get the headlines in your inbox daily.\n"};
	char *body = gen_story(s, 120), *mid = concat3(body, "\n", chrome[o]);
	char *out = concat3(chrome[o], mid, "");
	free(body);
	free(mid);
	return out;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The keys of a model, sorted, appended to *v at *n. */
static void model_keys(uint64_t *v, size_t *n, const chrome_model *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i])
			v[(*n)++] = m->keys[i];
}

static void test_outlets_learn_apart_as_together(void **state)
{
	(void)state;
	enum { N = 8 };
	static const char *const sources[2] = {"courier.example", "gazette.example"};
	wd_doc docs[N];
	learn_item all[N], mine[2][N];
	size_t n_mine[2] = {0, 0};
	for (int i = 0; i < N; i++) {
		int o = i % 3 == 0; /* interleaved, unevenly */
		char *text = page(o, (unsigned)(i % 5)); /* stories 0..4: some repeat */
		assert_int_equal(doc_parse(&docs[i], NULL, text, strlen(text)), WD_OK);
		free(text);
		void *blob;
		size_t bytes;
		assert_int_equal(chrome_lines_blob(&blob, &bytes, &docs[i]), WD_OK);
		all[i] = (learn_item){i + 1, sources[o], blob, bytes};
		mine[o][n_mine[o]++] = all[i];
	}
	/* together on two workers (one outlet each), apart on this thread */
	chrome_model together = {0}, apart = {0};
	wd_pool *pool;
	assert_int_equal(pool_open(&pool, 2), WD_OK);
	assert_int_equal(stage_learn(&together, all, N, pool, NULL), WD_OK);
	pool_close(pool);
	assert_int_equal(stage_learn(&apart, mine[0], n_mine[0], NULL, NULL), WD_OK);
	chrome_model second = {0};
	assert_int_equal(stage_learn(&second, mine[1], n_mine[1], NULL, NULL), WD_OK);
	uint64_t a[64], b[64];
	size_t na = 0, nb = 0;
	model_keys(a, &na, &together);
	model_keys(b, &nb, &apart);
	model_keys(b, &nb, &second);
	assert_true(na >= 4); /* both outlets' two chrome lines, at least */
	assert_int_equal(na, nb);
	qsort(a, na, sizeof *a, cmp_u64);
	qsort(b, nb, sizeof *b, cmp_u64);
	assert_memory_equal(a, b, na * sizeof *a);
	size_t learned = 0; /* of a courier page: its two chrome lines */
	for (size_t i = 0; i < docs[1].n_lines; i++)
		learned += (size_t)chrome_is_learned(&together, chrome_source_key(sources[0]),
		                                     docs[1].lines[i].hash);
	assert_true(learned >= 2);
	chrome_free(&together);
	chrome_free(&apart);
	chrome_free(&second);
	for (int i = 0; i < N; i++) {
		free((void *)all[i].lines);
		doc_free(&docs[i]);
	}
}

/* Items earlier by a time (0: unknown, last), then by number. */
static const int64_t TIMES[6] = {50, 0, 20, 20, 0, 10};
static int earlier(size_t x, size_t y, void *ctx)
{
	(void)ctx;
	if ((TIMES[x] != 0) != (TIMES[y] != 0))
		return TIMES[x] != 0;
	if (TIMES[x] != TIMES[y])
		return TIMES[x] < TIMES[y];
	return x < y;
}

static void test_components_name_the_earliest(void **state)
{
	(void)state;
	/* 0-1, 1-2 and 3-4 match; 0-5 does not */
	uint64_t pairs[] = {(uint64_t)1 << 32 | 0, (uint64_t)1 << 32 | 2, (uint64_t)3 << 32 | 4,
	                    (uint64_t)0 << 32 | 5};
	unsigned char match[] = {1, 1, 1, 0};
	size_t rep[6];
	assert_int_equal(stage_components(rep, 6, pairs, match, 4, NULL, earlier, NULL), WD_OK);
	size_t want[6] = {2, 2, 2, 3, 3, 5};
	for (int i = 0; i < 6; i++)
		assert_int_equal(rep[i], want[i]);
	/* the same pairs in another order, every pair a match but the last */
	uint64_t rev[] = {pairs[2], pairs[1], pairs[0]};
	assert_int_equal(stage_components(rep, 6, rev, NULL, 3, NULL, earlier, NULL), WD_OK);
	for (int i = 0; i < 6; i++)
		assert_int_equal(rep[i], want[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packed_docs_verify_alike),
		cmocka_unit_test(test_outlets_learn_apart_as_together),
		cmocka_unit_test(test_components_name_the_earliest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
