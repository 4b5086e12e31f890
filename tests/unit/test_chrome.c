/*
 * test_chrome.c - page chrome learned per outlet, through the public API:
 * lines an outlet prints around different stories stop counting, earlier
 * articles are re-signed, and a cluster that chrome had glued together is
 * split again. An outlet printing the same story twice teaches nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "wiredup.h"
#include "unit_helpers.h"

/* Chrome made of full sentences, so that no look-based guess removes it:
 * only learning can. About 110 words in 8 lines. */
static const char CHROME[] =
	"Our newsroom is funded by readers like you, and every subscription helps us report.\n"
	"Join today and get unlimited access to every story, podcast and newsletter we publish.\n"
	"Members also receive our weekend magazine at home, with puzzles and long reads.\n"
	"We never sell your personal data to advertisers or to any other third party.\n"
	"Please read our privacy policy and terms of service before you sign in again.\n"
	"Comments are moderated by our staff and may take a few hours to appear here.\n"
	"Letters to the editor can be sent by post or through the form on our website.\n"
	"This page was produced by the digital desk of the Evening Courier in Harrowby.\n";

static char *wrap(const char *body)
{
	size_t n = strlen(CHROME) + strlen(body) + 2;
	char *s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, "%s%s\n", body, CHROME);
	return s;
}

static const char *cluster_of(wd_index *ix, int64_t seq)
{
	static char buf[64];
	wd_assignment as;
	assert_int_equal(wd_index_assignment(&as, ix, seq), WD_OK);
	snprintf(buf, sizeof buf, "%s", as.cluster);
	return buf;
}

static int64_t add(wd_index *ix, const char *id, const char *text, const char *source)
{
	wd_article a = {.id = id, .text = text, .source = source};
	wd_add_result r;
	assert_int_equal(wd_index_add(&r, ix, &a), WD_OK);
	return r.seq;
}

static void test_chrome_glue_is_undone(void **state)
{
	(void)state;
	wd_index *ix;
	char *x = gen_story(0, 150), *y = gen_story(1, 150), *z = gen_story(2, 25);
	char *x_page = wrap(x), *y_page = wrap(y), *z_page = wrap(z);
	assert_int_equal(wd_index_open(&ix, NULL, NULL), WD_OK);

	int64_t sx = add(ix, "x-courier", x_page, "courier.example");
	int64_t sw = add(ix, "x-wire", x, "wire.example");
	/* A short story in the same heavy chrome: before the outlet's chrome
	 * is known, the shared chrome glues it to the first page. */
	int64_t sz = add(ix, "z-courier", z_page, "courier.example");
	assert_string_equal(cluster_of(ix, sx), "x-courier");
	assert_string_equal(cluster_of(ix, sw), "x-courier");

	/* A third story from the outlet: its chrome is now learned (it recurs
	 * across different stories), earlier pages are signed again, and only
	 * the real copy stays with x. */
	int64_t sy = add(ix, "y-courier", y_page, "courier.example");
	assert_string_equal(cluster_of(ix, sx), "x-courier");
	assert_string_equal(cluster_of(ix, sw), "x-courier");
	assert_string_equal(cluster_of(ix, sz), "z-courier");
	assert_string_equal(cluster_of(ix, sy), "y-courier");

	/* New pages from the outlet are matched on their story alone. */
	wd_article q = {.id = "y-again", .text = y_page, .source = "courier.example"};
	wd_query_result *r;
	assert_int_equal(wd_index_query(&r, ix, &q), WD_OK);
	assert_int_equal(r->n_matches, 1);
	assert_string_equal(r->matches[0].id, "y-courier");
	assert_true(r->matches[0].jaccard == 1.0);
	wd_query_result_free(r);

	wd_index_close(ix);
	free(x), free(y), free(z), free(x_page), free(y_page), free(z_page);
}

static void test_same_story_twice_teaches_nothing(void **state)
{
	(void)state;
	wd_index *ix;
	char *x = gen_story(3, 200), *y = gen_story(4, 200);
	char *x_page = wrap(x), *y_page = wrap(y);
	assert_int_equal(wd_index_open(&ix, NULL, NULL), WD_OK);

	/* the outlet prints story x twice (a repeat, not two stories) */
	add(ix, "x1", x_page, "courier.example");
	add(ix, "x2", x_page, "courier.example");
	/* its story lines must not have become chrome: a wire copy of x
	 * without any chrome still matches on the whole story */
	wd_article q = {.id = "x-wire", .text = x, .source = "wire.example"};
	wd_query_result *r;
	assert_int_equal(wd_index_query(&r, ix, &q), WD_OK);
	assert_int_equal(r->n_matches, 2);
	assert_true(r->matches[0].containment == 1.0);
	wd_query_result_free(r);

	/* a different story y: y and x pages are not glued by the chrome */
	int64_t sy = add(ix, "y1", y_page, "courier.example");
	assert_string_equal(cluster_of(ix, sy), "y1");

	wd_index_close(ix);
	free(x), free(y), free(x_page), free(y_page);
}

static void test_learned_chrome_persists(void **state)
{
	(void)state;
	char *dir = make_temp_dir(), *path = path_join(dir, "i.db");
	char *x = gen_story(5, 150), *y = gen_story(6, 150);
	char *x_page = wrap(x), *y_page = wrap(y);
	wd_index *ix;

	assert_int_equal(wd_index_open(&ix, path, NULL), WD_OK);
	add(ix, "x1", x_page, "courier.example");
	add(ix, "y1", y_page, "courier.example");
	assert_int_equal(wd_index_close(ix), WD_OK);

	/* reopened: the chrome is still known, so a page of the outlet that
	 * is all chrome and a line of story matches nothing */
	assert_int_equal(wd_index_open_existing(&ix, path), WD_OK);
	char *z = gen_story(7, 30), *z_page = wrap(z);
	wd_article q = {.id = "z", .text = z_page, .source = "courier.example"};
	wd_query_result *r;
	assert_int_equal(wd_index_query(&r, ix, &q), WD_OK);
	assert_int_equal(r->n_matches, 0);
	wd_query_result_free(r);
	wd_index_close(ix);

	remove_tree(dir);
	free(dir), free(path), free(x), free(y), free(x_page), free(y_page), free(z), free(z_page);
}

/* body, then the chrome, every line a paragraph of its own (as a page is
 * scraped; lines of like length without blank lines read as hard-wrapped
 * text, and a brief would be joined to the chrome line after it). */
static char *page_of(const char *body)
{
	size_t n = strlen(body) + 2 * strlen(CHROME) + 4, o = 0;
	char *s = malloc(n);
	assert_non_null(s);
	o += (size_t)snprintf(s, n, "%s\n\n", body);
	for (const char *c = CHROME; *c; c++) {
		s[o++] = *c;
		if (*c == '\n')
			s[o++] = '\n';
	}
	s[o] = '\0';
	return s;
}

/* An outlet whose stories alternate with briefs (a few words of their own in
 * the whole page of chrome): a brief cannot be told apart from anything,
 * but the stories around it can, so the chrome is learned and the briefs,
 * different items, stay apart. */
static void test_briefs_between_stories(void **state)
{
	(void)state;
	wd_index *ix;
	assert_int_equal(wd_index_open(&ix, ":memory:", NULL), WD_OK);
	static const char *const briefs[] = {
		"Qtly div three cts vs two cts prior, pay June one.",
		"Shr loss five cts vs profit nine cts, net down.",
		"Sugar futures closed higher on firm Asian demand.",
		"Harbour board names a new chief pilot for the port.",
		"Rail strike called off after an overnight deal.",
		"Council approves the budget for the coming year.",
	};
	int64_t brief_seq[6];
	for (int i = 0; i < 6; i++) {
		char id[32];
		char *story = gen_story(100 + i, 120);
		char *page = page_of(story);
		snprintf(id, sizeof id, "story%d", i);
		add(ix, id, page, "courier.example");
		free(page);
		free(story);
		page = page_of(briefs[i]);
		snprintf(id, sizeof id, "brief%d", i);
		brief_seq[i] = add(ix, id, page, "courier.example");
		free(page);
	}
	/* every brief in a cluster of its own */
	for (int i = 0; i < 6; i++) {
		char id[32];
		snprintf(id, sizeof id, "brief%d", i);
		assert_string_equal(cluster_of(ix, brief_seq[i]), id);
	}
	wd_index_close(ix);
}

/* "a\nb", malloc'd */
static char *lines2(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, "%s\n%s", a, b);
	return s;
}

static void test_paragraph_in_a_roundup(void **state)
{
	(void)state;
	/* The outlet prints a story (p1, p2) and a roundup quoting its long
	 * first paragraph: two different stories, but a paragraph in two of
	 * them is not chrome yet, and the story still matches the wire copy. */
	char *p1 = gen_story(20, 60), *p2 = gen_story(21, 30);
	char *t = gen_story(22, 150), *u = gen_story(23, 150);
	char *story = lines2(p1, p2), *roundup = lines2(t, p1), *other = lines2(u, p1);
	wd_index *ix;
	assert_int_equal(wd_index_open(&ix, NULL, NULL), WD_OK);
	int64_t sa = add(ix, "story", story, "courier.example");
	add(ix, "roundup", roundup, "courier.example");
	int64_t sw = add(ix, "wire", story, "wire.example");
	assert_string_equal(cluster_of(ix, sw), "story");
	/* a third story with it: the line is the outlet's chrome after all,
	 * and what is left of the story (p2, deep in the wire copy) is no copy */
	add(ix, "third", other, "courier.example");
	assert_string_equal(cluster_of(ix, sa), "story");
	assert_string_equal(cluster_of(ix, sw), "wire");
	wd_index_close(ix);
	free(p1);
	free(p2);
	free(t);
	free(u);
	free(story);
	free(roundup);
	free(other);
}

static void test_versions_share_paragraphs(void **state)
{
	(void)state;
	/* Three updates of one story, each with a new lede and paragraphs of
	 * its own but sharing three long ones: versions, not different
	 * stories, so the shared paragraphs stay story text. */
	char *shared[3], *ledes[3], *pages[3];
	for (int i = 0; i < 3; i++) {
		shared[i] = gen_story(30 + (unsigned)i, 35);
		ledes[i] = gen_story(40 + (unsigned)i, 60);
	}
	wd_index *ix;
	assert_int_equal(wd_index_open(&ix, NULL, NULL), WD_OK);
	for (int i = 0; i < 3; i++) {
		char *body = lines2(shared[0], shared[1]);
		char *tail = lines2(body, shared[2]);
		pages[i] = lines2(ledes[i], tail);
		free(body);
		free(tail);
		char id[16];
		snprintf(id, sizeof id, "v%d", i);
		add(ix, id, pages[i], "courier.example");
	}
	/* the shared paragraphs alone, from another outlet: a copy of each */
	char *body = lines2(shared[0], shared[1]), *wire = lines2(body, shared[2]);
	wd_query_result *q;
	wd_article w = {.id = "wire", .text = wire, .source = "wire.example"};
	assert_int_equal(wd_index_query(&q, ix, &w), WD_OK);
	assert_int_equal(q->n_matches, 3);
	wd_query_result_free(q);
	wd_index_close(ix);
	for (int i = 0; i < 3; i++) {
		free(shared[i]);
		free(ledes[i]);
		free(pages[i]);
	}
	free(body);
	free(wire);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chrome_glue_is_undone),
		cmocka_unit_test(test_same_story_twice_teaches_nothing),
		cmocka_unit_test(test_learned_chrome_persists),
		cmocka_unit_test(test_briefs_between_stories),
		cmocka_unit_test(test_paragraph_in_a_roundup),
		cmocka_unit_test(test_versions_share_paragraphs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
