/* http.c - JSON over HTTP on libmicrohttpd (see http.h). */
#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct http_server {
	struct MHD_Daemon *daemon;
	http_config cfg;
	atomic_uint in_flight;
	atomic_int draining;
};

struct http_request {
	http_server *server;
	struct MHD_Connection *conn;
	const char *method, *path; /* MHD's, valid for the request */
	char *body;
	size_t len, cap;
	int too_large;
	int suspended;
	void *state;
	void (*state_free)(void *);
};

const char *http_method(const http_request *req) { return req->method; }
const char *http_path(const http_request *req) { return req->path; }

const char *http_body(const http_request *req, size_t *len)
{
	*len = req->len;
	return req->body ? req->body : "";
}

void *http_state(const http_request *req) { return req->state; }

void http_set_state(http_request *req, void *state, void (*free_fn)(void *))
{
	req->state = state;
	req->state_free = free_fn;
}

void http_suspend(http_request *req)
{
	req->suspended = 1;
	MHD_suspend_connection(req->conn);
}

void http_resume(http_request *req)
{
	MHD_resume_connection(req->conn);
}

/* Sends a reply (taking its body); MHD_NO if it could not be queued. */
static enum MHD_Result send_reply(http_request *req, api_reply *reply)
{
	char *text = reply->body ? json_dumps(reply->body, JSON_REAL_PRECISION(6)) : NULL;
	size_t n = text ? strlen(text) : 0;
	char *buf = text ? realloc(text, n + 2) : NULL;
	json_decref(reply->body);
	reply->body = NULL;
	if (!buf) {
		free(text);
		static const char oom[] = "{\"error\": \"out of memory\", \"status\": 503}\n";
		buf = strdup(oom);
		n = buf ? strlen(oom) - 1 : 0;
		reply->status = 503;
		if (!buf)
			return MHD_NO;
	}
	buf[n] = '\n';
	buf[n + 1] = '\0';
	struct MHD_Response *r = MHD_create_response_from_buffer(n + 1, buf, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	if (reply->status == 503)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	if (reply->status == 401)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	if (reply->status == 405 && reply->allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, reply->allow);
	if (atomic_load(&req->server->draining))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ok = MHD_queue_response(req->conn, reply->status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result send_error(http_request *req, unsigned status, const char *msg)
{
	api_reply reply = {0};
	api_fail(&reply, status, "%s", msg);
	return send_reply(req, &reply);
}

/* Equal strings, in time that depends on the lengths only. */
static int same_secret(const char *given, const char *want)
{
	size_t ng = strlen(given), nw = strlen(want);
	unsigned char diff = ng != nw;
	for (size_t i = 0; i < nw; i++)
		diff |= (unsigned char)want[i] ^ (unsigned char)(i < ng ? given[i] : 0);
	return diff == 0;
}

static int authorized(const http_request *req)
{
	const char *token = req->server->cfg.token;
	if (!token || strcmp(req->path, "/v1/health") == 0)
		return 1;
	const char *h = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND,
	                                            MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return 0;
	return same_secret(h + 7, token);
}

/* The first call for a request: checks that need no body. Returns 0 to
 * go on, or the status of a reply sent already. */
static unsigned first_checks(http_request *req, const char **why)
{
	if (atomic_load(&req->server->draining)) {
		*why = "the server is shutting down";
		return 503;
	}
	if (!authorized(req)) {
		*why = "missing or wrong bearer token (Authorization: Bearer TOKEN)";
		return 401;
	}
	const char *cl = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND,
	                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl && strtoull(cl, NULL, 10) > req->server->cfg.max_body) {
		*why = "request body over the limit (--max-bytes)";
		return 413;
	}
	return 0;
}

/* Appends a chunk of the body, or notes that it is over the limit. */
static int gather(http_request *req, const char *data, size_t n)
{
	if (req->too_large || req->len + n > req->server->cfg.max_body) {
		req->too_large = 1;
		return 0;
	}
	if (req->len + n + 1 > req->cap) {
		size_t cap = req->cap ? req->cap : 4096;
		while (cap < req->len + n + 1)
			cap *= 2;
		char *b = realloc(req->body, cap);
		if (!b)
			return -1;
		req->body = b;
		req->cap = cap;
	}
	memcpy(req->body + req->len, data, n);
	req->len += n;
	req->body[req->len] = '\0';
	return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
	http_server *s = cls;
	http_request *req = *con_cls;
	(void)version;
	if (!req) {
		if (!(req = calloc(1, sizeof *req)))
			return MHD_NO;
		req->server = s;
		req->conn = conn;
		req->method = method;
		req->path = url;
		*con_cls = req;
		atomic_fetch_add(&s->in_flight, 1);
		const char *why = NULL;
		unsigned status = first_checks(req, &why);
		if (status)
			return send_error(req, status, why);
		return MHD_YES; /* the body, if any, comes next */
	}
	if (*upload_size) {
		if (gather(req, upload_data, *upload_size) < 0)
			return send_error(req, 503, "out of memory");
		*upload_size = 0;
		return MHD_YES;
	}
	if (req->too_large)
		return send_error(req, 413, "request body over the limit (--max-bytes)");
	req->suspended = 0;
	api_reply reply = {0};
	if (s->cfg.handler(req, &reply, s->cfg.ctx) == HTTP_DEFERRED)
		return MHD_YES;
	return send_reply(req, &reply);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
	http_server *s = cls;
	http_request *req = *con_cls;
	(void)conn;
	(void)why;
	if (!req)
		return;
	if (req->state_free)
		req->state_free(req->state);
	free(req->body);
	free(req);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

/* Splits HOST:PORT ("[::1]:80" for IPv6) and resolves it. */
static int resolve(struct addrinfo **out, const char *listen, char *err, size_t err_size)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen || !colon[1] || (size_t)(colon - listen) >= sizeof host) {
		snprintf(err, err_size, "--listen '%s': expected HOST:PORT", listen);
		return -1;
	}
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	char *h = host;
	if (h[0] == '[' && h[strlen(h) - 1] == ']') {
		h[strlen(h) - 1] = '\0';
		h++;
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	int rc = getaddrinfo(h, colon + 1, &hints, out);
	if (rc != 0) {
		snprintf(err, err_size, "--listen '%s': %s", listen, gai_strerror(rc));
		return -1;
	}
	return 0;
}

int http_start(http_server **out, const http_config *cfg, char *bound, size_t bound_size,
               char *err, size_t err_size)
{
	struct addrinfo *ai;
	*out = NULL;
	if (resolve(&ai, cfg->listen, err, err_size) < 0)
		return -1;
	http_server *s = calloc(1, sizeof *s);
	if (!s) {
		freeaddrinfo(ai);
		snprintf(err, err_size, "out of memory");
		return -1;
	}
	s->cfg = *cfg;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME |
	                 MHD_USE_ERROR_LOG | (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0);
	s->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, s,
		MHD_OPTION_SOCK_ADDR, ai->ai_addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->max_connections,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!s->daemon) {
		snprintf(err, err_size, "cannot listen on %s (in use, or not an address of "
		         "this machine?)", cfg->listen);
		free(s);
		return -1;
	}
	/* the port the system gave, when 0 was asked for */
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon,
	                                                       MHD_DAEMON_INFO_LISTEN_FD);
	struct sockaddr_storage ss = {0};
	socklen_t len = sizeof ss;
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (info && getsockname(info->listen_fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
			port = ntohs(a->sin6_port);
		} else {
			struct sockaddr_in *a = (struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
			port = ntohs(a->sin_port);
		}
	}
	snprintf(bound, bound_size, ss.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", host, port);
	*out = s;
	return 0;
}

void http_quiesce(http_server *s)
{
	atomic_store(&s->draining, 1);
	MHD_socket fd = MHD_quiesce_daemon(s->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
}

unsigned http_in_flight(http_server *s)
{
	return atomic_load(&s->in_flight);
}

void http_stop(http_server *s)
{
	MHD_stop_daemon(s->daemon);
	free(s);
}
