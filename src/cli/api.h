/*
 * api.h - what the server's endpoints do, apart from HTTP: articles parsed
 * from request bodies, and JSON answers (with an HTTP status) built from
 * library calls. Every function here works on the handle it is given and
 * takes no lock: the caller owns the handle for the call.
 */
#ifndef WD_CLI_API_H
#define WD_CLI_API_H

#include "wiredup.h"

#include <jansson.h>

/* The articles of a request: copies the request owns. */
typedef struct api_articles {
	wd_article *v;
	size_t n;
	int is_array; /* the body was an array: the answer is one too */
} api_articles;

/* A reply: an HTTP status and a JSON body (owned). */
typedef struct api_reply {
	unsigned status;
	json_t *body;
	const char *allow; /* for 405: the methods the path takes */
} api_reply;

/*
 * Parses a request body: one article object or an array of them (the
 * fields of `wiredup add` input). Returns 0, or -1 with *reply set to a
 * 400 naming what is wrong (nothing is kept then).
 */
int api_parse_articles(api_articles *out, api_reply *reply, const char *body, size_t len);
void api_articles_free(api_articles *a);

/* Sets *r to status and {"error": message, "status": status}. */
void api_fail(api_reply *r, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The HTTP status for a library error code. */
unsigned api_status_of(int err);

/*
 * Adds one article and answers for it: {"id", "cluster", "new_story",
 * "credit", "shingles", "matches", "stored": "new"|"unchanged"}, status
 * 200; or {"id", "error", "status"} with 422 (unusable text), 409 (the id
 * holds other content), 503 (busy) or 500.
 */
json_t *api_add(unsigned *status, wd_index *ix, const wd_article *a, size_t max_matches);

/* The answers of articles into one reply: one article, its own status;
 * an array, 200 and the array of answers (each with its own status). */
void api_combine(api_reply *r, json_t **answers, const unsigned *statuses, size_t n,
                 int is_array);

/* POST /v1/query: api_add's answers (no "stored"), storing nothing. */
void api_query(api_reply *r, wd_index *ix, const api_articles *a, size_t max_matches);

/* GET /v1/articles/{id}: the stored article, its cluster, credit and
 * matches; 404 when there is none. */
void api_get_article(api_reply *r, wd_index *ix, const char *id, size_t max_matches);

/* DELETE /v1/articles/{id}: {"deleted": id}; 404 when there is none. */
void api_delete(api_reply *r, wd_index *ix, const char *id);

/* GET /v1/clusters/{id} (a cluster's id or a member's): {"cluster",
 * "agency", "size", "members": [{"id", "source", "published",
 * "lag_seconds", "credit", "uncredited"}]}, earliest first; 404 when there
 * is none. */
void api_get_cluster(api_reply *r, wd_index *ix, const char *id);

/* GET /v1/stats: the counts and parameters of `wiredup stats`, plus
 * `server` (taken). */
void api_stats(api_reply *r, wd_index *ix, json_t *server);

#endif
