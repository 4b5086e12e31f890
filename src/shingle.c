/* shingle.c - stage 3: word k-grams, hashed with XXH3, as a sorted set. */
#include "shingle.h"

#include "bytes.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Sorts and drops repeats; returns the new count. */
static size_t sort_unique(uint64_t *v, size_t n)
{
	size_t uniq = 0;
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_u64);
	for (size_t i = 0; i < n; i++)
		if (uniq == 0 || v[i] != v[uniq - 1])
			v[uniq++] = v[i];
	return uniq;
}

uint64_t wd_shingle_hash(const uint64_t *words, size_t n, uint64_t seed)
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
		out[i] = wd_shingle_hash(words + i, width, seed);
	*shingles = out;
	*n = sort_unique(out, count);
	return WD_OK;
}

int wd_shingle_set_inplace(uint64_t *v, size_t n, size_t *n_out)
{
	*n_out = sort_unique(v, n);
	return WD_OK;
}

int wd_shingle_set(uint64_t **set, size_t *n, const uint64_t *order, size_t n_order)
{
	uint64_t *out = malloc((n_order ? n_order : 1) * sizeof *out);
	if (!out)
		return wd_fail_oom();
	memcpy(out, order, n_order * sizeof *out);
	*set = out;
	*n = sort_unique(out, n_order);
	return WD_OK;
}
