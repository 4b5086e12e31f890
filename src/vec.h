/* vec.h - a growable array of int64 (article numbers), used across stages. */
#ifndef WD_VEC_H
#define WD_VEC_H

#include <stdint.h>
#include <stdlib.h>

/*
 * Makes room for one more element in a growable array *v of *cap elements
 * of `size` bytes holding n: doubles it when full (first to `initial`).
 * Returns 0, or -1 out of memory (the array is unchanged).
 */
static inline int wd_grow(void *v, size_t *cap, size_t n, size_t size, size_t initial)
{
	void **array = v;
	if (n < *cap)
		return 0;
	size_t new_cap = *cap ? *cap * 2 : initial;
	void *p = realloc(*array, new_cap * size);
	if (!p)
		return -1;
	*array = p;
	*cap = new_cap;
	return 0;
}

typedef struct i64_vec {
	int64_t *v;
	size_t n, cap;
} i64_vec;

/* Appends x; returns 0, or -1 out of memory (the vector is unchanged). */
static inline int i64_push(i64_vec *vec, int64_t x)
{
	if (wd_grow(&vec->v, &vec->cap, vec->n, sizeof *vec->v, 16) < 0)
		return -1;
	vec->v[vec->n++] = x;
	return 0;
}

static inline int i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Sorts and drops repeats. */
static inline void i64_sort_unique(i64_vec *vec)
{
	size_t n = 0;
	if (vec->n > 1)
		qsort(vec->v, vec->n, sizeof *vec->v, i64_cmp);
	for (size_t i = 0; i < vec->n; i++)
		if (n == 0 || vec->v[i] != vec->v[n - 1])
			vec->v[n++] = vec->v[i];
	vec->n = n;
}

static inline void i64_free(i64_vec *vec)
{
	free(vec->v);
	vec->v = NULL;
	vec->n = vec->cap = 0;
}

#endif
