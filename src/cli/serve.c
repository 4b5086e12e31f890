/*
 * serve.c - `wiredup serve`: routes requests to the index. Reads run in
 * the HTTP pool threads, each on its own read-only handle of the index
 * (SQLite in WAL mode lets them read while the writer writes); writes go
 * to the one writer thread (writer.c), which answers after its commit.
 */
#include "serve.h"

#include "api.h"
#include "http.h"
#include "writer.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_FATAL = 3 };
enum { MAX_BATCH = 256, DRAIN_SECONDS = 30 };

typedef struct server {
	const serve_config *cfg;
	writer *writer;
	/* the readers of the pool threads, to close at the end */
	pthread_mutex_t lock;
	wd_index **readers;
	size_t n_readers, cap_readers;
} server;

static _Thread_local wd_index *tl_reader;

/* This thread's read handle, opened on first use. NULL on failure (with
 * *reply set). */
static wd_index *reader(server *sv, api_reply *reply)
{
	if (tl_reader) {
		wd_index_set_cutoff(tl_reader,
		                    sv->cfg->window ? (int64_t)time(NULL) - sv->cfg->window : 0);
		return tl_reader;
	}
	wd_index *ix;
	if (wd_index_open_existing(&ix, sv->cfg->db) < 0 ||
	    wd_index_set_busy_timeout(ix, (int)sv->cfg->busy_timeout) < 0) {
		api_fail(reply, 500, "opening a reader: %s", wd_last_error());
		return NULL;
	}
	pthread_mutex_lock(&sv->lock);
	if (sv->n_readers == sv->cap_readers) {
		size_t cap = sv->cap_readers ? sv->cap_readers * 2 : 8;
		wd_index **v = realloc(sv->readers, cap * sizeof *v);
		if (!v) {
			pthread_mutex_unlock(&sv->lock);
			wd_index_close(ix);
			api_fail(reply, 503, "out of memory");
			return NULL;
		}
		sv->readers = v;
		sv->cap_readers = cap;
	}
	sv->readers[sv->n_readers++] = ix;
	pthread_mutex_unlock(&sv->lock);
	tl_reader = ix;
	return reader(sv, reply);
}

/* ---- writes: a job per request, handed to the writer ---- */

typedef struct pending_write {
	write_job job;
	api_articles articles;
	char *id;
} pending_write;

static void pending_free(void *p)
{
	pending_write *pw = p;
	api_articles_free(&pw->articles);
	json_decref(pw->job.reply.body);
	free(pw->id);
	free(pw);
}

static void job_queued(write_job *job)
{
	http_suspend(job->ctx);
}

static void job_done(write_job *job)
{
	http_resume(job->ctx);
}

/* Queues a write for the request, or replies at once (bad body, full). */
static http_outcome submit_write(server *sv, http_request *req, api_reply *reply,
                                 job_kind kind, const char *id)
{
	pending_write *pw = calloc(1, sizeof *pw);
	if (!pw) {
		api_fail(reply, 503, "out of memory");
		return HTTP_REPLIED;
	}
	http_set_state(req, pw, pending_free);
	pw->job = (write_job){.kind = kind, .articles = &pw->articles, .on_queued = job_queued,
	                      .on_done = job_done, .ctx = req};
	if (kind == JOB_ADD) {
		size_t len;
		const char *body = http_body(req, &len);
		if (api_parse_articles(&pw->articles, reply, body, len) < 0)
			return HTTP_REPLIED;
	} else if (!(pw->id = strdup(id))) {
		api_fail(reply, 503, "out of memory");
		return HTTP_REPLIED;
	}
	pw->job.id = pw->id;
	if (writer_submit(sv->writer, &pw->job) != 0) {
		*reply = pw->job.reply;
		pw->job.reply.body = NULL;
		return HTTP_REPLIED;
	}
	return HTTP_DEFERRED;
}

/* ---- routing ---- */

static void not_allowed(api_reply *reply, const char *method, const char *path,
                        const char *allow)
{
	api_fail(reply, 405, "%s is not allowed on %s (allowed: %s)", method, path, allow);
	reply->allow = allow;
}

/* The id after prefix in path, or NULL when path is not prefix + id. */
static const char *id_after(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(path, prefix, n) == 0 && path[n] ? path + n : NULL;
}

static http_outcome route(http_request *req, api_reply *reply, void *ctx)
{
	server *sv = ctx;
	const char *m = http_method(req), *path = http_path(req), *id;
	int get = strcmp(m, "GET") == 0, post = strcmp(m, "POST") == 0;
	wd_index *ix;

	/* a write coming back from the writer: its answer */
	pending_write *pw = http_state(req);
	if (pw) { /* resumed only once the writer is done with it */
		if (!writer_job_done(sv->writer, &pw->job)) {
			api_fail(reply, 500, "internal error: a write resumed before it was done");
			return HTTP_REPLIED;
		}
		*reply = pw->job.reply;
		pw->job.reply.body = NULL;
		return HTTP_REPLIED;
	}

	if (strcmp(path, "/v1/articles") == 0) {
		if (post)
			return submit_write(sv, req, reply, JOB_ADD, NULL);
		not_allowed(reply, m, path, "POST");
	} else if ((id = id_after(path, "/v1/articles/"))) {
		if (strcmp(m, "DELETE") == 0)
			return submit_write(sv, req, reply, JOB_DELETE, id);
		if (!get)
			not_allowed(reply, m, path, "GET, DELETE");
		else if ((ix = reader(sv, reply)))
			api_get_article(reply, ix, id, sv->cfg->max_matches);
	} else if (strcmp(path, "/v1/query") == 0) {
		api_articles a;
		size_t len;
		const char *body = http_body(req, &len);
		if (!post)
			not_allowed(reply, m, path, "POST");
		else if ((ix = reader(sv, reply)) &&
		         api_parse_articles(&a, reply, body, len) == 0) {
			api_query(reply, ix, &a, sv->cfg->max_matches);
			api_articles_free(&a);
		}
	} else if ((id = id_after(path, "/v1/clusters/"))) {
		if (!get)
			not_allowed(reply, m, path, "GET");
		else if ((ix = reader(sv, reply)))
			api_get_cluster(reply, ix, id);
	} else if (strcmp(path, "/v1/health") == 0) {
		if (!get)
			not_allowed(reply, m, path, "GET");
		else
			*reply = (api_reply){200, json_pack("{s:s}", "status", "ok"), NULL};
	} else if (strcmp(path, "/v1/stats") == 0) {
		if (!get)
			not_allowed(reply, m, path, "GET");
		else if ((ix = reader(sv, reply)))
			api_stats(reply, ix, writer_stats_json(sv->writer));
	} else {
		api_fail(reply, 404, "no such endpoint: %s %s (see docs/api.md)", m, path);
	}
	return HTTP_REPLIED;
}

/* ---- start, run, drain ---- */

/* The token in a file (its first line, blanks around it dropped). */
static char *read_token(const char *path)
{
	FILE *fp = fopen(path, "r");
	char buf[4096];
	if (!fp) {
		fprintf(stderr, "wiredup serve: --token-file %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (!fgets(buf, sizeof buf, fp))
		buf[0] = '\0';
	fclose(fp);
	char *s = buf, *e = buf + strlen(buf);
	while (*s == ' ' || *s == '\t')
		s++;
	while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	if (!*s) {
		fprintf(stderr, "wiredup serve: --token-file %s: the first line holds no token\n",
		        path);
		return NULL;
	}
	return strdup(s);
}

static int is_loopback(const char *bound)
{
	return strncmp(bound, "127.", 4) == 0 || strncmp(bound, "[::1]", 5) == 0;
}

/* Waits until every queued write is answered and no request is in
 * flight (or DRAIN_SECONDS pass for slow clients). */
static void drain(server *sv, http_server *http)
{
	struct timespec tick = {0, 10 * 1000 * 1000};
	time_t deadline = time(NULL) + DRAIN_SECONDS;
	while (writer_pending(sv->writer) > 0)
		nanosleep(&tick, NULL); /* the writer answers what it holds, always */
	while (http_in_flight(http) > 0 && time(NULL) < deadline)
		nanosleep(&tick, NULL);
}

int serve_run(const serve_config *cfg)
{
	server sv = {.cfg = cfg};
	wd_index *ix = NULL;
	http_server *http = NULL;
	char *token = NULL, bound[128], err[512];
	sigset_t sigs;
	int sig, status = EXIT_FATAL;

	if (cfg->token_file && !(token = read_token(cfg->token_file)))
		return EXIT_FATAL;
	/* Signals are taken by sigwait below: block them before any thread
	 * starts (threads inherit the mask). */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	pthread_mutex_init(&sv.lock, NULL);

	if (wd_index_open(&ix, cfg->db, NULL) < 0 ||
	    wd_index_set_busy_timeout(ix, (int)cfg->busy_timeout) < 0 ||
	    wd_index_set_fsync(ix, cfg->fsync) < 0) {
		fprintf(stderr, "wiredup serve: %s\n", wd_last_error());
		goto done;
	}
	writer_config wc = {cfg->window, cfg->queue, MAX_BATCH, cfg->max_matches};
	if (writer_start(&sv.writer, ix, &wc) < 0) {
		fprintf(stderr, "wiredup serve: cannot start the writer thread\n");
		goto done;
	}
	http_config hc = {cfg->listen, token, cfg->max_body, (unsigned)cfg->threads,
	                  (unsigned)cfg->max_connections, route, &sv};
	if (http_start(&http, &hc, bound, sizeof bound, err, sizeof err) < 0) {
		fprintf(stderr, "wiredup serve: %s\n", err);
		goto done;
	}
	if (!is_loopback(bound) && !token)
		fprintf(stderr, "wiredup serve: warning: listening beyond this machine without "
		        "--token-file: anyone who can reach %s can write to the index\n", bound);
	fprintf(stderr, "wiredup serve: listening on http://%s (index %s)\n", bound, cfg->db);

	sigwait(&sigs, &sig);
	fprintf(stderr, "wiredup serve: %s: draining\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	http_quiesce(http);
	writer_close(sv.writer);
	drain(&sv, http);
	status = 0;
done:
	if (http)
		http_stop(http);
	if (sv.writer) {
		json_t *st = writer_stats_json(sv.writer);
		writer_stop(sv.writer);
		char *s = json_dumps(st, JSON_COMPACT);
		if (status == 0)
			fprintf(stderr, "wiredup serve: stopped: %s\n", s ? s : "");
		free(s);
		json_decref(st);
	}
	for (size_t i = 0; i < sv.n_readers; i++)
		wd_index_close(sv.readers[i]);
	free(sv.readers);
	if (ix && wd_index_close(ix) < 0) {
		fprintf(stderr, "wiredup serve: %s\n", wd_last_error());
		status = EXIT_FATAL;
	}
	pthread_mutex_destroy(&sv.lock);
	free(token);
	return status;
}
