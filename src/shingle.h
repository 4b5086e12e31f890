/* shingle.h - the hash of one shingle, for stages that need shingle order. */
#ifndef WD_SHINGLE_H
#define WD_SHINGLE_H

#include <stddef.h>
#include <stdint.h>

/* The hash of the n (<= 64) consecutive word hashes at words. */
uint64_t wd_shingle_hash(const uint64_t *words, size_t n, uint64_t seed);

/* The distinct shingles of a sequence, sorted (*set is malloc'd). */
int wd_shingle_set(uint64_t **set, size_t *n, const uint64_t *order, size_t n_order);

/* Sorts v and drops repeats in place; *n_out is the distinct count. */
int wd_shingle_set_inplace(uint64_t *v, size_t n, size_t *n_out);

#endif
