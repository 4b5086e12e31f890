/* lsh.c - stage 5: LSH band keys (the rows of one band hashed together). */
#include "lsh.h"

#include "bytes.h"
#include "error.h"

#include <assert.h>
#include <stdlib.h>
#include <xxhash.h>

uint64_t wd_band_key(const uint32_t *sig, uint32_t band, uint32_t rows, uint64_t seed)
{
	unsigned char buf[4 * 4096]; /* rows <= num_perm <= 4096 */
	const uint32_t *slots = sig + (size_t)band * rows;
	assert(rows <= 4096);
	for (uint32_t i = 0; i < rows; i++)
		wd_put_le32(buf + 4 * i, slots[i]);
	return XXH3_64bits_withSeed(buf, 4 * (size_t)rows, seed + band);
}

static int cmp_band_key(const void *a, const void *b)
{
	const band_key *x = a, *y = b;
	if (x->band != y->band)
		return (x->band > y->band) - (x->band < y->band);
	return (x->key > y->key) - (x->key < y->key);
}

int lsh_article_keys(band_key **keys, size_t *n, const wd_params *p, const uint32_t *sig,
                     const uint64_t *order, size_t n_order)
{
	*keys = NULL;
	*n = 0;
	size_t n_windows = n_order > LSH_WINDOW ? (n_order - LSH_WINDOW) / LSH_STEP + 2 : 0;
	size_t cap = (1 + n_windows) * p->bands, count = 0, uniq = 0;
	band_key *out = malloc((cap ? cap : 1) * sizeof *out);
	uint32_t *wsig = malloc(p->num_perm * sizeof *wsig);
	if (!out || !wsig) {
		free(out);
		free(wsig);
		return wd_fail_oom();
	}
	for (uint32_t b = 0; b < p->bands; b++)
		out[count++] = (band_key){b, wd_band_key(sig, b, p->rows, p->seed)};
	for (size_t w = 0; w < n_windows; w++) {
		/* the last window ends with the text */
		size_t start = w + 1 < n_windows ? w * LSH_STEP : n_order - LSH_WINDOW;
		wd_minhash(wsig, p->num_perm, order + start, LSH_WINDOW, p->seed);
		for (uint32_t b = 0; b < p->bands; b++)
			out[count++] = (band_key){b, wd_band_key(wsig, b, p->rows, p->seed)};
	}
	free(wsig);
	qsort(out, count, sizeof *out, cmp_band_key);
	for (size_t i = 0; i < count; i++)
		if (uniq == 0 || cmp_band_key(&out[i], &out[uniq - 1]) != 0)
			out[uniq++] = out[i];
	*keys = out;
	*n = uniq;
	return WD_OK;
}
