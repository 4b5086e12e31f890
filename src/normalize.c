/* normalize.c - stage 1: one canonical form of the text (utf8proc). */
#include "error.h"

#include <stdlib.h>
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

int wd_normalize(char **out, size_t *out_len, const char *text, size_t len)
{
	size_t bad;
	if (!wd_utf8_valid(text, len, &bad))
		return wd_fail(WD_EINPUT, "invalid UTF-8 at byte %zu", bad);

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
