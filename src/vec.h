/* vec.h - a growable array of int64 (article numbers), used across stages. */
#ifndef WD_VEC_H
#define WD_VEC_H

#include <stdint.h>
#include <stdlib.h>

typedef struct i64_vec {
	int64_t *v;
	size_t n, cap;
} i64_vec;

/* Appends x; returns 0, or -1 out of memory (the vector is unchanged). */
static inline int i64_push(i64_vec *vec, int64_t x)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 16;
		int64_t *v = realloc(vec->v, cap * sizeof *v);
		if (!v)
			return -1;
		vec->v = v;
		vec->cap = cap;
	}
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
