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

/* Files the keys of a signature in bands [first, first + n) of `rows`
 * slots each, one key a band, `stride` apart: band first + i's key goes to
 * keys[i * stride]. A band's key hashes its slots with seed + its number,
 * so that no two bands share a key space. */
static void add_band_keys(uint64_t *keys, size_t stride, uint32_t first, uint32_t n,
                          uint32_t rows, uint64_t seed, const uint32_t *sig)
{
	for (uint32_t i = 0; i < n; i++)
		keys[i * stride] = wd_band_key(sig, i, rows, seed + first);
}

uint32_t lsh_band_count(const wd_params *p)
{
	return p->bands + p->window_bands;
}

/*
 * The windows overlap by half (LSH_WINDOW is two LSH_STEPs), so each is
 * signed as the minimum of two block signatures, and the whole text as the
 * minimum of all blocks: every shingle is hashed once, plus those of the
 * last window, which ends with the text wherever that falls.
 *
 * Keys go into `all` band by band: a text band holds the whole text's key
 * (and, in an index of the old layout, every window's), a window band one
 * key per window, or the whole text's when it is no longer than a window.
 */
int lsh_sign(uint32_t *sig, band_key **keys, size_t *n, const wd_params *p,
             const uint64_t *order, size_t n_order)
{
	const uint32_t K = p->num_perm, n_bands = lsh_band_count(p);
	const int own_bands = p->window_bands > 0; /* else windows share the text bands */
	/* window signatures need only the slots their bands read */
	const uint32_t W = own_bands ? p->window_bands * p->window_rows : K;
	size_t n_windows = n_order > LSH_WINDOW ? (n_order - LSH_WINDOW) / LSH_STEP + 2 : 0;
	size_t n_blocks = n_order / LSH_STEP, uniq = 0;
	size_t n_sigs = n_windows ? n_windows : 1; /* keys per window band */
	size_t per_text_band = own_bands ? 1 : 1 + n_windows;
	size_t windows_at = (size_t)p->bands * per_text_band; /* the window bands' keys */
	size_t cap = windows_at + (size_t)p->window_bands * n_sigs;
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
	add_band_keys(all, per_text_band, 0, p->bands, p->rows, p->seed, sig);
	if (!n_windows)
		add_band_keys(all + windows_at, n_sigs, p->bands, p->window_bands, p->window_rows,
		              p->seed, sig);
	for (size_t w = 0; w < n_windows; w++) {
		if (w + 1 < n_windows) {
			memcpy(wsig, blocks + w * K, W * sizeof *wsig);
			min_into(wsig, blocks + (w + 1) * K, W);
		} else {
			/* the last window ends with the text: the end of the
			 * last block but one, the last block, and the rest
			 * (there are two blocks or more: n_order > LSH_WINDOW) */
			wd_minhash(wsig, W, order + n_order - LSH_WINDOW, LSH_STEP - n_rest, p->seed);
			min_into(wsig, blocks + (n_blocks - 1) * K, W);
			min_into(wsig, rest, W);
		}
		if (own_bands)
			add_band_keys(all + windows_at + w, n_sigs, p->bands, p->window_bands,
			              p->window_rows, p->seed, wsig);
		else
			add_band_keys(all + 1 + w, per_text_band, 0, p->bands, p->rows, p->seed, wsig);
	}
	free(blocks);
	/* by band, then key, each once */
	int err = WD_OK;
	for (uint32_t b = 0; b < n_bands && err == WD_OK; b++) {
		size_t len = b < p->bands ? per_text_band : n_sigs;
		uint64_t *k = b < p->bands ? all + (size_t)b * per_text_band
		                           : all + windows_at + (size_t)(b - p->bands) * n_sigs;
		size_t distinct;
		if ((err = wd_shingle_set_inplace(k, len, &distinct)) < 0)
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
