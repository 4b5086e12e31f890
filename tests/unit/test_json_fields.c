/*
 * test_json_fields.c - json_fields_scan: what it accepts and decodes, what
 * it defers to jansson, and a differential test against jansson over
 * generated lines (whenever the scanner accepts, json_loadb must accept
 * the same bytes and give the same fields).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_fields.h"

/* A line in a buffer of its exact size (so that ASan sees reads past
 * it), with a copy to check that a deferred line is left untouched. */
typedef struct {
	char *buf, *orig;
	size_t len;
	json_field_value f[JF_COUNT];
	int accepted;
} scanned;

static scanned scan_bytes(const char *s, size_t len)
{
	scanned sc = {0};
	sc.buf = malloc(len ? len : 1);
	sc.orig = malloc(len ? len : 1);
	assert_non_null(sc.buf);
	assert_non_null(sc.orig);
	memcpy(sc.buf, s, len);
	memcpy(sc.orig, s, len);
	sc.len = len;
	sc.accepted = json_fields_scan(sc.f, sc.buf, len);
	if (!sc.accepted)
		assert_memory_equal(sc.buf, sc.orig, len);
	return sc;
}

static void scanned_free(scanned *sc)
{
	free(sc->buf);
	free(sc->orig);
}

/* Every field the scanner gave is what jansson gives for the same bytes. */
static int same_as_jansson(const scanned *sc, char *why, size_t why_len)
{
	json_error_t err;
	json_t *obj = json_loadb(sc->orig, sc->len, JSON_REJECT_DUPLICATES, &err);
	int same = 1;
	if (!obj) {
		snprintf(why, why_len, "jansson refuses it: %s", err.text);
		return 0;
	}
	for (int i = 0; i < JF_COUNT && same; i++) {
		const json_field_value *v = &sc->f[i];
		json_t *j = json_object_get(obj, json_field_key[i]);
		switch (v->kind) {
		case JK_ABSENT:
			same = j == NULL;
			break;
		case JK_NULL:
			same = json_is_null(j);
			break;
		case JK_STRING:
			same = json_is_string(j) && json_string_length(j) == v->len &&
			       memcmp(json_string_value(j), v->str, v->len) == 0 &&
			       v->str[v->len] == '\0' && v->str >= sc->buf &&
			       v->str + v->len < sc->buf + sc->len;
			break;
		case JK_INTEGER: {
			char a[32], b[32];
			same = json_is_integer(j);
			if (same) {
				snprintf(a, sizeof a, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
				snprintf(b, sizeof b, "%" JSON_INTEGER_FORMAT, (json_int_t)v->integer);
				same = strcmp(a, b) == 0;
			}
			break;
		}
		default:
			same = 0;
		}
		if (!same)
			snprintf(why, why_len, "field \"%s\" differs", json_field_key[i]);
	}
	json_decref(obj);
	return same;
}

static void print_bytes(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7F && c != '\\')
			print_message("%c", c);
		else
			print_message("\\x%02x", c);
	}
	print_message("\n");
}

/* s must be accepted, and agree with jansson. */
static scanned expect_accept(const char *s)
{
	char why[256];
	scanned sc = scan_bytes(s, strlen(s));
	if (!sc.accepted) {
		print_message("deferred: ");
		print_bytes(s, strlen(s));
	}
	assert_true(sc.accepted);
	if (!same_as_jansson(&sc, why, sizeof why)) {
		print_message("%s: ", why);
		print_bytes(s, strlen(s));
		fail();
	}
	return sc;
}

static void expect_defer_bytes(const char *s, size_t len)
{
	scanned sc = scan_bytes(s, len);
	if (sc.accepted) {
		print_message("accepted: ");
		print_bytes(s, len);
	}
	assert_false(sc.accepted);
	scanned_free(&sc);
}

static void expect_defer(const char *s)
{
	expect_defer_bytes(s, strlen(s));
}

static void expect_field(const scanned *sc, enum json_field f, const char *want, size_t len)
{
	assert_int_equal(sc->f[f].kind, JK_STRING);
	assert_int_equal(sc->f[f].len, len);
	assert_memory_equal(sc->f[f].str, want, len);
	assert_int_equal(sc->f[f].str[len], '\0');
}

static void test_accepts_flat_object(void **state)
{
	(void)state;
	scanned sc = expect_accept(
		"{\"id\": \"a1\", \"title\": \"T\", \"text\": \"Hello world\", \"source\": "
		"\"s.example\", \"published\": \"2020-01-02\", \"url\": \"https://s/1\", "
		"\"date\": \"2019\", \"cluster\": null, \"n\": -12, \"ok\": true, "
		"\"no\": false, \"tags\": [\"a\", 1, null, true], \"empty\": [], \"\": \"\"}");
	expect_field(&sc, JF_ID, "a1", 2);
	expect_field(&sc, JF_TEXT, "Hello world", 11);
	expect_field(&sc, JF_TITLE, "T", 1);
	expect_field(&sc, JF_SOURCE, "s.example", 9);
	expect_field(&sc, JF_PUBLISHED, "2020-01-02", 10);
	expect_field(&sc, JF_URL, "https://s/1", 11);
	expect_field(&sc, JF_DATE, "2019", 4);
	scanned_free(&sc);
}

static void test_optional_fields(void **state)
{
	(void)state;
	scanned sc = expect_accept("{\"text\":\"x\",\"id\":\"n\",\"title\":null,\"url\":\"\"}");
	assert_int_equal(sc.f[JF_TITLE].kind, JK_NULL);
	assert_int_equal(sc.f[JF_SOURCE].kind, JK_ABSENT);
	assert_int_equal(sc.f[JF_PUBLISHED].kind, JK_ABSENT);
	assert_int_equal(sc.f[JF_DATE].kind, JK_ABSENT);
	expect_field(&sc, JF_URL, "", 0);
	scanned_free(&sc);
	/* an empty id is the reader's to refuse, with its message */
	sc = expect_accept("{\"id\": \"\", \"text\": \"x\"}");
	expect_field(&sc, JF_ID, "", 0);
	scanned_free(&sc);
}

static void test_integer_ids(void **state)
{
	(void)state;
	static const struct {
		const char *json;
		long long value;
	} cases[] = {
		{"{\"id\": 7, \"text\": \"\"}", 7},
		{"{\"id\": 0, \"text\": \"\"}", 0},
		{"{\"id\": -0, \"text\": \"\"}", 0},
		{"{\"id\": -42, \"text\": \"\"}", -42},
		{"{\"id\": 999999999999999999, \"text\": \"\"}", 999999999999999999LL},
		{"{\"id\": -999999999999999999, \"text\": \"\"}", -999999999999999999LL},
		{"{\"id\":12,\"text\":\"\"}", 12},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		scanned sc = expect_accept(cases[i].json);
		assert_int_equal(sc.f[JF_ID].kind, JK_INTEGER);
		assert_true(sc.f[JF_ID].integer == cases[i].value);
		scanned_free(&sc);
	}
}

static void test_whitespace(void **state)
{
	(void)state;
	scanned sc = expect_accept(" \t\r\n{ \r\n\t\"id\" \t: \n\"a\" \r,\t\"text\"\n:\"b\"\r\n}\t \r\n");
	expect_field(&sc, JF_ID, "a", 1);
	expect_field(&sc, JF_TEXT, "b", 1);
	scanned_free(&sc);
	sc = expect_accept("{\"id\":\"a\",\"text\":\"b\",\"x\":[ 1 , \"2\" ,null ]}");
	scanned_free(&sc);
}

static void test_escapes_decoded_in_place(void **state)
{
	(void)state;
	const char *json =
		"{\"id\": \"e\\u0301\", \"text\": \"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t "
		"\\u00e9\\u00C9 \\u20ac \\ud83d\\ude00 \\uD800\\uDC00 \\uDBFF\\uDFFF "
		"\\u0001\\u001F\\u007f\\uFFFF end\", \"title\": \"plain\"}";
	scanned sc = expect_accept(json);
	static const char want[] = "q\" b\\ s/ \b\f\n\r\t \xC3\xA9\xC3\x89 \xE2\x82\xAC "
	                           "\xF0\x9F\x98\x80 \xF0\x90\x80\x80 \xF4\x8F\xBF\xBF "
	                           "\x01\x1F\x7F\xEF\xBF\xBF end";
	expect_field(&sc, JF_ID, "e\xCC\x81", 3);
	expect_field(&sc, JF_TEXT, want, sizeof want - 1);
	expect_field(&sc, JF_TITLE, "plain", 5);
	/* in place: each string starts where it started in the line, and the
	 * line's bytes after it are untouched apart from the terminator */
	const char *text_in_line = strstr(sc.orig, "\"text\": \"") + 9;
	assert_ptr_equal(sc.f[JF_TEXT].str, sc.buf + (text_in_line - sc.orig));
	const char *title_in_line = strstr(sc.orig, "\"plain\"") + 1;
	assert_ptr_equal(sc.f[JF_TITLE].str, sc.buf + (title_in_line - sc.orig));
	assert_int_equal(sc.buf[sc.len - 1], '}');
	scanned_free(&sc);
}

static void test_utf8_in_strings(void **state)
{
	(void)state;
	/* 2, 3 and 4 bytes, the edges of each, U+007F and U+10FFFF; and the
	 * same around 8-byte boundaries */
	scanned sc = expect_accept("{\"id\": \"\xC3\xA9\", \"text\": \"\xC2\x80\xDF\xBF\xE0\xA0\x80"
	                    "\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"
	                    "\x7F abcdefgh\xE2\x82\xAC" "abcdefg\xF0\x9F\x98\x80\"}");
	expect_field(&sc, JF_ID, "\xC3\xA9", 2);
	scanned_free(&sc);
	sc = expect_accept("{\"id\": \"1\", \"text\": \"x\", \"cl\xC3\xA9\": \"\xD8\xA7\"}");
	scanned_free(&sc);
}

/* A special byte at every offset of the 8-byte steps. */
static void test_specials_at_every_offset(void **state)
{
	(void)state;
	static const char *const specials[] = {"\\n", "\xC3\xA9", "\\u00e9", "\\\""};
	for (size_t s = 0; s < 4; s++)
		for (int at = 0; at < 24; at++) {
			char json[160];
			snprintf(json, sizeof json, "{\"id\":\"i\",\"text\":\"%.*s%s%.*s\"}", at,
			         "abcdefghijklmnopqrstuvwxyz", specials[s], 24 - at,
			         "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
			scanned sc = expect_accept(json);
			scanned_free(&sc);
			/* and a control character there */
			snprintf(json, sizeof json, "{\"id\":\"i\",\"text\":\"%.*s\x01%.*s\"}", at,
			         "abcdefghijklmnopqrstuvwxyz", 24 - at, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
			expect_defer(json);
		}
}

static void test_defers_non_objects_and_trailers(void **state)
{
	(void)state;
	expect_defer("");
	expect_defer("   ");
	expect_defer("[{\"id\": \"a\", \"text\": \"b\"}]");
	expect_defer("\"text\"");
	expect_defer("1");
	expect_defer("null");
	expect_defer("{\"id\": \"a\", \"text\": \"b\"} x");
	expect_defer("{\"id\": \"a\", \"text\": \"b\"}{}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\"},");
	expect_defer("{\"id\": \"a\", \"text\": \"b\"}\f");
	expect_defer("\xEF\xBB\xBF{\"id\": \"a\", \"text\": \"b\"}"); /* BOM: the reader's */
	expect_defer_bytes("{\"id\": \"a\", \"text\": \"b\"}\0", 26);
	expect_defer("{\"id\": \"a\", \"text\": \"b\"");
	expect_defer("{\"id\": \"a\", \"text\": \"b\",}");
	expect_defer("{\"id\": \"a\" \"text\": \"b\"}");
	expect_defer("{\"id\" \"a\", \"text\": \"b\"}");
	expect_defer("{\"id\": \"a\", \"text\": \"b}");
	expect_defer("{\"id\": \"a\", \"text\": }");
	expect_defer("{id: \"a\", \"text\": \"b\"}");
	expect_defer("{'id': 'a', 'text': 'b'}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"x\": nul}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"x\": truex}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"x\": True}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"x\": null1}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"x\": \xC2\xA0 1}");
	expect_defer("{}");
}

static void test_defers_bad_strings(void **state)
{
	(void)state;
	static const char *const bodies[] = {
		"\x01", "\x1F", "\t", "\n", "\r",             /* raw control characters */
		"\\x", "\\U0041", "\\u12", "\\u12G4", "\\'", "\\", /* bad escapes */
		"\\u0000", "a\\u0000b",                       /* NUL */
		"\\ud83d", "\\ud83d x", "\\ud83d\\n", "\\ud83d\\u0041", "\\ud83d\\ud83d",
		"\\ude00", "\\uDFFF\\uD800", "\\ud83d\\ude0",  /* bad surrogates */
		"\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xC3", "\xC3" "a", "\xE0\x80\x80",
		"\xE0\x9F\xBF", "\xED\xA0\x80", "\xED\xBF\xBF", "\xE2\x82", "\xF0\x80\x80\x80",
		"\xF0\x8F\xBF\xBF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xF8\x88\x80\x80\x80",
		"\xFE", "\xFF", "\xF0\x9F\x98",               /* invalid UTF-8 */
	};
	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
		char json[128];
		/* in a wanted field, and in one that is not read */
		snprintf(json, sizeof json, "{\"id\": \"a\", \"text\": \"x%sy\"}", bodies[i]);
		expect_defer(json);
		snprintf(json, sizeof json, "{\"id\": \"a\", \"text\": \"x\", \"z\": \"%s\"}",
		         bodies[i]);
		expect_defer(json);
		snprintf(json, sizeof json, "{\"id\": \"a\", \"text\": \"x\", \"%s\": 1}", bodies[i]);
		expect_defer(json);
	}
	/* a string that ends with the line, mid-sequence */
	expect_defer("{\"id\": \"a\", \"text\": \"\xE2\x82");
	expect_defer("{\"id\": \"a\", \"text\": \"\\u00");
	expect_defer("{\"id\": \"a\", \"text\": \"\\ud83d\\ude");
	expect_defer_bytes("{\"id\": \"a\", \"text\": \"a\0b\"}", 25);
}

static void test_defers_keys(void **state)
{
	(void)state;
	/* escaped keys, even ones that decode to a key that is not read */
	expect_defer("{\"\\u0069d\": \"a\", \"text\": \"b\"}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"a\\nb\": 1}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"\\u0000\": 1}");
	/* duplicates, wanted or not */
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"id\": \"c\"}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"text\": \"b\"}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"x\": 1, \"x\": 1}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"\": 1, \"\": 2}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"title\": null, \"title\": \"t\"}");
	/* keys are compared exactly */
	scanned sc = expect_accept("{\"id\": \"a\", \"text\": \"b\", \"Id\": 1, \"id \": 2, \"tex\": 3}");
	scanned_free(&sc);
	/* over 64 keys: jansson's */
	char json[2048];
	size_t n = (size_t)snprintf(json, sizeof json, "{\"id\": \"a\", \"text\": \"b\"");
	for (int i = 0; i < 62; i++)
		n += (size_t)snprintf(json + n, sizeof json - n, ", \"k%d\": %d", i, i);
	snprintf(json + n, sizeof json - n, "}");
	sc = expect_accept(json);
	scanned_free(&sc);
	snprintf(json + n, sizeof json - n, ", \"k62\": 0}");
	expect_defer(json);
}

static void test_defers_nesting_and_numbers(void **state)
{
	(void)state;
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"meta\": {}}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"meta\": {\"id\": 1}}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"x\": [[]]}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"x\": [{}]}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"x\": [1,]}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"x\": [,1]}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"x\": [1 2]}");
	expect_defer("{\"id\": \"a\", \"text\": \"b\", \"x\": [1");
	static const char *const numbers[] = {
		"1.5", "1e5", "1E5", "1e+5", "-1.0e-3", "0.0", "1.", ".5", "-", "--1", "+1", "01",
		"-01", "00", "0x10", "1a", "1234567890123456789", "-1234567890123456789",
		"99999999999999999999999", "NaN", "Infinity",
	};
	for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++) {
		char json[128];
		snprintf(json, sizeof json, "{\"id\": \"a\", \"text\": \"b\", \"n\": %s}", numbers[i]);
		expect_defer(json);
		snprintf(json, sizeof json, "{\"id\": %s, \"text\": \"b\"}", numbers[i]);
		expect_defer(json);
	}
}

static void test_defers_wrong_types(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"{\"text\": \"b\"}",
		"{\"id\": null, \"text\": \"b\"}",
		"{\"id\": 1.5, \"text\": \"b\"}",
		"{\"id\": true, \"text\": \"b\"}",
		"{\"id\": [], \"text\": \"b\"}",
		"{\"id\": {}, \"text\": \"b\"}",
		"{\"id\": \"a\"}",
		"{\"id\": \"a\", \"text\": 5}",
		"{\"id\": \"a\", \"text\": null}",
		"{\"id\": \"a\", \"text\": [\"b\"]}",
		"{\"id\": \"a\", \"text\": false}",
		"{\"id\": \"a\", \"text\": \"b\", \"title\": 5}",
		"{\"id\": \"a\", \"text\": \"b\", \"title\": []}",
		"{\"id\": \"a\", \"text\": \"b\", \"source\": true}",
		"{\"id\": \"a\", \"text\": \"b\", \"published\": 2020}",
		"{\"id\": \"a\", \"text\": \"b\", \"url\": {}}",
		"{\"id\": \"a\", \"text\": \"b\", \"date\": 1.5}",
	};
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
		expect_defer(lines[i]);
}

/* ---- differential test: generated lines against jansson ---- */

typedef struct {
	uint64_t rng;
	char b[4096];
	size_t n;
	int hostile; /* percent of string pieces that are bad */
} gen;

static uint64_t next(gen *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return g->rng;
}

static size_t below(gen *g, size_t n)
{
	return (size_t)(next(g) % n);
}

static void put(gen *g, const char *s, size_t n)
{
	if (g->n + n <= sizeof g->b) {
		memcpy(g->b + g->n, s, n);
		g->n += n;
	}
}

static void puts_(gen *g, const char *s)
{
	put(g, s, strlen(s));
}

typedef struct {
	const char *s;
	size_t n;
} piece;
#define P(s) {s, sizeof s - 1}

static const piece good_pieces[] = {
	P("Hello"), P(" world, "), P("abcdefghijklmnopqrstuvwxyz0123456789"), P("x"), P(" "),
	P("\\\""), P("\\\\"), P("\\/"), P("\\b"), P("\\f"), P("\\n"), P("\\r"), P("\\t"),
	P("\\u00e9"), P("\\u20AC"), P("\\uFFFF"), P("\\u0041"), P("\\u001f"), P("\\u007F"),
	P("\\ud83d\\ude00"), P("\\uD800\\uDC00"), P("\\uDBFF\\uDFFF"), P("\\u0800"),
	P("\xC3\xA9"), P("\xE2\x82\xAC"), P("\xF0\x9F\x98\x80"), P("\xF4\x8F\xBF\xBF"),
	P("\xEF\xBF\xBF"), P("\xC2\x80"), P("\xE0\xA0\x80"), P("\xF0\x90\x80\x80"),
	P("\xED\x9F\xBF"), P("\xEE\x80\x80"), P("\x7F"), P("\xD8\xA7\xD9\x84"), P("'"),
};
static const piece bad_pieces[] = {
	P("\\u0000"), P("\\x"), P("\\u12"), P("\\u12g4"), P("\\"), P("\\ud83d"),
	P("\\ud83d\\u0041"), P("\\ude00"), P("\\ud83d\\n"), P("\\ud83d\\ud83d"), P("\\U0041"),
	P("\x80"), P("\xBF"), P("\xC0\x80"), P("\xC1\xBF"), P("\xE0\x80\x80"), P("\xE0\x9F\xBF"),
	P("\xED\xA0\x80"), P("\xED\xBF\xBF"), P("\xF0\x80\x80\x80"), P("\xF0\x8F\xBF\xBF"),
	P("\xF4\x90\x80\x80"), P("\xF5\x80\x80\x80"), P("\xFF"), P("\xFE"), P("\xC3"),
	P("\xE2\x82"), P("\xF0\x9F\x98"), P("\x01"), P("\x1F"), P("\t"), P("\n"), P("\x00"),
	P("\""),
};
#define N_GOOD (sizeof good_pieces / sizeof *good_pieces)
#define N_BAD (sizeof bad_pieces / sizeof *bad_pieces)

static void gen_ws(gen *g)
{
	static const char ws[] = " \t\r\n";
	if (below(g, 4) == 0)
		for (size_t k = 1 + below(g, 3); k; k--)
			put(g, &ws[below(g, 4)], 1);
}

/* A random code point as UTF-8 or as an escape (surrogates included:
 * a pair, or on purpose a lone one now and then). */
static void gen_code_point(gen *g)
{
	uint32_t u = (uint32_t)below(g, 5) == 0 ? (uint32_t)below(g, 0x110000)
	                                        : (uint32_t)below(g, 0x800);
	char tmp[16];
	if (below(g, 2)) {
		if (u >= 0x10000) {
			u -= 0x10000;
			snprintf(tmp, sizeof tmp, "\\u%04X\\u%04x", 0xD800 + (u >> 10),
			         0xDC00 + (u & 0x3FF));
		} else {
			snprintf(tmp, sizeof tmp, "\\u%04x", u);
		}
		puts_(g, tmp);
		return;
	}
	if ((u >= 0xD800 && u <= 0xDFFF) || u == 0)
		u = 0xFFFD;
	unsigned char *t = (unsigned char *)tmp;
	size_t n;
	if (u < 0x80) {
		t[0] = (unsigned char)u, n = 1;
	} else if (u < 0x800) {
		t[0] = (unsigned char)(0xC0 | u >> 6), t[1] = (unsigned char)(0x80 | (u & 0x3F)), n = 2;
	} else if (u < 0x10000) {
		t[0] = (unsigned char)(0xE0 | u >> 12), t[1] = (unsigned char)(0x80 | (u >> 6 & 0x3F));
		t[2] = (unsigned char)(0x80 | (u & 0x3F)), n = 3;
	} else {
		t[0] = (unsigned char)(0xF0 | u >> 18), t[1] = (unsigned char)(0x80 | (u >> 12 & 0x3F));
		t[2] = (unsigned char)(0x80 | (u >> 6 & 0x3F)), t[3] = (unsigned char)(0x80 | (u & 0x3F));
		n = 4;
	}
	if (u >= 0x20 && u != '"' && u != '\\')
		put(g, tmp, n);
}

static void gen_string(gen *g)
{
	puts_(g, "\"");
	for (size_t k = below(g, 8); k; k--) {
		if ((int)below(g, 100) < g->hostile) {
			const piece *p = &bad_pieces[below(g, N_BAD)];
			put(g, p->s, p->n);
		} else if (below(g, 4) == 0) {
			gen_code_point(g);
		} else {
			const piece *p = &good_pieces[below(g, N_GOOD)];
			put(g, p->s, p->n);
		}
	}
	puts_(g, "\"");
}

static void gen_number(gen *g)
{
	static const char *const odd[] = {"1.5", "-0.0", "1e5", "1E+2", "2.", ".5", "1e",
	                                  "-",   "01",   "-0",  "00",   "+1", "0x1"};
	if (below(g, 8) == 0) {
		puts_(g, odd[below(g, sizeof odd / sizeof *odd)]);
		return;
	}
	if (below(g, 3) == 0)
		puts_(g, "-");
	size_t digits = 1 + (below(g, 8) ? below(g, 6) : below(g, 22));
	for (size_t i = 0; i < digits; i++) {
		char d = (char)('0' + below(g, 10));
		if (i == 0 && d == '0' && digits > 1)
			d = '1';
		put(g, &d, 1);
	}
}

static void gen_value(gen *g, int depth);

static void gen_scalar(gen *g)
{
	static const char *const literals[] = {"true", "false", "null", "null", "nul", "truex",
	                                       "True", "nulll"};
	size_t k = below(g, 10);
	if (k < 5)
		gen_string(g);
	else if (k < 7)
		gen_number(g);
	else
		puts_(g, literals[below(g, g->hostile ? 8 : 3)]);
}

static void gen_array(gen *g, int depth)
{
	puts_(g, "[");
	gen_ws(g);
	size_t n = below(g, 4);
	for (size_t i = 0; i < n; i++) {
		if (i)
			puts_(g, ",");
		gen_ws(g);
		if (below(g, 8) == 0)
			gen_value(g, depth + 1);
		else
			gen_scalar(g);
		gen_ws(g);
	}
	if (n && g->hostile && below(g, 10) == 0)
		puts_(g, ",");
	puts_(g, "]");
}

static void gen_object(gen *g, int depth);

static void gen_value(gen *g, int depth)
{
	size_t k = below(g, 20);
	if (depth < 3 && k == 0)
		gen_object(g, depth + 1);
	else if (depth < 3 && k < 3)
		gen_array(g, depth + 1);
	else
		gen_scalar(g);
}

/* A value for a field that is read: mostly of the right type. */
static void gen_field_value(gen *g, int f)
{
	size_t k = below(g, 20);
	if (k == 0)
		gen_value(g, 1);
	else if (k < 3)
		puts_(g, "null");
	else if (f == JF_ID && k < 7)
		gen_number(g);
	else
		gen_string(g);
}

/* A key: one that is read (now and then twice), another (mostly a new
 * one, index i), or with hostile lines one jansson decodes. */
static void gen_key(gen *g, int *field, size_t i)
{
	static const char *const others[] = {"cluster", "x", "", "cl\xC3\xA9", "Id", "id ",
	                                     "tex", "published "};
	static const char *const odd[] = {"\\u0069d", "te\\u0078t", "a\\nb", "\xFF", "\\u0000"};
	size_t k = below(g, 20);
	char name[32];
	*field = -1;
	puts_(g, "\"");
	if (g->hostile && k == 0) {
		puts_(g, odd[below(g, sizeof odd / sizeof *odd)]);
	} else if (k < 3) {
		*field = (int)below(g, JF_COUNT);
		puts_(g, json_field_key[*field]);
	} else if (k < 5) {
		puts_(g, others[below(g, sizeof others / sizeof *others)]);
	} else {
		snprintf(name, sizeof name, "k%zu", i);
		puts_(g, name);
	}
	puts_(g, "\"");
}

static void gen_member(gen *g, int f, size_t i)
{
	gen_ws(g);
	if (f >= 0) {
		puts_(g, "\"");
		puts_(g, json_field_key[f]);
		puts_(g, "\"");
	} else {
		gen_key(g, &f, i);
	}
	gen_ws(g);
	if (!(g->hostile && below(g, 50) == 0))
		puts_(g, ":");
	gen_ws(g);
	if (f >= 0)
		gen_field_value(g, f);
	else
		gen_value(g, 1);
	gen_ws(g);
}

static void gen_object(gen *g, int depth)
{
	puts_(g, "{");
	size_t n = below(g, 6);
	int top = depth == 0;
	for (size_t i = 0; i < n + 2 * (size_t)top; i++) {
		if (i)
			puts_(g, g->hostile && below(g, 60) == 0 ? " " : ",");
		/* the top level mostly has an id and a text, somewhere */
		int f = -1;
		if (top && i == 0)
			f = below(g, 10) ? JF_ID : -1;
		else if (top && i == 1)
			f = below(g, 10) ? JF_TEXT : -1;
		gen_member(g, f, i);
	}
	if (g->hostile && below(g, 40) == 0)
		puts_(g, ",");
	puts_(g, "}");
}

/* A line: an object, now and then cut short, with bytes changed or with
 * something after it. */
static void gen_line(gen *g)
{
	static const char junk[] = "\"\\{}[],:0\x80\xC3\x00 \n-ea";
	g->n = 0;
	g->hostile = below(g, 3) == 0 ? 0 : below(g, 2) ? 2 : 25;
	gen_ws(g);
	if (g->hostile && below(g, 50) == 0)
		gen_value(g, 0);
	else
		gen_object(g, 0);
	gen_ws(g);
	if (!g->hostile)
		return;
	size_t k = below(g, 20);
	if (k == 0 && g->n)
		g->n = below(g, g->n);
	else if (k == 1)
		put(g, "{}", 2);
	else if (k == 2)
		put(g, &junk[below(g, sizeof junk - 1)], 1);
	else if (k < 6 && g->n)
		for (size_t m = 1 + below(g, 3); m; m--)
			g->b[below(g, g->n)] = below(g, 2) ? junk[below(g, sizeof junk - 1)]
			                                   : (char)below(g, 256);
}

static void test_differential_against_jansson(void **state)
{
	(void)state;
	gen g = {.rng = 0x9E3779B97F4A7C15ull};
	size_t accepted = 0, deferred_valid = 0, deferred_invalid = 0;
	size_t escaped = 0, integers = 0;
	const size_t lines = 200000;
	char why[256];
	for (size_t i = 0; i < lines; i++) {
		gen_line(&g);
		scanned sc = scan_bytes(g.b, g.n);
		if (sc.accepted) {
			accepted++;
			if (!same_as_jansson(&sc, why, sizeof why)) {
				print_message("line %zu: %s: ", i, why);
				print_bytes(g.b, g.n);
				fail();
			}
			/* what the reader relies on */
			assert_true(sc.f[JF_ID].kind == JK_STRING || sc.f[JF_ID].kind == JK_INTEGER);
			assert_int_equal(sc.f[JF_TEXT].kind, JK_STRING);
			integers += sc.f[JF_ID].kind == JK_INTEGER;
			escaped += memchr(sc.orig, '\\', sc.len) != NULL;
		} else {
			json_t *v = json_loadb(g.b, g.n, JSON_REJECT_DUPLICATES, NULL);
			if (v)
				deferred_valid++;
			else
				deferred_invalid++;
			json_decref(v);
		}
		scanned_free(&sc);
	}
	print_message("differential: %zu lines: %zu accepted (%zu with escapes, %zu integer "
	              "ids), %zu deferred that jansson takes, %zu deferred that it refuses\n",
	              lines, accepted, escaped, integers, deferred_valid, deferred_invalid);
	/* both sides are exercised */
	assert_true(accepted > lines / 6);
	assert_true(escaped > lines / 10);
	assert_true(integers > lines / 100);
	assert_true(deferred_valid > lines / 20);
	assert_true(deferred_invalid > lines / 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_flat_object),
		cmocka_unit_test(test_optional_fields),
		cmocka_unit_test(test_integer_ids),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_escapes_decoded_in_place),
		cmocka_unit_test(test_utf8_in_strings),
		cmocka_unit_test(test_specials_at_every_offset),
		cmocka_unit_test(test_defers_non_objects_and_trailers),
		cmocka_unit_test(test_defers_bad_strings),
		cmocka_unit_test(test_defers_keys),
		cmocka_unit_test(test_defers_nesting_and_numbers),
		cmocka_unit_test(test_defers_wrong_types),
		cmocka_unit_test(test_differential_against_jansson),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
