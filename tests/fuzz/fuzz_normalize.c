/*
 * fuzz_normalize.c - libFuzzer harness for the text stages: UTF-8
 * validation, normalization, tokenizing, shingling and MinHash.
 *
 * Input: byte 0 picks the shingle size k = 1..5, the rest is the text.
 * Invariants: wd_normalize equals wd_normalize_reference (utf8proc alone,
 * without the ASCII fast path) byte for byte; it fails iff wd_utf8_valid says invalid (and the
 * bytes before the reported offset are valid); the output is valid UTF-8,
 * NUL-terminated, without ASCII controls other than LF; shingles are sorted
 * and distinct, at most one per word; a signature contains its subsets'.
 * (NFKC + case folding is not idempotent for every input: not asserted.)
 */
#include <wiredup.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "normalize.h"

enum { K = 128, SEED = 1 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	uint32_t k = 1 + data[0] % 5;
	const char *text = (const char *)data + 1;
	size_t len = size - 1, bad = SIZE_MAX;

	int valid = wd_utf8_valid(text, len, &bad);
	CHECK(valid == 0 || valid == 1);
	if (!valid)
		CHECK(bad < len && wd_utf8_valid(text, bad, NULL));

	char *norm = NULL;
	size_t norm_len = 0;
	int rc = wd_normalize(&norm, &norm_len, text, len);
	if (rc == WD_ENOMEM)
		return 0;
	CHECK((rc == WD_OK) == valid);
	if (rc < 0) {
		CHECK(rc == WD_EINPUT && wd_last_error()[0]);
		return 0;
	}
	CHECK(norm && norm[norm_len] == '\0');
	char *ref = NULL;
	size_t ref_len = 0;
	if (wd_normalize_reference(&ref, &ref_len, text, len) == WD_OK) {
		CHECK(ref_len == norm_len && memcmp(ref, norm, norm_len) == 0);
		free(ref);
	}
	CHECK(wd_utf8_valid(norm, norm_len, NULL));
	for (size_t i = 0; i < norm_len; i++)
		CHECK(norm[i] == '\n' || ((unsigned char)norm[i] >= 0x20 && norm[i] != 0x7F));

	uint64_t *words = NULL, *sh = NULL;
	size_t n_words = 0, n_sh = 0;
	CHECK(wd_tokenize(&words, &n_words, norm, norm_len) == WD_OK);
	CHECK(wd_shingle(&sh, &n_sh, words, n_words, k, SEED) == WD_OK);
	if (n_words == 0)
		CHECK(n_sh == 0);
	else
		CHECK(n_sh >= 1 && n_sh <= n_words - (n_words < k ? n_words : k) + 1);
	for (size_t i = 1; i < n_sh; i++)
		CHECK(sh[i - 1] < sh[i]);

	if (n_sh) {
		uint32_t sig[K], again[K], first[K];
		wd_minhash(sig, K, sh, n_sh, SEED);
		wd_minhash(again, K, sh, n_sh, SEED);
		wd_minhash(first, K, sh, 1, SEED);
		CHECK(wd_minhash_jaccard(sig, again, K) == 1.0);
		for (size_t i = 0; i < K; i++)
			CHECK(sig[i] <= first[i]); /* the minimum over a superset */
	}
	free(sh);
	free(words);
	free(norm);
	return 0;
}
