/* writer.c - the server's single writer with group commit (see writer.h). */
#include "writer.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { IDLE_EVICT_SECONDS = 60 };

struct writer {
	wd_index *ix;
	writer_config cfg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	write_job *head, *tail; /* queued, oldest first */
	size_t pending;         /* articles (or deletions) queued or in the batch */
	int closed, stopping;
	struct counts {
		uint64_t stored, unchanged, deleted, evicted, batches;
	} counts; /* under lock; the writer counts a batch apart, then adds */
};

static void add_counts(writer *w, const struct counts *c)
{
	pthread_mutex_lock(&w->lock);
	w->counts.stored += c->stored;
	w->counts.unchanged += c->unchanged;
	w->counts.deleted += c->deleted;
	w->counts.evicted += c->evicted;
	w->counts.batches += c->batches;
	pthread_mutex_unlock(&w->lock);
}

static size_t job_weight(const write_job *job)
{
	return job->kind == JOB_ADD ? job->articles->n : 1;
}

unsigned writer_submit(writer *w, write_job *job)
{
	size_t n = job_weight(job);
	pthread_mutex_lock(&w->lock);
	if (w->closed) {
		pthread_mutex_unlock(&w->lock);
		api_fail(&job->reply, 503, "the server is shutting down");
		return 503;
	}
	/* one request larger than the queue still goes in when it is empty */
	if (w->pending && w->pending + n > w->cfg.max_pending) {
		size_t pending = w->pending;
		pthread_mutex_unlock(&w->lock);
		api_fail(&job->reply, 503, "overloaded: %zu writes are waiting (the queue holds "
		         "%zu); retry later", pending, w->cfg.max_pending);
		return 503;
	}
	job->done = 0;
	job->next = NULL;
	if (job->on_queued)
		job->on_queued(job);
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	w->pending += n;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

int writer_job_done(writer *w, const write_job *job)
{
	pthread_mutex_lock(&w->lock);
	int done = job->done;
	pthread_mutex_unlock(&w->lock);
	return done;
}

/* Applies one job inside the open batch, setting its reply. */
static void run_job(writer *w, write_job *job, struct counts *c)
{
	if (job->kind == JOB_DELETE) {
		api_delete(&job->reply, w->ix, job->id);
		c->deleted += job->reply.status == 200;
		return;
	}
	const api_articles *a = job->articles;
	json_t **answers = calloc(a->n, sizeof *answers);
	unsigned *statuses = calloc(a->n, sizeof *statuses);
	if (!answers || !statuses) {
		free(answers);
		free(statuses);
		api_fail(&job->reply, 503, "out of memory");
		return;
	}
	for (size_t i = 0; i < a->n; i++) {
		answers[i] = api_add(&statuses[i], w->ix, &a->v[i], w->cfg.max_matches);
		const char *stored = json_string_value(json_object_get(answers[i], "stored"));
		if (stored && strcmp(stored, "new") == 0)
			c->stored++;
		else if (stored)
			c->unchanged++;
	}
	api_combine(&job->reply, answers, statuses, a->n, a->is_array);
	free(answers);
	free(statuses);
}

/* Deletes what the window has left behind, in the open batch if any;
 * returns how many. */
static size_t evict(writer *w, int64_t now)
{
	size_t n = 0;
	wd_index_set_cutoff(w->ix, now - w->cfg.window);
	if (wd_index_evict(&n, w->ix, now - w->cfg.window) < 0)
		fprintf(stderr, "wiredup serve: evicting articles older than the window: %s\n",
		        wd_last_error());
	return n;
}

/* Evicts in a transaction of its own (at start, and when idle). */
static void evict_alone(writer *w)
{
	struct counts c = {0};
	c.evicted = evict(w, (int64_t)time(NULL));
	add_counts(w, &c);
}

/* Replaces every reply of the batch with a failure. */
static void fail_batch(write_job *jobs, unsigned status, const char *what)
{
	for (write_job *j = jobs; j; j = j->next) {
		json_decref(j->reply.body);
		api_fail(&j->reply, status, "%s: %s", what, wd_last_error());
	}
}

/* One transaction: eviction, the jobs, the commit. Replies are final
 * once this returns: a failed commit turns them all into errors. */
static void run_batch(writer *w, write_job *jobs)
{
	struct counts c = {0};
	int err = wd_index_begin(w->ix);
	if (err < 0) {
		fail_batch(jobs, api_status_of(err), "starting a transaction");
		return;
	}
	if (w->cfg.window)
		c.evicted = evict(w, (int64_t)time(NULL));
	for (write_job *j = jobs; j; j = j->next)
		run_job(w, j, &c);
	if ((err = wd_index_commit(w->ix)) < 0) {
		fail_batch(jobs, api_status_of(err), "committing");
		if (wd_index_rollback(w->ix) < 0)
			fprintf(stderr, "wiredup serve: rolling back: %s\n", wd_last_error());
		return;
	}
	c.batches = 1;
	add_counts(w, &c);
}

static void *writer_main(void *arg)
{
	writer *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->head && !w->stopping) {
			if (!w->cfg.window) {
				pthread_cond_wait(&w->wake, &w->lock);
				continue;
			}
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += IDLE_EVICT_SECONDS;
			if (pthread_cond_timedwait(&w->wake, &w->lock, &until) == ETIMEDOUT &&
			    !w->head) {
				pthread_mutex_unlock(&w->lock);
				evict_alone(w);
				pthread_mutex_lock(&w->lock);
			}
		}
		if (!w->head)
			break; /* stopping, and nothing is left */
		/* take jobs up to max_batch articles (at least one job) */
		write_job *batch = w->head, *last = w->head;
		size_t n = job_weight(last);
		while (last->next && n + job_weight(last->next) <= w->cfg.max_batch) {
			last = last->next;
			n += job_weight(last);
		}
		w->head = last->next;
		if (!w->head)
			w->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&w->lock);

		run_batch(w, batch);

		pthread_mutex_lock(&w->lock);
		for (write_job *j = batch; j; j = j->next)
			j->done = 1;
		w->pending -= n;
		pthread_mutex_unlock(&w->lock);
		/* after on_done the job belongs to its request again */
		for (write_job *j = batch, *next; j; j = next) {
			next = j->next;
			j->on_done(j);
		}
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int writer_start(writer **out, wd_index *ix, const writer_config *cfg)
{
	writer *w = calloc(1, sizeof *w);
	*out = NULL;
	if (!w)
		return -1;
	w->ix = ix;
	w->cfg = *cfg;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	if (cfg->window)
		evict_alone(w); /* what aged out while the server was down */
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return -1;
	}
	*out = w;
	return 0;
}

void writer_close(writer *w)
{
	pthread_mutex_lock(&w->lock);
	w->closed = 1;
	pthread_mutex_unlock(&w->lock);
}

size_t writer_pending(writer *w)
{
	pthread_mutex_lock(&w->lock);
	size_t n = w->pending;
	pthread_mutex_unlock(&w->lock);
	return n;
}

json_t *writer_stats_json(writer *w)
{
	pthread_mutex_lock(&w->lock);
	json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "pending_writes",
	                      (json_int_t)w->pending, "stored", (json_int_t)w->counts.stored,
	                      "unchanged", (json_int_t)w->counts.unchanged, "deleted",
	                      (json_int_t)w->counts.deleted, "evicted",
	                      (json_int_t)w->counts.evicted, "batches",
	                      (json_int_t)w->counts.batches);
	pthread_mutex_unlock(&w->lock);
	json_object_set_new(o, "window_seconds",
	                    w->cfg.window ? json_integer((json_int_t)w->cfg.window) : json_null());
	return o;
}

void writer_stop(writer *w)
{
	pthread_mutex_lock(&w->lock);
	w->closed = w->stopping = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
