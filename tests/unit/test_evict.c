/*
 * test_evict.c - deleting articles, time windows, article lookups,
 * handles that live long beside a writer, and the upgrade of a version 1
 * index; through the public API (sqlite3 only to look behind it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "wiredup.h"
#include "unit_helpers.h"

#include <sqlite3.h>
#include <time.h>

static wd_index *open_path(const char *path)
{
	wd_index *ix = NULL;
	int err = wd_index_open(&ix, path, NULL);
	if (err != WD_OK)
		print_message("open: %s\n", wd_last_error());
	assert_int_equal(err, WD_OK);
	return ix;
}

static void add_ok(wd_index *ix, const wd_article *a)
{
	int err = wd_index_add(NULL, ix, a);
	if (err != WD_OK)
		print_message("adding '%s': %s\n", a->id, wd_last_error());
	assert_int_equal(err, WD_OK);
}

/* The id of the cluster of article id. */
static void assert_cluster_of(wd_index *ix, const char *id, const char *cluster)
{
	wd_article_info *a = NULL;
	int err = wd_index_get_article(&a, ix, id);
	if (err != WD_OK)
		print_message("get '%s': %s\n", id, wd_last_error());
	assert_int_equal(err, WD_OK);
	assert_string_equal(a->id, id);
	assert_string_equal(a->cluster, cluster);
	wd_article_info_free(a);
}

static void assert_absent(wd_index *ix, const char *id)
{
	wd_article_info *a = (wd_article_info *)&a;
	assert_int_equal(wd_index_get_article(&a, ix, id), WD_ENOTFOUND);
	assert_null(a);
	assert_non_null(strstr(wd_last_error(), id));
}

static wd_stats stats_of(wd_index *ix)
{
	wd_stats s;
	assert_int_equal(wd_index_stats(&s, ix), WD_OK);
	return s;
}

/* Runs one integer query on the file behind an index. */
static int64_t sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		print_message("%s: %s\n", sql, msg);
	assert_int_equal(rc, SQLITE_OK);
	sqlite3_close(db);
}

/* Story `story` of n words and a last line (malloc'd). */
static char *footed(unsigned story, size_t n, const char *foot)
{
	char *body = gen_story(story, n);
	size_t len = strlen(body) + strlen(foot) + 2;
	char *t = malloc(len);
	assert_non_null(t);
	snprintf(t, len, "%s\n%s", body, foot);
	free(body);
	return t;
}

/* P and Q, two stories, and X, which carries the beginning of both: one
 * cluster through X, named after Q (published first). */
struct bridge {
	char *p, *q, *x;
	wd_article ap, aq, ax;
};

static void bridge_init(struct bridge *b)
{
	char *p_head = gen_story(6, 120), *q_head = gen_story(7, 120);
	size_t n = strlen(p_head) + strlen(q_head) + 2;
	b->p = gen_story(6, 200);
	b->q = gen_story(7, 200);
	b->x = malloc(n);
	assert_non_null(b->x);
	snprintf(b->x, n, "%s\n%s", p_head, q_head);
	free(p_head);
	free(q_head);
	b->ap = (wd_article){.id = "p", .text = b->p, .source = "p.example",
	                     .published = "2022-01-02T00:00:00Z"};
	b->aq = (wd_article){.id = "q", .text = b->q, .source = "q.example",
	                     .published = "2022-01-01T00:00:00Z"};
	b->ax = (wd_article){.id = "x", .text = b->x, .source = "x.example",
	                     .published = "2022-01-03T00:00:00Z"};
}

static void bridge_free(struct bridge *b)
{
	free(b->p);
	free(b->q);
	free(b->x);
}

static void test_delete_splits_cluster(void **state)
{
	(void)state;
	struct bridge b;
	bridge_init(&b);
	wd_index *ix = open_path(NULL);
	add_ok(ix, &b.ap);
	add_ok(ix, &b.aq);
	add_ok(ix, &b.ax);
	assert_cluster_of(ix, "p", "q");
	assert_int_equal(stats_of(ix).clusters, 1);

	/* a missing id changes nothing */
	assert_int_equal(wd_index_delete(ix, "nope"), WD_ENOTFOUND);
	assert_non_null(strstr(wd_last_error(), "no article 'nope'"));
	assert_int_equal(stats_of(ix).articles, 3);

	/* without the bridge, P and Q are two stories again */
	assert_int_equal(wd_index_delete(ix, "x"), WD_OK);
	assert_absent(ix, "x");
	assert_cluster_of(ix, "p", "p");
	assert_cluster_of(ix, "q", "q");
	wd_stats s = stats_of(ix);
	assert_int_equal(s.articles, 2);
	assert_int_equal(s.clusters, 2);
	assert_int_equal(s.matches, 0);

	/* and X, sent again, joins them again */
	add_ok(ix, &b.ax);
	assert_cluster_of(ix, "p", "q");
	assert_int_equal(wd_index_delete(ix, "x"), WD_OK);
	assert_int_equal(wd_index_delete(ix, "x"), WD_ENOTFOUND);
	wd_index_close(ix);
	bridge_free(&b);
}

static void test_delete_representative(void **state)
{
	(void)state;
	char *body = gen_story(1, 300);
	wd_article a = {.id = "a", .text = body, .published = "2020-05-01T12:00:00Z"};
	wd_article b = {.id = "b", .text = body, .published = "2020-05-01T09:00:00Z"};
	wd_article c = {.id = "c", .text = body, .published = "2020-05-01T10:00:00Z"};
	wd_index *ix = open_path(NULL);
	add_ok(ix, &a);
	add_ok(ix, &b);
	assert_cluster_of(ix, "a", "b");
	/* the one member left is its own cluster */
	assert_int_equal(wd_index_delete(ix, "b"), WD_OK);
	assert_cluster_of(ix, "a", "a");
	wd_assignment as;
	assert_int_equal(wd_index_assignment(&as, ix, 1), WD_OK);
	assert_string_equal(as.cluster, "a");
	/* with two left, the earliest of them names it */
	add_ok(ix, &b);
	add_ok(ix, &c);
	assert_cluster_of(ix, "a", "b");
	assert_int_equal(wd_index_delete(ix, "b"), WD_OK);
	assert_cluster_of(ix, "a", "c");
	assert_cluster_of(ix, "c", "c");
	assert_int_equal(stats_of(ix).clusters, 1);
	wd_index_close(ix);
	free(body);
}

static void test_get_article(void **state)
{
	(void)state;
	char *body = gen_story(2, 300), *longer = gen_story(2, 400);
	char text[4096];
	snprintf(text, sizeof text, "BRUSSELS (AFP) - %s", body);
	wd_article a = {.id = "a", .text = text, .title = "Deal", .source = "wire.example",
	                .published = "2020-05-01T12:00:00Z", .url = "https://wire.example/a"};
	wd_article b = {.id = "b", .text = longer, .source = "daily.example",
	                .published = "2020-05-01T09:00:00Z"};
	wd_index *ix = open_path(NULL);
	add_ok(ix, &a);
	add_ok(ix, &b);

	wd_article_info *info = NULL;
	assert_int_equal(wd_index_get_article(&info, ix, "a"), WD_OK);
	assert_int_equal(info->seq, 1);
	assert_string_equal(info->text, text);
	assert_int_equal(info->text_len, strlen(text));
	assert_string_equal(info->title, "Deal");
	assert_string_equal(info->source, "wire.example");
	assert_string_equal(info->published, "2020-05-01T12:00:00Z");
	assert_string_equal(info->url, "https://wire.example/a");
	assert_string_equal(info->cluster, "b");
	assert_string_equal(info->credit_agency, "AFP");
	assert_string_equal(info->credit_place, "Brussels");
	assert_true(info->n_shingles > 0);
	assert_true(llabs(info->added - (int64_t)time(NULL)) < 60);
	assert_int_equal(info->n_matches, 1);
	assert_string_equal(info->matches[0].id, "b");
	assert_string_equal(info->matches[0].cluster, "b");
	assert_string_equal(info->matches[0].source, "daily.example");
	assert_null(info->matches[0].credit_agency);
	assert_int_equal(info->matches[0].contained, WD_CONTAINED_ARTICLE);
	assert_true(info->matches[0].containment > 0.9);
	/* the same figures as a query finds */
	wd_query_result *q = NULL;
	assert_int_equal(wd_index_query(&q, ix, &a), WD_OK);
	assert_int_equal(q->n_matches, 2); /* itself and b */
	assert_string_equal(q->matches[1].id, "b");
	assert_string_equal(q->matches[1].source, "daily.example");
	assert_true(q->matches[1].jaccard == info->matches[0].jaccard);
	assert_true(q->matches[1].containment == info->matches[0].containment);
	assert_int_equal(q->matches[1].shared_shingles, info->matches[0].shared_shingles);
	wd_query_result_free(q);
	wd_article_info_free(info);
	assert_absent(ix, "zz");

	wd_index_close(ix);
	free(body);
	free(longer);
}

static void test_window(void **state)
{
	(void)state;
	char *old_body = gen_story(3, 250), *new_body = gen_story(4, 250), *undated = gen_story(5, 250);
	wd_article old_a = {.id = "old", .text = old_body, .published = "2020-01-01T00:00:00Z"};
	wd_article new_a = {.id = "new", .text = new_body, .published = "2020-01-10T00:00:00Z"};
	wd_article copy_old = {.id = "copy-old", .text = old_body,
	                       .published = "2020-01-11T00:00:00Z"};
	wd_article copy_new = {.id = "copy-new", .text = new_body,
	                       .published = "2020-01-11T00:00:00Z"};
	wd_article nodate = {.id = "nodate", .text = undated, .published = "last Tuesday"};
	const int64_t jan5 = 1578182400; /* 2020-01-05T00:00:00Z */
	wd_index *ix = open_path(NULL);
	add_ok(ix, &old_a);
	add_ok(ix, &new_a);
	add_ok(ix, &nodate);

	/* with the window, the old story is not matched any more; the new is */
	wd_query_result *q = NULL;
	wd_index_set_cutoff(ix, jan5);
	assert_int_equal(wd_index_query(&q, ix, &copy_old), WD_OK);
	assert_true(q->new_story);
	assert_string_equal(q->cluster, "copy-old");
	wd_query_result_free(q);
	assert_int_equal(wd_index_query(&q, ix, &copy_new), WD_OK);
	assert_false(q->new_story);
	assert_string_equal(q->cluster, "new");
	wd_query_result_free(q);
	/* without it, it is */
	wd_index_set_cutoff(ix, 0);
	assert_int_equal(wd_index_query(&q, ix, &copy_old), WD_OK);
	assert_false(q->new_story);
	wd_query_result_free(q);

	/* eviction deletes what is older; the undated article counts from
	 * when it was added (now) */
	size_t n = 99;
	assert_int_equal(wd_index_evict(&n, ix, jan5), WD_OK);
	assert_int_equal(n, 1);
	assert_absent(ix, "old");
	assert_cluster_of(ix, "new", "new");
	assert_cluster_of(ix, "nodate", "nodate");
	assert_int_equal(wd_index_evict(&n, ix, jan5), WD_OK);
	assert_int_equal(n, 0);
	assert_int_equal(wd_index_evict(&n, ix, (int64_t)time(NULL) - 3600), WD_OK);
	assert_int_equal(n, 1); /* "new", published in 2020 */
	assert_cluster_of(ix, "nodate", "nodate");
	assert_int_equal(wd_index_evict(NULL, ix, (int64_t)time(NULL) + 3600), WD_OK);
	assert_int_equal(stats_of(ix).articles, 0);
	wd_index_close(ix);
	free(old_body);
	free(new_body);
	free(undated);
}

static void test_evicted_copies_split(void **state)
{
	(void)state;
	/* three copies: evicting the earliest two leaves the third alone */
	char *body = gen_story(6, 250);
	wd_article c1 = {.id = "c1", .text = body, .published = "2020-01-01T00:00:00Z"};
	wd_article c2 = {.id = "c2", .text = body, .published = "2020-01-02T00:00:00Z"};
	wd_article c3 = {.id = "c3", .text = body, .published = "2020-01-09T00:00:00Z"};
	wd_index *ix = open_path(NULL);
	assert_int_equal(wd_index_begin(ix), WD_OK); /* in a batch as well */
	add_ok(ix, &c1);
	add_ok(ix, &c2);
	add_ok(ix, &c3);
	size_t n = 0;
	assert_int_equal(wd_index_evict(&n, ix, 1578182400), WD_OK);
	assert_int_equal(wd_index_commit(ix), WD_OK);
	assert_int_equal(n, 2);
	assert_cluster_of(ix, "c3", "c3");
	wd_stats s = stats_of(ix);
	assert_int_equal(s.articles, 1);
	assert_int_equal(s.matches, 0);
	wd_index_close(ix);
	free(body);
}

/* An outlet's footer in two different stories is learned chrome; the
 * lines a deleted article was first to print are forgotten, the chrome
 * stays. */
static void test_delete_and_chrome(void **state)
{
	char *path = path_join(*state, "i.db");
	const char *foot = "Subscribe to the Daily Outlet for every story, every day.";
	char *t1 = footed(7, 200, foot), *t2 = footed(8, 200, foot), *t3 = footed(9, 200, foot);
	wd_article a1 = {.id = "a1", .text = t1, .source = "daily.example"};
	wd_article a2 = {.id = "a2", .text = t2, .source = "daily.example"};
	wd_article a3 = {.id = "a3", .text = t3, .source = "daily.example"};
	wd_index *ix = open_path(path);
	add_ok(ix, &a1);
	assert_true(sql_int(path, "SELECT count(*) FROM source_lines WHERE first_seq = 1") > 0);
	assert_int_equal(wd_index_delete(ix, "a1"), WD_OK);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM source_lines"), 0);
	/* the next article is the first with those lines now */
	add_ok(ix, &a2);
	add_ok(ix, &a3);
	int64_t chrome = sql_int(path, "SELECT count(*) FROM source_lines WHERE chrome = 1");
	assert_true(chrome >= 1);
	assert_int_equal(wd_index_delete(ix, "a2"), WD_OK);
	assert_int_equal(wd_index_delete(ix, "a3"), WD_OK);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM source_lines WHERE chrome = 1"),
	                 chrome);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM source_lines WHERE chrome = 0"), 0);
	wd_index_close(ix);
	free(t1);
	free(t2);
	free(t3);
	free(path);
}

/* A reader handle opened before the writer changes things answers like a
 * handle opened after: learned chrome and reused ingest numbers reach it. */
static void test_reader_sees_writer(void **state)
{
	char *path = path_join(*state, "i.db");
	/* a line that does not look like chrome: only learning finds it */
	const char *foot = "The harbour master said the tide tables for the estuary were unchanged.";
	char *t1 = footed(10, 200, foot), *t2 = footed(11, 200, foot), *t3 = footed(12, 200, foot);
	char *b1 = gen_story(10, 200);
	wd_article a1 = {.id = "a1", .text = t1, .source = "o.example"};
	wd_article a2 = {.id = "a2", .text = t2, .source = "o.example"};
	wd_article a3 = {.id = "a3", .text = t3, .source = "o.example"};
	wd_article q1 = {.id = "q1", .text = b1, .source = "other.example"};
	wd_index *w = open_path(path), *r = NULL;
	add_ok(w, &a1);
	assert_int_equal(wd_index_open_existing(&r, path), WD_OK);
	wd_query_result *q = NULL;
	assert_int_equal(wd_index_query(&q, r, &a2), WD_OK); /* fills r's caches */
	wd_query_result_free(q);

	add_ok(w, &a2); /* the footer becomes chrome */
	add_ok(w, &a3);
	assert_true(sql_int(path, "SELECT count(*) FROM source_lines WHERE chrome = 1") >= 1);
	wd_index *fresh = NULL;
	assert_int_equal(wd_index_open_existing(&fresh, path), WD_OK);
	wd_query_result *qr = NULL, *qf = NULL;
	assert_int_equal(wd_index_query(&qr, r, &a2), WD_OK);
	assert_int_equal(wd_index_query(&qf, fresh, &a2), WD_OK);
	assert_int_equal(qr->n_shingles, qf->n_shingles);
	assert_int_equal(qr->n_matches, qf->n_matches);
	wd_query_result_free(qr);
	wd_query_result_free(qf);

	/* a3 (the newest, in r's cache now) goes and its ingest number comes
	 * back with a1's story: r must not take it for a3 */
	assert_int_equal(wd_index_query(&qr, r, &a3), WD_OK);
	wd_query_result_free(qr);
	assert_int_equal(wd_index_delete(w, "a3"), WD_OK);
	wd_article a4 = {.id = "a4", .text = b1, .source = "p.example"};
	add_ok(w, &a4);
	wd_article_info *info = NULL;
	assert_int_equal(wd_index_get_article(&info, r, "a4"), WD_OK);
	assert_int_equal(info->seq, 3);
	wd_article_info_free(info);
	assert_int_equal(wd_index_query(&qr, r, &q1), WD_OK);
	assert_int_equal(qr->n_matches, 2);
	assert_true(strcmp(qr->matches[0].id, "a4") == 0 || strcmp(qr->matches[1].id, "a4") == 0);
	wd_query_result_free(qr);
	wd_index_close(fresh);
	wd_index_close(r);
	wd_index_close(w);
	free(t1);
	free(t2);
	free(t3);
	free(b1);
	free(path);
}

static void test_upgrade_from_version_1(void **state)
{
	char *path = path_join(*state, "old.db");
	char *body = gen_story(13, 200);
	wd_article a = {.id = "a", .text = body};
	wd_index *ix = open_path(path);
	add_ok(ix, &a);
	wd_index_close(ix);
	assert_int_equal(sql_int(path, "PRAGMA user_version"), 4);
	assert_int_equal(sql_int(path, "SELECT shingles IS NOT NULL FROM articles"), 1);
	/* back to version 1 as an older wiredup made it */
	sql_exec(path, "DROP TABLE changes; DROP INDEX articles_by_time;"
	               " ALTER TABLE articles DROP COLUMN added_ts;"
	               " ALTER TABLE articles DROP COLUMN shingles;"
	               " PRAGMA user_version = 1");

	ix = open_path(path);
	assert_int_equal(sql_int(path, "PRAGMA user_version"), 4);
	assert_true(llabs(sql_int(path, "SELECT added_ts FROM articles") - (int64_t)time(NULL)) < 60);
	/* "a" has no stored shingles: it is parsed from its text to verify */
	assert_int_equal(sql_int(path, "SELECT shingles IS NULL FROM articles WHERE id = 'a'"), 1);
	assert_cluster_of(ix, "a", "a");
	wd_article b = {.id = "b", .text = body};
	add_ok(ix, &b);
	assert_cluster_of(ix, "b", "a");
	wd_index_close(ix);
	free(body);
	free(path);
}

int main(void)
{
#define DIR_TEST(f) cmocka_unit_test_setup_teardown(f, setup_dir, remove_dir)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delete_splits_cluster),
		cmocka_unit_test(test_delete_representative),
		cmocka_unit_test(test_get_article),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_evicted_copies_split),
		DIR_TEST(test_delete_and_chrome),
		DIR_TEST(test_reader_sees_writer),
		DIR_TEST(test_upgrade_from_version_1),
	};
#undef DIR_TEST
	return cmocka_run_group_tests(tests, NULL, NULL);
}
