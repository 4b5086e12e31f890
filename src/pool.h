/*
 * pool.h - a fixed set of worker threads for data-parallel loops: the
 * batch job runs each of its stages as "do fn on items 0..n-1" over all
 * cores. A loop may also run in the background (pool_start, pool_wait)
 * while the caller does something else, such as reading the next articles.
 */
#ifndef WD_POOL_H
#define WD_POOL_H

#include <stddef.h>

typedef struct wd_pool wd_pool;

/* Runs items [begin, end) on worker `worker` (0 .. threads-1); returns 0,
 * or a negative wd_error, which stops the loop. */
typedef int (*pool_fn)(void *ctx, size_t begin, size_t end, unsigned worker);

/* Starts `threads` workers (at least 1). */
int pool_open(wd_pool **out, unsigned threads);

/* The number of worker threads. */
unsigned pool_threads(const wd_pool *p);

/*
 * Calls fn over [0, n) in chunks of `chunk` items, spread over the workers,
 * and returns when all are done: 0, or the first error a call returned (its
 * message is copied to the caller's wd_last_error()). One loop at a time.
 */
int pool_for(wd_pool *p, size_t n, size_t chunk, pool_fn fn, void *ctx);

/* pool_for in two halves: start the loop and return at once; then wait for
 * it (its result). pool_wait without a loop running returns 0. */
void pool_start(wd_pool *p, size_t n, size_t chunk, pool_fn fn, void *ctx);
int pool_wait(wd_pool *p);

/* Stops and joins the workers. NULL is a no-op. */
void pool_close(wd_pool *p);

#endif
