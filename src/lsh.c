/* lsh.c - stage 5: LSH band keys (the rows of one band hashed together). */
#include "lsh.h"

#include "bytes.h"
#include "error.h"
#include "shingle.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
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


/* Stores every slot, so that it compiles to vector minimums rather than
 * a branch per slot that goes either way at random. */
static void min_into(uint32_t *acc, const uint32_t *sig, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		acc[i] = sig[i] < acc[i] ? sig[i] : acc[i];
}

/* Files the keys of signature number `which` of `per_band`: band b's keys
 * are keys[b * per_band, (b + 1) * per_band). */
static void add_band_keys(uint64_t *keys, size_t which, size_t per_band,
                          const wd_params *p, const uint32_t *sig)
{
	for (uint32_t b = 0; b < p->bands; b++)
		keys[b * per_band + which] = wd_band_key(sig, b, p->rows, p->seed);
}

/*
 * The windows overlap by half (LSH_WINDOW is two LSH_STEPs), so each is
 * signed as the minimum of two block signatures, and the whole text as the
 * minimum of all blocks: every shingle is hashed once, plus those of the
 * last window, which ends with the text wherever that falls.
 */
int lsh_sign(uint32_t *sig, band_key **keys, size_t *n, const wd_params *p,
             const uint64_t *order, size_t n_order)
{
	const uint32_t K = p->num_perm;
	size_t n_windows = n_order > LSH_WINDOW ? (n_order - LSH_WINDOW) / LSH_STEP + 2 : 0;
	size_t n_blocks = n_order / LSH_STEP, uniq = 0, per_band = 1 + n_windows;
	size_t cap = per_band * p->bands;
	band_key *out = malloc((cap ? cap : 1) * sizeof *out);
	uint64_t *all = malloc((cap ? cap : 1) * sizeof *all);
	uint32_t *blocks = malloc(((n_blocks ? n_blocks : 1) + 2) * K * sizeof *blocks);
	uint32_t *wsig = blocks + (n_blocks ? n_blocks : 1) * (size_t)K, *rest = wsig + K;
	_Static_assert(LSH_WINDOW == 2 * LSH_STEP, "a window is two blocks");

	*keys = NULL;
	*n = 0;
	if (!out || !all || !blocks) {
		free(out);
		free(all);
		free(blocks);
		return wd_fail_oom();
	}
	for (size_t i = 0; i < n_blocks; i++)
		wd_minhash(blocks + i * K, K, order + i * LSH_STEP, LSH_STEP, p->seed);
	/* the whole text: all blocks and the rest */
	size_t n_rest = n_order - n_blocks * LSH_STEP;
	wd_minhash(rest, K, order + n_blocks * LSH_STEP, n_rest, p->seed);
	memcpy(sig, rest, K * sizeof *sig);
	for (size_t i = 0; i < n_blocks; i++)
		min_into(sig, blocks + i * K, K);
	add_band_keys(all, 0, per_band, p, sig);
	for (size_t w = 0; w < n_windows; w++) {
		if (w + 1 < n_windows) {
			memcpy(wsig, blocks + w * K, K * sizeof *wsig);
			min_into(wsig, blocks + (w + 1) * K, K);
		} else {
			/* the last window ends with the text: the end of the
			 * last block but one, the last block, and the rest
			 * (there are two blocks or more: n_order > LSH_WINDOW) */
			wd_minhash(wsig, K, order + n_order - LSH_WINDOW, LSH_STEP - n_rest, p->seed);
			min_into(wsig, blocks + (n_blocks - 1) * K, K);
			min_into(wsig, rest, K);
		}
		add_band_keys(all, 1 + w, per_band, p, wsig);
	}
	free(blocks);
	/* by band, then key, each once (a band's keys are few: one per window
	 * and one for the whole text) */
	int err = WD_OK;
	for (uint32_t b = 0; b < p->bands && err == WD_OK; b++) {
		uint64_t *k = all + b * per_band;
		size_t distinct;
		if ((err = wd_shingle_set_inplace(k, per_band, &distinct)) < 0)
			break;
		for (size_t i = 0; i < distinct; i++)
			out[uniq++] = (band_key){b, k[i]};
	}
	free(all);
	if (err < 0) {
		free(out);
		return err;
	}
	*keys = out;
	*n = uniq;
	return WD_OK;
}
