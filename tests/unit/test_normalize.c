/* test_normalize.c - stage 1: wd_normalize and wd_utf8_valid. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "wiredup.h"
#include "normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Normalizes s and checks the result is exactly `expected`. */
static void check_norm(const char *s, const char *expected)
{
	char *out = NULL;
	size_t n = 0;
	assert_int_equal(wd_normalize(&out, &n, s, strlen(s)), WD_OK);
	assert_non_null(out);
	assert_int_equal(n, strlen(out));
	assert_string_equal(out, expected);
	free(out);
}

static void test_nfkc(void **state)
{
	(void)state;
	check_norm("\xEF\xAC\x81nance", "finance");           /* U+FB01 "ﬁ" ligature */
	check_norm("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3"      /* fullwidth "ＡＢＣ" */
	           "\xEF\xBC\x91\xEF\xBC\x92", "abc12");       /* fullwidth "１２" */
	check_norm("x\xC2\xB2", "x2");                         /* superscript two */
	check_norm("e\xCC\x81t\xC3\xA9", "\xC3\xA9t\xC3\xA9"); /* e + U+0301 composes */
}

static void test_case_folding(void **state)
{
	(void)state;
	check_norm("Stra\xC3\x9F" "e", "strasse");             /* "Straße" */
	check_norm("\xC3\x89" "COLE", "\xC3\xA9" "cole");      /* "ÉCOLE" -> "école" */
	check_norm("Hello WORLD", "hello world");
	check_norm("\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91", /* "ΣΟΦΙΑ" */
	           "\xCF\x83\xCE\xBF\xCF\x86\xCE\xB9\xCE\xB1");
}

static void test_quotes_and_dashes(void **state)
{
	(void)state;
	/* U+2018 / U+2019 single quotes and apostrophes */
	check_norm("\xE2\x80\x98" "no" "\xE2\x80\x99" ", it" "\xE2\x80\x99" "s",
	           "'no', it's");
	/* U+2013 en dash, U+2014 em dash */
	check_norm("1990" "\xE2\x80\x93" "95 " "\xE2\x80\x94" " end", "1990-95 - end");

	/* double quotes of every kind: U+201C, U+201D, U+201E, U+00AB, U+00BB */
	check_norm("\xE2\x80\x9C" "yes" "\xE2\x80\x9D", "\"yes\"");
	check_norm("\xE2\x80\x9E" "ja" "\xE2\x80\x9C", "\"ja\"");
	check_norm("\xC2\xAB" "oui" "\xC2\xBB", "\"oui\"");
}

static void test_spaces_and_ignorables(void **state)
{
	(void)state;
	check_norm("a\xC2\xA0" "b", "a b");                    /* U+00A0 no-break space */
	check_norm("news\xC2\xAD" "paper", "newspaper");       /* U+00AD soft hyphen */
	check_norm("zero\xE2\x80\x8B" "width", "zerowidth");   /* U+200B zero-width space */
	check_norm("a\xE2\x80\x83" "b", "a b");                /* U+2003 em space */
}

static void test_line_ends_and_tabs(void **state)
{
	(void)state;
	check_norm("one\r\ntwo\rthree\nfour", "one\ntwo\nthree\nfour");
	check_norm("col1\tcol2", "col1 col2");
	check_norm("bell\a!", "bell!");                        /* other controls dropped */
}

static void test_empty(void **state)
{
	(void)state;
	check_norm("", "");
}

/* One invalid sequence: where it starts, and what it is. */
struct bad_utf8 {
	const char *what;
	const char *bytes;
	size_t len;
	size_t offset;
};

static const struct bad_utf8 BAD[] = {
	{"stray continuation byte", "ab\x80" "cd", 5, 2},
	{"overlong '/' (C0 AF)", "x\xC0\xAF", 3, 1},
	{"overlong 3-byte (E0 80 AF)", "\xE0\x80\xAF", 3, 0},
	{"UTF-16 surrogate (ED A0 80)", "ok \xED\xA0\x80", 6, 3},
	{"truncated sequence at the end", "abc\xE2\x82", 5, 3},
	{"truncated sequence before ASCII", "\xE2\x82" "a", 3, 0},
	{"0xFF byte", "hi \xFF", 4, 3},
	{"beyond U+10FFFF (F4 90 80 80)", "\xF4\x90\x80\x80", 4, 0},
};

static void test_invalid_utf8(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
		const struct bad_utf8 *b = &BAD[i];
		size_t offset = 12345;
		char *out = NULL, expected[64];
		size_t n = 0;
		print_message("  %s\n", b->what);

		assert_int_equal(wd_utf8_valid(b->bytes, b->len, &offset), 0);
		assert_int_equal(offset, b->offset);
		assert_int_equal(wd_utf8_valid(b->bytes, b->len, NULL), 0);

		assert_int_equal(wd_normalize(&out, &n, b->bytes, b->len), WD_EINPUT);
		snprintf(expected, sizeof expected, "byte %zu", b->offset);
		assert_non_null(strstr(wd_last_error(), expected));
	}
}

static void test_valid_utf8(void **state)
{
	(void)state;
	const char *ok = "a \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\xB0 \xF4\x8F\xBF\xBF";
	size_t offset = 777;
	assert_int_equal(wd_utf8_valid(ok, strlen(ok), &offset), 1);
	assert_int_equal(offset, 777); /* untouched */
	assert_int_equal(wd_utf8_valid("", 0, NULL), 1);
}

/* Urdu "پاکستان" */
#define URDU_PAKISTAN "\xD9\xBE\xD8\xA7\xDA\xA9\xD8\xB3\xD8\xAA\xD8\xA7\xD9\x86"
/* Hindi "हिन्दी": ह ि न ् द ी */
#define HINDI_HINDI "\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4\xA6\xE0\xA5\x80"
#define DEVANAGARI_VOWEL_SIGN_I "\xE0\xA4\xBF" /* U+093F */
#define DEVANAGARI_VIRAMA "\xE0\xA5\x8D"       /* U+094D */

static void test_combining_marks_kept(void **state)
{
	(void)state;
	check_norm(URDU_PAKISTAN, URDU_PAKISTAN);
	check_norm(HINDI_HINDI, HINDI_HINDI);

	char *out = NULL;
	size_t n = 0;
	const char *s = "Hindi: " HINDI_HINDI " Urdu: " URDU_PAKISTAN;
	assert_int_equal(wd_normalize(&out, &n, s, strlen(s)), WD_OK);
	assert_non_null(strstr(out, DEVANAGARI_VOWEL_SIGN_I));
	assert_non_null(strstr(out, DEVANAGARI_VIRAMA));
	assert_non_null(strstr(out, URDU_PAKISTAN));
	free(out);

	/* Arabic harakat (Mn) stay too: "كَتَبَ" */
	check_norm("\xD9\x83\xD9\x8E\xD8\xAA\xD9\x8E\xD8\xA8\xD9\x8E",
	           "\xD9\x83\xD9\x8E\xD8\xAA\xD9\x8E\xD8\xA8\xD9\x8E");
}

/* Code points of categories L* and M* (and M* alone) in UTF-8 text. */
static void count_letters_marks(const char *s, size_t len, size_t *lm, size_t *m)
{
	size_t i = 0;
	*lm = *m = 0;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t step = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                                         (utf8proc_ssize_t)(len - i), &cp);
		assert_true(step > 0);
		switch (utf8proc_category(cp)) {
		case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
		case UTF8PROC_CATEGORY_ME:
			(*m)++;
			(*lm)++;
			break;
		case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
		case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
		case UTF8PROC_CATEGORY_LO:
			(*lm)++;
			break;
		default:
			break;
		}
		i += (size_t)step;
	}
}

/* Real Urdu news: normalization must not fail nor drop letters or marks. */
static void test_counter_urdu(void **state)
{
	(void)state;
	const char *shared = getenv("WD_SHARED_DATA");
	char path[4096];
	snprintf(path, sizeof path, "%s/counter-urdu/counter_urdu.jsonl",
	         shared ? shared : "");
	FILE *probe = shared ? fopen(path, "rb") : NULL;
	if (!probe) {
		print_message("WD_SHARED_DATA folder is absent (%s): skipping the "
		              "counter-urdu check\n", shared ? path : "WD_SHARED_DATA unset");
		skip();
	}
	fclose(probe);

	wd_reader *r = NULL;
	wd_article a;
	size_t total_marks = 0;
	assert_int_equal(wd_reader_open_jsonl(&r, path), WD_OK);
	for (int line = 0; line < 20; line++) {
		assert_int_equal(wd_reader_next(&a, r), 1);
		char *out = NULL;
		size_t n = 0;
		assert_int_equal(wd_normalize(&out, &n, a.text, a.text_len), WD_OK);

		/* NFKC alone is the reference: it may legitimately rewrite Arabic
		 * presentation forms; case folding does not touch Urdu. */
		utf8proc_uint8_t *nfkc = NULL;
		utf8proc_ssize_t nn = utf8proc_map(
			(const utf8proc_uint8_t *)a.text, (utf8proc_ssize_t)a.text_len, &nfkc,
			UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE);
		assert_true(nn >= 0);

		size_t lm_ref, m_ref, lm_out, m_out;
		count_letters_marks((const char *)nfkc, (size_t)nn, &lm_ref, &m_ref);
		count_letters_marks(out, n, &lm_out, &m_out);
		if (lm_out != lm_ref || m_out != m_ref)
			print_message("article %s: letters+marks %zu -> %zu, marks %zu -> %zu\n",
			              a.id, lm_ref, lm_out, m_ref, m_out);
		assert_int_equal(m_out, m_ref);
		assert_int_equal(lm_out, lm_ref);
		assert_true(lm_out > 100);
		total_marks += m_out;
		free(nfkc);
		free(out);
	}
	wd_reader_close(r);
	print_message("20 Urdu articles normalized, %zu combining marks kept\n",
	              total_marks);
}

/* The ASCII fast path gives utf8proc's bytes exactly, wherever ASCII meets
 * the rest: random strings of pieces chosen to compose, fold, vanish or
 * break lines at the seams. */
static void test_fast_path_equals_reference(void **state)
{
	(void)state;
	static const char *const pieces[] = {
		"a", "E", "z", " ", ".", "'", "\t", "\n", "\r", "\r\n", "\x01", "\x0b",
		"\x0c", "\x7f", "\x1f", "\xcc\x81" /* combining acute */,
		"\xcc\xb8" /* combining long solidus: = + it composes */, "=", "<",
		"\xc2\xad" /* soft hyphen */, "\xe2\x80\x8b" /* zero-width space */,
		"\xef\xac\x81" /* fi ligature */, "\xe2\x84\xaa" /* Kelvin sign */,
		"\xe2\x80\x9c" /* left double quote */, "\xc2\x85" /* NEL */,
		"\xe2\x80\xa8" /* line separator */, "\xc3\x9f" /* sharp s */,
		"\xc4\xb0" /* I with dot */, "\xce\xa3" /* Sigma */,
		"\xef\xbc\xa1" /* fullwidth A */, "\xe1\x84\x80" /* Hangul choseong */,
		"\xe1\x85\xa1" /* Hangul jungseong */, "\xc2\xa0" /* no-break space */,
		"\xd8\xa7" /* Arabic alef */, "\xd9\x8b" /* Arabic fathatan */,
		"\xe2\x80\x94" /* em dash */, "\xe3\x8d\xb1" /* square hPa */,
	};
	enum { N_PIECES = sizeof pieces / sizeof pieces[0] };
	uint64_t rng = 88172645463325252ULL;
	char buf[512];
	for (int round = 0; round < 20000; round++) {
		size_t len = 0;
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		int n = (int)(rng % 24);
		for (int i = 0; i < n; i++) {
			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			const char *p = pieces[rng % N_PIECES];
			memcpy(buf + len, p, strlen(p));
			len += strlen(p);
		}
		char *fast = NULL, *ref = NULL;
		size_t fast_len = 0, ref_len = 0;
		assert_int_equal(wd_normalize(&fast, &fast_len, buf, len), WD_OK);
		assert_int_equal(wd_normalize_reference(&ref, &ref_len, buf, len), WD_OK);
		if (fast_len != ref_len || memcmp(fast, ref, ref_len) != 0) {
			print_message("input of %zu bytes:", len);
			for (size_t i = 0; i < len; i++)
				print_message(" %02x", (unsigned char)buf[i]);
			print_message("\n");
		}
		assert_int_equal(fast_len, ref_len);
		assert_memory_equal(fast, ref, ref_len);
		free(fast);
		free(ref);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nfkc),
		cmocka_unit_test(test_case_folding),
		cmocka_unit_test(test_quotes_and_dashes),
		cmocka_unit_test(test_spaces_and_ignorables),
		cmocka_unit_test(test_line_ends_and_tabs),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_valid_utf8),
		cmocka_unit_test(test_combining_marks_kept),
		cmocka_unit_test(test_counter_urdu),
		cmocka_unit_test(test_fast_path_equals_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
