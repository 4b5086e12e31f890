/* output.c - JSON Lines and CSV (RFC 4180) records for the CLI. */
#include "output.h"

#include <stdlib.h>
#include <string.h>

/* Writes s as one CSV field, quoted when it holds a separator or quote. */
static void csv_field(FILE *fp, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/* Writes a JSON value as CSV text: strings bare, null empty, numbers as
 * JSON prints them, arrays as their elements joined with '|'. */
static void csv_value(FILE *fp, json_t *v)
{
	if (!v || json_is_null(v))
		return;
	if (json_is_string(v)) {
		csv_field(fp, json_string_value(v));
	} else if (json_is_array(v)) {
		size_t len = 0, i;
		json_t *e;
		json_array_foreach(v, i, e)
			len += json_is_string(e) ? json_string_length(e) + 1 : 32;
		char *joined = calloc(1, len + 1);
		if (!joined)
			return;
		json_array_foreach(v, i, e) {
			if (i)
				strcat(joined, "|");
			if (json_is_string(e))
				strcat(joined, json_string_value(e));
		}
		csv_field(fp, joined);
		free(joined);
	} else {
		char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(6));
		if (s)
			fputs(s, fp);
		free(s);
	}
}

int out_record(FILE *fp, out_format fmt, const char *const *columns, json_t *rec)
{
	static int header_done;
	if (fmt == FORMAT_JSONL) {
		if (json_dumpf(rec, fp, JSON_REAL_PRECISION(6)) == 0)
			fputc('\n', fp);
	} else {
		if (!header_done) {
			for (size_t i = 0; columns[i]; i++)
				fprintf(fp, "%s%s", i ? "," : "", columns[i]);
			fputc('\n', fp);
			header_done = 1;
		}
		for (size_t i = 0; columns[i]; i++) {
			if (i)
				fputc(',', fp);
			csv_value(fp, json_object_get(rec, columns[i]));
		}
		fputc('\n', fp);
	}
	json_decref(rec);
	return ferror(fp) ? -1 : 0;
}

json_t *out_credit_json(const char *agency, const char *place)
{
	if (!agency && !place)
		return json_null();
	return json_pack("{s:s?, s:s?}", "agency", agency, "place", place);
}

json_t *out_match_json(const wd_match *m)
{
	const char *contained = m->contained == WD_CONTAINED_ARTICLE ? "article_in_match"
	                        : m->contained == WD_CONTAINED_MATCH ? "match_in_article"
	                                                             : "same_size";
	return json_pack("{s:s, s:s, s:s?, s:f, s:f, s:I, s:s, s:o}", "id", m->id, "cluster",
	                 m->cluster, "source", m->source, "jaccard", m->jaccard,
	                 "containment", m->containment, "shared_shingles",
	                 (json_int_t)m->shared_shingles, "contained", contained, "credit",
	                 out_credit_json(m->credit_agency, m->credit_place));
}

json_t *out_answer_json(const out_answer *a, size_t max_matches)
{
	json_t *matches = json_array();
	for (size_t i = 0; i < a->n_matches && i < max_matches; i++)
		json_array_append_new(matches, out_match_json(&a->matches[i]));
	return json_pack("{s:s, s:s, s:b, s:o, s:I, s:o}", "id", a->id, "cluster", a->cluster,
	                 "new_story", a->new_story, "credit",
	                 out_credit_json(a->credit_agency, a->credit_place), "shingles",
	                 (json_int_t)a->shingles, "matches", matches);
}

json_t *out_query_json(const char *id, const wd_query_result *r, size_t max_matches)
{
	out_answer a = {id, r->cluster, r->new_story, r->credit_agency, r->credit_place,
	                r->n_shingles, r->matches, r->n_matches};
	return out_answer_json(&a, max_matches);
}

json_t *out_stats_json(const wd_stats *s, const wd_params *p)
{
	json_t *params = json_pack(
		"{s:i, s:i, s:i, s:i, s:i, s:i, s:f, s:f, s:I}", "shingle_words",
		(int)p->shingle_words, "num_perm", (int)p->num_perm, "bands", (int)p->bands, "rows",
		(int)p->rows, "window_bands", (int)p->window_bands, "window_rows",
		(int)p->window_rows, "lsh_threshold", p->lsh_threshold, "threshold", p->threshold,
		"seed", (json_int_t)p->seed);
	return json_pack("{s:I, s:I, s:I, s:I, s:i, s:o}", "articles", (json_int_t)s->articles,
	                 "clusters", (json_int_t)s->clusters, "multi_member_clusters",
	                 (json_int_t)s->multi_clusters, "matches", (json_int_t)s->matches,
	                 "schema_version", s->schema_version, "params", params);
}
