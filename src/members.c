/* members.c - a cluster's members as syndication research sees them:
 * outlet, time, lag behind the representative, credit, and how much of
 * each is in the other. */
#include "index_internal.h"

#include "error.h"
#include "snapshot.h"
#include "store_research.h"
#include "verify.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>

typedef struct collect {
	wd_cluster_members *out;
	size_t cap;
	int64_t *seqs;       /* per member; only those to compare now */
	unsigned char *known; /* per member: shared came from a stored match */
} collect;

/* A malloc'd copy of s (NULL stays NULL) in *slot; 0 or WD_ENOMEM. */
static int copy_str(char **slot, const char *s)
{
	*slot = s ? strdup(s) : NULL;
	return !s || *slot ? WD_OK : wd_fail_oom();
}

static int add_row(const store_member_row *r, void *ctx)
{
	collect *c = ctx;
	wd_cluster_members *out = c->out;
	size_t n = out->n_members, cap = c->cap;
	if (wd_grow(&out->members, &c->cap, n, sizeof *out->members, 8) < 0)
		return wd_fail_oom();
	if (c->cap != cap) {
		int64_t *s = realloc(c->seqs, c->cap * sizeof *s);
		if (s)
			c->seqs = s;
		unsigned char *k = realloc(c->known, c->cap);
		if (k)
			c->known = k;
		if (!s || !k)
			return wd_fail_oom();
	}
	wd_member *m = &out->members[n];
	out->n_members++;
	c->seqs[n] = r->seq;
	c->known[n] = (unsigned char)r->has_shared;
	if (n == 0) {
		int err = copy_str(&out->cluster, r->cluster);
		if (err == WD_OK)
			err = copy_str(&out->agency, r->cluster_agency);
		if (err < 0)
			return err;
	}
	*m = (wd_member){
		.has_time = r->has_ts,
		.published_ts = r->published_ts,
		.has_lag = r->has_lag,
		.lag_seconds = r->lag_seconds,
		.credits_agency = r->credits_agency,
		.uncredited = r->uncredited,
		.shingles = r->shingles,
		.shared = r->shared,
	};
	int err;
	if ((err = copy_str(&m->id, r->id)) < 0 || (err = copy_str(&m->source, r->source)) < 0 ||
	    (err = copy_str(&m->published, r->published)) < 0 ||
	    (err = copy_str(&m->credit_agency, r->credit_agency)) < 0)
		return err;
	return WD_OK;
}

/* Shared shingles of the members that joined through others, by comparing
 * their story texts with the representative's now. */
static int compare_indirect(wd_index *ix, collect *c)
{
	wd_cluster_members *out = c->out;
	wd_doc rep;
	int have_rep = 0, err = WD_OK;
	memset(&rep, 0, sizeof rep);
	for (size_t i = 1; i < out->n_members && err == WD_OK; i++) {
		const wd_doc *doc;
		verdict v;
		if (c->known[i])
			continue;
		/* the representative's analysis is kept apart: the cache may
		 * drop an entry when another is put */
		if (!have_rep && (err = index_analyze_stored(&rep, ix, c->seqs[0])) < 0)
			break;
		have_rep = 1;
		if ((err = index_stored_doc(&doc, ix, c->seqs[i])) < 0)
			break;
		verify_docs(&v, doc, &rep, ix->params.threshold);
		out->members[i].shared = v.shared;
	}
	doc_free(&rep);
	return err;
}

/* Containments and the trimmed flag from the shared shingles. */
static void derive(wd_cluster_members *out)
{
	uint64_t rep_n = out->members[0].shingles;
	for (size_t i = 0; i < out->n_members; i++) {
		wd_member *m = &out->members[i];
		m->member_in_representative = m->shingles ? (double)m->shared / (double)m->shingles : 0;
		m->representative_in_member = rep_n ? (double)m->shared / (double)rep_n : 0;
		m->trimmed = i > 0 && (double)m->shared >= TRIM_CONTAINMENT * (double)m->shingles &&
		             (double)m->shingles < TRIM_SHORTER * (double)rep_n;
	}
}

/* For the uncredited copies: does a byline or credit line name the
 * cluster's agency after all (credit detection reads datelines and
 * credit lines at the story's ends only)? */
static int find_bylines(wd_index *ix, collect *c)
{
	wd_cluster_members *out = c->out;
	int err = WD_OK;
	for (size_t i = 1; i < out->n_members && err == WD_OK; i++) {
		stored_text t;
		char *norm;
		size_t norm_len;
		if (!out->members[i].uncredited)
			continue;
		if ((err = store_load_text(&ix->store, c->seqs[i], &t)) < 0)
			break;
		if ((err = wd_normalize(&norm, &norm_len, t.text, t.len)) == WD_OK) {
			out->members[i].agency_in_byline =
				wd_credit_byline_names(norm, norm_len, out->agency);
			free(norm);
		}
		stored_text_free(&t);
	}
	return err;
}

/* The body of wd_index_cluster_members, inside one read snapshot. */
static int members_of(wd_cluster_members *out, wd_index *ix, const char *cluster)
{
	collect c = {.out = out};
	i64_vec own = {0};
	uint64_t hash;
	int64_t seq;
	int err, found = store_find_id(&ix->store, cluster, &seq, &hash);
	if (found < 0)
		return found;
	if (found && (err = store_ints(&ix->store, ST_CLUSTER_OF, "reading a cluster", &own, 1,
	                               seq)) < 0)
		return err;
	if (!found || own.n == 0 || own.v[0] != seq) {
		err = wd_fail(WD_ENOTFOUND, found ? "'%s' is not the name of a cluster (it is"
		              " a member of another)" : "no article '%s' in the index", cluster);
		i64_free(&own);
		return err;
	}
	i64_free(&own);
	err = store_cluster_members(&ix->store, seq, add_row, &c);
	if (err == WD_OK && out->n_members)
		err = compare_indirect(ix, &c);
	if (err == WD_OK && out->n_members)
		derive(out);
	if (err == WD_OK && out->agency)
		err = find_bylines(ix, &c);
	free(c.seqs);
	free(c.known);
	return err;
}

int wd_index_cluster_members(wd_cluster_members **out, wd_index *ix, const char *cluster)
{
	wd_cluster_members *res = calloc(1, sizeof *res);
	int err;
	*out = NULL;
	if (!res)
		return wd_fail_oom();
	int own;
	/* one snapshot: a writer may merge clusters between two statements */
	if ((err = snapshot_begin(ix, &own)) < 0) {
		free(res);
		return err;
	}
	err = members_of(res, ix, cluster);
	snapshot_end(ix, own, err);
	if (err < 0) {
		wd_cluster_members_free(res);
		return err;
	}
	*out = res;
	return WD_OK;
}

void wd_cluster_members_free(wd_cluster_members *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_members; i++) {
		free(m->members[i].id);
		free(m->members[i].source);
		free(m->members[i].published);
		free(m->members[i].credit_agency);
	}
	free(m->members);
	free(m->cluster);
	free(m->agency);
	free(m);
}
