/*
 * http.h - a small JSON-over-HTTP front on libmicrohttpd: a thread pool
 * of event loops, request bodies gathered up to a limit, an optional
 * bearer token (compared in constant time), replies as JSON, requests that
 * wait for another thread (suspended, then completed), and a way to stop
 * that lets requests in flight finish.
 */
#ifndef WD_CLI_HTTP_H
#define WD_CLI_HTTP_H

#include "api.h"

#include <stddef.h>

typedef struct http_request http_request;
typedef struct http_server http_server;

typedef enum { HTTP_REPLIED, HTTP_DEFERRED } http_outcome;

/*
 * Called in a pool thread for each complete request (body gathered,
 * token checked). Either fills *reply (HTTP_REPLIED) or has called
 * http_suspend and will have http_resume called (HTTP_DEFERRED); after
 * the resume the handler is called again for the same request.
 */
typedef http_outcome (*http_handler)(http_request *req, api_reply *reply, void *ctx);

typedef struct http_config {
	const char *listen;        /* HOST:PORT; port 0 picks a free one */
	const char *token;         /* the bearer token; NULL: none needed */
	size_t max_body;           /* bytes; larger bodies get 413 */
	unsigned threads;          /* event loops in the pool */
	unsigned max_connections;  /* more are refused */
	http_handler handler;
	void *ctx;
} http_config;

/* Starts serving; writes the bound address ("127.0.0.1:8080") to bound.
 * Returns 0, or -1 with a message in err. */
int http_start(http_server **out, const http_config *cfg, char *bound, size_t bound_size,
               char *err, size_t err_size);

const char *http_method(const http_request *req);
const char *http_path(const http_request *req); /* percent-decoded */
const char *http_body(const http_request *req, size_t *len);

/* State a handler keeps for a request across a deferral, freed with
 * free_fn when the request is done. */
void *http_state(const http_request *req);
void http_set_state(http_request *req, void *state, void (*free_fn)(void *));

/* Deferral: suspend from within the handler; resume from any thread. */
void http_suspend(http_request *req);
void http_resume(http_request *req);

/* Stops accepting connections; requests from now on get 503. */
void http_quiesce(http_server *s);

/* Requests begun and not yet done. */
unsigned http_in_flight(http_server *s);

/* Stops the pool (no request may be suspended) and frees the server. */
void http_stop(http_server *s);

#endif
