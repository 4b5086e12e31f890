/* normalize.c - stage 1: one canonical form of the text (utf8proc). */
#include "normalize.h"

#include "bytes.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int wd_utf8_valid(const char *text, size_t len, size_t *bad_offset)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		uint32_t cp, min;
		if (c < 0x80) {
			/* ASCII, most of news: eight bytes at a time */
			uint64_t w;
			while (i + 8 <= len && (memcpy(&w, s + i, 8), !(w & 0x8080808080808080ull)))
				i += 8;
			while (i < len && s[i] < 0x80)
				i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 2; cp = c & 0x1F; min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			n = 3; cp = c & 0x0F; min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			n = 4; cp = c & 0x07; min = 0x10000;
		} else {
			goto bad; /* stray continuation byte or 0xF8..0xFF */
		}
		if (len - i < n)
			goto bad; /* truncated sequence */
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				goto bad;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			goto bad; /* overlong, out of range, or a surrogate */
		i += n;
	}
	return 1;
bad:
	if (bad_offset)
		*bad_offset = i;
	return 0;
}

/* Applied to every code point before decomposition: what LUMP leaves. */
static utf8proc_int32_t map_before(utf8proc_int32_t cp, void *unused)
{
	(void)unused;
	switch (cp) {
	case '\t':
		return ' '; /* STRIPCC would turn a tab into a line break */
	case 0x201C: case 0x201D: case 0x201E: case 0x201F: /* “ ” „ ‟ */
	case 0x00AB: case 0x00BB: case 0x2033: case 0x301D: /* « » ″ 〝 */
	case 0x301E: case 0x301F: case 0xFF02:              /* 〞 〟 ＂ */
		return '"';
	case 0x2018: case 0x2019: case 0x201A: case 0x201B: /* ‘ ’ ‚ ‛ */
	case 0x2039: case 0x203A: case 0x2032: case 0xFF07: /* ‹ › ′ ＇ */
		return '\'';
	default:
		return cp;
	}
}

/* The whole normalization, by utf8proc, into a malloc'd string. */
int wd_normalize_reference(char **out, size_t *out_len, const char *text, size_t len)
{
	/* NFKC + case folding; LUMP gives one form for quotes, apostrophes,
	 * dashes and spaces; IGNORE drops soft hyphens and zero-width
	 * characters; NLF2LF + STRIPCC turn CRLF/CR into LF and drop other
	 * controls. No STRIPMARK: combining marks are parts of words. */
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t n = utf8proc_map_custom(
		(const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len, &dst,
		UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
			UTF8PROC_CASEFOLD | UTF8PROC_IGNORE | UTF8PROC_LUMP |
			UTF8PROC_NLF2LF | UTF8PROC_STRIPCC,
		map_before, NULL);
	if (n < 0) {
		free(dst);
		if (n == UTF8PROC_ERROR_NOMEM)
			return wd_fail_oom();
		return wd_fail(WD_EINPUT, "cannot normalize text: %s", utf8proc_errmsg(n));
	}
	*out = (char *)dst;
	*out_len = (size_t)n;
	return WD_OK;
}

/* Bytes the ASCII fast path handles by itself: printable characters, tab,
 * LF and CR. Other controls and every non-ASCII byte go to utf8proc. */
static int fast_byte(unsigned char c)
{
	return (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n' || c == '\r';
}

/* Eight printable ASCII bytes (wd_printable8) with A..Z lowered: most of
 * a text. No lane carries into the next (all are below 0x80). */
static uint64_t lower8(uint64_t w)
{
	uint64_t from_a = w + WD_LANES * (0x80 - 'A');       /* high bit: >= 'A' */
	uint64_t past_z = w + WD_LANES * (0x80 - ('Z' + 1)); /* high bit: > 'Z' */
	return w | ((from_a & ~past_z & WD_HIGH) >> 2);       /* 0x80 >> 2 = 0x20 */
}

/* Appends the normalization of the fast bytes from s on, up to the first
 * other byte or n: what utf8proc would make of them (lower case, tab to
 * space, CRLF and CR to LF). Returns the bytes written, one per byte
 * consumed but for a CRLF; *used, the bytes consumed. */
static size_t fast_run(char *dst, const unsigned char *s, size_t n, size_t *used)
{
	size_t o = 0, i = 0;
	while (i < n) {
		uint64_t w;
		if (i + 8 <= n && wd_printable8(w = wd_load8(s + i))) {
			w = lower8(w);
			memcpy(dst + o, &w, 8);
			o += 8;
			i += 8;
			continue;
		}
		unsigned char c = s[i];
		if (!fast_byte(c))
			break;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + ('a' - 'A'));
		else if (c == '\t')
			c = ' ';
		else if (c == '\r') {
			c = '\n';
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		}
		dst[o++] = (char)c;
		i++;
	}
	*used = i;
	return o;
}

typedef struct out_buf {
	char *p;
	size_t len, cap;
} out_buf;

static int out_reserve(out_buf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return WD_OK;
	size_t cap = b->cap * 2 > b->len + more + 1 ? b->cap * 2 : b->len + more + 1;
	char *p = realloc(b->p, cap);
	if (!p)
		return wd_fail_oom();
	b->p = p;
	b->cap = cap;
	return WD_OK;
}

/*
 * Most news text is ASCII, and utf8proc spends most of its time on it one
 * code point at a time. Runs of plain ASCII are lowered here; the rest goes
 * through utf8proc in pieces. A piece starts at the ASCII character before
 * it (a base letter composes with the combining marks after it; a CR joins
 * a line separator that LUMP turns into LF) unless that is an LF (which
 * joins nothing after it), and ends before the next ASCII byte (no ASCII
 * character joins what precedes it, and nothing becomes a CR) or after an
 * LF there (a CR, then characters IGNORE drops, then LF make one break). The result is byte for byte wd_normalize_reference's
 * (tests/unit/test_normalize.c and the fuzz_normalize harness check it).
 */
int wd_normalize(char **out, size_t *out_len, const char *text, size_t len)
{
	size_t bad;
	if (!wd_utf8_valid(text, len, &bad))
		return wd_fail(WD_EINPUT, "invalid UTF-8 at byte %zu", bad);
	return wd_normalize_valid(out, out_len, text, len);
}

int wd_normalize_valid(char **out, size_t *out_len, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	out_buf b = {0};
	size_t i = 0;
	int err = WD_OK;

	while (i < len) {
		size_t used;
		if ((err = out_reserve(&b, len - i)) < 0)
			break;
		b.len += fast_run(b.p + b.len, s + i, len - i, &used);
		/* [i, run) is plain ASCII; a slow piece starts at run */
		size_t run = i + used, piece = run;
		if (run < len && run > i && s[run - 1] != '\n') {
			/* its last byte goes with the slow piece: it was neither an
			 * LF nor the end of a CRLF, so it made one byte */
			piece = run - 1;
			b.len--;
		}
		if (piece == len)
			break;
		size_t end = run + 1;
		while (end < len && !fast_byte(s[end]))
			end++;
		if (end < len && s[end] == '\n')
			end++; /* a CR before an ignorable joins it */
		char *slow;
		size_t slow_len;
		if ((err = wd_normalize_reference(&slow, &slow_len, text + piece, end - piece)) < 0)
			break;
		if ((err = out_reserve(&b, slow_len)) == WD_OK) {
			memcpy(b.p + b.len, slow, slow_len);
			b.len += slow_len;
		}
		free(slow);
		if (err < 0)
			break;
		i = end;
	}
	if (err == WD_OK)
		err = out_reserve(&b, 0); /* room for the NUL of an empty text */
	if (err < 0) {
		free(b.p);
		return err;
	}
	b.p[b.len] = '\0';
	*out = b.p;
	*out_len = b.len;
	return WD_OK;
}
