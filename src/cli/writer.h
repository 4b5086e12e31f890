/*
 * writer.h - the server's one writer: a thread that owns the read-write
 * index handle, takes the queued writes of many requests, applies them in
 * one transaction (group commit), commits, and only then hands each
 * request its answer. An answered write is committed. With a time window
 * it also evicts articles older than the window, before each batch and
 * once a minute when idle.
 */
#ifndef WD_CLI_WRITER_H
#define WD_CLI_WRITER_H

#include "api.h"

#include <stdint.h>

typedef enum { JOB_ADD, JOB_DELETE } job_kind;

/* One request's write. The submitter fills the first part and keeps the
 * job alive until on_done has been called. */
typedef struct write_job {
	job_kind kind;
	const api_articles *articles; /* JOB_ADD */
	const char *id;               /* JOB_DELETE */
	/* Called under the writer's lock when the job is queued (nothing can
	 * complete it before this returns), and when it is done: the job
	 * must not be touched by the writer after on_done. */
	void (*on_queued)(struct write_job *job);
	void (*on_done)(struct write_job *job);
	void *ctx;
	/* set by the writer */
	api_reply reply;
	int done;
	struct write_job *next;
} write_job;

typedef struct writer_config {
	int64_t window;       /* seconds; 0: no window */
	size_t max_pending;   /* articles queued or in the open batch, at most */
	size_t max_batch;     /* articles per transaction, at most */
	size_t max_matches;   /* matches listed per answer */
} writer_config;

typedef struct writer writer;

/* Starts the writer thread over ix (which it owns until writer_stop). */
int writer_start(writer **out, wd_index *ix, const writer_config *cfg);

/*
 * Queues a job. Returns 0, or 503 when the queue is full (and sets
 * job->reply to say so, with nothing queued) or the writer is closed.
 */
unsigned writer_submit(writer *w, write_job *job);

/* Has the writer finished the job (under its lock)? */
int writer_job_done(writer *w, const write_job *job);

/* Refuses new jobs from now on; queued ones are still done. */
void writer_close(writer *w);

/* Jobs queued or in the open batch. */
size_t writer_pending(writer *w);

/* Counters since start, as JSON {"pending_writes", "stored", "unchanged",
 * "deleted", "evicted", "batches", "window_seconds"}. */
json_t *writer_stats_json(writer *w);

/* Finishes every queued job, stops the thread and frees the writer (not
 * the index). */
void writer_stop(writer *w);

#endif
