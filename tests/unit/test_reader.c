/* test_reader.c - wd_reader over JSON Lines files and directories. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "wiredup.h"
#include "unit_helpers.h"


/* Writes `content` to DIR/name and opens it as JSON Lines. */
static wd_reader *open_jsonl(void **state, const char *name, const char *content)
{
	char *path = path_join(*state, name);
	wd_reader *r = NULL;
	write_file(path, content, strlen(content));
	assert_int_equal(wd_reader_open_jsonl(&r, path), WD_OK);
	assert_non_null(r);
	free(path);
	return r;
}

/* The next record must be an article with this id and text. */
static void expect_article(wd_reader *r, wd_article *a, const char *id, const char *text)
{
	int rc = wd_reader_next(a, r);
	if (rc != 1)
		print_message("expected '%s', got %d: %s\n", id, rc, wd_last_error());
	assert_int_equal(rc, 1);
	assert_string_equal(a->id, id);
	assert_string_equal(a->text, text);
	assert_int_equal(a->text_len, strlen(text));
}

/* The next record must be rejected with a message containing `part`. */
static void expect_bad_record(wd_reader *r, const char *part)
{
	wd_article a;
	assert_int_equal(wd_reader_next(&a, r), WD_EINPUT);
	if (!strstr(wd_last_error(), part))
		print_message("message '%s' lacks '%s'\n", wd_last_error(), part);
	assert_non_null(strstr(wd_last_error(), part));
}

static void expect_end(wd_reader *r)
{
	wd_article a;
	assert_int_equal(wd_reader_next(&a, r), 0);
	assert_int_equal(wd_reader_next(&a, r), 0); /* and stays there */
}

static void test_valid_line(void **state)
{
	wd_reader *r = open_jsonl(state, "a.jsonl",
		"{\"id\": \"a1\", \"text\": \"Hello \\u00e9 world\\nline 2\", "
		"\"title\": \"T\", \"source\": \"s.example\", "
		"\"published\": \"2020-01-02T03:04:05Z\", \"url\": \"https://s.example/1\", "
		"\"cluster\": \"ignored\", \"extra\": [1, 2]}\n");
	wd_article a;
	expect_article(r, &a, "a1", "Hello \xC3\xA9 world\nline 2");
	assert_string_equal(a.title, "T");
	assert_string_equal(a.source, "s.example");
	assert_string_equal(a.published, "2020-01-02T03:04:05Z");
	assert_string_equal(a.url, "https://s.example/1");
	assert_int_equal(wd_reader_line(r), 1);
	assert_non_null(strstr(wd_reader_name(r), "a.jsonl"));
	expect_end(r);
	wd_reader_close(r);
}

static void test_optional_fields(void **state)
{
	wd_reader *r = open_jsonl(state, "a.jsonl",
		"{\"id\": \"n\", \"text\": \"x\", \"title\": null, \"source\": null}\n");
	wd_article a;
	expect_article(r, &a, "n", "x");
	assert_null(a.title);
	assert_null(a.source);
	assert_null(a.published);
	assert_null(a.url);
	wd_reader_close(r);
}

static void test_integer_id(void **state)
{
	wd_reader *r = open_jsonl(state, "a.jsonl",
		"{\"id\": 42, \"text\": \"x\"}\n"
		"{\"id\": -7, \"text\": \"y\"}\n"
		"{\"id\": 9007199254740993, \"text\": \"z\"}\n");
	wd_article a;
	expect_article(r, &a, "42", "x");
	expect_article(r, &a, "-7", "y");
	expect_article(r, &a, "9007199254740993", "z");
	expect_end(r);
	wd_reader_close(r);
}

static void test_bom_crlf_blank_lines_last_line(void **state)
{
	wd_reader *r = open_jsonl(state, "a.jsonl",
		"\xEF\xBB\xBF{\"id\": \"bom\", \"text\": \"one\"}\r\n"
		"\r\n"
		"   \n"
		"\n"
		"{\"id\": \"crlf\", \"text\": \"two\"}\r\n"
		"{\"id\": \"last\", \"text\": \"three\"}");
	wd_article a;
	expect_article(r, &a, "bom", "one");
	assert_int_equal(wd_reader_line(r), 1);
	expect_article(r, &a, "crlf", "two");
	assert_int_equal(wd_reader_line(r), 5); /* blank lines still count */
	expect_article(r, &a, "last", "three");
	assert_int_equal(wd_reader_line(r), 6);
	expect_end(r);
	wd_reader_close(r);
}

static void test_malformed_json_continues(void **state)
{
	wd_reader *r = open_jsonl(state, "bad.jsonl",
		"{\"id\": \"1\", \"text\": \"first\"}\n"
		"{\"id\": \"2\", \"text\": \"unterminated}\n"
		"{\"id\": \"3\", \"text\": \"third\"}\n");
	wd_article a;
	char want[4200];
	expect_article(r, &a, "1", "first");
	snprintf(want, sizeof want, "%s/bad.jsonl:2:", (const char *)*state);
	expect_bad_record(r, want);
	assert_int_equal(wd_reader_line(r), 2);
	expect_article(r, &a, "3", "third");
	expect_end(r);
	wd_reader_close(r);
}

static void test_bad_records(void **state)
{
	wd_reader *r = open_jsonl(state, "bad.jsonl",
		"{\"text\": \"no id\"}\n"                       /* 1 */
		"{\"id\": [\"a\"], \"text\": \"array id\"}\n"   /* 2 */
		"{\"id\": 1.5, \"text\": \"real id\"}\n"        /* 3 */
		"{\"id\": \"\", \"text\": \"empty id\"}\n"      /* 4 */
		"{\"id\": \"t\"}\n"                             /* 5 */
		"{\"id\": \"t2\", \"text\": 12}\n"              /* 6 */
		"{\"id\": \"n\", \"text\": \"x\", \"title\": 3}\n" /* 7 */
		"[1, 2, 3]\n"                                   /* 8 */
		"{\"id\": \"ok\", \"text\": \"fine\"}\n");      /* 9 */
	wd_article a;
	expect_bad_record(r, ":1: missing \"id\"");
	expect_bad_record(r, ":2: \"id\" must be a string or an integer");
	expect_bad_record(r, ":3: \"id\" must be a string or an integer");
	expect_bad_record(r, ":4: \"id\" is empty");
	expect_bad_record(r, ":5: article 't': missing \"text\"");
	expect_bad_record(r, ":6: article 't2': \"text\" must be a string");
	expect_bad_record(r, ":7: article 'n': \"title\" must be a string or null");
	expect_bad_record(r, ":8: not a JSON object");
	expect_article(r, &a, "ok", "fine");
	expect_end(r);
	wd_reader_close(r);
}

/* Each record twice: as a flat object (json_fields) and with a nested
 * object beside it (jansson): the same article, or the same message. */
static void test_both_decoders_agree(void **state)
{
	static const char *const records[] = {
		"\"id\": \"a\", \"text\": \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \xC3\xA9\", "
		"\"title\": \"T\\n\", \"source\": null, \"published\": \"\", \"url\": \"u\"",
		"\"id\": -0, \"text\": \"zero\", \"date\": \"2018-07-15\"",
		"\"id\": 123456789012345678, \"text\": \"\", \"published\": null, \"date\": \"d\"",
		"\"id\": \"\", \"text\": \"empty id\"",
		"\"id\": \"b\", \"text\": \"x\", \"title\": 3",
		"\"id\": \"c\", \"text\": \"x\", \"published\": \"p\", \"date\": 5",
	};
	char content[2048];
	size_t n = 0;
	for (size_t i = 0; i < sizeof records / sizeof *records; i++)
		n += (size_t)snprintf(content + n, sizeof content - n,
		                      "{%s}\n{\"meta\": {\"k\": [1]}, %s}\n", records[i], records[i]);
	wd_reader *r = open_jsonl(state, "a.jsonl", content);
	for (size_t i = 0; i < sizeof records / sizeof *records; i++) {
		wd_article a, b;
		char msg[1024], id[64], text[64];
		const char *fields[4] = {0};
		int rc = wd_reader_next(&a, r);
		if (rc == 1) {
			/* copies: the strings last until the next call */
			snprintf(id, sizeof id, "%s", a.id);
			snprintf(text, sizeof text, "%s", a.text);
			const char *from[4] = {a.title, a.source, a.published, a.url};
			for (int f = 0; f < 4; f++)
				fields[f] = from[f] ? strdup(from[f]) : NULL;
			assert_int_equal(a.text_len, strlen(text));
		} else {
			snprintf(msg, sizeof msg, "%s", strchr(strchr(wd_last_error(), ':') + 1, ':'));
		}
		assert_int_equal(wd_reader_next(&b, r), rc);
		if (rc != 1) {
			assert_string_equal(strchr(strchr(wd_last_error(), ':') + 1, ':'), msg);
			continue;
		}
		assert_string_equal(b.id, id);
		assert_string_equal(b.text, text);
		assert_int_equal(b.text_len, strlen(text));
		const char *got[4] = {b.title, b.source, b.published, b.url};
		for (int f = 0; f < 4; f++) {
			if (!fields[f])
				assert_null(got[f]);
			else
				assert_string_equal(got[f], fields[f]);
			free((char *)fields[f]);
		}
	}
	expect_end(r);
	wd_reader_close(r);
}

static void test_date_fallback(void **state)
{
	wd_reader *r = open_jsonl(state, "a.jsonl",
		"{\"id\": \"d\", \"text\": \"x\", \"date\": \"2018-07-15\"}\n"
		"{\"id\": \"p\", \"text\": \"x\", \"date\": \"2000-01-01\", "
		"\"published\": \"2018-07-16\"}\n"
		"{\"id\": \"n\", \"text\": \"x\", \"published\": null, \"date\": \"Jul 1\"}\n"
		"{\"id\": \"b\", \"text\": \"x\", \"date\": 2018}\n");
	wd_article a;
	expect_article(r, &a, "d", "x");
	assert_string_equal(a.published, "2018-07-15");
	expect_article(r, &a, "p", "x");
	assert_string_equal(a.published, "2018-07-16");
	expect_article(r, &a, "n", "x");
	assert_string_equal(a.published, "Jul 1");
	expect_bad_record(r, ":4: article 'b': \"date\" must be a string or null");
	wd_reader_close(r);
}

static void test_open_errors(void **state)
{
	wd_reader *r = NULL;
	assert_int_equal(wd_reader_open_jsonl(&r, *state), WD_EIO);
	assert_null(r);
	assert_non_null(strstr(wd_last_error(), "is a directory"));

	char *missing = path_join(*state, "missing.jsonl");
	assert_int_equal(wd_reader_open_jsonl(&r, missing), WD_EIO);
	assert_non_null(strstr(wd_last_error(), "missing.jsonl"));
	assert_int_equal(wd_reader_open_dir(&r, missing), WD_EIO);
	assert_null(r);
	free(missing);
	wd_reader_close(NULL);
}

/* Creates DIR/rel (parents must exist) holding `text`. */
static void put(void **state, const char *rel, const char *text)
{
	char *p = path_join(*state, rel);
	write_file(p, text, strlen(text));
	free(p);
}

static void make_subdir(void **state, const char *rel)
{
	char *p = path_join(*state, rel);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
}

static void test_directory_tree(void **state)
{
	make_subdir(state, "a");
	make_subdir(state, "a/b");
	make_subdir(state, ".git");
	put(state, "b.txt", "bee");
	put(state, "a.txt", "ay");
	put(state, "a/z.txt", "zed");
	put(state, "a/b/c.txt", "see\r\nline");
	put(state, ".hidden", "secret");
	put(state, "a/.swp", "secret");
	put(state, ".git/HEAD", "secret");

	wd_reader *r = NULL;
	wd_article a;
	assert_int_equal(wd_reader_open_dir(&r, *state), WD_OK);
	/* byte order of relative paths: '.' (0x2E) sorts before '/' (0x2F) */
	expect_article(r, &a, "a.txt", "ay");
	assert_null(a.title);
	assert_null(a.published);
	assert_int_equal(wd_reader_line(r), 0);
	expect_article(r, &a, "a/b/c.txt", "see\r\nline");
	assert_non_null(strstr(wd_reader_name(r), "a/b/c.txt"));
	expect_article(r, &a, "a/z.txt", "zed");
	expect_article(r, &a, "b.txt", "bee");
	expect_end(r);
	wd_reader_close(r);
}

static void test_directory_empty_file(void **state)
{
	put(state, "1.txt", "one");
	put(state, "2.txt", "");
	put(state, "3.txt", "three");
	wd_reader *r = NULL;
	wd_article a;
	assert_int_equal(wd_reader_open_dir(&r, *state), WD_OK);
	expect_article(r, &a, "1.txt", "one");
	expect_bad_record(r, "2.txt: empty file");
	expect_article(r, &a, "3.txt", "three");
	expect_end(r);
	wd_reader_close(r);
}

static void test_empty_directory(void **state)
{
	wd_reader *r = NULL;
	assert_int_equal(wd_reader_open_dir(&r, *state), WD_OK);
	expect_end(r);
	wd_reader_close(r);
}

static void test_json_document(void **state)
{
	(void)state;
	wd_reader *r = NULL;
	wd_article a;
	/* one object */
	const char *one = "{\"id\": 7, \"text\": \"Hello\", \"source\": \"s\"}";
	assert_int_equal(wd_reader_open_json(&r, "body", one, strlen(one)), WD_OK);
	assert_int_equal(wd_reader_count(r), -1);
	expect_article(r, &a, "7", "Hello");
	assert_string_equal(a.source, "s");
	assert_int_equal(wd_reader_line(r), 0);
	expect_end(r);
	wd_reader_close(r);

	/* an array, over several lines, with bad elements named by index */
	const char *many = "[\n {\"id\": \"a\", \"text\": \"A\"},\n {\"id\": \"b\"},\n 5,\n"
	                   " {\"id\": \"c\", \"text\": \"C\", \"title\": 1},\n"
	                   " {\"id\": \"d\", \"text\": \"D\", \"date\": \"2020\"}]";
	assert_int_equal(wd_reader_open_json(&r, "body", many, strlen(many)), WD_OK);
	assert_int_equal(wd_reader_count(r), 5);
	expect_article(r, &a, "a", "A");
	assert_int_equal(wd_reader_line(r), 1);
	expect_bad_record(r, "body[1]: article 'b': missing \"text\"");
	expect_bad_record(r, "body[2]: not a JSON object");
	expect_bad_record(r, "body[3]: article 'c': \"title\" must be a string or null");
	expect_article(r, &a, "d", "D");
	assert_string_equal(a.published, "2020");
	assert_int_equal(wd_reader_line(r), 5);
	expect_end(r);
	wd_reader_close(r);

	/* not JSON, or neither an object nor an array: no reader */
	const char *bad[] = {"{\"id\": \"a\",\n \"text\": }", "\"text\"", "", "[1] x"};
	const char *why[] = {"body: invalid JSON", "body: invalid JSON: '[' or '{' expected",
	                     "body: invalid JSON", "body: invalid JSON"};
	for (size_t i = 0; i < 4; i++) {
		r = (wd_reader *)&r;
		assert_int_equal(wd_reader_open_json(&r, "body", bad[i], strlen(bad[i])), WD_EINPUT);
		assert_null(r);
		if (!strstr(wd_last_error(), why[i]))
			print_message("'%s' lacks '%s'\n", wd_last_error(), why[i]);
		assert_non_null(strstr(wd_last_error(), why[i]));
	}
	assert_non_null(strstr((wd_reader_open_json(&r, "body", bad[0], strlen(bad[0])),
	                        wd_last_error()), "line 2"));
}

#define DIR_TEST(f) cmocka_unit_test_setup_teardown(f, setup_dir, remove_dir)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_document),
		DIR_TEST(test_valid_line),
		DIR_TEST(test_optional_fields),
		DIR_TEST(test_integer_id),
		DIR_TEST(test_bom_crlf_blank_lines_last_line),
		DIR_TEST(test_malformed_json_continues),
		DIR_TEST(test_bad_records),
		DIR_TEST(test_both_decoders_agree),
		DIR_TEST(test_date_fallback),
		DIR_TEST(test_open_errors),
		DIR_TEST(test_directory_tree),
		DIR_TEST(test_directory_empty_file),
		DIR_TEST(test_empty_directory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
