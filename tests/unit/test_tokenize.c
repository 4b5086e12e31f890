/* test_tokenize.c - stage 2: wd_tokenize splits normalized text into words. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "wiredup.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/*
 * Tokenizes `text` (already normalized) and checks that the words are
 * exactly the NULL-terminated list `expected`, by their XXH3 hashes.
 */
static void check_tokens(const char *text, const char *const *expected)
{
	uint64_t *hashes = NULL;
	size_t n = 12345, want = 0;
	while (expected[want])
		want++;
	assert_int_equal(wd_tokenize(&hashes, &n, text, strlen(text)), WD_OK);
	if (n != want)
		print_message("'%s': %zu tokens, expected %zu\n", text, n, want);
	assert_int_equal(n, want);
	for (size_t i = 0; i < want; i++) {
		uint64_t h = XXH3_64bits(expected[i], strlen(expected[i]));
		if (hashes[i] != h)
			print_message("'%s': token %zu is not '%s'\n", text, i, expected[i]);
		assert_true(hashes[i] == h);
	}
	free(hashes);
}

#define TOKENS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_words_and_punctuation(void **state)
{
	(void)state;
	check_tokens("hello, world!", TOKENS("hello", "world"));
	check_tokens("state-run (afp) - talks", TOKENS("state", "run", "afp", "talks"));
	check_tokens("it's  \n  over", TOKENS("it", "s", "over"));
	check_tokens("covid19 b2b", TOKENS("covid19", "b2b"));
	check_tokens("x", TOKENS("x"));
}

static void test_numbers(void **state)
{
	(void)state;
	check_tokens("rose 1.2 percent", TOKENS("rose", "1.2", "percent"));
	check_tokens("900,000 people", TOKENS("900,000", "people"));
	check_tokens("version 1.2.3", TOKENS("version", "1.2.3"));
	/* a separator not between two digits splits */
	check_tokens("the end. next", TOKENS("the", "end", "next"));
	check_tokens("in 2018. next", TOKENS("in", "2018", "next"));
	check_tokens("1,a 2.", TOKENS("1", "a", "2"));
	check_tokens(".5 and 5.", TOKENS("5", "and", "5"));
}

static void test_cjk(void **state)
{
	(void)state;
	/* "中文新闻": one word per Han character */
	check_tokens("\xE4\xB8\xAD\xE6\x96\x87\xE6\x96\xB0\xE9\x97\xBB",
	             TOKENS("\xE4\xB8\xAD", "\xE6\x96\x87", "\xE6\x96\xB0", "\xE9\x97\xBB"));
	/* "中a" and "a中": a script change ends the word */
	check_tokens("\xE4\xB8\xAD" "a", TOKENS("\xE4\xB8\xAD", "a"));
	check_tokens("a\xE4\xB8\xAD", TOKENS("a", "\xE4\xB8\xAD"));
	/* ideographic full stop U+3002 is punctuation */
	check_tokens("\xE4\xB8\xAD\xE3\x80\x82\xE6\x96\x87",
	             TOKENS("\xE4\xB8\xAD", "\xE6\x96\x87"));
	/* Katakana "ニュース": ー (U+30FC, Lm) is a letter of its own */
	check_tokens("\xE3\x83\x8B\xE3\x83\xA5\xE3\x83\xBC\xE3\x82\xB9",
	             TOKENS("\xE3\x83\x8B", "\xE3\x83\xA5", "\xE3\x83\xBC", "\xE3\x82\xB9"));
}

static void test_thai(void **state)
{
	(void)state;
	/* "กินข้าว": ก+ิ (U+0E34, a mark) | น | ข+้ (U+0E49, a mark) | า | ว */
	check_tokens("\xE0\xB8\x81\xE0\xB8\xB4\xE0\xB8\x99\xE0\xB8\x82\xE0\xB9\x89"
	             "\xE0\xB8\xB2\xE0\xB8\xA7",
	             TOKENS("\xE0\xB8\x81\xE0\xB8\xB4", "\xE0\xB8\x99",
	                    "\xE0\xB8\x82\xE0\xB9\x89", "\xE0\xB8\xB2", "\xE0\xB8\xA7"));
}

/* Urdu words */
#define UR_PAKISTAN "\xD9\xBE\xD8\xA7\xDA\xA9\xD8\xB3\xD8\xAA\xD8\xA7\xD9\x86" /* پاکستان */
#define UR_ZINDA "\xD8\xB2\xD9\x86\xD8\xAF\xDB\x81"                             /* زندہ */
#define UR_BAAD "\xD8\xA8\xD8\xA7\xD8\xAF"                                      /* باد */
#define UR_SHUKRIYA "\xD8\xB4\xDA\xA9\xD8\xB1\xDB\x8C\xDB\x81"                  /* شکریہ */
#define UR_FULL_STOP "\xDB\x94"                                                 /* ۔ U+06D4 */

static void test_urdu(void **state)
{
	(void)state;
	check_tokens(UR_PAKISTAN " " UR_ZINDA " " UR_BAAD UR_FULL_STOP UR_SHUKRIYA UR_FULL_STOP,
	             TOKENS(UR_PAKISTAN, UR_ZINDA, UR_BAAD, UR_SHUKRIYA));
	/* Arabic comma U+060C splits; a mark (U+0670) stays inside its word */
	check_tokens("\xD8\xA7\xD9\xB0\xD9\x84\xD8\xA7\xD9\x86\xD8\x8C " UR_BAAD,
	             TOKENS("\xD8\xA7\xD9\xB0\xD9\x84\xD8\xA7\xD9\x86", UR_BAAD));
}

static void test_devanagari(void **state)
{
	(void)state;
	/* "हिन्दी भाषा": vowel signs and virama are marks inside the word */
	check_tokens("\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4\xA6\xE0\xA5\x80 "
	             "\xE0\xA4\xAD\xE0\xA4\xBE\xE0\xA4\xB7\xE0\xA4\xBE\xE0\xA5\xA4",
	             TOKENS("\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4\xA6\xE0\xA5\x80",
	                    "\xE0\xA4\xAD\xE0\xA4\xBE\xE0\xA4\xB7\xE0\xA4\xBE"));
}

static void test_no_words(void **state)
{
	(void)state;
	const char *inputs[] = {"", " ", "...", "!? -- \"\" ' \n\n", "\xE3\x80\x82\xDB\x94"};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		uint64_t *hashes = NULL;
		size_t n = 99;
		assert_int_equal(wd_tokenize(&hashes, &n, inputs[i], strlen(inputs[i])), WD_OK);
		assert_int_equal(n, 0);
		free(hashes);
	}
}

static void test_normalize_then_tokenize(void **state)
{
	(void)state;
	/* the usual chain: case and typography differences vanish */
	const char *a = "The \xE2\x80\x98" "Deal\xE2\x80\x99 \xE2\x80\x94 signed";
	const char *b = "the 'deal' - SIGNED";
	char *na, *nb;
	size_t la, lb, n1, n2;
	uint64_t *h1, *h2;
	assert_int_equal(wd_normalize(&na, &la, a, strlen(a)), WD_OK);
	assert_int_equal(wd_normalize(&nb, &lb, b, strlen(b)), WD_OK);
	assert_int_equal(wd_tokenize(&h1, &n1, na, la), WD_OK);
	assert_int_equal(wd_tokenize(&h2, &n2, nb, lb), WD_OK);
	assert_int_equal(n1, 3);
	assert_int_equal(n2, 3);
	assert_memory_equal(h1, h2, n1 * sizeof *h1);
	free(na);
	free(nb);
	free(h1);
	free(h2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_and_punctuation),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_cjk),
		cmocka_unit_test(test_thai),
		cmocka_unit_test(test_urdu),
		cmocka_unit_test(test_devanagari),
		cmocka_unit_test(test_no_words),
		cmocka_unit_test(test_normalize_then_tokenize),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
