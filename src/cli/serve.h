/* serve.h - `wiredup serve`: the index as a live HTTP JSON service. */
#ifndef WD_CLI_SERVE_H
#define WD_CLI_SERVE_H

#include <stddef.h>
#include <stdint.h>

typedef struct serve_config {
	const char *db;
	const char *listen;      /* HOST:PORT */
	const char *token_file;  /* NULL: no token */
	int64_t window;          /* seconds; 0: none */
	size_t threads;          /* HTTP event loops, each with its reader */
	size_t queue;            /* writes waiting, at most (then 503) */
	size_t max_connections;
	size_t max_body;         /* bytes */
	size_t max_matches;      /* matches listed per answer */
	size_t busy_timeout;     /* ms */
	int fsync;               /* 1: every commit synced (survives power loss) */
} serve_config;

/* Runs the server until SIGTERM or SIGINT, then drains: every write
 * queued is done, committed and answered before it returns. Returns the
 * exit status (0, or 3 when it could not start). */
int serve_run(const serve_config *cfg);

#endif
