/* shingle.c - stage 3: word k-grams, hashed with XXH3, as a sorted set. */
#include "shingle.h"

#include "bytes.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/*
 * Sorts v by LSD radix, a byte at a time, through tmp (n elements): the
 * shingles of an article are a few hundred random 64-bit values, which this
 * sorts several times faster than qsort's comparisons.
 */
static void radix_sort_u64(uint64_t *v, uint64_t *tmp, size_t n)
{
	uint64_t *from = v, *to = tmp;
	for (int shift = 0; shift < 64; shift += 8) {
		size_t count[257] = {0};
		for (size_t i = 0; i < n; i++)
			count[((from[i] >> shift) & 0xFF) + 1]++;
		if (count[((from[0] >> shift) & 0xFF) + 1] == n)
			continue; /* all share this byte */
		for (int b = 0; b < 256; b++)
			count[b + 1] += count[b];
		for (size_t i = 0; i < n; i++)
			to[count[(from[i] >> shift) & 0xFF]++] = from[i];
		uint64_t *t = from;
		from = to;
		to = t;
	}
	if (from != v)
		memcpy(v, from, n * sizeof *v);
}

static void insertion_sort_u64(uint64_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint64_t x = v[i];
		size_t j = i;
		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * Sorts v (n > 32) by its highest bits that vary into about n/4 buckets,
 * then each bucket by insertion: hashes spread evenly, a few to a bucket,
 * so this is three passes where radix_sort_u64 takes sixteen. A bucket of
 * more than 64 (values that do not spread: pairs of article numbers) is
 * sorted by radix. Returns 0, or -1 without memory.
 */
static int bucket_sort_u64(uint64_t *v, size_t n)
{
	uint64_t diff = 0;
	for (size_t i = 0; i < n; i++)
		diff |= v[i] ^ v[0];
	if (!diff)
		return 0; /* all equal */
	/* bits above `top` are the same in every value, so the buckets of
	 * bits [shift, top] are in the values' order */
	int top = 63 - __builtin_clzll(diff), bits = 1;
	while (bits < 16 && ((size_t)1 << bits) < n / 4)
		bits++;
	int shift = top + 1 - bits > 0 ? top + 1 - bits : 0;
	size_t n_buckets = (size_t)1 << bits, mask = n_buckets - 1;
	/* an article's shingles fit on the stack (n <= 512: 128 buckets) */
	uint64_t small_tmp[512];
	size_t small_start[129];
	int on_heap = n > 512;
	uint64_t *tmp = on_heap ? malloc(n * sizeof *tmp) : small_tmp;
	size_t *start = on_heap ? malloc((n_buckets + 1) * sizeof *start) : small_start;
	if (!tmp || !start) {
		if (on_heap) {
			free(tmp);
			free(start);
		}
		return -1;
	}
	memset(start, 0, (n_buckets + 1) * sizeof *start);
	for (size_t i = 0; i < n; i++)
		start[((v[i] >> shift) & mask) + 1]++;
	for (size_t b = 0; b < n_buckets; b++)
		start[b + 1] += start[b];
	for (size_t i = 0; i < n; i++) /* start[b] ends as bucket b + 1's start */
		tmp[start[(v[i] >> shift) & mask]++] = v[i];
	for (size_t b = 0, from = 0; b < n_buckets; from = start[b], b++) {
		size_t len = start[b] - from;
		if (len > 64)
			radix_sort_u64(tmp + from, v + from, len); /* v's part as scratch */
		else
			insertion_sort_u64(tmp + from, len);
	}
	memcpy(v, tmp, n * sizeof *v);
	if (on_heap) {
		free(tmp);
		free(start);
	}
	return 0;
}

/* Sorts and drops repeats; returns the new count ((size_t)-1: no memory). */
static size_t sort_unique(uint64_t *v, size_t n)
{
	size_t uniq = 0;
	if (n <= 32)
		insertion_sort_u64(v, n);
	else if (bucket_sort_u64(v, n) < 0)
		return (size_t)-1;
	for (size_t i = 0; i < n; i++)
		if (uniq == 0 || v[i] != v[uniq - 1])
			v[uniq++] = v[i];
	return uniq;
}

uint64_t wd_shingle_hash(const uint64_t *words, size_t n, uint64_t seed)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* the words in memory are already their little-endian bytes */
	return XXH3_64bits_withSeed(words, 8 * n, seed);
#else
	unsigned char buf[8 * 64]; /* k <= 64, checked by wd_params_resolve */
	for (size_t i = 0; i < n; i++)
		wd_put_le64(buf + 8 * i, words[i]);
	return XXH3_64bits_withSeed(buf, 8 * n, seed);
#endif
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
	if ((*n = sort_unique(out, count)) == (size_t)-1) {
		free(out);
		*n = 0;
		return wd_fail_oom();
	}
	*shingles = out;
	return WD_OK;
}

int wd_shingle_set_inplace(uint64_t *v, size_t n, size_t *n_out)
{
	if ((*n_out = sort_unique(v, n)) == (size_t)-1)
		return wd_fail_oom();
	return WD_OK;
}

int wd_shingle_set(uint64_t **set, size_t *n, const uint64_t *order, size_t n_order)
{
	uint64_t *out = malloc((n_order ? n_order : 1) * sizeof *out);
	if (!out)
		return wd_fail_oom();
	memcpy(out, order, n_order * sizeof *out);
	if ((*n = sort_unique(out, n_order)) == (size_t)-1) {
		free(out);
		*n = 0;
		return wd_fail_oom();
	}
	*set = out;
	return WD_OK;
}
