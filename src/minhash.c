/* minhash.c - stage 4: MinHash signatures and the estimates drawn from them. */
#include "wiredup.h"

#include <assert.h>

/* splitmix64: the permutation coefficients derive from the seed alone. */
static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/*
 * The inner loop is most of the signing time. Built for AVX-512 and AVX2
 * besides the baseline (GCC picks one at load time) and at -O3 (see
 * CMakeLists.txt), the compiler vectorizes it: 5x faster on AVX-512, with
 * the very same results.
 */
/* (not under ThreadSanitizer: it instruments the load-time resolver) */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
	!defined(__SANITIZE_THREAD__) && !defined(WD_NO_CLONES)
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
void wd_minhash(uint32_t *sig, uint32_t num_perm, const uint64_t *shingles,
                size_t n, uint64_t seed)
{
	uint64_t state = seed;
	for (uint32_t i = 0; i < num_perm; i++) {
		/* Multiply-shift: (a*h + b) mod 2^64, top 32 bits; a odd. */
		uint64_t a = splitmix64(&state) | 1;
		uint64_t b = splitmix64(&state);
		uint32_t min = UINT32_MAX;
		for (size_t j = 0; j < n; j++) {
			uint32_t v = (uint32_t)((a * shingles[j] + b) >> 32);
			if (v < min)
				min = v;
		}
		sig[i] = min;
	}
}

double wd_minhash_jaccard(const uint32_t *a, const uint32_t *b, uint32_t num_perm)
{
	assert(num_perm > 0);
	uint32_t same = 0;
	for (uint32_t i = 0; i < num_perm; i++)
		same += a[i] == b[i];
	return (double)same / num_perm;
}

double wd_containment_estimate(double j, uint64_t na, uint64_t nb)
{
	uint64_t smaller = na < nb ? na : nb;
	if (smaller == 0)
		return 0.0;
	double inter = j * (double)(na + nb) / (1.0 + j);
	double c = inter / (double)smaller;
	return c > 1.0 ? 1.0 : c;
}
