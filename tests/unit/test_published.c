/* test_published.c - wd_parse_iso8601 (private header published.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "published.h"

/* Parses s, which must be a timestamp, into seconds. */
static int64_t parse_ok(const char *s)
{
	int64_t t = -1;
	if (!wd_parse_iso8601(&t, s))
		print_message("'%s' was rejected\n", s);
	assert_int_equal(wd_parse_iso8601(&t, s), 1);
	return t;
}

/* s must be rejected, leaving the output alone. */
static void parse_bad(const char *s)
{
	int64_t t = 4242;
	if (wd_parse_iso8601(&t, s))
		print_message("'%s' was accepted\n", s);
	assert_int_equal(wd_parse_iso8601(&t, s), 0);
	assert_int_equal(t, 4242);
}

/* 2018-07-15T11:54:28Z */
#define T_2018 INT64_C(1531655668)

static void test_utc_and_offsets(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(parse_ok("2018-07-15T11:54:28Z"), T_2018);
	assert_int_equal(parse_ok("2018-07-15T07:54:28-04:00"), T_2018);
	assert_int_equal(parse_ok("2018-07-15T13:54:28+02:00"), T_2018);
	assert_int_equal(parse_ok("2018-07-15T17:24:28+0530"), T_2018);
	assert_int_equal(parse_ok("2018-07-15T17:24:28+05:30"), T_2018);
	assert_int_equal(parse_ok("2018-07-15t11:54:28z"), T_2018);
	/* no zone: UTC */
	assert_int_equal(parse_ok("2018-07-15T11:54:28"), T_2018);
}

static void test_partial_forms(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2018-07-15"), T_2018 - (11 * 3600 + 54 * 60 + 28));
	assert_int_equal(parse_ok("2018-07-15T11:54"), T_2018 - 28);
	assert_int_equal(parse_ok("2018-07-15T11:54Z"), T_2018 - 28);
	assert_int_equal(parse_ok("2018-07-15 11:54:28"), T_2018);      /* space */
	assert_int_equal(parse_ok("2018-07-15 07:54:28-04:00"), T_2018);
}

static void test_fractions(void **state)
{
	(void)state;
	/* fractions of a second are ignored */
	assert_int_equal(parse_ok("2018-07-15T11:54:28.5Z"), T_2018);
	assert_int_equal(parse_ok("2018-07-15T11:54:28.123456789Z"), T_2018);
	assert_int_equal(parse_ok("2018-07-15T07:54:28,250-04:00"), T_2018);
}

static void test_calendar(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2000-02-29T00:00:00Z"), INT64_C(951782400));
	assert_int_equal(parse_ok("2000-03-01T00:00:00Z") - parse_ok("2000-02-28T00:00:00Z"),
	                 2 * 86400); /* 2000 is a leap year */
	assert_int_equal(parse_ok("1900-03-01") - parse_ok("1900-02-28"), 86400);
	assert_int_equal(parse_ok("1969-12-31T23:59:59Z"), -1);
	/* an offset can move the instant across midnight */
	assert_int_equal(parse_ok("2019-01-01T00:30:00+01:00"),
	                 parse_ok("2018-12-31T23:30:00Z"));
}

static void test_rejects(void **state)
{
	(void)state;
	parse_bad("");
	parse_bad("01.12.14");
	parse_bad("2018-13-01");
	parse_bad("2018-00-10");
	parse_bad("2018-07-32");
	parse_bad("2018-07-00");
	parse_bad("2018-07-15T25:00");
	parse_bad("2018-07-15T10:60");
	parse_bad("2018-07-15T10");
	parse_bad("2018-07-15T");
	parse_bad("2018-7-15");
	parse_bad("2018/07/15");
	parse_bad("15 July 2018");
	parse_bad("Sun, 15 Jul 2018 11:54:28 GMT");
	parse_bad("2018-07-15T11:54:28Q");
	parse_bad("2018-07-15T11:54:28+5");
	parse_bad("2018-07-15 trailing");
	parse_bad("2018");
	parse_bad("2018-02-31");             /* no such day */
	parse_bad("2019-02-29");             /* not a leap year */
	parse_bad("2018-07-15T24:30");       /* 24 only as 24:00 */
	parse_bad("2018-07-15T11:54:28+05:"); /* dangling zone */
	parse_bad("2018-07-15T11:54:28+99:99");
	assert_int_equal(parse_ok("2020-02-29"), parse_ok("2020-02-28T24:00"));
	int64_t t = 0;
	assert_int_equal(wd_parse_iso8601(&t, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utc_and_offsets),
		cmocka_unit_test(test_partial_forms),
		cmocka_unit_test(test_fractions),
		cmocka_unit_test(test_calendar),
		cmocka_unit_test(test_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
