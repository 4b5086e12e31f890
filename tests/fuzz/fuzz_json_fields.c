/*
 * fuzz_json_fields.c - libFuzzer harness for json_fields_scan against
 * jansson.
 *
 * The input is one line (any bytes). Invariants: if the scanner accepts
 * it, json_loadb (JSON_REJECT_DUPLICATES, as the reader calls it) accepts
 * it too, and every field has the same type and bytes as jansson's (a
 * string NUL-terminated inside the buffer, an integer the same value);
 * "id" is a string or an integer and "text" a string. If it defers, the
 * buffer is unchanged.
 */
#include <wiredup.h>

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "json_fields.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy: reads past the line are ASan's to see */
	char *buf = malloc(size ? size : 1);
	json_field_value f[JF_COUNT];
	CHECK(buf);
	if (size)
		memcpy(buf, data, size);
	if (!json_fields_scan(f, buf, size)) {
		CHECK(size == 0 || memcmp(buf, data, size) == 0);
		free(buf);
		return 0;
	}
	CHECK(f[JF_ID].kind == JK_STRING || f[JF_ID].kind == JK_INTEGER);
	CHECK(f[JF_TEXT].kind == JK_STRING);

	json_error_t err;
	json_t *obj = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
	if (!obj)
		fprintf(stderr, "jansson refuses an accepted line: %s\n", err.text);
	CHECK(obj);
	CHECK(json_is_object(obj));
	for (int i = 0; i < JF_COUNT; i++) {
		json_t *v = json_object_get(obj, json_field_key[i]);
		const json_field_value *mine = &f[i];
		switch (mine->kind) {
		case JK_ABSENT:
			CHECK(v == NULL);
			break;
		case JK_NULL:
			CHECK(json_is_null(v));
			break;
		case JK_STRING:
			CHECK(json_is_string(v));
			CHECK(json_string_length(v) == mine->len);
			CHECK(memcmp(json_string_value(v), mine->str, mine->len) == 0);
			CHECK(mine->str >= buf && mine->str + mine->len < buf + size);
			CHECK(mine->str[mine->len] == '\0');
			break;
		case JK_INTEGER:
			CHECK(i == JF_ID);
			CHECK(json_is_integer(v));
			CHECK(json_integer_value(v) == (json_int_t)mine->integer);
			break;
		default:
			CHECK(!"a kind json_fields_scan never gives");
		}
	}
	json_decref(obj);
	free(buf);
	return 0;
}
