/*
 * test_doc.c - what of an article is matched on: page chrome guessed from
 * its look, the credit left out, hard-wrapped text, and the fallback that
 * brings left-out lines back when too little would remain.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "doc.h"
#include "unit_helpers.h"

static void parse(wd_doc *d, const char *text)
{
	assert_int_equal(doc_parse(d, NULL, text, strlen(text)), WD_OK);
}

/* The kind of the line whose text starts with `prefix` (normalized). */
static int kind_of(const wd_doc *d, const char *prefix)
{
	for (size_t i = 0; i < d->n_lines; i++)
		if (strncmp(d->norm + d->lines[i].start, prefix, strlen(prefix)) == 0)
			return d->lines[i].kind;
	fail_msg("no line starts with '%s'", prefix);
	return -1;
}

static void test_guessed_chrome(void **state)
{
	(void)state;
	wd_doc d;
	parse(&d, "Home | World | Business | Sport\n"
	          "Smart Quarterly\n"
	          "\xE2\x82\xB9" "900\n"
	          "SAVE 25%\n"
	          "Renews automatically, cancel anytime\n"
	          "The council voted on Tuesday to close the old bridge to lorries "
	          "after engineers found cracks in two of its piers.\n"
	          "Next Story\n"
	          "Share on Facebook\n"
	          "Disclaimer: No Daily Herald journalist was involved in the creation of this content.\n"
	          "Copyright 2026 Daily Herald. All rights reserved.\n"
	          "Lorries queue at the closed bridge in Harrowby on Tuesday, after engineers "
	          "found cracks in two of its piers. (AP Photo/Jane Doe, File) Jane Doe AP\n"
	          "The mayor said the repairs (see photo) would take a year and cost more "
	          "than the council had set aside for all its roads.\n");
	assert_int_equal(kind_of(&d, "home"), LINE_CHROME_GUESSED);
	assert_int_equal(kind_of(&d, "smart quarterly"), LINE_CHROME_GUESSED);
	assert_int_equal(kind_of(&d, "save 25"), LINE_CHROME_GUESSED);
	assert_int_equal(kind_of(&d, "renews"), LINE_CHROME_GUESSED);
	assert_int_equal(kind_of(&d, "the council"), LINE_STORY);
	assert_int_equal(kind_of(&d, "next story"), LINE_CHROME_GUESSED);
	assert_int_equal(kind_of(&d, "share on"), LINE_CHROME_GUESSED);
	assert_int_equal(kind_of(&d, "disclaimer"), LINE_CHROME_GUESSED);
	assert_int_equal(kind_of(&d, "copyright"), LINE_CHROME_GUESSED);
	assert_int_equal(kind_of(&d, "lorries queue"), LINE_CAPTION);
	assert_int_equal(kind_of(&d, "the mayor"), LINE_STORY);
	doc_free(&d);
}

static void test_credit_words_left_out(void **state)
{
	(void)state;
	wd_doc with, without;
	char *body = gen_story(0, 120);
	size_t n = strlen(body) + 64;
	char *credited = malloc(n);
	snprintf(credited, n, "BRUSSELS (AFP) - %s", body);
	parse(&with, credited);
	parse(&without, body);
	assert_string_equal(with.credit.agency, "AFP");
	assert_string_equal(with.credit.place, "Brussels");
	assert_int_equal(doc_shingle(&with, 5, 1), WD_OK);
	assert_int_equal(doc_shingle(&without, 5, 1), WD_OK);
	/* the dateline adds nothing to what is matched */
	assert_int_equal(with.n_set, without.n_set);
	assert_memory_equal(with.set, without.set, with.n_set * sizeof *with.set);
	doc_free(&with);
	doc_free(&without);
	free(body);
	free(credited);
}

static void test_hard_wrapped_paragraphs(void **state)
{
	(void)state;
	wd_doc d;
	/* one paragraph wrapped at ~70 columns, a blank line, another one */
	parse(&d, "The regional transport authority approved a plan on Monday to\n"
	          "extend the tram line across the river by 2029, officials said,\n"
	          "after a decade of delays and three failed tenders for the work\n"
	          "\n"
	          "Critics said the budget of the project was far too optimistic\n"
	          "and that the timetable had slipped every year since it began\n"
	          "with no sign that the next stage would be any different either.\n");
	assert_int_equal(d.n_lines, 2);
	assert_int_equal(d.lines[0].kind, LINE_STORY);
	assert_int_equal(d.lines[1].kind, LINE_STORY);
	doc_free(&d);
}

static void test_photo_brief(void **state)
{
	(void)state;
	wd_doc d;
	/* a brief that is only a caption keeps it, not the menu around it */
	parse(&d, "Home | World | Business | Sport\n"
	          "UN chief meets the visiting Iraqi prime minister at the UN "
	          "headquarters in New York on Friday. (Xinhua Photo)\n"
	          "Share on Facebook\n");
	assert_int_equal(doc_shingle(&d, 5, 1), WD_OK);
	assert_int_equal(d.keep_level, KEEP_CAPTIONS);
	assert_int_equal(d.kept_words, 19);
	doc_free(&d);
}

static void test_fallback_keeps_short_articles(void **state)
{
	(void)state;
	wd_doc d;
	/* templated items have no sentence: nothing would be left, so the
	 * guessed chrome comes back and the figures are matched on */
	parse(&d, "Shr 12 cts vs 10 cts\nNet 1.2 mln vs 900,000\nRevs 10.1 mln vs 9.2 mln\n");
	assert_int_equal(doc_shingle(&d, 5, 1), WD_OK);
	assert_int_equal(d.keep_level, KEEP_GUESSED);
	assert_int_equal(d.kept_words, d.n_words);
	assert_false(d.title_kept); /* no title given */
	assert_true(d.n_set > 0);
	doc_free(&d);

	parse(&d, "...!!!");
	assert_int_equal(doc_shingle(&d, 5, 1), WD_EINPUT);
	doc_free(&d);
}

static void test_title_counts_for_short_texts(void **state)
{
	(void)state;
	wd_doc a, b, c;
	/* two templated notices, same figures, different companies: told
	 * apart by their headlines only */
	const char *body = "Qtly div 25 cts vs 25 cts prior\nPay April 30\nRecord April 16\nReuter\n";
	assert_int_equal(doc_parse(&a, "KNUTSON MORTGAGE SETS QUARTERLY", body, strlen(body)), WD_OK);
	assert_int_equal(doc_parse(&b, "STANLEY WORKS SETS QUARTERLY", body, strlen(body)), WD_OK);
	assert_int_equal(doc_shingle(&a, 5, 1), WD_OK);
	assert_int_equal(doc_shingle(&b, 5, 1), WD_OK);
	assert_true(a.title_kept && b.title_kept);
	assert_false(a.n_set == b.n_set && memcmp(a.set, b.set, a.n_set * 8) == 0);
	doc_free(&a);
	doc_free(&b);

	/* a real story: its headline (which outlets rewrite) does not count */
	char *story = gen_story(3, 120);
	assert_int_equal(doc_parse(&c, "Some headline", story, strlen(story)), WD_OK);
	assert_int_equal(doc_shingle(&c, 5, 1), WD_OK);
	assert_false(c.title_kept);
	assert_int_equal(c.kept_words, 120);
	doc_free(&c);
	free(story);

	/* a title alone is not an article */
	assert_int_equal(doc_parse(&c, "Headline only", "", 0), WD_OK);
	assert_int_equal(doc_shingle(&c, 5, 1), WD_EINPUT);
	doc_free(&c);
}

static void test_shorter_shingles_in_particle_scripts(void **state)
{
	(void)state;
	wd_doc d;
	/* Urdu writes postpositions as words: 3-word shingles for k = 5 */
	parse(&d, "\xD9\xBE\xD8\xA7\xDA\xA9\xD8\xB3\xD8\xAA\xD8\xA7\xD9\x86 "
	          "\xDA\xA9\xD8\xB1\xDA\xA9\xD9\xB9 \xD9\xB9\xDB\x8C\xD9\x85 "
	          "\xDA\xA9\xDB\x92 \xD8\xB3\xD9\xB9\xD8\xA7\xD8\xB1 "
	          "\xD8\xA8\xD9\x84\xDB\x92 \xD8\xA8\xD8\xA7\xD8\xB2\xDB\x94");
	assert_int_equal(d.n_words, 7);
	assert_int_equal(doc_shingle(&d, 5, 1), WD_OK);
	assert_int_equal(d.n_order, 7 - 3 + 1);
	doc_free(&d);
}

static void test_html_leftovers(void **state)
{
	(void)state;
	wd_doc a, b;
	parse(&a, "<p>Officials said the talks would resume on Friday &amp; Saturday "
	          "in Geneva, according to a statement.</p>");
	parse(&b, "Officials said the talks would resume on Friday & Saturday "
	          "in Geneva, according to a statement.");
	assert_int_equal(doc_shingle(&a, 5, 1), WD_OK);
	assert_int_equal(doc_shingle(&b, 5, 1), WD_OK);
	assert_int_equal(a.n_set, b.n_set);
	assert_memory_equal(a.set, b.set, a.n_set * sizeof *a.set);
	doc_free(&a);
	doc_free(&b);
}

/* The words packed between parsing and signing shingle as the parsed
 * doc does, and a truncated pack is refused. */
static void test_words_pack_round_trip(void **state)
{
	(void)state;
	wd_doc d, back;
	parse(&d, "WASHINGTON (AP) \xE2\x80\x94 The council voted on Tuesday to close "
	          "the old bridge to lorries after engineers found 2 cracks.\n"
	          "Share on Facebook\n"
	          "\xD8\xA7\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85 \xD8\xA2\xD8\xA8\xD8\xA7\xD8\xAF\n");
	size_t n = doc_words_packed_size(&d);
	unsigned char *buf = malloc(n);
	assert_non_null(buf);
	doc_pack_words(buf, &d);
	assert_int_equal(doc_unpack_words(&back, buf, n), (long)n);
	assert_int_equal(back.n_words, d.n_words);
	assert_int_equal(back.n_lines, d.n_lines);
	assert_int_equal(back.n_particle_script_words, d.n_particle_script_words);
	assert_memory_equal(back.words, d.words, d.n_words * sizeof *d.words);
	assert_memory_equal(back.word_flags, d.word_flags, d.n_words);
	for (size_t i = 0; i < d.n_lines; i++) {
		assert_int_equal(back.lines[i].hash, d.lines[i].hash);
		assert_int_equal(back.lines[i].first_word, d.lines[i].first_word);
		assert_int_equal(back.lines[i].n_words, d.lines[i].n_words);
		assert_int_equal(back.lines[i].kind, d.lines[i].kind);
	}
	assert_int_equal(doc_shingle(&d, 5, 1), WD_OK);
	assert_int_equal(doc_shingle(&back, 5, 1), WD_OK);
	assert_int_equal(back.n_set, d.n_set);
	assert_memory_equal(back.set, d.set, d.n_set * sizeof *d.set);
	assert_int_equal(back.n_figures, d.n_figures);
	doc_free(&back);
	assert_int_equal(doc_unpack_words(&back, buf, n - 1), WD_EINVAL);
	doc_free(&back);
	free(buf);
	doc_free(&d);
}

/* A packed doc viewed in place compares as the unpacked one does, and
 * doc_free leaves the buffer alone. */
static void test_view_equals_unpack(void **state)
{
	(void)state;
	wd_doc d, un, view;
	const char *text = "The council voted 7 to 2 on Tuesday to close the old bridge to "
	                   "lorries after engineers found cracks in two of its 14 piers.";
	assert_int_equal(doc_parse(&d, "Council closes the old bridge", text, strlen(text)),
	                 WD_OK);
	assert_int_equal(doc_shingle(&d, 5, 1), WD_OK);
	assert_true(d.title_key != 0); /* packed after the counts */
	size_t n = doc_packed_size(&d);
	uint64_t *buf = malloc(n + 8); /* 8-byte aligned, as the batch job's buffers */
	assert_non_null(buf);
	doc_pack((unsigned char *)buf, &d);
	assert_int_equal(doc_unpack(&un, (unsigned char *)buf, n), (long)n);
	assert_int_equal(doc_view(&view, (unsigned char *)buf, n), (long)n);
	assert_int_equal(view.n_set, un.n_set);
	assert_int_equal(view.n_order, un.n_order);
	assert_int_equal(view.n_figures, un.n_figures);
	assert_int_equal(view.n_templ, un.n_templ);
	assert_true(view.title_key == d.title_key && un.title_key == d.title_key);
	assert_memory_equal(view.set, un.set, un.n_set * 8);
	assert_memory_equal(view.order, un.order, un.n_order * 8);
	assert_memory_equal(view.figures, un.figures, un.n_figures * 8);
	assert_memory_equal(view.masked, un.masked, un.n_figures * 8);
	assert_memory_equal(view.templ, un.templ, un.n_templ * 8);
	assert_int_equal(doc_view(&view, (unsigned char *)buf, n - 1), WD_EINVAL);
	assert_int_equal(doc_view(&view, (unsigned char *)buf, n), (long)n);
	doc_free(&view); /* frees nothing of buf (ASan would say) */
	assert_null(view.set);
	doc_free(&un);
	doc_free(&d);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guessed_chrome),
		cmocka_unit_test(test_credit_words_left_out),
		cmocka_unit_test(test_hard_wrapped_paragraphs),
		cmocka_unit_test(test_fallback_keeps_short_articles),
		cmocka_unit_test(test_photo_brief),
		cmocka_unit_test(test_title_counts_for_short_texts),
		cmocka_unit_test(test_shorter_shingles_in_particle_scripts),
		cmocka_unit_test(test_html_leftovers),
		cmocka_unit_test(test_words_pack_round_trip),
		cmocka_unit_test(test_view_equals_unpack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
