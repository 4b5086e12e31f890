/* credit.c - agency credits and datelines in a story's first and last lines. */
#include "credit.h"

#include <string.h>
#include <utf8proc.h>

typedef struct agency_form {
	const char *form;   /* as it reads in case-folded text */
	const char *agency; /* canonical name */
	int ambiguous;      /* also a word or a common abbreviation ("app") */
} agency_form;

/* Ambiguous forms count as whole credit lines and in parentheses, but
 * never open an "afp brussels" line: "ap chemistry exam" is not AP. */
static const agency_form forms[] = {
	{"afp", "AFP", 0}, {"agence france-presse", "AFP", 0},
	{"agence france presse", "AFP", 0}, {"اے ایف پی", "AFP", 0},
	{"ap", "AP", 1}, {"associated press", "AP", 0},
	{"the associated press", "AP", 0},
	{"reuters", "Reuters", 0}, {"thomson reuters", "Reuters", 0},
	{"رائٹرز", "Reuters", 0},
	{"pti", "PTI", 0}, {"press trust of india", "PTI", 0},
	{"ians", "IANS", 0}, {"indo-asian news service", "IANS", 0},
	{"ani", "ANI", 1}, {"asian news international", "ANI", 0},
	{"uni", "UNI", 1}, {"united news of india", "UNI", 0},
	{"dpa", "dpa", 0}, {"deutsche presse-agentur", "dpa", 0},
	{"deutsche presse agentur", "dpa", 0},
	{"efe", "EFE", 0}, {"ansa", "ANSA", 0},
	{"xinhua", "Xinhua", 0}, {"xinhua news agency", "Xinhua", 0},
	{"kyodo", "Kyodo", 0}, {"kyodo news", "Kyodo", 0},
	{"bloomberg", "Bloomberg", 1}, {"bloomberg news", "Bloomberg", 0},
	{"app", "APP", 1}, {"associated press of pakistan", "APP", 0},
	{"اے پی پی", "APP", 0},
	{"ppi", "PPI", 1}, {"pakistan press international", "PPI", 0},
	{"پی پی آئی", "PPI", 0},
	{"nni", "NNI", 0}, {"این این آئی", "NNI", 0},
	{"inp", "INP", 0}, {"آئی این پی", "INP", 0},
	{"yonhap", "Yonhap", 0}, {"yonhap news agency", "Yonhap", 0},
	{"tass", "TASS", 0}, {"aap", "AAP", 1},
	{"australian associated press", "AAP", 0},
	{"nna", "NNA", 0}, {"anadolu", "Anadolu", 0},
	{"anadolu agency", "Anadolu", 0}, /* not bare "aa": too ambiguous */
	{"upi", "UPI", 0}, {"united press international", "UPI", 0},
	{"the canadian press", "CP", 0}, {"canadian press", "CP", 0},
};

/* What may open a credit inside parentheses: "(with inputs from pti)". */
static const char *const credit_intros[] = {
	"with inputs from ", "with input from ", "inputs from ", "input from ",
	"source: ", "via ",
};

/* Parentheses with these are photo or video credits, not the story's:
 * "(afp/getty images)", "(ap photo/evan vucci)". */
static const char *const picture_words[] = {
	"photo", "image", "getty", "file", "video", "graphic",
};

/* Between several credits in one pair of parentheses:
 * "(sports desk/afp)", "(ap, reuters)", "(آئی این پی+ آن لائن)". */
static const char *const credit_separators[] = {
	"/", ",", "،", "+", "&", ";", "|", " and ",
};

/* Dates in a dateline, left out of its place. */
static const char *const date_words[] = {
	"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
	"nov", "dec", "january", "february", "march", "april", "may", "june",
	"july", "august", "september", "october", "november", "december",
	"جنوری", "فروری", "مارچ", "اپریل", "مئی", "جون", "جولائی", "اگست",
	"ستمبر", "اکتوبر", "نومبر", "دسمبر", "یکم", /* یکم: "the first" */
};

#define LINES_LOOKED_AT 3
#define PREFIX_MAX 100  /* bytes of a dateline before its '(' */
#define PREFIX_WORDS 8  /* "san francisco, california, feb. 16, 2024" */
#define PAREN_MAX 80    /* bytes inside the parentheses of a credit */
#define TAIL_MAX 64     /* bytes of a "- agency" credit closing a line */
#define PLACE_WORDS 4
#define AGENCY_PLACE_WORDS 3 /* "afp new delhi" */

typedef struct range {
	size_t a, b; /* bytes [a, b) */
} range;

/* One credit found: its agency, the text it spans and its place, if any. */
typedef struct credit {
	const agency_form *ag;
	range span;
	range place; /* empty: none */
} credit;

/* A non-empty line, trimmed, and whether it is among the first or the
 * last LINES_LOOKED_AT. */
typedef struct line {
	range r;
	int top, bottom;
} line;

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static range trim(const char *s, range r)
{
	while (r.a < r.b && is_blank(s[r.a]))
		r.a++;
	while (r.b > r.a && is_blank(s[r.b - 1]))
		r.b--;
	return r;
}

static size_t skip_blanks(const char *s, size_t i, size_t end)
{
	while (i < end && is_blank(s[i]))
		i++;
	return i;
}

/* (Every line is tried against every agency form: the first byte rules
 * most out before strlen.) */
static int equals(const char *s, range r, const char *w)
{
	if (r.b == r.a || s[r.a] != w[0])
		return r.b == r.a && !w[0];
	return strlen(w) == r.b - r.a && memcmp(s + r.a, w, r.b - r.a) == 0;
}

static int starts_with(const char *s, range r, const char *w)
{
	if (!w[0])
		return 1;
	if (r.b == r.a || s[r.a] != w[0])
		return 0;
	size_t m = strlen(w);
	return r.b - r.a >= m && memcmp(s + r.a, w, m) == 0;
}

static int contains(const char *s, range r, const char *w)
{
	size_t m = strlen(w);
	for (size_t i = r.a; i + m <= r.b; i++)
		if (memcmp(s + i, w, m) == 0)
			return 1;
	return 0;
}

/* Where c first occurs in s[from, to); to when nowhere. */
static size_t find_byte(const char *s, size_t from, size_t to, char c)
{
	const char *p = from < to ? memchr(s + from, c, to - from) : NULL;
	return p ? (size_t)(p - s) : to;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* The agency whose form is exactly s[r] (trimmed), or NULL. */
static const agency_form *lookup_agency(const char *s, range r)
{
	r = trim(s, r);
	for (size_t k = 0; k < sizeof forms / sizeof *forms; k++)
		if (equals(s, r, forms[k].form))
			return &forms[k];
	return NULL;
}

/* The separator starting at s[i], if any: its length, else 0. */
static size_t separator_at(const char *s, size_t i, size_t end)
{
	for (size_t k = 0; k < sizeof credit_separators / sizeof *credit_separators; k++) {
		if (s[i] != credit_separators[k][0])
			continue; /* (every byte of a span is tried) */
		size_t m = strlen(credit_separators[k]);
		if (end - i >= m && memcmp(s + i, credit_separators[k], m) == 0)
			return m;
	}
	return 0;
}

/* The first agency credited in the text between a pair of parentheses;
 * *intro tells whether it came after "with inputs from" or the like. */
static const agency_form *paren_agency(int *intro, const char *s, range r)
{
	r = trim(s, r);
	*intro = 0;
	for (size_t k = 0; k < sizeof picture_words / sizeof *picture_words; k++)
		if (contains(s, r, picture_words[k]))
			return NULL;
	for (size_t k = 0; k < sizeof credit_intros / sizeof *credit_intros; k++) {
		if (starts_with(s, r, credit_intros[k])) {
			r.a += strlen(credit_intros[k]);
			*intro = 1;
		}
	}
	size_t piece = r.a;
	for (size_t i = r.a; i <= r.b;) {
		size_t sep = i < r.b ? separator_at(s, i, r.b) : 1;
		if (!sep) {
			i++;
			continue;
		}
		const agency_form *ag = lookup_agency(s, (range){piece, i});
		if (ag)
			return ag;
		i += sep;
		piece = i;
	}
	return NULL;
}

/* The code point at s[i] (len bytes valid from s): its length, and *cp. */
static size_t decode(const char *s, size_t i, size_t end, utf8proc_int32_t *cp)
{
	utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
	                                      (utf8proc_ssize_t)(end - i), cp);
	if (n <= 0) { /* not UTF-8: cannot happen after wd_normalize */
		*cp = -1;
		return 1;
	}
	return (size_t)n;
}

static int is_word_cp(utf8proc_int32_t cp)
{
	if (cp < 0)
		return 0;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

static int is_date_word(const char *s, range w);

static int is_dateline_punct(utf8proc_int32_t cp)
{
	return (cp > 0 && cp < 0x80 && strchr(" ,.:-'/[]", (int)cp)) ||
	       cp == 0x06D4 || cp == 0x060C; /* Urdu full stop and comma */
}

/* Does s[r] end like a sentence, "... the minister said."? Not "d.c." */
static int ends_sentence(const char *s, range r)
{
	size_t letters = 0, i = r.b;
	if (i == r.a || s[i - 1] != '.')
		return 0;
	for (i--; i > r.a && letters < 3; letters++) {
		size_t j = i - 1;
		while (j > r.a && ((unsigned char)s[j] & 0xC0) == 0x80)
			j--; /* back to the first byte of the character */
		utf8proc_int32_t cp;
		decode(s, j, i, &cp);
		if (!is_word_cp(cp))
			break;
		i = j;
	}
	return letters >= 3;
}

/*
 * Could s[r] be a dateline, what comes before "(afp)"? A few words of
 * letters and digits with the punctuation of place names and dates
 * ("new delhi, feb. 16:", "ڈھاکہ ۔ یکم دسمبر", "new delhi [india]"), and
 * nothing that a sentence has: no quotes, no parentheses.
 */
static int dateline_like(int *has_date, const char *s, range r)
{
	size_t words = 0, place_words = 0;
	range w = {r.a, r.a};
	*has_date = 0;
	if (r.b - r.a > PREFIX_MAX)
		return 0;
	for (size_t i = r.a; i <= r.b;) {
		utf8proc_int32_t cp = ' ';
		size_t step = i < r.b ? decode(s, i, r.b, &cp) : 1;
		if (is_word_cp(cp)) {
			i += step;
			continue;
		}
		if (!is_dateline_punct(cp))
			return 0;
		w.b = i;
		if (w.b > w.a && is_date_word(s, w))
			*has_date = 1;
		else if (w.b > w.a && ++place_words > PLACE_WORDS)
			return 0; /* "the minister said on friday (afp)": prose */
		if (w.b > w.a && ++words > PREFIX_WORDS)
			return 0;
		i += step;
		w.a = i;
	}
	return !ends_sentence(s, trim(s, r));
}

/* Could s[r] be the place after the agency in "afp new delhi"? Not
 * "- oil prices rose." */
static int place_like(const char *s, range r)
{
	size_t words = 0;
	int in_word = 0;
	if (r.b == r.a || s[r.a] == '-' || s[r.b - 1] == '.' || contains(s, r, " -") ||
	    contains(s, r, "- "))
		return 0;
	for (size_t i = r.a; i < r.b;) {
		utf8proc_int32_t cp;
		i += decode(s, i, r.b, &cp);
		int word = is_word_cp(cp) && utf8proc_category(cp) != UTF8PROC_CATEGORY_ND;
		if (!word && cp != ' ' && cp != '-' && cp != '.' && cp != '\'')
			return 0;
		if (word && !in_word && ++words > AGENCY_PLACE_WORDS)
			return 0;
		in_word = word;
	}
	return words > 0;
}

static int is_date_word(const char *s, range w)
{
	utf8proc_int32_t cp;
	decode(s, w.a, w.b, &cp);
	if (cp >= 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_ND)
		return 1; /* "16", "2024", "۰۲" */
	if (w.b - w.a > 1 && (s[w.b - 1] == '.' || s[w.b - 1] == ','))
		w.b--; /* "feb." */
	for (size_t k = 0; k < sizeof date_words / sizeof *date_words; k++)
		if (equals(s, w, date_words[k]))
			return 1;
	return 0;
}

/* Appends word s[w] to place (cap bytes with the NUL), its first letter
 * upper-cased (Urdu has no case: it stays). 0 if it does not fit. */
static int append_title_word(char *place, size_t cap, const char *s, range w)
{
	size_t n = strlen(place), sep = n ? 1 : 0;
	utf8proc_int32_t cp;
	utf8proc_uint8_t up[4];
	size_t first = decode(s, w.a, w.b, &cp);
	if (cp < 0)
		return 0;
	size_t up_len = (size_t)utf8proc_encode_char(utf8proc_toupper(cp), up);
	size_t rest = w.b - w.a - first;
	if (up_len == 0 || n + sep + up_len + rest >= cap)
		return 0;
	if (sep)
		place[n++] = ' ';
	memcpy(place + n, up, up_len);
	memcpy(place + n + up_len, s + w.a + first, rest);
	place[n + up_len + rest] = '\0';
	return 1;
}

/*
 * The place of a dateline s[r]: the words before the first ',', ':', '۔',
 * '،' or '[', up to the first date word, title-cased. Left "" when that
 * is more than PLACE_WORDS words: a sentence, not a place.
 */
static void set_place(char *place, size_t cap, const char *s, range r)
{
	static const char *const ends[] = {",", ":", "[", "۔", "،"};
	range words[PLACE_WORDS];
	size_t n = 0;
	for (size_t k = 0; k < sizeof ends / sizeof *ends; k++) {
		const char *hit = NULL;
		for (size_t i = r.a; i < r.b && !hit; i++)
			if (starts_with(s, (range){i, r.b}, ends[k]))
				hit = s + i;
		if (hit)
			r.b = (size_t)(hit - s);
	}
	for (size_t i = skip_blanks(s, r.a, r.b); i < r.b; i = skip_blanks(s, i, r.b)) {
		range w = {i, i};
		while (w.b < r.b && !is_blank(s[w.b]))
			w.b++;
		i = w.b;
		if (is_date_word(s, w))
			break;
		if (n == PLACE_WORDS)
			return;
		words[n++] = w;
	}
	place[0] = '\0';
	for (size_t k = 0; k < n && append_title_word(place, cap, s, words[k]); k++)
		;
}

/* Is s[r] (what comes before "(app)") ending in a name of the same
 * agency, "associated press of pakistan (app)": a gloss, not a credit? */
static int glossed(const char *s, range r, const agency_form *ag)
{
	r = trim(s, r);
	for (size_t k = 0; k < sizeof forms / sizeof *forms; k++) {
		size_t m = strlen(forms[k].form);
		if (forms[k].agency == ag->agency && r.b - r.a >= m &&
		    memcmp(s + r.b - m, forms[k].form, m) == 0 &&
		    (r.b - r.a == m || s[r.b - m - 1] == ' '))
			return 1;
	}
	return 0;
}

/* "brussels (afp) - ", "new delhi, feb 16 (pti):", "(reuters) - " at the
 * start of a line. */
static int dateline_credit(credit *c, const char *s, range r)
{
	size_t open = find_byte(s, r.a, min_size(r.b, r.a + PREFIX_MAX + 1), '(');
	int has_date, intro, dash = 0;
	if (open >= r.b || !dateline_like(&has_date, s, (range){r.a, open}))
		return 0;
	size_t close = find_byte(s, open + 1, min_size(r.b, open + 1 + PAREN_MAX), ')');
	if (close >= r.b || !(c->ag = paren_agency(&intro, s, (range){open + 1, close})))
		return 0;
	if (intro || glossed(s, (range){r.a, open}, c->ag))
		return 0; /* "(with inputs from pti)" closes a story, never opens one */
	size_t e = skip_blanks(s, close + 1, r.b);
	if (e < r.b && (s[e] == '-' || s[e] == ':')) {
		while (e < r.b && (s[e] == '-' || s[e] == ':'))
			e++;
		e = skip_blanks(s, e, r.b);
		dash = 1;
	}
	/* "the pensions policy institute (ppi) said": an ambiguous form needs
	 * a date before it or a dash after it, as real datelines have, or
	 * nothing before it: "(cbs/ap) a former assistant..." */
	if (c->ag->ambiguous && !has_date && !dash && open > r.a)
		return 0;
	*c = (credit){c->ag, {r.a, e}, {r.a, open}};
	return 1;
}

/* "ap - a company founded..." : an agency, then a dash, opening a line. */
static int dash_credit(credit *c, const char *s, range r)
{
	size_t limit = min_size(r.b, r.a + TAIL_MAX);
	for (size_t d = r.a + 1; d < limit; d++) {
		if (s[d] != '-' || s[d - 1] != ' ')
			continue;
		if (!(c->ag = lookup_agency(s, (range){r.a, d})))
			return 0; /* only the first " -" can end a credit */
		size_t e = d;
		while (e < r.b && s[e] == '-')
			e++;
		*c = (credit){c->ag, {r.a, skip_blanks(s, e, r.b)}, {0, 0}};
		return 1;
	}
	return 0;
}

/* The longest unambiguous form that opens s[r] and is followed by a space. */
static const agency_form *agency_opening(const char *s, range r)
{
	const agency_form *best = NULL;
	for (size_t k = 0; k < sizeof forms / sizeof *forms; k++) {
		if (r.b == r.a || s[r.a] != forms[k].form[0])
			continue;
		size_t m = strlen(forms[k].form);
		if (forms[k].ambiguous || r.b - r.a <= m || s[r.a + m] != ' ' ||
		    memcmp(s + r.a, forms[k].form, m) != 0)
			continue;
		if (!best || m > strlen(best->form))
			best = &forms[k];
	}
	return best;
}

/* A line that is a credit and nothing else: "afp", "by reuters",
 * "- agence france-presse", "(with inputs from pti)", "afp brussels". */
static int line_credit(credit *c, const char *s, range r)
{
	range t = r, place = {0, 0};
	while (t.a < t.b && (s[t.a] == '-' || s[t.a] == ' '))
		t.a++;
	if (starts_with(s, t, "by "))
		t.a += 3;
	const agency_form *ag;
	int intro;
	if (t.b - t.a >= 2 && s[t.a] == '(' && s[t.b - 1] == ')')
		ag = paren_agency(&intro, s, (range){t.a + 1, t.b - 1});
	else if (!(ag = lookup_agency(s, t)) && (ag = agency_opening(s, t))) {
		place = trim(s, (range){t.a + strlen(ag->form), t.b});
		if (starts_with(s, place, "by "))
			place = (range){0, 0}; /* "the associated press by jane doe" */
		else if (!place_like(s, place))
			return 0;
	}
	if (!ag)
		return 0;
	*c = (credit){ag, r, place};
	return 1;
}

/* "... said on monday. (afp)" or "(with inputs from pti)." closing a line. */
static int closing_paren_credit(credit *c, const char *s, range r)
{
	size_t e = r.b;
	if (e > r.a && s[e - 1] == '.')
		e--;
	if (e == r.a || s[e - 1] != ')')
		return 0;
	size_t from = e - 1 > r.a + PAREN_MAX ? e - 1 - PAREN_MAX : r.a;
	for (size_t open = e - 1; open > from; open--) {
		if (s[open - 1] != '(')
			continue;
		int intro;
		if (!(c->ag = paren_agency(&intro, s, (range){open, e - 1})) ||
		    glossed(s, (range){r.a, open - 1}, c->ag))
			return 0;
		*c = (credit){c->ag, {open - 1, r.b}, {0, 0}};
		return 1;
	}
	return 0;
}

/* "... the ministry said. - afp" closing a line. */
static int closing_dash_credit(credit *c, const char *s, range r)
{
	size_t from = r.b - r.a > TAIL_MAX ? r.b - TAIL_MAX : r.a;
	for (size_t d = r.b; d > from; d--) {
		size_t i = d - 1;
		/* a dash after a space: not the one in "france-presse" */
		if (s[i] != '-' || (i > r.a && s[i - 1] != ' ' && s[i - 1] != '-'))
			continue;
		if (!(c->ag = lookup_agency(s, (range){i + 1, r.b})))
			return 0;
		while (i > r.a && s[i - 1] == '-')
			i--;
		*c = (credit){c->ag, {i, r.b}, {0, 0}};
		return 1;
	}
	return 0;
}

static void add_span(wd_credit_info *out, range r)
{
	for (size_t k = 0; k < out->n_spans; k++) {
		wd_credit_span *sp = &out->spans[k];
		if (r.a <= sp->end && sp->start <= r.b) { /* overlapping: merge */
			sp->start = min_size(sp->start, r.a);
			sp->end = sp->end > r.b ? sp->end : r.b;
			return;
		}
	}
	if (out->n_spans < sizeof out->spans / sizeof *out->spans)
		out->spans[out->n_spans++] = (wd_credit_span){r.a, r.b};
}

static void record(wd_credit_info *out, const char *s, const credit *c)
{
	if (!out->agency[0])
		strcpy(out->agency, c->ag->agency); /* names are < 32 bytes */
	if (!out->place[0] && c->place.b > c->place.a)
		set_place(out->place, sizeof out->place, s, c->place);
	add_span(out, c->span);
}

/* Adds line r to lines (n of them) unless it is there; marks it. */
static void note_line(line *lines, size_t *n, range r, int bottom)
{
	for (size_t k = 0; k < *n; k++) {
		if (lines[k].r.a == r.a) {
			lines[k].bottom |= bottom;
			return;
		}
	}
	lines[(*n)++] = (line){r, !bottom, bottom};
}

/* The first and the last LINES_LOOKED_AT non-empty lines, in text order. */
static size_t find_lines(line *lines, const char *s, size_t len)
{
	size_t n = 0, found = 0;
	for (size_t i = 0; i < len && found < LINES_LOOKED_AT;) {
		size_t e = find_byte(s, i, len, '\n');
		range r = trim(s, (range){i, e});
		if (r.b > r.a) {
			note_line(lines, &n, r, 0);
			found++;
		}
		i = e + 1;
	}
	found = 0;
	for (size_t e = len; found < LINES_LOOKED_AT;) {
		size_t a = e;
		while (a > 0 && s[a - 1] != '\n')
			a--;
		range r = trim(s, (range){a, e});
		if (r.b > r.a) {
			note_line(lines, &n, r, 1);
			found++;
		}
		if (a == 0)
			break;
		e = a - 1;
	}
	for (size_t k = 1; k < n; k++) /* insertion sort by position */
		for (size_t j = k; j > 0 && lines[j].r.a < lines[j - 1].r.a; j--) {
			line t = lines[j];
			lines[j] = lines[j - 1];
			lines[j - 1] = t;
		}
	return n;
}

static void sort_spans(wd_credit_info *out)
{
	wd_credit_span *sp = out->spans;
	for (size_t k = 1; k < out->n_spans; k++)
		for (size_t j = k; j > 0 && sp[j].start < sp[j - 1].start; j--) {
			wd_credit_span t = sp[j];
			sp[j] = sp[j - 1];
			sp[j - 1] = t;
		}
}

void wd_credit_detect(wd_credit_info *out, const char *text, size_t len)
{
	line lines[2 * LINES_LOOKED_AT];
	int whole[2 * LINES_LOOKED_AT] = {0};
	size_t n = find_lines(lines, text, len);
	credit c = {0};
	memset(out, 0, sizeof *out);

	/* First lines first, so that their agency and place win. */
	for (size_t k = 0; k < n; k++) {
		if (!lines[k].top)
			continue;
		range r = lines[k].r;
		if ((whole[k] = line_credit(&c, text, r))) {
			record(out, text, &c);
			continue;
		}
		if (dash_credit(&c, text, r)) {
			record(out, text, &c);
			r.a = c.span.b; /* "canadian press - canberra, australia (ap) - " */
		}
		if (dateline_credit(&c, text, r))
			record(out, text, &c);
	}
	for (size_t k = 0; k < n; k++) {
		if (!lines[k].bottom || whole[k])
			continue;
		if ((!lines[k].top && line_credit(&c, text, lines[k].r)) ||
		    closing_paren_credit(&c, text, lines[k].r) ||
		    closing_dash_credit(&c, text, lines[k].r))
			record(out, text, &c);
	}
	sort_spans(out);
}

/* Is s[i, i + m) a phrase of its own in line r: no word character just
 * before or after it? */
static int whole_phrase(const char *s, range r, size_t i, size_t m)
{
	utf8proc_int32_t cp;
	if (i > r.a) {
		size_t j = i - 1;
		while (j > r.a && ((unsigned char)s[j] & 0xC0) == 0x80)
			j--;
		decode(s, j, r.b, &cp);
		if (is_word_cp(cp))
			return 0;
	}
	if (i + m < r.b) {
		decode(s, i + m, r.b, &cp);
		if (is_word_cp(cp))
			return 0;
	}
	return 1;
}

/* Does line r name the agency in form f? */
static int line_names(const char *s, range r, const char *form)
{
	size_t m = strlen(form);
	for (size_t i = r.a; i + m <= r.b; i++)
		if (memcmp(s + i, form, m) == 0 && whole_phrase(s, r, i, m))
			return 1;
	return 0;
}

int wd_credit_byline_names(const char *text, size_t len, const char *agency)
{
	for (size_t start = 0; start < len;) {
		size_t end = find_byte(text, start, len, '\n'), words = 0;
		range r = {start, end};
		int picture = 0;
		/* words: blank-separated tokens with a letter (figures, dates
		 * and punctuation do not make a line longer) */
		for (size_t i = start, letter = 0; i <= end; i++) {
			if (i == end || is_blank(text[i])) {
				words += letter;
				letter = 0;
			} else {
				letter |= (text[i] >= 'a' && text[i] <= 'z') ||
				          (unsigned char)text[i] >= 0x80;
			}
		}
		for (size_t k = 0; k < sizeof picture_words / sizeof *picture_words; k++)
			picture |= contains(text, r, picture_words[k]);
		for (size_t k = 0; !picture && words <= BYLINE_WORDS &&
		                   k < sizeof forms / sizeof *forms; k++)
			if (!forms[k].ambiguous && strcmp(forms[k].agency, agency) == 0 &&
			    line_names(text, r, forms[k].form))
				return 1;
		start = end + 1;
	}
	return 0;
}
