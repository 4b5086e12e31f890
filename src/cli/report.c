/* report.c - `wiredup report`: gathers every copy of every cluster of two
 * or more members, sums them up per outlet, per agency and per cluster,
 * and writes JSON Lines, CSV or (report_html.c) HTML. */
#include "report.h"

#include "members.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* NULL sorts first; else byte order. */
static int cmp_opt(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int grow(void *v, size_t *cap, size_t n, size_t size)
{
	void **array = v;
	if (n < *cap)
		return 0;
	size_t new_cap = *cap ? 2 * *cap : 64;
	void *p = realloc(*array, new_cap * size);
	if (!p)
		return -1;
	*array = p;
	*cap = new_cap;
	return 0;
}

/* A copy of s kept by the report (NULL stays NULL); *ok drops to 0 when
 * memory runs out. */
static const char *keep(report *r, const char *s, int *ok)
{
	char *c;
	if (!s)
		return NULL;
	if (grow(&r->strings, &r->cap_strings, r->n_strings, sizeof *r->strings) < 0 ||
	    !(c = strdup(s))) {
		*ok = 0;
		return NULL;
	}
	r->strings[r->n_strings++] = c;
	return c;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The median of v[0, n) (sorted in place; the mean of the middle two
 * when n is even); 0 when n is 0. */
static int median(double *out, int64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_i64);
	*out = n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return cmp_opt(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct non-NULL strings of v[0, n) (sorted in place). */
static size_t count_distinct(const char **v, size_t n)
{
	size_t d = 0;
	qsort(v, n, sizeof *v, cmp_str);
	for (size_t i = 0; i < n; i++)
		d += v[i] && (i == 0 || cmp_opt(v[i], v[i - 1]) != 0);
	return d;
}

/* ---- gathering ---- */

typedef struct gather {
	report *r;
	wd_index *ix;
	int64_t *lags;
	size_t cap_lags;
} gather;

static int gather_cluster(const wd_cluster *c, void *ctx)
{
	gather *g = ctx;
	report *r = g->r;
	wd_cluster_members *cm;
	int ok = 1, err = wd_index_cluster_members(&cm, g->ix, c->id);
	if (err < 0)
		return err;
	if (grow(&r->clusters, &r->cap_clusters, r->n_clusters, sizeof *r->clusters) < 0 ||
	    (cm->n_members > r->cap_scratch &&
	     !(r->scratch = realloc(r->scratch, (r->cap_scratch = cm->n_members) *
	                                                sizeof *r->scratch))) ||
	    (cm->n_members > g->cap_lags &&
	     !(g->lags = realloc(g->lags, (g->cap_lags = cm->n_members) * sizeof *g->lags)))) {
		wd_cluster_members_free(cm);
		return WD_ENOMEM;
	}
	report_cluster *rc = &r->clusters[r->n_clusters];
	*rc = (report_cluster){
		.id = keep(r, cm->cluster, &ok),
		.agency = keep(r, cm->agency, &ok),
		.first_published = keep(r, cm->members[0].published, &ok),
		.source = keep(r, cm->members[0].source, &ok),
		.size = cm->n_members,
		.order = r->n_clusters,
	};
	size_t n_lags = 0;
	for (size_t i = 0; i < cm->n_members && ok; i++) {
		const wd_member *m = &cm->members[i];
		r->scratch[i] = m->source;
		if (i == 0)
			continue;
		if (grow(&r->copies, &r->cap_copies, r->n_copies, sizeof *r->copies) < 0) {
			ok = 0;
			break;
		}
		r->copies[r->n_copies++] = (report_copy){
			.source = keep(r, m->source, &ok),
			.agency = rc->agency,
			.has_ts = m->has_time,
			.ts = m->published_ts,
			.has_lag = m->has_lag,
			.lag = m->lag_seconds,
			.uncredited = members_uncredited(m),
			.trimmed = m->trimmed,
		};
		rc->uncredited += members_uncredited(m);
		rc->trimmed += m->trimmed != 0;
		if (m->has_lag) {
			g->lags[n_lags++] = m->lag_seconds;
			if (!rc->has_lag || m->lag_seconds > rc->max_lag)
				rc->max_lag = m->lag_seconds;
			rc->has_lag = 1;
		}
	}
	rc->outlets = count_distinct(r->scratch, cm->n_members);
	median(&rc->median_lag, g->lags, n_lags);
	r->n_clusters++;
	wd_cluster_members_free(cm);
	return ok ? 0 : WD_ENOMEM;
}

/* ---- summing up ---- */

static int cmp_copy_source(const void *a, const void *b)
{
	const report_copy *x = a, *y = b;
	int c = cmp_opt(x->source, y->source);
	return c ? c : cmp_opt(x->agency, y->agency);
}

static int cmp_copy_agency(const void *a, const void *b)
{
	const report_copy *x = a, *y = b;
	int c = cmp_opt(x->agency, y->agency);
	return c ? c : cmp_opt(x->source, y->source);
}

/* Most copies first, then most firsts, then by name. */
static int cmp_outlet(const void *a, const void *b)
{
	const report_outlet *x = a, *y = b;
	if (x->copies != y->copies)
		return x->copies < y->copies ? 1 : -1;
	if (x->firsts != y->firsts)
		return x->firsts < y->firsts ? 1 : -1;
	return cmp_opt(x->source, y->source);
}

/* Most copies first; stories nobody credits last. */
static int cmp_agency(const void *a, const void *b)
{
	const report_agency *x = a, *y = b;
	if (!x->agency != !y->agency)
		return x->agency ? -1 : 1;
	if (x->copies != y->copies)
		return x->copies < y->copies ? 1 : -1;
	return cmp_opt(x->agency, y->agency);
}

/* Biggest first; ties in walk order. */
static int cmp_cluster(const void *a, const void *b)
{
	const report_cluster *x = a, *y = b;
	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return (x->order > y->order) - (x->order < y->order);
}

/* Every cluster's outlet (its representative's) or agency, sorted
 * (malloc'd; NULL out of memory). */
static const char **cluster_keys(const report *r, int agency)
{
	const char **keys = malloc((r->n_clusters + 1) * sizeof *keys);
	if (!keys)
		return NULL;
	for (size_t k = 0; k < r->n_clusters; k++)
		keys[k] = agency ? r->clusters[k].agency : r->clusters[k].source;
	qsort(keys, r->n_clusters, sizeof *keys, cmp_str);
	return keys;
}

/* Per outlet: its copies (sorted by outlet, then agency) and the
 * clusters it published first, merged by outlet name. */
static int sum_outlets(report *r, int64_t *lags)
{
	const char **reps = cluster_keys(r, 0);
	r->outlets = calloc(r->n_copies + r->n_clusters + 1, sizeof *r->outlets);
	r->outlet_agencies = malloc((r->n_copies + 1) * sizeof *r->outlet_agencies);
	if (!reps || !r->outlets || !r->outlet_agencies) {
		free(reps);
		return WD_ENOMEM;
	}
	qsort(r->copies, r->n_copies, sizeof *r->copies, cmp_copy_source);
	size_t i = 0, j = 0, n_listed = 0;
	while (i < r->n_copies || j < r->n_clusters) {
		const char *key = j >= r->n_clusters ||
		                  (i < r->n_copies && cmp_opt(r->copies[i].source, reps[j]) <= 0)
		                          ? r->copies[i].source : reps[j];
		report_outlet *o = &r->outlets[r->n_outlets++];
		size_t n_lags = 0;
		o->source = key;
		o->agencies = r->outlet_agencies + n_listed;
		for (; i < r->n_copies && cmp_opt(r->copies[i].source, key) == 0; i++) {
			const report_copy *c = &r->copies[i];
			o->copies++;
			o->credited_story_copies += c->agency != NULL;
			o->uncredited += c->uncredited != 0;
			o->trimmed += c->trimmed != 0;
			if (c->has_lag)
				lags[n_lags++] = c->lag;
			if (c->agency && (o->n_agencies == 0 ||
			                  strcmp(c->agency, o->agencies[o->n_agencies - 1]) != 0)) {
				r->outlet_agencies[n_listed++] = c->agency;
				o->n_agencies++;
			}
		}
		for (; j < r->n_clusters && cmp_opt(reps[j], key) == 0; j++)
			o->firsts++;
		o->has_lag = median(&o->median_lag, lags, n_lags);
	}
	free(reps);
	qsort(r->outlets, r->n_outlets, sizeof *r->outlets, cmp_outlet);
	return 0;
}

/* Per cluster agency (NULL: stories nobody credits): its stories and
 * their copies. */
static int sum_agencies(report *r, int64_t *lags)
{
	const char **stories = cluster_keys(r, 1);
	r->agencies = calloc(r->n_clusters + 1, sizeof *r->agencies);
	if (!stories || !r->agencies) {
		free(stories);
		return WD_ENOMEM;
	}
	qsort(r->copies, r->n_copies, sizeof *r->copies, cmp_copy_agency);
	/* every copy's agency is its cluster's: the stories give every key */
	size_t i = 0, j = 0;
	while (j < r->n_clusters) {
		const char *key = stories[j];
		report_agency *a = &r->agencies[r->n_agencies++];
		size_t n_lags = 0;
		a->agency = key;
		for (; j < r->n_clusters && cmp_opt(stories[j], key) == 0; j++)
			a->stories++;
		for (; i < r->n_copies && cmp_opt(r->copies[i].agency, key) == 0; i++) {
			const report_copy *c = &r->copies[i];
			a->copies++;
			a->uncredited += c->uncredited != 0;
			a->outlets += c->source && (a->copies == 1 ||
			                            cmp_opt(c->source, r->copies[i - 1].source) != 0);
			if (c->has_lag)
				lags[n_lags++] = c->lag;
		}
		a->has_lag = median(&a->median_lag, lags, n_lags);
	}
	free(stories);
	qsort(r->agencies, r->n_agencies, sizeof *r->agencies, cmp_agency);
	return 0;
}

static int sum_up(report *r)
{
	int64_t *lags = malloc((r->n_copies + 1) * sizeof *lags);
	size_t n_lags = 0;
	int err;
	if (!lags)
		return WD_ENOMEM;
	for (size_t i = 0; i < r->n_copies; i++) {
		const report_copy *c = &r->copies[i];
		r->uncredited += c->uncredited != 0;
		r->trimmed += c->trimmed != 0;
		r->credited_story_copies += c->agency != NULL;
		if (c->has_lag)
			lags[n_lags++] = c->lag;
	}
	r->has_lag = median(&r->median_lag, lags, n_lags);
	if ((err = sum_outlets(r, lags)) == 0 && (err = sum_agencies(r, lags)) == 0)
		qsort(r->clusters, r->n_clusters, sizeof *r->clusters, cmp_cluster);
	free(lags);
	return err;
}

static void report_free(report *r)
{
	for (size_t i = 0; i < r->n_strings; i++)
		free(r->strings[i]);
	free(r->strings);
	free(r->copies);
	free(r->clusters);
	free(r->outlets);
	free(r->agencies);
	free(r->scratch);
	free(r->outlet_agencies);
}

/* ---- JSON Lines and CSV ---- */

static json_t *real_or_null(int known, double v)
{
	return known ? json_real(v) : json_null();
}

/* part / whole, null when whole is 0. */
static json_t *share(size_t part, size_t whole)
{
	return whole ? json_real((double)part / (double)whole) : json_null();
}

static const char *const SUMMARY_COLUMNS[] = {
	"table", "articles", "clusters", "copies", "outlets", "agencies", "uncredited_copies",
	"trimmed_copies", "median_lag_seconds", NULL};
static const char *const OUTLET_COLUMNS[] = {
	"outlet", "copies", "firsts", "agencies", "median_lag_seconds", "uncredited_share",
	"trimmed_share", "uncredited_copies", "trimmed_copies", NULL};
static const char *const AGENCY_COLUMNS[] = {
	"agency", "stories", "copies", "outlets", "median_lag_seconds", "uncredited_copies",
	"uncredited_share", NULL};
static const char *const CLUSTER_COLUMNS[] = {
	"cluster", "size", "outlets", "agency", "first_published", "median_lag_seconds",
	"max_lag_seconds", "uncredited_copies", "trimmed_copies", NULL};

/* Writes rec; with a table name (JSON Lines of every table) the record
 * says which table it belongs to, first. */
static int emit(FILE *fp, out_format fmt, const char *const *cols, const char *table,
                json_t *rec)
{
	if (!rec)
		return WD_ENOMEM;
	if (table) {
		json_t *tagged = json_pack("{s:s}", "table", table);
		json_object_update(tagged, rec);
		json_decref(rec);
		rec = tagged;
	}
	return out_record(fp, fmt, cols, rec) < 0 ? WD_EIO : 0;
}

static int write_records(FILE *fp, const report *r, out_format fmt, report_table t, size_t top)
{
	const char *tag_summary = "summary", *tag_outlet = NULL, *tag_agency = NULL,
	           *tag_cluster = NULL;
	int err = 0;
	if (t == REPORT_ALL) {
		tag_outlet = "outlets";
		tag_agency = "agencies";
		tag_cluster = "clusters";
		size_t agencies = r->n_agencies && !r->agencies[r->n_agencies - 1].agency
		                          ? r->n_agencies - 1 : r->n_agencies;
		err = emit(fp, fmt, SUMMARY_COLUMNS, NULL, json_pack(
			"{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "table", tag_summary,
			"articles", (json_int_t)r->articles, "clusters", (json_int_t)r->n_clusters,
			"copies", (json_int_t)r->n_copies, "outlets", (json_int_t)r->n_outlets,
			"agencies", (json_int_t)agencies, "uncredited_copies",
			(json_int_t)r->uncredited, "trimmed_copies", (json_int_t)r->trimmed,
			"median_lag_seconds", real_or_null(r->has_lag, r->median_lag)));
	}
	for (size_t i = 0; i < r->n_outlets && !err && (t == REPORT_ALL || t == REPORT_OUTLETS);
	     i++) {
		const report_outlet *o = &r->outlets[i];
		json_t *agencies = json_array();
		for (size_t k = 0; k < o->n_agencies; k++)
			json_array_append_new(agencies, json_string(o->agencies[k]));
		err = emit(fp, fmt, OUTLET_COLUMNS, tag_outlet, json_pack(
			"{s:s?, s:I, s:I, s:o, s:o, s:o, s:o, s:I, s:I}", "outlet", o->source,
			"copies", (json_int_t)o->copies, "firsts", (json_int_t)o->firsts,
			"agencies", agencies, "median_lag_seconds",
			real_or_null(o->has_lag, o->median_lag), "uncredited_share",
			share(o->uncredited, o->credited_story_copies), "trimmed_share",
			share(o->trimmed, o->copies), "uncredited_copies", (json_int_t)o->uncredited,
			"trimmed_copies", (json_int_t)o->trimmed));
	}
	for (size_t i = 0; i < r->n_agencies && !err && (t == REPORT_ALL || t == REPORT_AGENCIES);
	     i++) {
		const report_agency *a = &r->agencies[i];
		err = emit(fp, fmt, AGENCY_COLUMNS, tag_agency, json_pack(
			"{s:s?, s:I, s:I, s:I, s:o, s:I, s:o}", "agency", a->agency, "stories",
			(json_int_t)a->stories, "copies", (json_int_t)a->copies, "outlets",
			(json_int_t)a->outlets, "median_lag_seconds",
			real_or_null(a->has_lag, a->median_lag), "uncredited_copies",
			(json_int_t)a->uncredited, "uncredited_share",
			a->agency ? share(a->uncredited, a->copies) : json_null()));
	}
	for (size_t i = 0; i < r->n_clusters && i < top && !err &&
	                   (t == REPORT_ALL || t == REPORT_CLUSTERS); i++) {
		const report_cluster *c = &r->clusters[i];
		err = emit(fp, fmt, CLUSTER_COLUMNS, tag_cluster, json_pack(
			"{s:s, s:I, s:I, s:s?, s:s?, s:o, s:o, s:I, s:I}", "cluster", c->id, "size",
			(json_int_t)c->size, "outlets", (json_int_t)c->outlets, "agency", c->agency,
			"first_published", c->first_published, "median_lag_seconds",
			real_or_null(c->has_lag, c->median_lag), "max_lag_seconds",
			c->has_lag ? json_integer((json_int_t)c->max_lag) : json_null(),
			"uncredited_copies", (json_int_t)c->uncredited, "trimmed_copies",
			(json_int_t)c->trimmed));
	}
	return err;
}

int report_table_parse(report_table *table, const char *name, out_format fmt)
{
	static const char *const NAMES[] = {"outlets", "agencies", "clusters"};
	if (!name) {
		*table = fmt == FORMAT_CSV ? REPORT_OUTLETS : REPORT_ALL;
		return 0;
	}
	if (fmt == FORMAT_HTML)
		return -1;
	for (int i = 0; i < 3; i++)
		if (strcmp(name, NAMES[i]) == 0) {
			*table = (report_table)(REPORT_OUTLETS + i);
			return 0;
		}
	return -1;
}

int report_run(FILE *fp, wd_index *ix, out_format fmt, report_table table, size_t top)
{
	report r;
	wd_stats st;
	memset(&r, 0, sizeof r);
	gather g = {&r, ix, NULL, 0};
	int err = wd_index_stats(&st, ix);
	if (err == 0) {
		r.articles = st.articles;
		err = wd_index_foreach_cluster(ix, 2, gather_cluster, &g);
	}
	free(g.lags);
	if (err == 0)
		err = sum_up(&r);
	if (err == 0 && fmt == FORMAT_HTML) {
		report_html(fp, &r, top);
		err = ferror(fp) ? WD_EIO : 0;
	} else if (err == 0) {
		err = write_records(fp, &r, fmt, table, top);
	}
	report_free(&r);
	return err;
}
