/* json_fields.c - an article's fields from one flat JSON object, in place. */
#include "json_fields.h"

#include <stdint.h>
#include <string.h>

const char *const json_field_key[JF_COUNT] = {"id",        "text", "title", "source",
                                              "published", "url",  "date"};

/* Keys are checked for duplicates pairwise; more of them go to jansson. */
#define MAX_KEYS 64
/* Longer integers could overflow json_int_t: jansson decides. */
#define MAX_DIGITS 18

typedef const unsigned char *cursor;

/* A wanted string's bytes between its quotes, decoded at the end. */
typedef struct {
	cursor start, end;
	int escaped;
} span;

static cursor skip_ws(cursor p, cursor end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Flags (in the high bit of the byte, exactly for the first one) each
 * byte of x that a string cannot simply copy: '"', '\\', a control
 * character or the start of a non-ASCII sequence. */
static inline uint64_t special_bytes(uint64_t x)
{
	uint64_t quote = x ^ (ONES * '"'), bslash = x ^ (ONES * '\\');
	return (x | ((quote - ONES) & ~quote) | ((bslash - ONES) & ~bslash) |
	        ((x - ONES * 0x20) & ~x)) &
	       HIGHS;
}

/* The value of 4 hex digits at p, or -1. */
static long hex4(cursor p)
{
	long v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v |= (c | 0x20) - 'a' + 10;
		else
			return -1;
	}
	return v;
}

/* An escape at p (the backslash): what follows it, or NULL where jansson
 * would refuse it (\u0000 as well: no NUL without JSON_ALLOW_NUL). */
static cursor scan_escape(cursor p, cursor end)
{
	if (end - p < 2)
		return NULL;
	switch (p[1]) {
	case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
		return p + 2;
	case 'u':
		break;
	default:
		return NULL;
	}
	long u = end - p >= 6 ? hex4(p + 2) : -1;
	if (u <= 0 || (u >= 0xDC00 && u <= 0xDFFF))
		return NULL; /* invalid, NUL or a lone low surrogate */
	if (u < 0xD800 || u > 0xDBFF)
		return p + 6;
	/* a high surrogate needs a low one right after it */
	if (end - p < 12 || p[6] != '\\' || p[7] != 'u')
		return NULL;
	long lo = hex4(p + 8);
	return lo >= 0xDC00 && lo <= 0xDFFF ? p + 12 : NULL;
}

/* A UTF-8 sequence at p (its first byte >= 0x80): what follows it, or
 * NULL unless it is strictly valid (jansson's utf8_check_full: no
 * overlong forms, no surrogates, nothing above U+10FFFF). */
static cursor scan_utf8(cursor p, cursor end)
{
	unsigned c = p[0], lo = 0x80, hi = 0xBF;
	ptrdiff_t n;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		lo = c == 0xE0 ? 0xA0 : lo;
		hi = c == 0xED ? 0x9F : hi;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		lo = c == 0xF0 ? 0x90 : lo;
		hi = c == 0xF4 ? 0x8F : hi;
	} else {
		return NULL;
	}
	if (end - p < n || p[1] < lo || p[1] > hi)
		return NULL;
	for (ptrdiff_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return NULL;
	return p + n;
}

/*
 * A string whose opening quote is just before p: returns what follows
 * its closing quote, or NULL where jansson would refuse it. *escaped is
 * set if it holds a backslash. Plain bytes are skipped 8 at a time.
 */
static cursor scan_string(cursor p, cursor end, int *escaped)
{
	for (;;) {
		while (end - p >= 8) {
			uint64_t x, m;
			memcpy(&x, p, 8);
			if ((m = special_bytes(x)) != 0) {
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
				p += __builtin_ctzll(m) >> 3; /* the first flagged byte */
#endif
				break;
			}
			p += 8;
		}
		if (p == end)
			return NULL;
		unsigned c = *p;
		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			*escaped = 1;
			p = scan_escape(p, end);
		} else if (c >= 0x80) {
			do /* non-ASCII text comes in runs: stay while it lasts */
				p = scan_utf8(p, end);
			while (p && p < end && *p >= 0x80);
		} else {
			p++;
		}
		if (!p)
			return NULL;
	}
}

/* A number: only an integer of up to MAX_DIGITS digits is taken (into
 * *value); anything else is left to jansson. */
static cursor scan_integer(cursor p, cursor end, long long *value)
{
	int neg = *p == '-';
	cursor digits = p + neg, q = digits;
	long long v = 0;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		if (q - digits == MAX_DIGITS)
			return NULL;
		v = 10 * v + (*q - '0');
	}
	if (q == digits || (*digits == '0' && q - digits > 1))
		return NULL; /* no digits, or a leading zero */
	if (q < end && (*q == '.' || *q == 'e' || *q == 'E'))
		return NULL; /* a real */
	*value = neg ? -v : v;
	return q;
}

/* true, false or null at p: what follows, or NULL. */
static cursor scan_literal(cursor p, cursor end, enum json_kind *kind)
{
	static const char *const words[] = {"null", "true", "false"};
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);
		if ((size_t)(end - p) >= n && memcmp(p, words[i], n) == 0) {
			*kind = i == 0 ? JK_NULL : JK_OTHER;
			return p + n;
		}
	}
	return NULL;
}

/* A scalar at p (not an object or an array); *v says what it is, its
 * string span in *s. */
static cursor scan_scalar(cursor p, cursor end, json_field_value *v, span *s)
{
	if (p == end)
		return NULL;
	if (*p == '"') {
		v->kind = JK_STRING;
		s->start = p + 1;
		s->escaped = 0;
		if (!(p = scan_string(p + 1, end, &s->escaped)))
			return NULL;
		s->end = p - 1;
		return p;
	}
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		v->kind = JK_INTEGER;
		return scan_integer(p, end, &v->integer);
	}
	return scan_literal(p, end, &v->kind);
}

/* An array of scalars at p (after its '['): what follows its ']'. */
static cursor scan_array(cursor p, cursor end)
{
	json_field_value v;
	span s;
	p = skip_ws(p, end);
	if (p < end && *p == ']')
		return p + 1;
	for (;;) {
		if (!(p = scan_scalar(p, end, &v, &s)))
			return NULL;
		p = skip_ws(p, end);
		if (p == end)
			return NULL;
		if (*p == ']')
			return p + 1;
		if (*p != ',')
			return NULL;
		p = skip_ws(p + 1, end);
	}
}

/* The field a key names, or -1. */
static int field_of(cursor k, size_t len)
{
	switch (len) {
	case 2: return memcmp(k, "id", 2) == 0 ? JF_ID : -1;
	case 3: return memcmp(k, "url", 3) == 0 ? JF_URL : -1;
	case 4: return memcmp(k, "text", 4) == 0 ? JF_TEXT
	             : memcmp(k, "date", 4) == 0 ? JF_DATE : -1;
	case 5: return memcmp(k, "title", 5) == 0 ? JF_TITLE : -1;
	case 6: return memcmp(k, "source", 6) == 0 ? JF_SOURCE : -1;
	case 9: return memcmp(k, "published", 9) == 0 ? JF_PUBLISHED : -1;
	default: return -1;
	}
}

/* Writes code point u as UTF-8 at t; returns the byte after it. */
static unsigned char *put_utf8(unsigned char *t, unsigned long u)
{
	if (u < 0x80) {
		*t++ = (unsigned char)u;
	} else if (u < 0x800) {
		*t++ = (unsigned char)(0xC0 | u >> 6);
		*t++ = (unsigned char)(0x80 | (u & 0x3F));
	} else if (u < 0x10000) {
		*t++ = (unsigned char)(0xE0 | u >> 12);
		*t++ = (unsigned char)(0x80 | (u >> 6 & 0x3F));
		*t++ = (unsigned char)(0x80 | (u & 0x3F));
	} else {
		*t++ = (unsigned char)(0xF0 | u >> 18);
		*t++ = (unsigned char)(0x80 | (u >> 12 & 0x3F));
		*t++ = (unsigned char)(0x80 | (u >> 6 & 0x3F));
		*t++ = (unsigned char)(0x80 | (u & 0x3F));
	}
	return t;
}

/* Decodes a validated span in place (the output is never longer: an
 * escape of 2, 6 or 12 bytes gives 1, at most 3, or 4) and terminates it
 * with a NUL; returns its decoded length. */
static size_t decode_span(const span *s, unsigned char *buf)
{
	unsigned char *t = buf + (s->start - buf), *w = t; /* s->start, writable */
	cursor p = s->start;
	if (!s->escaped) {
		t[s->end - s->start] = '\0'; /* over the closing quote */
		return (size_t)(s->end - s->start);
	}
	while (p < s->end) {
		if (*p != '\\') {
			*w++ = *p++;
			continue;
		}
		unsigned long u;
		switch (p[1]) {
		case 'b': u = '\b'; break;
		case 'f': u = '\f'; break;
		case 'n': u = '\n'; break;
		case 'r': u = '\r'; break;
		case 't': u = '\t'; break;
		case 'u':
			u = (unsigned long)hex4(p + 2);
			if (u >= 0xD800 && u <= 0xDBFF) {
				u = 0x10000 + ((u - 0xD800) << 10) + ((unsigned long)hex4(p + 8) - 0xDC00);
				p += 6;
			}
			p += 4;
			break;
		default: u = p[1]; break; /* '"', '\\' or '/' */
		}
		p += 2;
		w = put_utf8(w, u);
	}
	*w = '\0';
	return (size_t)(w - t);
}

/* The members of the top-level object (p just after its '{'), with the
 * wanted fields' values in out[] and their strings in spans[]: what
 * follows the closing '}', or NULL. */
static cursor scan_members(cursor p, cursor end, json_field_value *out, span *spans)
{
	cursor keys[MAX_KEYS];
	size_t key_len[MAX_KEYS], n_keys = 0;
	p = skip_ws(p, end);
	if (p < end && *p == '}')
		return p + 1;
	for (;;) {
		int escaped = 0;
		if (p == end || *p != '"' || n_keys == MAX_KEYS)
			return NULL;
		cursor k = p + 1;
		if (!(p = scan_string(k, end, &escaped)) || escaped)
			return NULL; /* an escaped key: jansson compares it decoded */
		size_t klen = (size_t)(p - 1 - k);
		for (size_t i = 0; i < n_keys; i++)
			if (key_len[i] == klen && memcmp(keys[i], k, klen) == 0)
				return NULL; /* jansson refuses duplicates */
		keys[n_keys] = k;
		key_len[n_keys++] = klen;

		p = skip_ws(p, end);
		if (p == end || *p != ':')
			return NULL;
		p = skip_ws(p + 1, end);
		int f = field_of(k, klen);
		if (f >= 0) {
			p = scan_scalar(p, end, &out[f], &spans[f]);
			if (out[f].kind == JK_OTHER || (out[f].kind == JK_INTEGER && f != JF_ID))
				return NULL; /* the wrong type: jansson's path says so */
		} else if (p < end && *p == '[') {
			p = scan_array(p + 1, end);
		} else {
			json_field_value v;
			span s;
			p = scan_scalar(p, end, &v, &s);
		}
		if (!p || (p = skip_ws(p, end)) == end)
			return NULL;
		if (*p == '}')
			return p + 1;
		if (*p != ',')
			return NULL;
		p = skip_ws(p + 1, end);
	}
}

int json_fields_scan(json_field_value out[JF_COUNT], char *buf, size_t len)
{
	cursor start = (cursor)buf, end = start + len;
	span spans[JF_COUNT];

	memset(out, 0, JF_COUNT * sizeof *out);
	cursor p = skip_ws(start, end);
	if (p == end || *p != '{')
		return 0;
	if (!(p = scan_members(p + 1, end, out, spans)) || skip_ws(p, end) != end)
		return 0;
	if (out[JF_ID].kind != JK_STRING && out[JF_ID].kind != JK_INTEGER)
		return 0;
	if (out[JF_TEXT].kind != JK_STRING)
		return 0;

	/* Valid: only now may the wanted strings be decoded over the line. */
	for (int f = 0; f < JF_COUNT; f++)
		if (out[f].kind == JK_STRING) {
			out[f].len = decode_span(&spans[f], (unsigned char *)buf);
			out[f].str = buf + (spans[f].start - start);
		}
	return 1;
}
