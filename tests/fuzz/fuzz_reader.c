/*
 * fuzz_reader.c - libFuzzer harness for the JSON Lines reader.
 *
 * The input is written to a temporary file (wd_reader_open_jsonl takes a
 * path) and read to the end with wd_reader_next. Invariants: an article has
 * a non-empty id and a text, and all its strings are valid UTF-8; a bad
 * record (WD_EINPUT) comes with a "FILE:LINE: reason" message; there are
 * never more records than lines.
 */
#include <wiredup.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_check.h"

static char path[64];

static void remove_tmp(void)
{
	unlink(path);
}

static int utf8_or_null(const char *s)
{
	return !s || wd_utf8_valid(s, strlen(s), NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!path[0]) {
		snprintf(path, sizeof path, "/tmp/wd-fuzz-reader.%ld.jsonl", (long)getpid());
		atexit(remove_tmp);
	}
	FILE *fp = fopen(path, "wb");
	CHECK(fp);
	CHECK(fwrite(data, 1, size, fp) == size);
	CHECK(fclose(fp) == 0);

	size_t lines = 1, records = 0;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';

	wd_reader *r;
	CHECK(wd_reader_open_jsonl(&r, path) == WD_OK);
	for (;;) {
		wd_article a;
		int rc = wd_reader_next(&a, r);
		if (rc == 0)
			break;
		CHECK(++records <= lines);
		CHECK(wd_reader_line(r) >= 1 && wd_reader_line(r) <= lines);
		if (rc == 1) {
			CHECK(a.id && a.id[0]);
			CHECK(a.text);
			CHECK(wd_utf8_valid(a.text, a.text_len, NULL));
			CHECK(utf8_or_null(a.id) && utf8_or_null(a.title) &&
			      utf8_or_null(a.source) && utf8_or_null(a.published) &&
			      utf8_or_null(a.url));
			continue;
		}
		CHECK(rc == WD_EINPUT || rc == WD_EIO || rc == WD_ENOMEM);
		CHECK(wd_last_error()[0]);
		if (rc != WD_EINPUT)
			break;
		CHECK(strncmp(wd_last_error(), path, strlen(path)) == 0);
	}
	wd_reader_close(r);
	return 0;
}
