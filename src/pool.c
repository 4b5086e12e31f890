/* pool.c - worker threads for the batch job's data-parallel stages. */
#include "pool.h"

#include "error.h"

#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct wd_pool {
	unsigned threads;
	pthread_t *workers;
	pthread_mutex_t lock;
	pthread_cond_t start, done;
	unsigned long generation; /* bumped for each loop */
	unsigned busy;            /* workers still in the current loop */
	int running;              /* a loop was started and not waited for */
	int stop;
	/* the current loop */
	pool_fn fn;
	void *ctx;
	size_t n, chunk;
	atomic_size_t next;
	atomic_int err;
	char message[512]; /* of the first error */
};

/* Takes chunks until none is left or a call fails. */
static void work(wd_pool *p, unsigned worker)
{
	for (;;) {
		if (atomic_load(&p->err) < 0)
			return;
		size_t begin = atomic_fetch_add(&p->next, p->chunk);
		if (begin >= p->n)
			return;
		size_t end = p->n - begin < p->chunk ? p->n : begin + p->chunk;
		int err = p->fn(p->ctx, begin, end, worker);
		if (err < 0) {
			int none = 0;
			pthread_mutex_lock(&p->lock);
			if (atomic_compare_exchange_strong(&p->err, &none, err))
				snprintf(p->message, sizeof p->message, "%s", wd_last_error());
			pthread_mutex_unlock(&p->lock);
			return;
		}
	}
}

typedef struct worker_arg {
	wd_pool *pool;
	unsigned index;
} worker_arg;

static void *worker_main(void *arg)
{
	worker_arg *wa = arg;
	wd_pool *p = wa->pool;
	unsigned index = wa->index;
	unsigned long seen = 0;
	free(wa);
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->generation == seen)
			pthread_cond_wait(&p->start, &p->lock);
		if (p->stop)
			break;
		seen = p->generation;
		pthread_mutex_unlock(&p->lock);
		work(p, index);
		pthread_mutex_lock(&p->lock);
		if (--p->busy == 0)
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int pool_open(wd_pool **out, unsigned threads)
{
	wd_pool *p = calloc(1, sizeof *p);
	*out = NULL;
	if (!p)
		return wd_fail_oom();
	p->threads = threads ? threads : 1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->start, NULL);
	pthread_cond_init(&p->done, NULL);
	if (!(p->workers = calloc(p->threads, sizeof *p->workers))) {
		free(p);
		return wd_fail_oom();
	}
	for (unsigned i = 0; i < p->threads; i++) {
		worker_arg *wa = malloc(sizeof *wa);
		if (wa)
			*wa = (worker_arg){p, i};
		if (!wa || pthread_create(&p->workers[i], NULL, worker_main, wa) != 0) {
			free(wa);
			p->threads = i; /* join the ones started */
			pool_close(p);
			return wd_fail(WD_ERROR, "cannot start worker thread %u", i);
		}
	}
	*out = p;
	return WD_OK;
}

unsigned pool_threads(const wd_pool *p)
{
	return p->threads;
}

void pool_start(wd_pool *p, size_t n, size_t chunk, pool_fn fn, void *ctx)
{
	pthread_mutex_lock(&p->lock);
	p->fn = fn;
	p->ctx = ctx;
	p->n = n;
	p->chunk = chunk ? chunk : 1;
	atomic_store(&p->next, 0);
	atomic_store(&p->err, 0);
	p->busy = p->threads;
	p->running = 1;
	p->generation++;
	pthread_cond_broadcast(&p->start);
	pthread_mutex_unlock(&p->lock);
}

int pool_wait(wd_pool *p)
{
	pthread_mutex_lock(&p->lock);
	while (p->busy)
		pthread_cond_wait(&p->done, &p->lock);
	int was_running = p->running;
	p->running = 0;
	pthread_mutex_unlock(&p->lock);
	int err = was_running ? atomic_load(&p->err) : 0;
	if (err < 0)
		return wd_fail(err, "%s", p->message);
	return WD_OK;
}

int pool_for(wd_pool *p, size_t n, size_t chunk, pool_fn fn, void *ctx)
{
	if (n == 0)
		return WD_OK;
	pool_start(p, n, chunk, fn, ctx);
	return pool_wait(p);
}

void pool_close(wd_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->start);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->threads; i++)
		pthread_join(p->workers[i], NULL);
	free(p->workers);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->start);
	pthread_cond_destroy(&p->done);
	free(p);
}
