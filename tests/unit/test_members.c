/*
 * test_members.c - the research outputs through the public API: a
 * cluster's members (lags, credited agency, uncredited and trimmed copies,
 * containment both ways, also for a member that joined through another),
 * the cluster_members view, and wd_index_explain.
 *
 * The cluster, from gen_story(0) cut at paragraph ends (48 words each):
 *   A  words [0, 192)    "PORTVILLE (AFP) - "      the representative
 *   B  words [0, 336)    "PORTVILLE (Reuters) - "  +10 min, contains A
 *   C  words [144, 336)  no credit                 +1 h, in B, not A's match
 *   D  words [0, 96)     no credit                 +2 h, A trimmed
 *   E  words [0, 192)    no credit, no time, no outlet
 * and F, an unrelated story alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "wiredup.h"
#include "unit_helpers.h"

#include <sqlite3.h>

/* Words [from, to) of text (words: runs of a-z), with what lies between. */
static char *slice_words(const char *text, size_t from, size_t to)
{
	size_t w = 0, start = 0, end = 0;
	for (size_t i = 0; text[i]; i++) {
		int letter = text[i] >= 'a' && text[i] <= 'z';
		int begins = letter && (i == 0 || !(text[i - 1] >= 'a' && text[i - 1] <= 'z'));
		if (begins) {
			if (w == from)
				start = i;
			w++;
		}
		if (letter && w == to)
			end = i + 1;
	}
	char *out = malloc(end - start + 2);
	assert_non_null(out);
	memcpy(out, text + start, end - start);
	strcpy(out + (end - start), ".");
	return out;
}

static char *with_prefix(const char *prefix, char *text)
{
	char *out = malloc(strlen(prefix) + strlen(text) + 1);
	assert_non_null(out);
	strcpy(out, prefix);
	strcat(out, text);
	free(text);
	return out;
}

typedef struct fixture {
	char *dir, *path;
	wd_index *ix;
	char *text[6];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	char *story = gen_story(0, 336);
	f->dir = make_temp_dir();
	f->path = path_join(f->dir, "index.db");
	f->text[0] = with_prefix("PORTVILLE (AFP) - ", slice_words(story, 0, 192));
	f->text[1] = with_prefix("PORTVILLE (Reuters) - ", slice_words(story, 0, 336));
	f->text[2] = slice_words(story, 144, 336);
	f->text[3] = slice_words(story, 0, 96);
	f->text[4] = slice_words(story, 0, 192);
	f->text[5] = gen_story(1, 120);
	free(story);
	const wd_article arts[] = {
		{.id = "A", .text = f->text[0], .source = "a.example", .published = "2026-01-01T00:00:00Z"},
		{.id = "B", .text = f->text[1], .source = "b.example", .published = "2026-01-01T00:10:00Z"},
		{.id = "C", .text = f->text[2], .source = "c.example", .published = "2026-01-01T01:00:00Z"},
		{.id = "D", .text = f->text[3], .source = "d.example", .published = "2026-01-01T03:00:00+01:00"},
		{.id = "E", .text = f->text[4], .published = "not a date"},
		{.id = "F", .text = f->text[5], .source = "a.example", .published = "2026-01-02T00:00:00Z"},
	};
	assert_int_equal(wd_index_open(&f->ix, f->path, NULL), WD_OK);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(wd_index_add(NULL, f->ix, &arts[i]), WD_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	wd_index_close(f->ix);
	remove_tree(f->dir);
	for (size_t i = 0; i < 6; i++)
		free(f->text[i]);
	free(f->dir);
	free(f->path);
	free(f);
	return 0;
}

static void test_members(void **state)
{
	fixture *f = *state;
	wd_cluster_members *cm;
	assert_int_equal(wd_index_cluster_members(&cm, f->ix, "A"), WD_OK);
	assert_string_equal(cm->cluster, "A");
	/* AFP and Reuters are named once each: the earliest member's wins */
	assert_string_equal(cm->agency, "AFP");
	assert_int_equal(cm->n_members, 5);
	static const char *const ids[] = {"A", "B", "C", "D", "E"};
	static const int64_t lags[] = {0, 600, 3600, 7200, 0};
	static const uint64_t shingles[] = {188, 332, 188, 92, 188};
	static const uint64_t shared[] = {188, 188, 44, 92, 188};
	for (size_t i = 0; i < 5; i++) {
		const wd_member *m = &cm->members[i];
		assert_string_equal(m->id, ids[i]);
		assert_int_equal(m->has_lag, i < 4);
		assert_int_equal(m->has_time, i < 4);
		if (i < 4)
			assert_int_equal(m->lag_seconds, lags[i]);
		assert_int_equal(m->credits_agency, i == 0);
		assert_int_equal(m->uncredited, i > 0);
		assert_int_equal(m->shingles, shingles[i]);
		assert_int_equal(m->shared, shared[i]);
		assert_true(m->member_in_representative == (double)shared[i] / (double)shingles[i]);
		assert_true(m->representative_in_member == (double)shared[i] / 188.0);
		assert_int_equal(m->trimmed, i == 3);
	}
	assert_string_equal(cm->members[1].credit_agency, "Reuters");
	assert_null(cm->members[2].credit_agency);
	assert_null(cm->members[4].source);
	assert_string_equal(cm->members[4].published, "not a date");
	wd_cluster_members_free(cm);

	/* a story nobody credits: no agency, nobody uncredited */
	assert_int_equal(wd_index_cluster_members(&cm, f->ix, "F"), WD_OK);
	assert_null(cm->agency);
	assert_int_equal(cm->n_members, 1);
	assert_int_equal(cm->members[0].credits_agency, -1);
	assert_int_equal(cm->members[0].uncredited, 0);
	wd_cluster_members_free(cm);

	cm = (wd_cluster_members *)1;
	assert_int_equal(wd_index_cluster_members(&cm, f->ix, "nope"), WD_ENOTFOUND);
	assert_null(cm);
	assert_non_null(strstr(wd_last_error(), "no article 'nope'"));
	assert_int_equal(wd_index_cluster_members(&cm, f->ix, "B"), WD_ENOTFOUND);
	assert_non_null(strstr(wd_last_error(), "'B' is not the name of a cluster"));
}

/* The view agrees with the API where a stored match gives the overlap,
 * and says NULL (unknown) for C, which matched B, not A. */
static void test_view(void **state)
{
	fixture *f = *state;
	sqlite3 *db;
	sqlite3_stmt *s;
	static const char *const want[] = {
		"A|1|0|AFP|AFP|1|0|188|188|1.0|1.0|0",
		"B|2|600|Reuters|AFP|0|1|332|188|0.566265060240964|1.0|0",
		"C|3|3600||AFP|0|1|188||||",
		"D|4|7200||AFP|0|1|92|92|1.0|0.48936170212766|1",
		"E|5|||AFP|0|1|188|188|1.0|1.0|0",
		"F|1|0||||0|116|116|1.0|1.0|0",
	};
	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
		"SELECT id, position, lag_seconds, credit_agency, cluster_agency, credits_agency,"
		" uncredited, shingles, shared, member_in_representative,"
		" representative_in_member, trimmed FROM cluster_members"
		" ORDER BY cluster, position", -1, &s, NULL), SQLITE_OK);
	for (size_t i = 0; i < 6; i++) {
		char row[256] = "";
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		for (int c = 0; c < 12; c++) {
			const char *v = (const char *)sqlite3_column_text(s, c);
			if (c)
				strcat(row, "|");
			if (v && sqlite3_column_type(s, c) == SQLITE_FLOAT) {
				char num[40];
				snprintf(num, sizeof num, "%.15g", sqlite3_column_double(s, c));
				strcat(row, strchr(num, '.') ? num : strcat(num, ".0"));
			} else if (v) {
				strcat(row, v);
			}
		}
		if (strcmp(row, want[i]) != 0)
			print_message("row %zu: %s\n", i, row);
		assert_string_equal(row, want[i]);
	}
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	sqlite3_close(db);
}

static void test_explain(void **state)
{
	fixture *f = *state;
	wd_explanation *e;
	assert_int_equal(wd_index_explain(&e, f->ix, "A", "C"), WD_OK);
	/* A and C share words [144, 192) of the story, nothing else */
	assert_int_equal(e->n_passages, 1);
	assert_int_equal(e->passages[0].words, 48);
	assert_int_equal(e->shared_words, 48);
	assert_int_equal(e->words_a, 194); /* "portville", "afp" and 192 */
	assert_int_equal(e->words_b, 192);
	assert_int_equal(e->shared_shingles, 44);
	assert_int_equal(e->match, 0);
	const wd_span *a = &e->passages[0].a, *b = &e->passages[0].b;
	assert_int_equal(b->start, 0);
	assert_int_equal(a->end, strlen(f->text[0]) - 1); /* up to the last word */
	assert_int_equal(a->end - a->start, b->end - b->start);
	assert_memory_equal(e->text_a + a->byte_start, e->text_b + b->byte_start,
	                    a->byte_end - a->byte_start);
	assert_int_equal(e->chars_a, strlen(f->text[0])); /* ASCII */
	/* a alone has its credit and first three paragraphs; b its last four */
	assert_int_equal(e->n_a_only, 1);
	assert_int_equal(e->a_only[0].start, 0);
	assert_true(e->a_only[0].end < a->start);
	assert_int_equal(e->n_b_only, 1);
	assert_true(e->b_only[0].start > b->end);
	assert_int_equal(e->b_only[0].end, strlen(f->text[2]) - 1);
	wd_explanation_free(e);

	e = (wd_explanation *)1;
	assert_int_equal(wd_index_explain(&e, f->ix, "A", "missing"), WD_ENOTFOUND);
	assert_null(e);
	assert_non_null(strstr(wd_last_error(), "no article 'missing' in the index"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_members, setup, teardown),
		cmocka_unit_test_setup_teardown(test_view, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explain, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
