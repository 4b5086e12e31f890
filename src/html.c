/* html.c - scraped HTML out of article text: tags, comments, scripts, entities. */
#include "html.h"

#include "bytes.h"
#include "error.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A '>' further than this from its '<' means the '<' was not a tag. */
#define TAG_MAX 512
/* Longest entity name we look up ("thetasym" is the longest in HTML 4). */
#define ENTITY_NAME_MAX 32

typedef struct named_entity {
	const char *name;
	uint32_t cp;
} named_entity;

/* Names are case-sensitive, as in HTML: &Eacute; is not &eacute;. */
static const named_entity entities[] = {
	/* markup and spaces */
	{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
	{"AMP", '&'}, {"LT", '<'}, {"GT", '>'}, {"QUOT", '"'},
	{"nbsp", 0xA0}, {"ensp", 0x2002}, {"emsp", 0x2003}, {"thinsp", 0x2009},
	{"shy", 0xAD}, {"zwnj", 0x200C}, {"zwj", 0x200D}, {"lrm", 0x200E},
	{"rlm", 0x200F},
	/* punctuation */
	{"ndash", 0x2013}, {"mdash", 0x2014}, {"minus", 0x2212},
	{"lsquo", 0x2018}, {"rsquo", 0x2019}, {"sbquo", 0x201A},
	{"ldquo", 0x201C}, {"rdquo", 0x201D}, {"bdquo", 0x201E},
	{"laquo", 0xAB}, {"raquo", 0xBB}, {"lsaquo", 0x2039}, {"rsaquo", 0x203A},
	{"hellip", 0x2026}, {"bull", 0x2022}, {"middot", 0xB7},
	{"prime", 0x2032}, {"Prime", 0x2033}, {"dagger", 0x2020},
	{"Dagger", 0x2021}, {"permil", 0x2030}, {"iexcl", 0xA1},
	{"iquest", 0xBF}, {"sect", 0xA7}, {"para", 0xB6}, {"brvbar", 0xA6},
	{"circ", 0x2C6}, {"tilde", 0x2DC}, {"acute", 0xB4}, {"cedil", 0xB8},
	{"uml", 0xA8}, {"macr", 0xAF},
	/* symbols */
	{"copy", 0xA9}, {"COPY", 0xA9}, {"reg", 0xAE}, {"REG", 0xAE},
	{"trade", 0x2122}, {"deg", 0xB0}, {"euro", 0x20AC}, {"pound", 0xA3},
	{"yen", 0xA5}, {"cent", 0xA2}, {"curren", 0xA4}, {"times", 0xD7},
	{"divide", 0xF7}, {"plusmn", 0xB1}, {"not", 0xAC}, {"micro", 0xB5},
	{"frac14", 0xBC}, {"frac12", 0xBD}, {"frac34", 0xBE}, {"sup1", 0xB9},
	{"sup2", 0xB2}, {"sup3", 0xB3}, {"ordf", 0xAA}, {"ordm", 0xBA},
	{"fnof", 0x192},
	/* letters */
	{"aacute", 0xE1}, {"Aacute", 0xC1}, {"agrave", 0xE0}, {"Agrave", 0xC0},
	{"acirc", 0xE2}, {"Acirc", 0xC2}, {"auml", 0xE4}, {"Auml", 0xC4},
	{"atilde", 0xE3}, {"Atilde", 0xC3}, {"aring", 0xE5}, {"Aring", 0xC5},
	{"aelig", 0xE6}, {"AElig", 0xC6}, {"ccedil", 0xE7}, {"Ccedil", 0xC7},
	{"eacute", 0xE9}, {"Eacute", 0xC9}, {"egrave", 0xE8}, {"Egrave", 0xC8},
	{"ecirc", 0xEA}, {"Ecirc", 0xCA}, {"euml", 0xEB}, {"Euml", 0xCB},
	{"iacute", 0xED}, {"Iacute", 0xCD}, {"igrave", 0xEC}, {"Igrave", 0xCC},
	{"icirc", 0xEE}, {"Icirc", 0xCE}, {"iuml", 0xEF}, {"Iuml", 0xCF},
	{"eth", 0xF0}, {"ETH", 0xD0}, {"ntilde", 0xF1}, {"Ntilde", 0xD1},
	{"oacute", 0xF3}, {"Oacute", 0xD3}, {"ograve", 0xF2}, {"Ograve", 0xD2},
	{"ocirc", 0xF4}, {"Ocirc", 0xD4}, {"ouml", 0xF6}, {"Ouml", 0xD6},
	{"otilde", 0xF5}, {"Otilde", 0xD5}, {"oslash", 0xF8}, {"Oslash", 0xD8},
	{"oelig", 0x153}, {"OElig", 0x152}, {"scaron", 0x161}, {"Scaron", 0x160},
	{"uacute", 0xFA}, {"Uacute", 0xDA}, {"ugrave", 0xF9}, {"Ugrave", 0xD9},
	{"ucirc", 0xFB}, {"Ucirc", 0xDB}, {"uuml", 0xFC}, {"Uuml", 0xDC},
	{"yacute", 0xFD}, {"Yacute", 0xDD}, {"yuml", 0xFF}, {"Yuml", 0x178},
	{"szlig", 0xDF}, {"thorn", 0xFE}, {"THORN", 0xDE},
};

/* &#128;..&#159; mean Windows-1252 in every browser, and pages written
 * in that code page use them for curly quotes and dashes. */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x2C6, 0x2030, 0x160, 0x2039, 0x152, 0x8D, 0x17D, 0x8F,
	0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0x9D, 0x17E, 0x178,
};

/* Tags whose place in the text is a line break between blocks of prose. */
static const char *const block_tags[] = {
	"p", "br", "div", "li", "ul", "ol", "dl", "dt", "dd",
	"h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "table",
	"thead", "tbody", "tfoot", "caption", "blockquote", "section",
	"article", "header", "footer", "aside", "nav", "main", "figure",
	"figcaption", "pre", "hr", "address", "form", "fieldset",
};

/* What one piece of markup at s[i] spans and what replaces it. */
typedef struct markup {
	size_t len;        /* bytes of input it covers */
	char repl[4];      /* UTF-8 that replaces it (a decoded entity, "\n") */
	size_t repl_len;
	int is_break;      /* repl is a block break, collapsed with its neighbours */
} markup;

/* Searches that failed once fail again further on: remembering them keeps
 * text full of unclosed "<script>" or "<!--" linear. */
typedef struct scan_state {
	int no_comment_end, no_script_end, no_style_end;
} scan_state;

static int is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int is_alnum(unsigned char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int lower(unsigned char c)
{
	return is_alpha(c) ? c | 0x20 : c;
}

/* 1 if s[0..n) equals the lowercase ASCII word w, ignoring case. */
static int name_is(const char *s, size_t n, const char *w)
{
	size_t i = 0;
	for (; i < n && w[i]; i++)
		if (lower((unsigned char)s[i]) != (unsigned char)w[i])
			return 0;
	return i == n && !w[i];
}

/* Where needle (lowercase ASCII) first occurs in s[from..len), ignoring
 * case; len if nowhere. */
static size_t find_nocase(const char *s, size_t len, size_t from, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = from; i + m <= len; i++)
		if (name_is(s + i, m, needle))
			return i;
	return len;
}

/*
 * The end (one past '>') of the tag starting at s[i] == '<', or 0 when
 * none starts there. *name and *name_len get the element name ("" for
 * "<!...>"), *closing whether it is "</...>".
 */
static size_t tag_end(const char *s, size_t len, size_t i, const char **name,
                      size_t *name_len, int *closing)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t j = i + 1, limit = len - i > TAG_MAX ? i + TAG_MAX : len;
	*closing = 0;
	*name = s + j;
	*name_len = 0;
	if (j >= len)
		return 0;
	if (u[j] == '!') {
		j++;
	} else {
		if (u[j] == '/') {
			*closing = 1;
			j++;
		}
		if (j >= len || !is_alpha(u[j]))
			return 0;
		*name = s + j;
		while (j < len && is_alnum(u[j]))
			j++;
		*name_len = (size_t)(s + j - *name);
		/* "<jane@example.com>" and "<b2b-deals>" are not tags. */
		if (j >= len || !(is_space(u[j]) || u[j] == '/' || u[j] == '>'))
			return 0;
	}
	for (unsigned char quote = 0, prev = 0; j < limit; j++) {
		unsigned char c = u[j];
		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '>') {
			return j + 1;
		} else if (c == '<') {
			return 0; /* "a <b c < d>": the first '<' was prose */
		} else if ((c == '"' || c == '\'') && prev == '=') {
			quote = c; /* an attribute value may hold '>' */
		}
		if (!is_space(c))
			prev = c;
	}
	return 0;
}

static int is_block(const char *name, size_t n)
{
	for (size_t k = 0; k < sizeof block_tags / sizeof *block_tags; k++)
		if (name_is(name, n, block_tags[k]))
			return 1;
	return 0;
}

/* After an opening <script> or <style> ending at `from`: the end of its
 * closing tag, or 0 when there is none (then only the opening tag goes). */
static size_t raw_text_end(const char *s, size_t len, size_t from,
                           const char *closer, int *none_left)
{
	while (!*none_left) {
		size_t at = find_nocase(s, len, from, closer);
		if (at == len) {
			*none_left = 1;
			break;
		}
		const char *name;
		size_t name_len;
		int closing;
		size_t end = tag_end(s, len, at, &name, &name_len, &closing);
		if (end && name_is(name, name_len, closer + 2))
			return end;
		from = at + 1; /* "</scripts>" or no '>': keep looking */
	}
	return 0;
}

/* An HTML comment at s[i]: its length, or 0 when it is not one. */
static size_t comment_len(const char *s, size_t len, size_t i, scan_state *st)
{
	if (len - i < 4 || memcmp(s + i, "<!--", 4) != 0 || st->no_comment_end)
		return 0;
	for (size_t j = i + 4; j + 3 <= len; j++)
		if (memcmp(s + j, "-->", 3) == 0)
			return j + 3 - i;
	st->no_comment_end = 1; /* unterminated: try it as a "<!...>" tag */
	return 0;
}

static int tag_at(markup *m, const char *s, size_t len, size_t i, scan_state *st)
{
	const char *name;
	size_t name_len;
	int closing;
	size_t clen = comment_len(s, len, i, st);
	if (clen) {
		m->len = clen;
		return 1;
	}
	size_t end = tag_end(s, len, i, &name, &name_len, &closing);
	if (!end)
		return 0;
	m->len = end - i;
	int self_closing = s[end - 2] == '/';
	if (!closing && !self_closing && name_is(name, name_len, "script"))
		end = raw_text_end(s, len, end, "</script", &st->no_script_end);
	else if (!closing && !self_closing && name_is(name, name_len, "style"))
		end = raw_text_end(s, len, end, "</style", &st->no_style_end);
	else
		end = 0;
	if (end)
		m->len = end - i;
	else if (is_block(name, name_len)) {
		m->repl[0] = '\n';
		m->repl_len = 1;
		m->is_break = 1;
	}
	return 1;
}

static size_t utf8_encode(char *buf, uint32_t cp)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		buf[0] = (char)(0xC0 | cp >> 6);
		buf[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		buf[0] = (char)(0xE0 | cp >> 12);
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		buf[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	buf[0] = (char)(0xF0 | cp >> 18);
	buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	buf[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* &#DDD; or &#xHHH; at s[i] ("&#" already seen): its length or 0. */
static size_t numeric_entity(uint32_t *cp, const char *s, size_t len, size_t i)
{
	size_t j = i + 2;
	unsigned base = 10;
	uint32_t v = 0;
	if (j < len && (s[j] == 'x' || s[j] == 'X')) {
		base = 16;
		j++;
	}
	size_t digits_from = j;
	for (; j < len; j++) {
		unsigned char c = (unsigned char)s[j];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			break;
		if (v <= 0x10FFFF) /* past that it is U+FFFD anyway: saturate */
			v = v * base + d;
	}
	if (j == digits_from || j >= len || s[j] != ';')
		return 0;
	if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		v = 0xFFFD;
	else if (v >= 0x80 && v <= 0x9F)
		v = cp1252_high[v - 0x80];
	*cp = v;
	return j + 1 - i;
}

/* &name; at s[i]: its length or 0 for an unknown or unterminated name. */
static size_t named_entity_at(uint32_t *cp, const char *s, size_t len, size_t i)
{
	size_t j = i + 1;
	while (j < len && j - i <= ENTITY_NAME_MAX && is_alnum((unsigned char)s[j]))
		j++;
	if (j == i + 1 || j >= len || s[j] != ';' || !is_alpha((unsigned char)s[i + 1]))
		return 0;
	size_t n = j - i - 1;
	for (size_t k = 0; k < sizeof entities / sizeof *entities; k++) {
		const char *name = entities[k].name;
		if (strlen(name) == n && memcmp(name, s + i + 1, n) == 0) {
			*cp = entities[k].cp;
			return n + 2;
		}
	}
	return 0;
}

static int entity_at(markup *m, const char *s, size_t len, size_t i)
{
	uint32_t cp = 0;
	size_t n = len - i > 1 && s[i + 1] == '#' ? numeric_entity(&cp, s, len, i)
	                                          : named_entity_at(&cp, s, len, i);
	if (!n)
		return 0;
	m->len = n;
	m->repl_len = utf8_encode(m->repl, cp);
	assert(m->repl_len <= m->len); /* so the output never outgrows the input */
	return 1;
}

/* Fills *m and returns 1 when markup starts at s[i]; 0 for plain text. */
static int markup_at(markup *m, const char *s, size_t len, size_t i, scan_state *st)
{
	memset(m, 0, sizeof *m);
	if (s[i] == '<')
		return tag_at(m, s, len, i, st);
	if (s[i] == '&')
		return entity_at(m, s, len, i);
	return 0;
}

/* Bytes from s[i] up to the next '<' or '&' (UTF-8 never has them inside
 * a multi-byte sequence, so cutting there keeps characters whole). */
static size_t plain_run(const char *s, size_t len, size_t i)
{
	size_t j = i;
	uint64_t w;
	while (j + 8 <= len && (w = wd_load8((const unsigned char *)s + j),
	                        !wd_has_byte8(w, '<') && !wd_has_byte8(w, '&')))
		j += 8; /* eight bytes of neither, at once: most of a text */
	while (j < len && s[j] != '<' && s[j] != '&')
		j++;
	return j - i;
}

int wd_html_present(const char *text, size_t len)
{
	scan_state st = {0};
	markup m;
	for (size_t i = plain_run(text, len, 0); i < len; i++) {
		if (markup_at(&m, text, len, i, &st))
			return 1;
		i += plain_run(text, len, i + 1);
	}
	return 0;
}

int wd_html_clean(char **out, size_t *out_len, const char *text, size_t len)
{
	char *dst = malloc(len + 1);
	size_t n = 0;
	if (!dst)
		return wd_fail_oom();
	if (!memchr(text, '<', len) && !memchr(text, '&', len)) {
		memcpy(dst, text, len); /* not HTML at all: the common case */
		n = len;
	} else {
		scan_state st = {0};
		markup m;
		for (size_t i = 0; i < len;) {
			size_t run = plain_run(text, len, i);
			memcpy(dst + n, text + i, run);
			n += run;
			i += run;
			if (i == len)
				break;
			if (!markup_at(&m, text, len, i, &st)) {
				dst[n++] = text[i++]; /* a '<' or '&' of prose */
				continue;
			}
			i += m.len;
			if (m.is_break && (n == 0 || dst[n - 1] == '\n'))
				continue;
			memcpy(dst + n, m.repl, m.repl_len);
			n += m.repl_len;
		}
	}
	assert(n <= len);
	dst[n] = '\0';
	*out = dst;
	*out_len = n;
	return WD_OK;
}
