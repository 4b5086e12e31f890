/* members.c - cluster members as JSON Lines or CSV records. */
#include "members.h"

const char *const MEMBER_COLUMNS[] = {
	"cluster", "position", "id", "source", "published", "published_ts", "lag_seconds",
	"credit_agency", "cluster_agency", "credits_agency", "uncredited", "shingles",
	"shared", "member_in_representative", "representative_in_member", "trimmed",
	"agency_in_byline", NULL};

/* An integer, or null when unknown. */
static json_t *int_or_null(int known, int64_t v)
{
	return known ? json_integer((json_int_t)v) : json_null();
}

int members_uncredited(const wd_member *m)
{
	return m->uncredited && !m->agency_in_byline;
}

json_t *member_json(const wd_cluster_members *cm, size_t i)
{
	const wd_member *m = &cm->members[i];
	json_t *credits = m->credits_agency < 0 ? json_null() : json_boolean(m->credits_agency);
	return json_pack("{s:s, s:I, s:s, s:s?, s:s?, s:o, s:o, s:s?, s:s?, s:o, s:b, s:I,"
	                 " s:I, s:f, s:f, s:b, s:b}",
	                 "cluster", cm->cluster, "position", (json_int_t)(i + 1), "id", m->id,
	                 "source", m->source, "published", m->published, "published_ts",
	                 int_or_null(m->has_time, m->published_ts), "lag_seconds",
	                 int_or_null(m->has_lag, m->lag_seconds), "credit_agency",
	                 m->credit_agency, "cluster_agency", cm->agency, "credits_agency",
	                 credits, "uncredited", m->uncredited, "shingles",
	                 (json_int_t)m->shingles, "shared", (json_int_t)m->shared,
	                 "member_in_representative", m->member_in_representative,
	                 "representative_in_member", m->representative_in_member, "trimmed",
	                 m->trimmed, "agency_in_byline", m->agency_in_byline);
}

int members_write(FILE *fp, out_format fmt, wd_index *ix, const char *cluster)
{
	wd_cluster_members *cm;
	int err = wd_index_cluster_members(&cm, ix, cluster);
	for (size_t i = 0; err == 0 && i < cm->n_members; i++)
		if (out_record(fp, fmt, MEMBER_COLUMNS, member_json(cm, i)) < 0)
			err = WD_EIO;
	wd_cluster_members_free(cm); /* NULL when it failed */
	return err;
}

int members_add_to_cluster(json_t *rec, wd_index *ix, const char *cluster)
{
	wd_cluster_members *cm;
	size_t uncredited = 0, trimmed = 0;
	int err = wd_index_cluster_members(&cm, ix, cluster);
	if (err < 0)
		return err;
	json_t *details = json_array();
	for (size_t i = 0; i < cm->n_members; i++) {
		uncredited += members_uncredited(&cm->members[i]);
		trimmed += cm->members[i].trimmed != 0;
		json_array_append_new(details, member_json(cm, i));
	}
	json_object_set_new(rec, "agency", cm->agency ? json_string(cm->agency) : json_null());
	json_object_set_new(rec, "uncredited_copies", json_integer((json_int_t)uncredited));
	json_object_set_new(rec, "trimmed_copies", json_integer((json_int_t)trimmed));
	json_object_set_new(rec, "member_details", details);
	wd_cluster_members_free(cm);
	return 0;
}
