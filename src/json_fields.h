/*
 * json_fields.h - the fields the reader takes from one JSON object, in
 * one pass over the line and without building a tree (jansson's tree, a
 * hash table and a malloc per string, cost as much as the rest of the
 * hashing floor together).
 *
 * The scanner is strict and small: it accepts only what jansson accepts
 * (json_loadb with JSON_REJECT_DUPLICATES) and gives the same bytes, and
 * it defers anything unusual to jansson, whose path has the messages.
 */
#ifndef WD_JSON_FIELDS_H
#define WD_JSON_FIELDS_H

#include <stddef.h>

/* The fields of an article, by key (json_field_key). */
enum json_field {
	JF_ID,
	JF_TEXT,
	JF_TITLE,
	JF_SOURCE,
	JF_PUBLISHED,
	JF_URL,
	JF_DATE,
	JF_COUNT
};

/* "id", "text", "title", "source", "published", "url", "date". */
extern const char *const json_field_key[JF_COUNT];

/* What a field holds; JK_OTHER (a real, a boolean, an array, an object)
 * comes only from jansson's path, json_fields_scan defers on it. */
enum json_kind { JK_ABSENT, JK_NULL, JK_STRING, JK_INTEGER, JK_OTHER };

typedef struct json_field_value {
	enum json_kind kind;
	const char *str;   /* JK_STRING: len bytes of UTF-8, NUL-terminated */
	size_t len;
	long long integer; /* JK_INTEGER */
} json_field_value;

/*
 * Scans buf (len bytes: one JSON object with JSON whitespace around it)
 * for the fields of an article. Returns 1 if it accepts the object: then
 * jansson accepts it too, "id" is a string or an integer, "text" is a
 * string, every other field is absent, null or a string, and out[] has
 * them with strings decoded in place in buf (each NUL-terminated where
 * its closing quote was). Returns 0 to defer to jansson (not JSON,
 * anything jansson refuses, a field of another type, or anything this
 * scanner does not handle: nested objects or arrays, reals, integers of
 * more than 18 digits, escaped keys, over 64 keys); buf is then untouched.
 */
int json_fields_scan(json_field_value out[JF_COUNT], char *buf, size_t len);

#endif
