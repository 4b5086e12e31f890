/*
 * test_index.c - the index through the public API only: adding, matching,
 * clustering, queries, batches, persistence and refusing foreign files.
 * Article texts come from gen_story() (unit_helpers.h): a deterministic
 * pseudo-word generator with a distinct vocabulary per story.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "wiredup.h"
#include "unit_helpers.h"

#include <sqlite3.h>
#include <unistd.h>

/* ---- helpers ---- */

static wd_index *open_memory(void)
{
	wd_index *ix = NULL;
	assert_int_equal(wd_index_open(&ix, NULL, NULL), WD_OK);
	assert_non_null(ix);
	return ix;
}

static wd_stats stats_of(wd_index *ix)
{
	wd_stats s;
	memset(&s, 0, sizeof s);
	assert_int_equal(wd_index_stats(&s, ix), WD_OK);
	return s;
}

static void assert_same_stats(wd_stats a, wd_stats b)
{
	assert_int_equal(a.articles, b.articles);
	assert_int_equal(a.clusters, b.clusters);
	assert_int_equal(a.multi_clusters, b.multi_clusters);
	assert_int_equal(a.matches, b.matches);
}

/* Adds an article that must be new; returns its ingest number. */
static int64_t add_new(wd_index *ix, const wd_article *a, uint32_t expected_matches)
{
	wd_add_result res;
	int err = wd_index_add(&res, ix, a);
	if (err != WD_OK)
		print_message("adding '%s': %s\n", a->id, wd_last_error());
	assert_int_equal(err, WD_OK);
	assert_int_equal(res.status, WD_ADD_NEW);
	assert_true(res.seq > 0);
	assert_int_equal(res.matches, expected_matches);
	return res.seq;
}

/* The cluster of article seq must be `cluster`. */
static void assert_cluster(wd_index *ix, int64_t seq, const char *id, const char *cluster)
{
	wd_assignment as;
	assert_int_equal(wd_index_assignment(&as, ix, seq), WD_OK);
	assert_string_equal(as.id, id);
	assert_string_equal(as.cluster, cluster);
	assert_true(as.similarity >= 0.0 && as.similarity <= 1.0);
	if (strcmp(id, cluster) == 0)
		assert_true(as.similarity == 1.0);
}

/* A reprint: the same body wrapped in an outlet's page chrome. */
static char *with_chrome(const char *body)
{
	static const char head[] = "Home | World | Business | Sport | Opinion\n"
	                           "Last Updated: 1 May 2020 11:02 AM\n";
	static const char tail[] = "\nSubscribe now for full access to every story.\n"
	                           "More from this section\nNext Story\n"
	                           "Share on Facebook | Share on X | Email\n"
	                           "(c) 2020 Daily Outlet. All rights reserved.\n";
	size_t n = strlen(head) + strlen(body) + strlen(tail) + 1;
	char *s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, "%s%s%s", head, body, tail);
	return s;
}

/* Three articles: A, B (A's body in chrome, other headline, published
 * earlier) and C (an unrelated story). */
struct trio {
	char *body_a, *text_b, *body_c;
	wd_article a, b, c;
};

static void trio_init(struct trio *t)
{
	t->body_a = gen_story(0, 300);
	t->text_b = with_chrome(t->body_a);
	t->body_c = gen_story(1, 300);
	t->a = (wd_article){.id = "a", .text = t->body_a, .title = "Deal struck",
	                    .source = "wire.example", .published = "2020-05-01T12:00:00Z"};
	t->b = (wd_article){.id = "b", .text = t->text_b,
	                    .title = "Officials agree on a deal at last",
	                    .source = "daily.example",
	                    .published = "2020-05-01T11:00:00+02:00"}; /* 09:00Z */
	t->c = (wd_article){.id = "c", .text = t->body_c, .title = "Storm warning",
	                    .source = "daily.example", .published = "2020-05-02T08:00:00Z"};
}

static void trio_free(struct trio *t)
{
	free(t->body_a);
	free(t->text_b);
	free(t->body_c);
}

/* ---- adding and clustering ---- */

static void test_copy_joins_earliest_cluster(void **state)
{
	(void)state;
	struct trio t;
	trio_init(&t);
	wd_index *ix = open_memory();

	int64_t sa = add_new(ix, &t.a, 0);
	int64_t sb = add_new(ix, &t.b, 1);
	int64_t sc = add_new(ix, &t.c, 0);
	assert_true(sa < sb && sb < sc);

	/* B was published first, so the cluster is named after B */
	assert_cluster(ix, sa, "a", "b");
	assert_cluster(ix, sb, "b", "b");
	assert_cluster(ix, sc, "c", "c");

	wd_stats s = stats_of(ix);
	assert_int_equal(s.articles, 3);
	assert_int_equal(s.clusters, 2);
	assert_int_equal(s.multi_clusters, 1);
	assert_int_equal(s.matches, 1);
	assert_int_equal(s.schema_version, 4);

	wd_assignment as;
	assert_int_equal(wd_index_assignment(&as, ix, sc + 10), WD_ENOTFOUND);

	wd_index_close(ix);
	trio_free(&t);
}

static void test_ties_broken_by_ingest_order(void **state)
{
	(void)state;
	char *body = gen_story(2, 250), *copy = with_chrome(body);
	const char *when = "2021-03-04T05:06:07Z";

	/* equal times: the first ingested names the cluster */
	wd_index *ix = open_memory();
	wd_article first = {.id = "first", .text = body, .published = when};
	wd_article second = {.id = "second", .text = copy, .published = when};
	int64_t s1 = add_new(ix, &first, 0), s2 = add_new(ix, &second, 1);
	assert_cluster(ix, s1, "first", "first");
	assert_cluster(ix, s2, "second", "first");
	wd_index_close(ix);

	/* no times at all: the same */
	ix = open_memory();
	first.published = second.published = NULL;
	s1 = add_new(ix, &first, 0);
	s2 = add_new(ix, &second, 1);
	assert_cluster(ix, s2, "second", "first");
	wd_index_close(ix);

	/* a known time comes before an unknown one ("unparsable" is unknown) */
	ix = open_memory();
	first.published = "yesterday";
	second.published = when;
	s1 = add_new(ix, &first, 0);
	s2 = add_new(ix, &second, 1);
	assert_cluster(ix, s1, "first", "second");
	wd_index_close(ix);

	free(body);
	free(copy);
}

static void test_truncated_copy_matches(void **state)
{
	(void)state;
	/* the first 40% of a 400-word story: low Jaccard, full containment */
	char *full = gen_story(3, 400), *head = gen_story(3, 160);
	assert_memory_equal(full, head, strlen(head) - 1); /* a true prefix */
	wd_article orig = {.id = "orig", .text = full};
	wd_article cut = {.id = "cut", .text = head};
	wd_index *ix = open_memory();
	add_new(ix, &orig, 0);

	wd_query_result *q = NULL;
	assert_int_equal(wd_index_query(&q, ix, &cut), WD_OK);
	assert_int_equal(q->n_matches, 1);
	print_message("40%% copy: jaccard %.3f, containment %.3f\n",
	              q->matches[0].jaccard, q->matches[0].containment);
	assert_string_equal(q->matches[0].id, "orig");
	assert_true(q->matches[0].jaccard < 0.5);
	assert_true(q->matches[0].containment >= 0.5); /* the default threshold */
	assert_true(q->matches[0].score == q->matches[0].containment);
	wd_query_result_free(q);

	int64_t s = add_new(ix, &cut, 1);
	assert_cluster(ix, s, "cut", "orig");
	wd_index_close(ix);
	free(full);
	free(head);
}

static void test_bridge_merges_clusters(void **state)
{
	(void)state;
	/* X carries most of the beginning of P and of Q (like a rewrite that
	 * merged two versions): it matches both, and their clusters merge under
	 * the earliest member, Q. (A page that merely strings two whole stories
	 * together is a compilation, not a copy: see test_compilation.) */
	char *p = gen_story(6, 200), *q = gen_story(7, 200);
	char *p_head = gen_story(6, 120), *q_head = gen_story(7, 120);
	size_t n = strlen(p_head) + strlen(q_head) + 2;
	char *x = malloc(n);
	assert_non_null(x);
	snprintf(x, n, "%s\n%s", p_head, q_head);
	free(p_head);
	free(q_head);
	wd_article ap = {.id = "p", .text = p, .published = "2022-01-02T00:00:00Z"};
	wd_article aq = {.id = "q", .text = q, .published = "2022-01-01T00:00:00Z"};
	wd_article ax = {.id = "x", .text = x, .published = "2022-01-03T00:00:00Z"};

	wd_index *ix = open_memory();
	int64_t sp = add_new(ix, &ap, 0), sq = add_new(ix, &aq, 0);
	assert_int_equal(stats_of(ix).clusters, 2);
	int64_t sx = add_new(ix, &ax, 2);
	assert_cluster(ix, sp, "p", "q");
	assert_cluster(ix, sq, "q", "q");
	assert_cluster(ix, sx, "x", "q");
	/* P is in Q's cluster through X only: it shares nothing with Q */
	wd_assignment as;
	assert_int_equal(wd_index_assignment(&as, ix, sp), WD_OK);
	assert_true(as.similarity < 0.1);
	assert_int_equal(wd_index_assignment(&as, ix, sx), WD_OK);
	assert_true(as.similarity >= 0.5);
	wd_stats s = stats_of(ix);
	assert_int_equal(s.clusters, 1);
	assert_int_equal(s.multi_clusters, 1);
	assert_int_equal(s.matches, 2);

	wd_index_close(ix);
	free(p);
	free(q);
	free(x);
}

static void test_compilation(void **state)
{
	(void)state;
	/* A digest that strings three whole stories together joins the first
	 * (its lede is that story's) but not the second, which it merely
	 * carries further down, like an inset. */
	char *p = gen_story(8, 200), *q = gen_story(9, 200), *r = gen_story(10, 200);
	size_t n = strlen(p) + strlen(q) + strlen(r) + 3;
	char *x = malloc(n);
	assert_non_null(x);
	snprintf(x, n, "%s\n%s\n%s", p, q, r);
	free(r);
	wd_article ap = {.id = "p", .text = p};
	wd_article aq = {.id = "q", .text = q};
	wd_article ax = {.id = "digest", .text = x};
	wd_index *ix = open_memory();
	int64_t sp = add_new(ix, &ap, 0), sq = add_new(ix, &aq, 0);
	int64_t sx = add_new(ix, &ax, 1);
	assert_cluster(ix, sp, "p", "p");
	assert_cluster(ix, sx, "digest", "p");
	assert_cluster(ix, sq, "q", "q");
	wd_index_close(ix);
	free(p);
	free(q);
	free(x);
}

static char *joined(char *a, char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *x = malloc(n);
	assert_non_null(x);
	snprintf(x, n, "%s\n%s", a, b);
	free(a);
	free(b);
	return x;
}

static void test_same_headline(void **state)
{
	(void)state;
	/* Half of P's text deep in a longer page is an inset (y), unless the
	 * page carries P's headline: then it is P cut short and extended (x). */
	const char *title = "Council closes the old bridge to lorries";
	char *p = gen_story(11, 200);
	char *x = joined(gen_story(12, 400), gen_story(11, 100));
	char *y = joined(gen_story(13, 400), gen_story(11, 100));
	wd_article ap = {.id = "p", .title = title, .text = p};
	wd_article ay = {.id = "y", .title = "A longer story of its own", .text = y};
	wd_article ax = {.id = "x", .title = title, .text = x};
	wd_index *ix = open_memory();
	int64_t sp = add_new(ix, &ap, 0), sy = add_new(ix, &ay, 0), sx = add_new(ix, &ax, 1);
	assert_cluster(ix, sp, "p", "p");
	assert_cluster(ix, sx, "x", "p");
	assert_cluster(ix, sy, "y", "y");
	wd_index_close(ix);
	free(p);
	free(x);
	free(y);
}

static void test_same_article_again(void **state)
{
	(void)state;
	struct trio t;
	trio_init(&t);
	wd_index *ix = open_memory();
	int64_t sa = add_new(ix, &t.a, 0);
	add_new(ix, &t.b, 1);
	wd_stats before = stats_of(ix);

	wd_add_result res = {.status = WD_ADD_NEW, .seq = -1, .matches = 99};
	assert_int_equal(wd_index_add(&res, ix, &t.a), WD_OK);
	assert_int_equal(res.status, WD_ADD_UNCHANGED);
	assert_int_equal(res.seq, sa);
	assert_int_equal(res.matches, 0);
	assert_int_equal(wd_index_add(NULL, ix, &t.a), WD_OK); /* out may be NULL */
	assert_same_stats(stats_of(ix), before);
	assert_cluster(ix, sa, "a", "b");

	wd_index_close(ix);
	trio_free(&t);
}

static void test_same_id_other_content(void **state)
{
	(void)state;
	struct trio t;
	trio_init(&t);
	wd_index *ix = open_memory();
	add_new(ix, &t.a, 0);
	wd_stats before = stats_of(ix);

	wd_article other = t.c;
	other.id = "a";
	assert_int_equal(wd_index_add(NULL, ix, &other), WD_EDUPLICATE);
	assert_non_null(strstr(wd_last_error(), "'a'"));
	assert_same_stats(stats_of(ix), before);

	/* nothing of it was stored: C's text still finds nothing */
	wd_query_result *q = NULL;
	assert_int_equal(wd_index_query(&q, ix, &t.c), WD_OK);
	assert_int_equal(q->new_story, 1);
	wd_query_result_free(q);

	/* the same text under another headline is other content too */
	wd_article retitled = t.a;
	retitled.title = "A new headline";
	assert_int_equal(wd_index_add(NULL, ix, &retitled), WD_EDUPLICATE);
	assert_same_stats(stats_of(ix), before);

	wd_index_close(ix);
	trio_free(&t);
}

/* Adding `text` must fail with WD_EINPUT and a message holding `part`. */
static void check_unusable(wd_index *ix, const char *id, const char *text,
                           const char *part)
{
	wd_article a = {.id = id, .text = text};
	int err = wd_index_add(NULL, ix, &a);
	if (err != WD_EINPUT || !strstr(wd_last_error(), part))
		print_message("'%s': %s [%s], expected WD_EINPUT [%s]\n", id,
		              wd_error_name(err), wd_last_error(), part);
	assert_int_equal(err, WD_EINPUT);
	assert_non_null(strstr(wd_last_error(), part));
}

static void test_unusable_articles(void **state)
{
	(void)state;
	wd_index *ix = open_memory();
	check_unusable(ix, "empty", "", "no words");
	check_unusable(ix, "punct", " ... !!! -- \xE2\x80\x94 ?\n", "no words");
	check_unusable(ix, "badutf8", "good words \xFF then more", "invalid UTF-8 at byte 11");
	check_unusable(ix, "badutf8", "good words \xFF then more", "'badutf8'");
	check_unusable(ix, "notext", NULL, "'notext'");
	check_unusable(ix, "", "some words here", "no id");
	check_unusable(ix, NULL, "some words here", "no id");

	wd_stats s = stats_of(ix);
	assert_int_equal(s.articles, 0);
	assert_int_equal(s.clusters, 0);

	/* the index still works afterwards */
	wd_article ok = {.id = "ok", .text = "finally some words"};
	add_new(ix, &ok, 0);
	wd_index_close(ix);
}

/* ---- queries ---- */

static void test_query_stores_nothing(void **state)
{
	(void)state;
	struct trio t;
	trio_init(&t);
	wd_index *ix = open_memory();
	add_new(ix, &t.a, 0);
	add_new(ix, &t.c, 0);
	wd_stats before = stats_of(ix);

	/* B published later than A: it would join A's cluster */
	wd_article late = t.b;
	late.published = "2020-05-01T15:00:00Z";
	wd_query_result *q = NULL;
	assert_int_equal(wd_index_query(&q, ix, &late), WD_OK);
	assert_int_equal(q->new_story, 0);
	assert_int_equal(q->n_matches, 1);
	assert_string_equal(q->cluster, "a");
	const wd_match *m = &q->matches[0];
	assert_string_equal(m->id, "a");
	assert_string_equal(m->cluster, "a");
	print_message("chrome copy: jaccard %.3f, containment %.3f\n", m->jaccard,
	              m->containment);
	assert_true(m->jaccard >= 0.5 && m->jaccard <= 1.0);
	assert_true(m->containment >= m->jaccard && m->containment <= 1.0);
	assert_true(m->score == (m->jaccard > m->containment ? m->jaccard : m->containment));
	wd_query_result_free(q);
	assert_same_stats(stats_of(ix), before);

	/* B as given is earlier than A: the merged cluster would be B's */
	assert_int_equal(wd_index_query(&q, ix, &t.b), WD_OK);
	assert_string_equal(q->cluster, "b");
	assert_string_equal(q->matches[0].cluster, "a");
	wd_query_result_free(q);

	/* an unrelated story: new, named after itself */
	char *body = gen_story(4, 200);
	wd_article fresh = {.id = "fresh", .text = body};
	assert_int_equal(wd_index_query(&q, ix, &fresh), WD_OK);
	assert_int_equal(q->new_story, 1);
	assert_int_equal(q->n_matches, 0);
	assert_string_equal(q->cluster, "fresh");
	wd_query_result_free(q);
	assert_same_stats(stats_of(ix), before);

	/* a bad article: an error and no result */
	wd_article bad = {.id = "bad", .text = "!!!"};
	q = (wd_query_result *)&q; /* any non-NULL value: it must be reset */
	assert_int_equal(wd_index_query(&q, ix, &bad), WD_EINPUT);
	assert_null(q);
	wd_query_result_free(NULL);

	free(body);
	wd_index_close(ix);
	trio_free(&t);
}

/* ---- clusters ---- */

enum { MAX_SEEN = 4 };

/* What wd_index_foreach_cluster reported, copied out of the callback. */
struct seen {
	int calls, stop_after;
	char id[MAX_SEEN][32];
	size_t size[MAX_SEEN];
	char members[MAX_SEEN][MAX_SEEN][32];
	size_t n_sources[MAX_SEEN];
	char sources[MAX_SEEN][MAX_SEEN][64];
	char first[MAX_SEEN][32], last[MAX_SEEN][32];
};

static int collect(const wd_cluster *c, void *ctx)
{
	struct seen *s = ctx;
	int i = s->calls++;
	assert_true(i < MAX_SEEN);
	snprintf(s->id[i], sizeof s->id[i], "%s", c->id);
	s->size[i] = c->size;
	for (size_t k = 0; k < c->size && k < MAX_SEEN; k++)
		snprintf(s->members[i][k], sizeof s->members[i][k], "%s", c->members[k]);
	s->n_sources[i] = c->n_sources;
	for (size_t k = 0; k < c->n_sources && k < MAX_SEEN; k++)
		snprintf(s->sources[i][k], sizeof s->sources[i][k], "%s", c->sources[k]);
	snprintf(s->first[i], sizeof s->first[i], "%s",
	         c->first_published ? c->first_published : "(none)");
	snprintf(s->last[i], sizeof s->last[i], "%s",
	         c->last_published ? c->last_published : "(none)");
	return s->calls == s->stop_after ? 7 : 0;
}

static void test_foreach_cluster(void **state)
{
	(void)state;
	struct trio t;
	trio_init(&t);
	wd_index *ix = open_memory();
	wd_article d = t.a; /* a third copy, same outlet as A, no time */
	d.id = "d";
	d.published = NULL;
	add_new(ix, &t.a, 0);
	add_new(ix, &t.b, 1);
	add_new(ix, &t.c, 0);
	add_new(ix, &d, 2);

	struct seen s = {0};
	assert_int_equal(wd_index_foreach_cluster(ix, 2, collect, &s), 0);
	assert_int_equal(s.calls, 1);
	assert_string_equal(s.id[0], "b");
	assert_int_equal(s.size[0], 3);
	/* earliest first; no time last */
	assert_string_equal(s.members[0][0], "b");
	assert_string_equal(s.members[0][1], "a");
	assert_string_equal(s.members[0][2], "d");
	assert_int_equal(s.n_sources[0], 2);
	assert_string_equal(s.sources[0][0], "daily.example");
	assert_string_equal(s.sources[0][1], "wire.example");
	assert_string_equal(s.first[0], "2020-05-01T11:00:00+02:00");
	assert_string_equal(s.last[0], "2020-05-01T12:00:00Z");

	/* min_size 1: every cluster, by the representatives' ingest order */
	memset(&s, 0, sizeof s);
	assert_int_equal(wd_index_foreach_cluster(ix, 1, collect, &s), 0);
	assert_int_equal(s.calls, 2);
	assert_string_equal(s.id[0], "b");
	assert_string_equal(s.id[1], "c");
	assert_int_equal(s.size[1], 1);
	assert_string_equal(s.members[1][0], "c");

	/* a non-zero return stops the walk and is returned */
	memset(&s, 0, sizeof s);
	s.stop_after = 1;
	assert_int_equal(wd_index_foreach_cluster(ix, 0, collect, &s), 7);
	assert_int_equal(s.calls, 1);

	memset(&s, 0, sizeof s);
	assert_int_equal(wd_index_foreach_cluster(ix, 4, collect, &s), 0);
	assert_int_equal(s.calls, 0);

	wd_index_close(ix);
	trio_free(&t);
}

/* ---- batches ---- */

static void test_batch_survives_failed_add(void **state)
{
	(void)state;
	struct trio t;
	trio_init(&t);
	wd_index *ix = open_memory();
	wd_article bad = {.id = "bad", .text = "\xC0\xAF"};

	assert_int_equal(wd_index_commit(ix), WD_EINVAL); /* no batch open */
	assert_int_equal(wd_index_begin(ix), WD_OK);
	assert_int_equal(wd_index_begin(ix), WD_EINVAL);  /* one at a time */
	add_new(ix, &t.a, 0);
	assert_int_equal(wd_index_add(NULL, ix, &bad), WD_EINPUT);
	add_new(ix, &t.b, 1);
	assert_int_equal(wd_index_commit(ix), WD_OK);

	wd_stats s = stats_of(ix);
	assert_int_equal(s.articles, 2);
	assert_int_equal(s.multi_clusters, 1);
	assert_int_equal(s.matches, 1);
	wd_index_close(ix);
	trio_free(&t);
}

/* ---- persistence and foreign files ---- */


static void test_persistence(void **state)
{
	struct trio t;
	trio_init(&t);
	char *path = path_join(*state, "index.db");
	wd_params p;
	wd_params_init(&p);
	p.shingle_words = 4;
	p.threshold = 0.6;

	wd_index *ix = NULL;
	assert_int_equal(wd_index_open(&ix, path, &p), WD_OK);
	int64_t sa = add_new(ix, &t.a, 0);
	add_new(ix, &t.b, 1);
	add_new(ix, &t.c, 0);
	wd_stats before = stats_of(ix);
	assert_int_equal(wd_index_close(ix), WD_OK);

	/* reopened without parameters: the stored ones, the same content */
	assert_int_equal(wd_index_open(&ix, path, NULL), WD_OK);
	wd_params got;
	wd_index_params(&got, ix);
	assert_int_equal(got.shingle_words, 4);
	assert_true(got.threshold == 0.6);
	assert_int_equal(got.num_perm, 128);
	assert_int_equal(got.seed, 1);
	assert_same_stats(stats_of(ix), before);
	assert_cluster(ix, sa, "a", "b");

	/* the LSH bands were kept: a new copy still finds its cluster; a
	 * batch left open is committed by close */
	wd_article d = t.a;
	d.id = "d";
	assert_int_equal(wd_index_begin(ix), WD_OK);
	int64_t sd = add_new(ix, &d, 2);
	assert_int_equal(wd_index_close(ix), WD_OK);

	assert_int_equal(wd_index_open(&ix, path, &p), WD_OK); /* same params: fine */
	assert_int_equal(stats_of(ix).articles, 4);
	assert_cluster(ix, sd, "d", "b");
	assert_int_equal(wd_index_close(ix), WD_OK);

	/* other parameters are refused, naming both values */
	p.shingle_words = 6;
	ix = (wd_index *)&ix; /* any non-NULL value: it must be reset */
	assert_int_equal(wd_index_open(&ix, path, &p), WD_EPARAMS);
	assert_null(ix);
	print_message("%s\n", wd_last_error());
	assert_non_null(strstr(wd_last_error(), "shingle words 4"));
	assert_non_null(strstr(wd_last_error(), "6"));

	free(path);
	trio_free(&t);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Lists the names in dir, sorted and joined by spaces, into buf. */
static void list_dir(char *buf, size_t size, const char *dir)
{
	char names[16][256];
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d)) && n < 16)
		if (e->d_name[0] != '.')
			snprintf(names[n++], sizeof names[0], "%s", e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], cmp_name);
	buf[0] = '\0';
	for (int i = 0; i < n; i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? " " : "", names[i]);
}

/* Opening path must fail with WD_ENOTINDEX (message holding `part`) and
 * change nothing on disk. */
static void check_not_index(const char *dir, const char *path, const char *part,
                            int bytes_must_match)
{
	size_t len_before, len_after;
	char *before = read_whole_file(path, &len_before), *after;
	char files_before[1024], files_after[1024];
	list_dir(files_before, sizeof files_before, dir);

	wd_index *ix = (wd_index *)&ix; /* any non-NULL value: it must be reset */
	assert_int_equal(wd_index_open(&ix, path, NULL), WD_ENOTINDEX);
	assert_null(ix);
	print_message("%s\n", wd_last_error());
	assert_non_null(strstr(wd_last_error(), part));

	after = read_whole_file(path, &len_after);
	list_dir(files_after, sizeof files_after, dir);
	assert_string_equal(files_after, files_before);
	assert_int_equal(len_after, len_before);
	if (bytes_must_match)
		assert_memory_equal(after, before, len_before);
	free(before);
	free(after);
}

/* A job kept for an index writes one that reads as one built by adds;
 * it is refused before it runs, unkept, or into an index with articles. */
static void test_batch_write_index(void **state)
{
	struct trio t;
	trio_init(&t);
	char *path = path_join(*state, "bulk.db"), *other = path_join(*state, "other.db");
	wd_batch *b = NULL;
	wd_add_status st;

	assert_int_equal(wd_batch_open(&b, NULL, 2, NULL, NULL), WD_OK);
	assert_int_equal(wd_batch_keep_articles(b), WD_OK);
	assert_int_equal(wd_batch_add(&st, b, &t.a, 0), WD_OK);
	assert_int_equal(wd_batch_keep_articles(b), WD_EINVAL); /* too late */
	assert_int_equal(wd_batch_add(&st, b, &t.b, 1), WD_OK);
	assert_int_equal(wd_batch_add(&st, b, &t.c, 2), WD_OK);
	assert_int_equal(wd_batch_write_index(b, path), WD_EINVAL); /* not run */
	assert_int_equal(wd_batch_run(b), WD_OK);
	assert_int_equal(wd_batch_write_index(b, path), WD_OK);

	wd_index *ix = NULL;
	assert_int_equal(wd_index_open(&ix, path, NULL), WD_OK);
	wd_stats s = stats_of(ix);
	assert_int_equal(s.articles, 3);
	assert_int_equal(s.clusters, 2);
	assert_int_equal(s.matches, 1);
	assert_cluster(ix, 1, "a", "b"); /* b was published first */
	assert_cluster(ix, 2, "b", "b");
	assert_cluster(ix, 3, "c", "c");
	/* its LSH bands are there: a copy is found */
	wd_article d = t.a;
	d.id = "d";
	add_new(ix, &d, 2);
	assert_int_equal(wd_index_close(ix), WD_OK);

	/* an index with articles is refused and left as it was */
	assert_int_equal(wd_batch_write_index(b, path), WD_EINVAL);
	assert_non_null(strstr(wd_last_error(), "only when new"));
	assert_int_equal(wd_index_open(&ix, path, NULL), WD_OK);
	assert_int_equal(stats_of(ix).articles, 4);
	assert_int_equal(wd_index_close(ix), WD_OK);
	wd_batch_close(b);

	/* a job that does not keep its articles cannot write one */
	assert_int_equal(wd_batch_open(&b, NULL, 1, NULL, NULL), WD_OK);
	assert_int_equal(wd_batch_add(&st, b, &t.a, 0), WD_OK);
	assert_int_equal(wd_batch_run(b), WD_OK);
	assert_int_equal(wd_batch_write_index(b, other), WD_EINVAL);
	wd_batch_close(b);

	free(path);
	free(other);
	trio_free(&t);
}

static void test_plain_text_file(void **state)
{
	char *path = path_join(*state, "notes.txt");
	char text[4096];
	text[0] = '\0';
	for (int i = 0; i < 60; i++)
		strcat(text, "This is a plain text file, not a database.\n");
	write_file(path, text, strlen(text));
	check_not_index(*state, path, "not a wiredup index", 1);
	free(path);
}

/* Opens the SQLite database at path and steps sql to its first row. */
static sqlite3_stmt *first_row(sqlite3 **db, const char *path, const char *sql)
{
	sqlite3_stmt *s = NULL;
	assert_int_equal(sqlite3_open(path, db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(*db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	return s;
}

/* Creates a SQLite database at path by running sql. */
static void make_sqlite(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void test_other_sqlite_database(void **state)
{
	char *path = path_join(*state, "recipes.db");
	make_sqlite(path, "CREATE TABLE recipes(name TEXT, steps TEXT);"
	                  "INSERT INTO recipes VALUES('tea', 'boil water');");
	/* refused, and the file is byte for byte as it was */
	check_not_index(*state, path, "not a wiredup index", 1);

	/* the foreign data is intact */
	sqlite3 *db;
	sqlite3_stmt *s = first_row(&db, path, "SELECT steps FROM recipes");
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "boil water");
	sqlite3_finalize(s);
	sqlite3_close(db);
	free(path);
}

static void test_newer_index(void **state)
{
	char *path = path_join(*state, "future.db");
	char sql[256];
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = 99;"
	         "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);",
	         0x57445550 /* 'WDUP', wiredup's application id */);
	make_sqlite(path, sql);
	check_not_index(*state, path, "newer", 1);
	free(path);
}

/* The highest band number an index files keys in. */
static int64_t max_band(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *s = first_row(&db, path, "SELECT max(band) FROM bands");
	int64_t band = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return band;
}

/* Turns the index at path into one of schema version 3, made before
 * windows had bands of their own. */
static void make_version_3(const char *path)
{
	make_sqlite(path, "DELETE FROM meta WHERE key IN ('window_bands', 'window_rows');"
	                  "PRAGMA user_version = 3");
}

static void assert_window_bands(wd_index *ix, uint32_t bands, uint32_t rows)
{
	wd_params got;
	wd_index_params(&got, ix);
	assert_int_equal(got.window_bands, bands);
	assert_int_equal(got.window_rows, rows);
}

/* An index made before windows had bands of their own keeps filing them in
 * the text's bands, and still finds a story inside a longer one; while it
 * is empty, a writer switches it to the new layout. */
static void test_windows_in_text_bands(void **state)
{
	char *path = path_join(*state, "old-layout.db");
	char *full = gen_story(3, 400), *head = gen_story(3, 160);
	wd_article orig = {.id = "orig", .text = full}, cut = {.id = "cut", .text = head};
	wd_index *ix = NULL;
	wd_params p;

	/* a new index: windows in bands 32 .. 45 */
	assert_int_equal(wd_index_open(&ix, path, NULL), WD_OK);
	add_new(ix, &orig, 0);
	assert_int_equal(wd_index_close(ix), WD_OK);
	assert_int_equal(max_band(path), 32 + 14 - 1);
	unlink(path);

	/* version 3, upgraded: window bands 0, the old layout */
	assert_int_equal(wd_index_open(&ix, path, NULL), WD_OK);
	assert_int_equal(wd_index_close(ix), WD_OK);
	make_version_3(path);
	assert_int_equal(wd_index_open_existing(&ix, path), WD_OK);
	assert_window_bands(ix, 0, 0);
	add_new(ix, &orig, 0);
	int64_t s = add_new(ix, &cut, 1);
	assert_cluster(ix, s, "cut", "orig");
	assert_int_equal(wd_index_close(ix), WD_OK);
	assert_int_equal(max_band(path), 31);
	sqlite3 *db;
	sqlite3_stmt *st = first_row(&db, path, "SELECT value FROM meta WHERE key = 'window_bands'");
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "0");
	sqlite3_finalize(st);
	sqlite3_close(db);

	/* holding articles, it stays so for a writer; asking it for window
	 * bands is asking for another index */
	assert_int_equal(wd_index_open(&ix, path, NULL), WD_OK);
	assert_window_bands(ix, 0, 0);
	assert_int_equal(wd_index_close(ix), WD_OK);
	wd_params_init(&p);
	p.window_bands = 14;
	assert_int_equal(wd_index_open(&ix, path, &p), WD_EPARAMS);
	assert_non_null(strstr(wd_last_error(), "window bands 0"));
	unlink(path);

	/* empty, it takes the window bands a writer gives (or the default) */
	assert_int_equal(wd_index_open(&ix, path, NULL), WD_OK);
	assert_int_equal(wd_index_close(ix), WD_OK);
	make_version_3(path);
	p.window_bands = 10;
	assert_int_equal(wd_index_open(&ix, path, &p), WD_OK);
	assert_window_bands(ix, 10, 3);
	add_new(ix, &orig, 0);
	assert_int_equal(wd_index_close(ix), WD_OK);
	assert_int_equal(max_band(path), 32 + 10 - 1);
	assert_int_equal(wd_index_open(&ix, path, NULL), WD_OK);
	assert_window_bands(ix, 10, 3);
	assert_int_equal(wd_index_close(ix), WD_OK);
	free(full);
	free(head);
	free(path);
}

/* ---- hostile strings ---- */

static void test_quotes_and_sql_verbatim(void **state)
{
	(void)state;
	const char *evil_id = "x'); DROP TABLE articles; --";
	const char *evil_source = "\"quoted\" 'source'; DELETE FROM matches";
	char *body = gen_story(5, 200);
	size_t n = strlen(body) + 200;
	char *text = malloc(n);
	assert_non_null(text);
	snprintf(text, n, "It's \"quoted\"; DROP TABLE bands; -- %%s %%n\n%s", body);

	wd_index *ix = open_memory();
	wd_article a = {.id = evil_id, .text = text, .title = "Robert'); DROP TABLE students;--",
	                .source = evil_source, .published = "2020-01-01T00:00:00Z"};
	int64_t s = add_new(ix, &a, 0);
	assert_cluster(ix, s, evil_id, evil_id);

	/* a copy under a format-string id finds it verbatim */
	wd_article copy = {.id = "%s%s%n\"'", .text = text, .source = evil_source,
	                   .published = "2020-01-02T00:00:00Z"};
	wd_query_result *q = NULL;
	assert_int_equal(wd_index_query(&q, ix, &copy), WD_OK);
	assert_int_equal(q->n_matches, 1);
	assert_string_equal(q->matches[0].id, evil_id);
	assert_string_equal(q->matches[0].cluster, evil_id);
	assert_string_equal(q->cluster, evil_id);
	assert_true(q->matches[0].jaccard == 1.0);
	wd_query_result_free(q);

	int64_t sc = add_new(ix, &copy, 1);
	assert_cluster(ix, sc, "%s%s%n\"'", evil_id);

	/* error messages carry ids verbatim, not as format strings */
	wd_article clash = {.id = "%s%s%n\"'", .text = "other words entirely"};
	assert_int_equal(wd_index_add(NULL, ix, &clash), WD_EDUPLICATE);
	assert_non_null(strstr(wd_last_error(), "'%s%s%n\"''"));

	struct seen seen = {0};
	assert_int_equal(wd_index_foreach_cluster(ix, 2, collect, &seen), 0);
	assert_int_equal(seen.calls, 1);
	assert_string_equal(seen.members[0][0], evil_id);
	assert_string_equal(seen.members[0][1], "%s%s%n\"'");
	assert_int_equal(seen.n_sources[0], 1);
	assert_string_equal(seen.sources[0][0], evil_source);

	wd_stats st = stats_of(ix);
	assert_int_equal(st.articles, 2);
	assert_int_equal(st.matches, 1);

	wd_index_close(ix);
	free(text);
	free(body);
}

#define DIR_TEST(f) cmocka_unit_test_setup_teardown(f, setup_dir, remove_dir)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_joins_earliest_cluster),
		cmocka_unit_test(test_ties_broken_by_ingest_order),
		cmocka_unit_test(test_truncated_copy_matches),
		cmocka_unit_test(test_bridge_merges_clusters),
		cmocka_unit_test(test_compilation),
		cmocka_unit_test(test_same_headline),
		cmocka_unit_test(test_same_article_again),
		cmocka_unit_test(test_same_id_other_content),
		cmocka_unit_test(test_unusable_articles),
		cmocka_unit_test(test_query_stores_nothing),
		cmocka_unit_test(test_foreach_cluster),
		cmocka_unit_test(test_batch_survives_failed_add),
		DIR_TEST(test_persistence),
		DIR_TEST(test_batch_write_index),
		DIR_TEST(test_plain_text_file),
		DIR_TEST(test_other_sqlite_database),
		DIR_TEST(test_newer_index),
		DIR_TEST(test_windows_in_text_bands),
		cmocka_unit_test(test_quotes_and_sql_verbatim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
