/* test_byline.c - wd_credit_byline_names: a byline or credit line of a
 * page names an agency (the research outputs' "agency_in_byline"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "credit.h"

#include <string.h>

/* Text is given already normalized (case-folded). */
static int names(const char *text, const char *agency)
{
	return wd_credit_byline_names(text, strlen(text), agency);
}

static void test_bylines(void **state)
{
	(void)state;
	assert_true(names("menu\ngeoff mulvihill, associated press\nthe story ...", "AP"));
	assert_true(names("by geoff mulvihill -    associated press -   saturday, july 14, 2018", "AP"));
	assert_true(names("the associated press | sunday, july 15, 2018, 8:27 a.m.", "AP"));
	assert_true(names("copyright 2026 the associated press. all rights reserved.", "AP"));
	assert_true(names("posted 5:57 am, july 16, 2018, by associated press , updated at 06:00am, july 16, 2018", "AP"));
	assert_true(names("story\n- agence france-presse", "AFP"));
	assert_true(names("jane doe, reuters", "Reuters"));
}

static void test_not_bylines(void **state)
{
	(void)state;
	/* an ambiguous form, a picture credit, a sentence, another agency,
	 * a form inside a longer word */
	assert_false(names("jonathan lemire and jill colvin / ap", "AP"));
	assert_false(names("(afp photo / john smith)", "AFP"));
	assert_false(names("reuters/getty images", "Reuters"));
	assert_false(names("the president told the associated press on monday that the talks with "
	                   "russia would go ahead as planned next week", "AP"));
	assert_false(names("geoff mulvihill, associated press", "Reuters"));
	assert_false(names("jane doe, reutersville gazette", "Reuters"));
	assert_false(names("", "AP"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bylines),
		cmocka_unit_test(test_not_bylines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
