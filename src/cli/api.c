/* api.c - the server's endpoints as library calls and JSON (see api.h). */
#include "api.h"

#include "output.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void api_fail(api_reply *r, unsigned status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	r->status = status;
	r->body = json_pack("{s:s, s:i}", "error", msg, "status", (int)status);
}

unsigned api_status_of(int err)
{
	switch (err) {
	case WD_EINPUT: return 422;     /* no words, bad UTF-8: unprocessable */
	case WD_EDUPLICATE: return 409; /* the id is taken by other content */
	case WD_ENOTFOUND: return 404;
	case WD_EBUSY: return 503;      /* another writer holds the index */
	default: return 500;
	}
}

/* ---- request bodies ---- */

static int dup_field(const char **slot, const char *s)
{
	if (!s)
		return 0;
	char *c = strdup(s);
	*slot = c;
	return c ? 0 : -1;
}

/* Copies article a (whose strings the reader owns) into *out. */
static int copy_article(wd_article *out, const wd_article *a)
{
	char *text = malloc(a->text_len + 1);
	memset(out, 0, sizeof *out);
	if (!text)
		return -1;
	memcpy(text, a->text, a->text_len);
	text[a->text_len] = '\0';
	out->text = text;
	out->text_len = a->text_len;
	return dup_field(&out->id, a->id) || dup_field(&out->title, a->title) ||
	       dup_field(&out->source, a->source) || dup_field(&out->published, a->published) ||
	       dup_field(&out->url, a->url) ? -1 : 0;
}

static void free_article(wd_article *a)
{
	free((char *)a->id);
	free((char *)a->text);
	free((char *)a->title);
	free((char *)a->source);
	free((char *)a->published);
	free((char *)a->url);
}

int api_parse_articles(api_articles *out, api_reply *reply, const char *body, size_t len)
{
	wd_reader *r;
	wd_article a;
	int rc;
	memset(out, 0, sizeof *out);
	if (wd_reader_open_json(&r, "body", body, len) < 0) {
		api_fail(reply, 400, "%s", wd_last_error());
		return -1;
	}
	int count = wd_reader_count(r);
	out->is_array = count >= 0;
	if (count == 0) {
		wd_reader_close(r);
		api_fail(reply, 400, "body: an empty array holds no article");
		return -1;
	}
	out->v = calloc(count > 0 ? (size_t)count : 1, sizeof *out->v);
	while (out->v && (rc = wd_reader_next(&a, r)) == 1) {
		if (copy_article(&out->v[out->n++], &a) < 0) {
			rc = WD_ENOMEM;
			break;
		}
	}
	if (!out->v || rc != 0) {
		if (!out->v || rc == WD_ENOMEM)
			api_fail(reply, 503, "out of memory");
		else
			api_fail(reply, 400, "%s", wd_last_error());
		wd_reader_close(r);
		api_articles_free(out);
		return -1;
	}
	wd_reader_close(r);
	return 0;
}

void api_articles_free(api_articles *a)
{
	for (size_t i = 0; i < a->n; i++)
		free_article(&a->v[i]);
	free(a->v);
	memset(a, 0, sizeof *a);
}

/* ---- answers ---- */

/* {"id", "error", "status"}: one article's failure, from wd_last_error(). */
static json_t *article_error(unsigned *status, const char *id, int err)
{
	*status = api_status_of(err);
	return json_pack("{s:s, s:s, s:i}", "id", id, "error", wd_last_error(), "status",
	                 (int)*status);
}

/* The answer for a stored article, from what the index holds now. */
static json_t *stored_answer(const wd_article_info *info, size_t max_matches)
{
	out_answer ans = {info->id, info->cluster, info->n_matches == 0, info->credit_agency,
	                  info->credit_place, info->n_shingles, info->matches, info->n_matches};
	return out_answer_json(&ans, max_matches);
}

json_t *api_add(unsigned *status, wd_index *ix, const wd_article *a, size_t max_matches)
{
	wd_add_result res;
	wd_article_info *info;
	int err = wd_index_add(&res, ix, a);
	if (err < 0 || (err = wd_index_get_article(&info, ix, a->id)) < 0)
		return article_error(status, a->id, err);
	json_t *o = stored_answer(info, max_matches);
	wd_article_info_free(info);
	json_object_set_new(o, "stored",
	                    json_string(res.status == WD_ADD_NEW ? "new" : "unchanged"));
	*status = 200;
	return o;
}

void api_combine(api_reply *r, json_t **answers, const unsigned *statuses, size_t n,
                 int is_array)
{
	if (!is_array) {
		r->status = statuses[0];
		r->body = answers[0];
		return;
	}
	r->status = 200;
	r->body = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(r->body, answers[i]);
}

void api_query(api_reply *r, wd_index *ix, const api_articles *a, size_t max_matches)
{
	json_t **answers = calloc(a->n, sizeof *answers);
	unsigned *statuses = calloc(a->n, sizeof *statuses);
	if (!answers || !statuses) {
		free(answers);
		free(statuses);
		api_fail(r, 503, "out of memory");
		return;
	}
	for (size_t i = 0; i < a->n; i++) {
		wd_query_result *q;
		int err = wd_index_query(&q, ix, &a->v[i]);
		if (err < 0) {
			answers[i] = article_error(&statuses[i], a->v[i].id, err);
			continue;
		}
		answers[i] = out_query_json(a->v[i].id, q, max_matches);
		statuses[i] = 200;
		wd_query_result_free(q);
	}
	api_combine(r, answers, statuses, a->n, a->is_array);
	free(answers);
	free(statuses);
}

/* UTC seconds as ISO 8601. */
static json_t *iso_time(int64_t t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return json_null();
	return json_string(buf);
}

void api_get_article(api_reply *r, wd_index *ix, const char *id, size_t max_matches)
{
	wd_article_info *info;
	int err = wd_index_get_article(&info, ix, id);
	if (err < 0) {
		api_fail(r, api_status_of(err), "%s", wd_last_error());
		return;
	}
	json_t *o = stored_answer(info, max_matches);
	json_object_set_new(o, "title", info->title ? json_string(info->title) : json_null());
	json_object_set_new(o, "source", info->source ? json_string(info->source) : json_null());
	json_object_set_new(o, "published",
	                    info->published ? json_string(info->published) : json_null());
	json_object_set_new(o, "url", info->url ? json_string(info->url) : json_null());
	json_object_set_new(o, "added", iso_time(info->added));
	json_object_set_new(o, "text", json_stringn(info->text, info->text_len));
	wd_article_info_free(info);
	r->status = 200;
	r->body = o;
}

void api_delete(api_reply *r, wd_index *ix, const char *id)
{
	int err = wd_index_delete(ix, id);
	if (err < 0) {
		api_fail(r, api_status_of(err), "%s", wd_last_error());
		return;
	}
	r->status = 200;
	r->body = json_pack("{s:s}", "deleted", id);
}

/* The members of the cluster named id, or of the cluster holding article
 * id (a cluster id a client kept from before the cluster was renamed). */
static int members_of(wd_cluster_members **out, wd_index *ix, const char *id)
{
	wd_article_info *info;
	int err = wd_index_cluster_members(out, ix, id);
	if (err != WD_ENOTFOUND)
		return err;
	if ((err = wd_index_get_article(&info, ix, id)) < 0)
		return err;
	err = wd_index_cluster_members(out, ix, info->cluster);
	wd_article_info_free(info);
	return err;
}

void api_get_cluster(api_reply *r, wd_index *ix, const char *id)
{
	wd_cluster_members *c;
	int err = members_of(&c, ix, id);
	if (err == WD_ENOTFOUND) {
		api_fail(r, 404, "no cluster or article '%s'", id);
		return;
	}
	if (err < 0) {
		api_fail(r, api_status_of(err), "%s", wd_last_error());
		return;
	}
	json_t *members = json_array();
	for (size_t i = 0; i < c->n_members; i++) {
		const wd_member *m = &c->members[i];
		json_array_append_new(members, json_pack(
			"{s:s, s:s?, s:s?, s:o, s:o, s:b}", "id", m->id, "source", m->source,
			"published", m->published, "lag_seconds",
			m->has_lag ? json_integer((json_int_t)m->lag_seconds) : json_null(),
			"credit", out_credit_json(m->credit_agency, NULL), "uncredited",
			m->uncredited));
	}
	r->status = 200;
	r->body = json_pack("{s:s, s:s?, s:I, s:o}", "cluster", c->cluster, "agency", c->agency,
	                    "size", (json_int_t)c->n_members, "members", members);
	wd_cluster_members_free(c);
}

void api_stats(api_reply *r, wd_index *ix, json_t *server)
{
	wd_stats s;
	wd_params p;
	int err = wd_index_stats(&s, ix);
	if (err < 0) {
		json_decref(server);
		api_fail(r, api_status_of(err), "%s", wd_last_error());
		return;
	}
	wd_index_params(&p, ix);
	r->status = 200;
	r->body = out_stats_json(&s, &p);
	json_object_set_new(r->body, "server", server);
}
