/* test_align.c - passage alignment (align.c) and words with their original
 * offsets (textmap.c), the two halves of `wiredup explain`. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "align.h"
#include "textmap.h"
#include "wiredup.h"

#include <stdlib.h>
#include <string.h>

/* Words as small integers: word i of a sequence is its value. */
static void check_runs(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, size_t k,
                       const align_run *want, size_t n_want)
{
	align_run *runs;
	size_t n;
	assert_int_equal(align_words(&runs, &n, a, na, b, nb, k), WD_OK);
	if (n != n_want)
		print_message("%zu runs, expected %zu\n", n, n_want);
	assert_int_equal(n, n_want);
	for (size_t i = 0; i < n; i++) {
		if (runs[i].a != want[i].a || runs[i].b != want[i].b || runs[i].len != want[i].len)
			print_message("run %zu is (%zu, %zu, %zu), expected (%zu, %zu, %zu)\n", i,
			              runs[i].a, runs[i].b, runs[i].len, want[i].a, want[i].b,
			              want[i].len);
		assert_true(runs[i].a == want[i].a && runs[i].b == want[i].b &&
		            runs[i].len == want[i].len);
	}
	free(runs);
}

#define SEQ(...) ((const uint64_t[]){__VA_ARGS__})
#define N(...) (sizeof(SEQ(__VA_ARGS__)) / sizeof(uint64_t))
#define RUNS(...) ((const align_run[]){__VA_ARGS__})

static void test_identical(void **state)
{
	(void)state;
	const uint64_t *a = SEQ(1, 2, 3, 4, 5, 6, 7);
	check_runs(a, 7, a, 7, 3, RUNS({0, 0, 7}), 1);
}

static void test_dropped_and_added(void **state)
{
	(void)state;
	/* b drops 4 5 and adds 90 91 at its start and 92 at its end */
	const uint64_t *a = SEQ(1, 2, 3, 4, 5, 6, 7, 8, 9);
	const uint64_t *b = SEQ(90, 91, 1, 2, 3, 6, 7, 8, 9, 92);
	check_runs(a, 9, b, 10, 3, RUNS({0, 2, 3}, {5, 5, 4}), 2);
	/* a run shorter than k is not a passage */
	check_runs(a, 9, b, 10, 4, RUNS({5, 5, 4}), 1);
}

static void test_order_kept(void **state)
{
	(void)state;
	/* b tells the two halves in the other order: only the longer half
	 * is a passage, the other crosses it */
	const uint64_t *a = SEQ(1, 2, 3, 4, 5, 6, 7, 8, 9);
	const uint64_t *b = SEQ(6, 7, 8, 9, 1, 2, 3);
	check_runs(a, 9, b, 7, 3, RUNS({5, 0, 4}), 1);
}

static void test_overlap_cut(void **state)
{
	(void)state;
	/* b repeats 4 5 6: the longest run wins those words, the other keeps
	 * what is left of it when that is still k words */
	const uint64_t *a = SEQ(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
	const uint64_t *b = SEQ(1, 2, 3, 4, 5, 6, 50, 4, 5, 6, 7, 8, 9, 10, 11);
	check_runs(a, 11, b, 15, 3, RUNS({0, 0, 3}, {3, 7, 8}), 2);
}

static void test_short_and_empty(void **state)
{
	(void)state;
	const uint64_t *a = SEQ(1, 2);
	align_run *runs = (align_run *)1;
	size_t n = 9;
	check_runs(a, 2, a, 2, 3, NULL, 0);
	assert_int_equal(align_words(&runs, &n, a, 0, a, 2, 1), WD_OK);
	assert_null(runs);
	assert_int_equal(n, 0);
	check_runs(a, 2, a, 2, 2, RUNS({0, 0, 2}), 1);
}

static void test_repeated_phrase(void **state)
{
	(void)state;
	/* a phrase repeated 100 times in b seeds nothing (boilerplate), but
	 * a run that only passes through it is still found from its start */
	enum { REPS = 100 };
	uint64_t b[3 * REPS + 6], a[] = {70, 71, 72, 1, 2, 3};
	for (size_t i = 0; i < REPS; i++)
		b[3 * i] = 1, b[3 * i + 1] = 2, b[3 * i + 2] = 3;
	memcpy(b + 3 * REPS, SEQ(70, 71, 72, 1, 2, 3), sizeof a);
	check_runs(a, 6, b, 3 * REPS + 6, 3, RUNS({0, 3 * REPS, 6}), 1);
	check_runs(a + 3, 3, b, 3 * REPS, 3, NULL, 0);
}

/* ---- words with their offsets ---- */

/* The words of text must be those wd_normalize + wd_tokenize give. */
static void check_same_words(const char *text)
{
	text_words w;
	char *norm;
	size_t norm_len, n;
	uint64_t *hashes;
	assert_int_equal(text_words_split(&w, text, strlen(text)), WD_OK);
	assert_int_equal(wd_normalize(&norm, &norm_len, text, strlen(text)), WD_OK);
	assert_int_equal(wd_tokenize(&hashes, &n, norm, norm_len), WD_OK);
	assert_int_equal(w.n, n);
	for (size_t i = 0; i < n; i++)
		assert_true(w.v[i].hash == hashes[i]);
	free(norm);
	free(hashes);
	text_words_free(&w);
}

static void test_offsets(void **state)
{
	(void)state;
	/* "Café" with a combining acute (5 code points), a soft hyphen inside
	 * "news", CRLF, a curly quote, "1.2" kept whole, and a 4-byte letter */
	const char *text = "Cafe\xCC\x81 ne\xC2\xADws\r\n\xE2\x80\x9CHi\xE2\x80\x9D 1.2 \xF0\x9D\x90\x80x";
	static const size_t want[][4] = {
		/* code points, bytes */
		{0, 5, 0, 6},   /* Café */
		{6, 11, 7, 13}, /* ne­ws */
		{14, 16, 18, 20}, /* Hi */
		{18, 21, 24, 27}, /* 1.2 */
		{22, 24, 28, 33}, /* 𝐀x (NFKC: "ax") */
	};
	text_words w;
	assert_int_equal(text_words_split(&w, text, strlen(text)), WD_OK);
	assert_int_equal(w.n, 5);
	assert_int_equal(w.chars, 24);
	for (size_t i = 0; i < w.n; i++) {
		assert_int_equal(w.v[i].start, want[i][0]);
		assert_int_equal(w.v[i].end, want[i][1]);
		assert_int_equal(w.v[i].byte_start, want[i][2]);
		assert_int_equal(w.v[i].byte_end, want[i][3]);
	}
	text_words_free(&w);
	check_same_words(text);
	check_same_words("COLOUR of the Ｆｕｌｌｗｉｄｔｈ text, 900,000 euros; Straße — ﬁne. 東京タワー");
	check_same_words("");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	text_words w;
	assert_int_equal(text_words_split(&w, "ok \xff no", 7), WD_EINPUT);
	text_words_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_dropped_and_added),
		cmocka_unit_test(test_order_kept),
		cmocka_unit_test(test_overlap_cut),
		cmocka_unit_test(test_short_and_empty),
		cmocka_unit_test(test_repeated_phrase),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_invalid_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
