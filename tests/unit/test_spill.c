/* test_spill.c - temporary files of the batch job: records come back as
 * written, from several writers, whatever their sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "spill.h"
#include "wiredup.h"

static void fill(unsigned char *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(seed * 31 + i * 7);
}

static void test_records_come_back(void **state)
{
	(void)state;
	spill *s;
	spill_writer w[2];
	enum { N = 500 };
	uint64_t at[N];
	size_t len[N];
	unsigned char buf[9000], want[9000];
	assert_int_equal(spill_open(&s), WD_OK);
	spill_writer_init(&w[0], s, 4096);
	spill_writer_init(&w[1], s, 1024);
	for (unsigned i = 0; i < N; i++) {
		len[i] = (i * 37) % 3000 + (i % 50 == 0 ? 6000 : 0); /* some larger than a region */
		fill(want, len[i], i);
		unsigned char *p;
		assert_int_equal(spill_append(&w[i % 2], len[i], &at[i], &p), WD_OK);
		memcpy(p, want, len[i]);
	}
	assert_int_equal(spill_flush(&w[0]), WD_OK);
	assert_int_equal(spill_flush(&w[1]), WD_OK);
	for (unsigned i = 0; i < N; i++) {
		fill(want, len[i], i);
		assert_int_equal(spill_read(s, at[i], buf, len[i]), WD_OK);
		assert_memory_equal(buf, want, len[i]);
	}
	/* the regions list what each writer wrote, in order */
	for (int k = 0; k < 2; k++) {
		uint64_t total = 0;
		for (size_t r = 0; r < w[k].n_regions; r++)
			total += w[k].regions[r].len;
		uint64_t expected = 0;
		for (unsigned i = (unsigned)k; i < N; i += 2)
			expected += len[i];
		assert_int_equal(total, expected);
	}
	/* reading past what was written fails with a message */
	assert_int_equal(spill_read(s, UINT64_C(1) << 40, buf, 10), WD_EIO);
	assert_non_null(strstr(wd_last_error(), "temporary file"));
	spill_writer_free(&w[0]);
	spill_writer_free(&w[1]);
	spill_close(s);
}

static void test_unwritable_dir_is_named(void **state)
{
	(void)state;
	spill *s = NULL;
	const char *old = getenv("TMPDIR");
	char *saved = old ? strdup(old) : NULL;
	setenv("TMPDIR", "/nonexistent/wiredup-test", 1);
	assert_int_equal(spill_open(&s), WD_EIO);
	assert_null(s);
	assert_non_null(strstr(wd_last_error(), "/nonexistent/wiredup-test"));
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_come_back),
		cmocka_unit_test(test_unwritable_dir_is_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
