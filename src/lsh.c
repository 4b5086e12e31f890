/* lsh.c - stage 5: LSH band keys (the rows of one band hashed together). */
#include "bytes.h"
#include "wiredup.h"

#include <assert.h>
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
