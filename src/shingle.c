/* shingle.c - stage 3: word k-grams, hashed with XXH3, as a sorted set. */
#include "bytes.h"
#include "error.h"

#include <stdlib.h>
#include <xxhash.h>

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static uint64_t hash_words(const uint64_t *words, size_t n, uint64_t seed)
{
	unsigned char buf[8 * 64]; /* k <= 64, checked by wd_params_resolve */
	for (size_t i = 0; i < n; i++)
		wd_put_le64(buf + 8 * i, words[i]);
	return XXH3_64bits_withSeed(buf, 8 * n, seed);
}

int wd_shingle(uint64_t **shingles, size_t *n, const uint64_t *words,
               size_t n_words, uint32_t k, uint64_t seed)
{
	if (k == 0 || k > 64)
		return wd_fail(WD_EINVAL, "shingle size must be 1..64, not %u", k);
	*shingles = NULL;
	*n = 0;
	if (n_words == 0)
		return WD_OK;

	/* A text shorter than k words is one shingle of all its words. */
	size_t width = n_words < k ? n_words : k;
	size_t count = n_words - width + 1;
	uint64_t *out = malloc(count * sizeof *out);
	if (!out)
		return wd_fail_oom();
	for (size_t i = 0; i < count; i++)
		out[i] = hash_words(words + i, width, seed);

	qsort(out, count, sizeof *out, cmp_u64);
	size_t uniq = 1;
	for (size_t i = 1; i < count; i++)
		if (out[i] != out[uniq - 1])
			out[uniq++] = out[i];
	*shingles = out;
	*n = uniq;
	return WD_OK;
}
