/*
 * gen_corpus.c - a synthetic syndication corpus with gold labels, derived
 * at run time from the real articles in the shared data folder.
 *
 *   gen_corpus --data DIR --n N [--seed S] [--chrome heavy|light|none] > out.jsonl
 *
 * Every gold story is one real article, the "agency original" (BBC or
 * Reuters-21578 bodies of 80+ words, AG News briefs, or Reuters templated
 * earnings/dividend notices and figure tables), given a fictional agency credit. It appears
 * 1..31 times: optionally as the agency's wire copy (no chrome), and as
 * copies by distinct fictional outlets, each wrapping it in the outlet's own
 * page chrome and applying its own edits (retitle, trim, local paragraphs,
 * a writethru lede, sentence drops and swaps, synonyms, British/American
 * spelling, typography: curly quotes, dashes, no-break spaces, soft hyphens,
 * zero-width spaces, ligatures, hard wrapping, CRLF, HTML entities and
 * tags, and the credit kept, moved or dropped). Templated items are copied
 * as-is (chrome only): each is its own gold story, a hard negative.
 *
 * Output: JSON Lines in order of publication, one article per line:
 *   {"id","title","source","published","url","text","cluster",
 *    "templated","kind","edits"}
 * cluster is the gold story ("s<story>"), id is "g<story>-<copy>";
 * templated/kind/edits describe how the article was made (tools ignore them).
 *
 * The output is a pure function of (data, --n, --seed, --chrome). Memory
 * beyond the loaded sources is bounded (articles waiting for their
 * publication time are kept as small plans; text is made when written).
 *
 * When N needs more stories than there are source articles, sources are
 * reused in "cycles": cycle c > 0 replaces about half of the words of a
 * story (consistently for all its copies) by other vocabulary words and
 * changes its figures (templated items: the figures only), so that
 * stories of different cycles share almost no 5-word shingles. Up to
 * about 60,000 articles every story is real text.
 *
 * The real data is read, never copied into the repository.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef WD_SOURCE_DIR
#define WD_SOURCE_DIR "."
#endif
#define DEFAULT_DATA WD_SOURCE_DIR "/../shared/data"

#define N_OUTLETS 200
#define MAX_COPIES 31

/* ------------------------------------------------------------------ */
/* Small utilities                                                     */

static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("gen_corpus: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die("out of memory");
	return q;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = xrealloc(NULL, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

typedef struct {
	char *p;
	size_t len, cap;
} Buf;

static void buf_grow(Buf *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (b->len + extra + 1 > cap)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
}

static void buf_put(Buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_puts(Buf *b, const char *s) { buf_put(b, s, strlen(s)); }

static inline void buf_putc(Buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

static void buf_printf(Buf *b, const char *fmt, ...)
{
	va_list ap;
	char tmp[512];
	int n;
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		buf_put(b, tmp, (size_t)n);
		return;
	}
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void buf_clear(Buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

static void buf_swap(Buf *a, Buf *b)
{
	Buf t = *a;
	*a = *b;
	*b = t;
}

static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int to_lower(int c) { return is_upper(c) ? c + 32 : c; }
static int to_upper(int c) { return (c >= 'a' && c <= 'z') ? c - 32 : c; }
/* word characters for hashing: ASCII letters and digits and any non-ASCII byte */
static int is_wordbyte(int c) { return is_alpha(c) || is_digit(c) || (c & 0x80); }

/* ------------------------------------------------------------------ */
/* PRNG: splitmix64                                                    */

typedef struct {
	uint64_t s;
} Rng;

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t rnext(Rng *r) { return mix64(r->s += 0x9E3779B97F4A7C15ull); }

static Rng rng_for(uint64_t a, uint64_t b, uint64_t c)
{
	Rng r;
	r.s = mix64(mix64(mix64(a ^ 0x5EEDull) ^ b) + 0x632BE59BD9B4E019ull * (c + 1));
	return r;
}

/* uniform in [0, n) */
static uint32_t rbelow(Rng *r, uint32_t n)
{
	return n ? (uint32_t)(((rnext(r) >> 32) * (uint64_t)n) >> 32) : 0;
}

static double runit(Rng *r) { return (double)(rnext(r) >> 11) * 0x1.0p-53; }
/* exact in integers: p * 2^53 needs no rounding */
static int rchance(Rng *r, double p) { return (rnext(r) >> 11) < (uint64_t)(p * 0x1.0p53); }
static int rrange(Rng *r, int lo, int hi) { return lo + (int)rbelow(r, (uint32_t)(hi - lo + 1)); }

#define PICK(r, arr) ((arr)[rbelow((r), (uint32_t)(sizeof(arr) / sizeof((arr)[0])))])
#define COUNT(arr) (sizeof(arr) / sizeof((arr)[0]))

static uint64_t fnv1a_lower(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)to_lower((unsigned char)s[i]);
		h *= 0x100000001b3ull;
	}
	return h;
}

/* ------------------------------------------------------------------ */
/* A set of 64-bit hashes (open addressing), for deduplicating sources */

typedef struct {
	uint64_t *slot;
	size_t cap, len;
} HSet;

static int hset_has(const HSet *s, uint64_t h)
{
	if (!s->cap)
		return 0;
	h |= 1; /* 0 marks an empty slot */
	for (size_t i = mix64(h) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->slot[i] == h)
			return 1;
		if (!s->slot[i])
			return 0;
	}
}

static void hset_add(HSet *s, uint64_t h);

static void hset_grow(HSet *s)
{
	HSet n = {NULL, s->cap ? s->cap * 2 : 1024, 0};
	n.slot = calloc(n.cap, sizeof *n.slot);
	if (!n.slot)
		die("out of memory");
	for (size_t i = 0; i < s->cap; i++)
		if (s->slot[i])
			hset_add(&n, s->slot[i]);
	free(s->slot);
	*s = n;
}

static void hset_add(HSet *s, uint64_t h)
{
	if ((s->len + 1) * 2 > s->cap)
		hset_grow(s);
	h |= 1;
	for (size_t i = mix64(h) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->slot[i] == h)
			return;
		if (!s->slot[i]) {
			s->slot[i] = h;
			s->len++;
			return;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Dates                                                               */

static const char *const MON[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const MONTH[] = {"January", "February", "March", "April",
                                    "May", "June", "July", "August",
                                    "September", "October", "November", "December"};
static const char *const WEEKDAY[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                      "Friday", "Saturday", "Sunday"};

typedef struct {
	int y, mo, d, h, mi, s, wday; /* mo 1..12, wday 0 = Monday */
} Civil;

static Civil civil(int64_t t)
{
	Civil c;
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t sec = t - days * 86400;
	c.h = (int)(sec / 3600);
	c.mi = (int)(sec / 60 % 60);
	c.s = (int)(sec % 60);
	c.wday = (int)(((days % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
	/* Howard Hinnant's civil_from_days */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	c.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	c.mo = (int)(mp < 10 ? mp + 3 : mp - 9);
	c.y = (int)(yoe + era * 400 + (c.mo <= 2));
	return c;
}

typedef struct {
	const char *label;
	int offset_min;
} Zone;

static const Zone ZONES[] = {
	{"IST", 330}, {"IST", 330}, {"IST", 330}, {"IST", 330}, {"GMT", 0},
	{"ET", -300}, {"CET", 60},  {"SGT", 480}, {"AEDT", 660}, {"PKT", 300},
	{"EAT", 180}, {"BST", 60},
};

static void put_iso(Buf *b, int64_t utc, int offset_min)
{
	Civil c = civil(utc + offset_min * 60);
	int a = offset_min < 0 ? -offset_min : offset_min;
	if (offset_min == 0)
		buf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.y, c.mo, c.d, c.h, c.mi, c.s);
	else
		buf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", c.y, c.mo, c.d,
		           c.h, c.mi, c.s, offset_min < 0 ? '-' : '+', a / 60, a % 60);
}

/* A page date in one of a few outlet styles. */
static void put_page_date(Buf *b, int style, int64_t utc, const Zone *z)
{
	Civil c = civil(utc + z->offset_min * 60);
	int h12 = c.h % 12 ? c.h % 12 : 12;
	const char *ampm = c.h < 12 ? "AM" : "PM";
	switch (style % 4) {
	case 0:
		buf_printf(b, "%s %02d %d | %02d:%02d %s %s", MON[c.mo - 1], c.d, c.y, h12,
		           c.mi, ampm, z->label);
		break;
	case 1:
		buf_printf(b, "%d %s, %d %02d:%02d %s", c.d, MONTH[c.mo - 1], c.y, c.h, c.mi,
		           z->label);
		break;
	case 2:
		buf_printf(b, "%s %d, %d, %d:%02d %s %s", MONTH[c.mo - 1], c.d, c.y, h12, c.mi,
		           ampm, z->label);
		break;
	default:
		buf_printf(b, "%s, %s %d %d %02d:%02d (%s)", WEEKDAY[c.wday], MON[c.mo - 1],
		           c.d, c.y, c.h, c.mi, z->label);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Word tables                                                         */

/* Synonyms (applied to a few occurrences), lower case. */
static const char *const SYNONYMS[][2] = {
	{"said", "stated"},        {"big", "large"},          {"buy", "purchase"},
	{"start", "begin"},        {"help", "assist"},        {"show", "reveal"},
	{"shows", "reveals"},      {"rise", "increase"},      {"fall", "decline"},
	{"about", "around"},       {"many", "numerous"},      {"quickly", "rapidly"},
	{"government", "administration"}, {"plan", "proposal"}, {"firm", "company"},
	{"told", "informed"},      {"expected", "anticipated"}, {"enough", "sufficient"},
	{"main", "principal"},     {"very", "extremely"},     {"now", "currently"},
	{"attempt", "bid"},        {"fast", "swift"},         {"seen", "viewed"},
	{"bought", "purchased"},   {"rose", "climbed"},       {"fell", "dropped"},
	{"needed", "required"},    {"chief", "head"},         {"talks", "negotiations"},
	{"total", "overall"},      {"likely", "probable"},    {"ended", "concluded"},
	{"biggest", "largest"},    {"warned", "cautioned"},   {"hit", "struck"},
};

/* British / American spellings. */
static const char *const SPELLINGS[][2] = {
	{"colour", "color"},           {"colours", "colors"},
	{"organise", "organize"},      {"organised", "organized"},
	{"organisation", "organization"}, {"organisations", "organizations"},
	{"centre", "center"},          {"centres", "centers"},
	{"defence", "defense"},        {"travelled", "traveled"},
	{"travelling", "traveling"},   {"favour", "favor"},
	{"favourite", "favorite"},     {"labour", "labor"},
	{"programme", "program"},      {"programmes", "programs"},
	{"analyse", "analyze"},        {"recognise", "recognize"},
	{"realise", "realize"},        {"realised", "realized"},
	{"criticise", "criticize"},    {"criticised", "criticized"},
	{"apologise", "apologize"},    {"offence", "offense"},
	{"honour", "honor"},           {"neighbour", "neighbor"},
	{"neighbouring", "neighboring"}, {"behaviour", "behavior"},
	{"privatisation", "privatization"}, {"modernise", "modernize"},
	{"cancelled", "canceled"},     {"licence", "license"},
	{"harbour", "harbor"},         {"rumours", "rumors"},
};

/* A string -> index map for the tables above. */
typedef struct {
	const char *key[512];
	int val[512];
	unsigned char ok[32][26]; /* [length][first letter]: any key like that? */
} WordMap;

static void wm_add(WordMap *m, const char *w, int v)
{
	size_t n = strlen(w);
	if (n < 32 && w[0] >= 'a' && w[0] <= 'z')
		m->ok[n][w[0] - 'a'] = 1;
	size_t i = fnv1a_lower(w, n) & 511;
	while (m->key[i] && strcmp(m->key[i], w) != 0)
		i = (i + 1) & 511;
	if (!m->key[i]) {
		m->key[i] = w;
		m->val[i] = v;
	}
}

/* w[0..n) in lower case or Capitalized; returns the value or -1. */
static int wm_get(const WordMap *m, const char *w, size_t n)
{
	char low[32];
	if (n >= sizeof low || !m->ok[n][to_lower((unsigned char)w[0]) - 'a'])
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && is_upper((unsigned char)w[i]))
			return -1;
		low[i] = (char)to_lower((unsigned char)w[i]);
	}
	low[n] = '\0';
	for (size_t i = fnv1a_lower(low, n) & 511; m->key[i]; i = (i + 1) & 511)
		if (strcmp(m->key[i], low) == 0)
			return m->val[i];
	return -1;
}

/* ------------------------------------------------------------------ */
/* Chrome vocabulary                                                   */

static const char *const OUTLET_PREFIX[] = {
	"daily", "the", "metro", "city", "national", "global", "morning", "evening",
	"star", "post", "herald", "times", "tribune", "chronicle", "gazette", "observer",
	"courier", "express", "sentinel", "ledger", "journal", "bulletin", "dispatch",
	"monitor", "record", "standard", "mirror", "echo", "voice", "news",
};
static const char *const SYL[] = {
	"ka", "mo", "ru", "ta", "ni", "ve", "lo", "sa", "pe", "di", "ra", "no", "bel",
	"mar", "tin", "gor", "fa", "zu", "ki", "lan", "dor", "mi", "sha", "vi", "tra",
	"quo", "bri", "nu", "pal", "hem",
};
static const char *const PLACE_SUFFIX[] = {"pur", "ville", "abad", "field", "ton",
                                           "nagar", "burg", "ganj", "wick", "ford"};
static const char *const SECTIONS[] = {
	"World", "India", "Business", "Markets", "Politics", "Sports", "Cricket", "Tech",
	"Opinion", "Entertainment", "Lifestyle", "Health", "Science", "Education", "Auto",
	"Real Estate", "Videos", "Photos", "Podcasts", "Elections", "Economy", "Companies",
	"Personal Finance", "Travel", "Food", "Weather", "Local", "Crime", "Jobs",
	"Web Stories", "E-Paper", "Cities", "Nation", "Asia", "Europe", "Americas",
	"Africa", "Middle East", "Climate", "Money", "Culture", "Books", "Fashion",
	"Gaming", "Startups",
};
static const char *const TRENDING[] = {
	"Budget", "Elections", "IPL", "Gold Rate", "Stock Market Today", "Weather Update",
	"World Cup", "Fuel Prices", "Exam Results", "Brexit", "Oil Prices", "Oscars",
	"Tax Filing", "Monsoon", "Cyber Security", "Housing Market", "Rupee", "Sensex",
	"Crypto", "Olympics",
};
static const char *const PLAN_NAMES[] = {
	"Digital", "Premium", "Basic", "Plus", "Gold", "Platinum", "Smart", "All Access",
	"Print + Digital", "Student", "Lite", "Pro", "Insider", "Select", "Prime",
};
static const char *const DURATIONS[] = {"1 Month", "3 Months", "6 Months", "1 Year",
                                        "2 Years"};
static const char *const BENEFITS[] = {
	"Unlimited access to all premium stories",
	"Ad-free reading experience",
	"Daily e-paper in your inbox",
	"Exclusive newsletters from our editors",
	"Expert market analysis and stock ideas",
	"Read on up to 3 devices",
	"Complimentary access to the archives",
	"Early access to events and webinars",
	"Members-only podcasts",
	"Weekend magazine delivered digitally",
	"Priority customer support",
	"Crossword and puzzles",
	"Gift articles to friends and family",
	"Offline reading in the app",
	"Curated morning briefing",
};
static const char *const MORE_HEADERS[] = {
	"More From This Section", "Related Stories", "Also Read", "Trending Now",
	"Top Stories", "You May Also Like", "Latest News",
};
static const char *const NEXT_LINES[] = {"Next Story", "Read Next", "Next Article",
                                         "Continue Reading"};
static const char *const SHARE_ITEMS[] = {
	"Share on Facebook", "Share on Twitter", "Tweet", "WhatsApp", "Email", "Print",
	"Copy Link", "LinkedIn", "Telegram", "Reddit",
};
static const char *const SOCIAL[] = {"Facebook", "Twitter", "Instagram", "YouTube",
                                     "Telegram", "LinkedIn", "Google News"};
static const char *const FOOTER_LINKS[] = {
	"About Us", "Contact Us", "Advertise With Us", "Careers", "Privacy Policy",
	"Terms of Use", "Cookie Policy", "Sitemap", "RSS", "Grievance Redressal",
	"Code of Ethics", "Newsletters",
};
static const char *const MISC_LINES[] = {
	"Advertisement", "Recommended for you", "Sponsored Stories", "Comments (0)",
	"Post a Comment", "Click here to join our WhatsApp channel",
	"Listen to this article", "Font Size: A A A", "Read in App",
	"Get the latest news delivered to your inbox", "Sign up for our newsletter",
	"Enter your email address", "Image for representative purpose only",
	"Photo: Representative image", "Catch all the latest updates here",
};
static const char *const FIRST_NAMES[] = {
	"Anil", "Priya", "John", "Maria", "Rahul", "Sarah", "Ahmed", "Li", "Fatima",
	"David", "Neha", "Peter", "Grace", "Vikram", "Elena", "Tomas",
};

/* ------------------------------------------------------------------ */
/* Agencies and datelines                                              */

static const char *const CITIES[] = {
	"Brussels", "Washington", "London", "Paris", "Beijing", "Tokyo", "New Delhi",
	"Mumbai", "Berlin", "Moscow", "Nairobi", "Sydney", "Geneva", "Cairo",
	"Mexico City", "Sao Paulo", "Jakarta", "Seoul", "Istanbul", "Johannesburg",
	"Ottawa", "Madrid", "Rome", "Dubai", "Singapore", "Bangkok", "Lagos", "Karachi",
	"Dhaka", "Hong Kong", "Frankfurt", "New York", "Chicago", "Los Angeles",
	"Zurich", "Vienna", "Warsaw", "Athens", "Manila", "Hanoi",
};

enum { AG_AFP, AG_REUTERS, AG_AP, AG_PTI, N_AGENCIES };
static const char *const AGENCY_NAME[] = {"AFP", "Reuters", "AP", "PTI"};
static const char *const AGENCY_SIGNOFF[] = {"— Agence France-Presse", "(Reuters)",
                                             "— The Associated Press", "(PTI)"};

/* Credit forms: 0 "CITY (AFP) -", 1 "— Agence France-Presse" appended,
 * 2 "(Reuters) -", 3 "CITY, Mon D (Reuters) -", 4 "CITY (AP) —",
 * 5 "City, Mon D (PTI)". */
static void put_dateline(Buf *b, int form, int city, int64_t base)
{
	Civil c = civil(base);
	const char *name = CITIES[city];
	switch (form) {
	case 0:
	case 3:
	case 4:
		for (const char *p = name; *p; p++)
			buf_putc(b, (char)to_upper((unsigned char)*p));
		if (form == 0)
			buf_puts(b, " (AFP) - ");
		else if (form == 3)
			buf_printf(b, ", %s %d (Reuters) - ", MON[c.mo - 1], c.d);
		else
			buf_puts(b, " (AP) — ");
		break;
	case 2:
		buf_puts(b, "(Reuters) - ");
		break;
	case 5:
		buf_printf(b, "%s, %s %d (PTI) ", name, MON[c.mo - 1], c.d);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Sources                                                             */

enum { K_STORY, K_BRIEF, K_TEMPLATED, N_KINDS };
static const char *const KIND_NAME[] = {"story", "brief", "templated"};

typedef struct {
	char *title;
	char *text; /* paragraphs (for templated: lines), separated by '\n' */
} Source;

typedef struct {
	Source *v;
	size_t n, cap;
	uint32_t *perm; /* story order: a seeded permutation */
	size_t next;    /* stories taken so far */
} Pool;

static void pool_add(Pool *p, char *title, char *text)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 1024;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	p->v[p->n].title = title;
	p->v[p->n].text = text;
	p->n++;
}

static size_t count_words(const char *s)
{
	size_t n = 0;
	int in = 0;
	for (; *s; s++) {
		int w = is_wordbyte((unsigned char)*s);
		if (w && !in)
			n++;
		in = w;
	}
	return n;
}

/* Shingles of 6 words (lower case) for deduplicating the sources: returns
 * the share of the text's shingles seen before; adds them when add != 0. */
static double seen_share(HSet *seen, const char *s, int add)
{
	uint64_t win[6] = {0};
	size_t nw = 0, total = 0, hit = 0;
	const char *p = s;
	uint64_t *hs = NULL;
	size_t nh = 0, caph = 0;
	for (;;) {
		while (*p && !is_wordbyte((unsigned char)*p))
			p++;
		if (!*p)
			break;
		const char *q = p;
		while (*q && is_wordbyte((unsigned char)*q))
			q++;
		win[nw % 6] = fnv1a_lower(p, (size_t)(q - p));
		nw++;
		p = q;
		if (nw >= 6) {
			uint64_t h = 0;
			for (size_t i = 0; i < 6; i++)
				h = mix64(h ^ win[(nw - 6 + i) % 6]);
			if (nh == caph) {
				caph = caph ? caph * 2 : 256;
				hs = xrealloc(hs, caph * sizeof *hs);
			}
			hs[nh++] = h;
		}
	}
	if (nw > 0 && nw < 6) {
		uint64_t h = 0;
		for (size_t i = 0; i < nw; i++)
			h = mix64(h ^ win[i]);
		hs = xrealloc(hs, sizeof *hs);
		hs[nh++] = h;
	}
	for (size_t i = 0; i < nh; i++) {
		total++;
		hit += (size_t)hset_has(seen, hs[i]);
	}
	if (add)
		for (size_t i = 0; i < nh; i++)
			hset_add(seen, hs[i]);
	free(hs);
	return total ? (double)hit / (double)total : 1.0;
}

/* Title-cases an ALL CAPS Reuters headline and drops "<TICKER>" marks. */
static char *clean_title(const char *t)
{
	Buf b = {0};
	int caps = 1;
	for (const char *p = t; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			caps = 0;
	int start = 1;
	for (const char *p = t; *p; p++) {
		if (*p == '<') {
			const char *q = strchr(p, '>');
			if (q) {
				p = q;
				continue;
			}
		}
		if (*p == ' ' && (b.len == 0 || b.p[b.len - 1] == ' '))
			continue;
		char c = *p;
		if (caps && is_alpha((unsigned char)c))
			c = (char)(start ? to_upper((unsigned char)c) : to_lower((unsigned char)c));
		start = c == ' ' || c == '-' || c == '/' || c == '(' || c == '"';
		buf_putc(&b, c);
	}
	while (b.len && b.p[b.len - 1] == ' ')
		b.p[--b.len] = '\0';
	if (!b.p)
		buf_puts(&b, "Untitled");
	return b.p;
}

/* Paragraph lines: trims each line, drops empty ones, joins with '\n'. */
static char *lines_of(const char *text)
{
	Buf b = {0};
	const char *p = text;
	while (*p) {
		const char *e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		const char *s = p, *t = e;
		while (s < t && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		while (t > s && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r'))
			t--;
		if (t > s) {
			if (b.len)
				buf_putc(&b, '\n');
			buf_put(&b, s, (size_t)(t - s));
		}
		p = *e ? e + 1 : e;
	}
	if (!b.p)
		buf_puts(&b, "");
	return b.p;
}

/* Reuters bodies are hard-wrapped; a paragraph starts with an indented line. */
static char *reuters_paragraphs(const char *text)
{
	Buf b = {0};
	const char *p = text;
	int first = 1;
	while (*p) {
		const char *e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		int indented = (*p == ' ' || *p == '\t');
		const char *s = p, *t = e;
		while (s < t && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		while (t > s && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r'))
			t--;
		if (t > s) {
			if (!first)
				buf_putc(&b, indented ? '\n' : ' ');
			buf_put(&b, s, (size_t)(t - s));
			first = 0;
		}
		p = *e ? e + 1 : e;
	}
	if (!b.p)
		buf_puts(&b, "");
	return b.p;
}

/* Strips the trailing " Reuter" / "REUTER" sign-off. */
static void strip_signoff(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\t'))
		n--;
	if (n >= 6 && (strncmp(s + n - 6, "Reuter", 6) == 0 || strncmp(s + n - 6, "REUTER", 6) == 0)
	    && (n == 6 || s[n - 7] == ' ' || s[n - 7] == '\n'))
		n -= 6;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\t'))
		n--;
	s[n] = '\0';
}

static int line_starts(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p = text;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, word, n) == 0)
			return 1;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return 0;
}

/* Reuters earnings / dividend tables and notices. */
static int is_templated(const char *t, size_t words)
{
	if (strstr(t, " cts vs ") || strstr(t, "Qtly div") || strstr(t, "qtly div") ||
	    strstr(t, "Qtr div") || strstr(t, "Semi-annual div") ||
	    line_starts(t, "Shr ") || line_starts(t, "Oper shr") || line_starts(t, "Qtly"))
		return 1;
	size_t lines = 0, vs = 0;
	for (const char *p = t; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		lines++;
		for (size_t i = 0; i + 4 <= len; i++)
			if (memcmp(p + i, " vs ", 4) == 0) {
				vs++;
				break;
			}
		p = e ? e + 1 : NULL;
	}
	if (lines >= 3 && vs * 10 >= lines * 3)
		return 1;
	if (words < 80 && strstr(t, "dividend") && strstr(t, "record"))
		return 1;
	/* tables of figures (daily cash grain prices, currency indices...) */
	size_t tokens = 0, wordy = 0;
	for (const char *p = t; *p;) {
		while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
			p++;
		if (!*p)
			break;
		int letters = 0, run = 0;
		for (; *p && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r'; p++) {
			run = is_alpha((unsigned char)*p) ? run + 1 : 0;
			letters |= run >= 2;
		}
		tokens++;
		wordy += (size_t)letters;
	}
	return tokens >= 10 && wordy * 10 < tokens * 6;
}

/* AG News escapes: '#39;' and friends; returns NULL to skip the item. */
static char *clean_agnews(const char *t, int has_tag)
{
	if (strstr(t, "&lt;") || strstr(t, "&gt;") || strstr(t, "#1") || strstr(t, "amp;") ||
	    strstr(t, "\\") || strstr(t, "#8"))
		return NULL;
	/* drop a leading "AP - " / "NEW YORK (Reuters) - " / "SPACE.com - " credit */
	const char *dash = strstr(t, " - ");
	if (dash && dash - t < 60) {
		size_t pre = (size_t)(dash - t);
		if (has_tag || (pre >= 1 && t[pre - 1] == ')') ||
		    (pre >= 4 && memcmp(dash - 4, ".com", 4) == 0))
			t = dash + 3;
	}
	Buf b = {0};
	for (const char *p = t; *p;) {
		if (strncmp(p, "#39;", 4) == 0) {
			buf_putc(&b, '\'');
			p += 4;
		} else if (strncmp(p, "#36;", 4) == 0) {
			buf_putc(&b, '$');
			p += 4;
		} else if (strncmp(p, "quot;", 5) == 0) {
			buf_putc(&b, '"');
			p += 5;
		} else if (*p == '\n' || *p == '\r' || *p == '\t') {
			buf_putc(&b, ' ');
			p++;
		} else {
			buf_putc(&b, *p++);
		}
	}
	if (!b.p)
		buf_puts(&b, "");
	return b.p;
}

typedef struct {
	Pool pool[N_KINDS];
	char **titles; /* headline pool for "More From This Section" */
	size_t n_titles, cap_titles;
	char **vocab; /* words for remixed cycles */
	unsigned char *vocab_len;
	size_t n_vocab;
} Sources;

static void add_title(Sources *S, const char *t)
{
	if (S->n_titles == S->cap_titles) {
		S->cap_titles = S->cap_titles ? S->cap_titles * 2 : 4096;
		S->titles = xrealloc(S->titles, S->cap_titles * sizeof *S->titles);
	}
	S->titles[S->n_titles++] = xstrdup(t);
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

typedef void (*RowFn)(Sources *S, HSet *seen, HSet *seen_t, json_t *row);

static void read_jsonl(const char *dir, const char *rel, Sources *S, HSet *seen,
                       HSet *seen_t, RowFn fn)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "r");
	if (!f)
		die("cannot read %s: %s (is --data the shared data folder?)", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	size_t lineno = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		lineno++;
		json_error_t err;
		json_t *row = json_loadb(line, (size_t)n, 0, &err);
		if (!row) {
			fprintf(stderr, "gen_corpus: %s:%zu: skipped: %s\n", path, lineno, err.text);
			continue;
		}
		if (json_is_object(row))
			fn(S, seen, seen_t, row);
		json_decref(row);
	}
	free(line);
	fclose(f);
}

static void take_story(Sources *S, HSet *seen, char *title, char *body, int kind)
{
	if (seen_share(seen, body, 0) >= 0.2) {
		free(title);
		free(body);
		return;
	}
	seen_share(seen, body, 1);
	pool_add(&S->pool[kind], title, body);
}

static void row_bbc(Sources *S, HSet *seen, HSet *seen_t, json_t *row)
{
	(void)seen_t;
	const char *t = jstr(row, "text"), *ti = jstr(row, "title");
	if (!t || !ti)
		return;
	char *body = lines_of(t);
	if (count_words(body) < 80) {
		free(body);
		return;
	}
	add_title(S, ti);
	take_story(S, seen, clean_title(ti), body, K_STORY);
}

static void row_reuters(Sources *S, HSet *seen, HSet *seen_t, json_t *row)
{
	const char *t = jstr(row, "text"), *ti = jstr(row, "title");
	if (!t || !ti || !*t || json_is_true(json_object_get(row, "placeholder_body")))
		return;
	char *raw = xstrdup(t);
	strip_signoff(raw);
	size_t words = count_words(raw);
	if (words == 0) {
		free(raw);
		return;
	}
	if (is_templated(raw, words)) {
		char *body = lines_of(raw);
		free(raw);
		/* Items with the very same body (two companies paying the same
		 * dividend) cannot be told apart by text: keep the first only. */
		uint64_t h = 0x7E;
		for (const char *p = body; *p;) {
			while (*p && !is_wordbyte((unsigned char)*p))
				p++;
			const char *q = p;
			while (*q && is_wordbyte((unsigned char)*q))
				q++;
			if (q > p)
				h = mix64(h ^ fnv1a_lower(p, (size_t)(q - p)));
			p = q;
		}
		if (count_words(body) < 5 || hset_has(seen_t, h)) {
			free(body);
			return;
		}
		hset_add(seen_t, h);
		pool_add(&S->pool[K_TEMPLATED], clean_title(ti), body);
		return;
	}
	char *body = reuters_paragraphs(raw);
	free(raw);
	if (count_words(body) < 80) {
		free(body);
		return;
	}
	take_story(S, seen, clean_title(ti), body, K_STORY);
}

static void row_agnews(Sources *S, HSet *seen, HSet *seen_t, json_t *row)
{
	(void)seen_t;
	const char *t = jstr(row, "text"), *ti = jstr(row, "title");
	if (!t || !ti)
		return;
	char *body = clean_agnews(t, jstr(row, "wire_tag") != NULL);
	if (!body)
		return;
	if (count_words(body) < 15) {
		free(body);
		return;
	}
	char *title = clean_agnews(ti, 0);
	if (!title) {
		free(body);
		return;
	}
	add_title(S, title);
	take_story(S, seen, title, body, K_BRIEF);
}

static void build_vocab(Sources *S)
{
	HSet seen = {0};
	size_t cap = 0;
	const Pool *p = &S->pool[K_STORY];
	for (size_t i = 0; i < p->n; i++) {
		const char *s = p->v[i].text;
		while (*s) {
			while (*s && !is_alpha((unsigned char)*s))
				s++;
			const char *q = s;
			while (*q && is_alpha((unsigned char)*q))
				q++;
			size_t n = (size_t)(q - s);
			if (n >= 3 && n <= 12 && !is_upper((unsigned char)*s)) {
				uint64_t h = fnv1a_lower(s, n);
				if (!hset_has(&seen, h)) {
					hset_add(&seen, h);
					if (S->n_vocab == cap) {
						cap = cap ? cap * 2 : 4096;
						S->vocab = xrealloc(S->vocab, cap * sizeof *S->vocab);
						S->vocab_len = xrealloc(S->vocab_len, cap);
					}
					S->vocab_len[S->n_vocab] = (unsigned char)n;
					S->vocab[S->n_vocab++] = xstrndup(s, n);
				}
			}
			s = q;
		}
	}
	free(seen.slot);
}

static void load_sources(Sources *S, const char *dir, uint64_t seed)
{
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		die("data directory '%s' not found: pass --data DIR, the folder with "
		    "bbc/, reuters21578/ and agnews/ (default: ../shared/data beside the "
		    "repository)", dir);
	HSet seen = {0}, seen_t = {0};
	read_jsonl(dir, "bbc/bbc.jsonl", S, &seen, &seen_t, row_bbc);
	read_jsonl(dir, "reuters21578/reuters21578.jsonl", S, &seen, &seen_t, row_reuters);
	read_jsonl(dir, "agnews/agnews_test.jsonl", S, &seen, &seen_t, row_agnews);
	free(seen.slot);
	free(seen_t.slot);
	for (int k = 0; k < N_KINDS; k++)
		if (S->pool[k].n == 0)
			die("no usable %s articles under '%s'", KIND_NAME[k], dir);
	if (S->n_titles < 10)
		die("too few headlines under '%s'", dir);
	for (int k = 0; k < N_KINDS; k++) {
		Pool *p = &S->pool[k];
		Rng r = rng_for(seed, 0xB001, (uint64_t)k);
		p->perm = xrealloc(NULL, p->n * sizeof *p->perm);
		for (size_t i = 0; i < p->n; i++)
			p->perm[i] = (uint32_t)i;
		for (size_t i = p->n - 1; i > 0; i--) {
			size_t j = rbelow(&r, (uint32_t)(i + 1));
			uint32_t t = p->perm[i];
			p->perm[i] = p->perm[j];
			p->perm[j] = t;
		}
	}
	build_vocab(S);
}

static void free_sources(Sources *S)
{
	for (int k = 0; k < N_KINDS; k++) {
		for (size_t i = 0; i < S->pool[k].n; i++) {
			free(S->pool[k].v[i].title);
			free(S->pool[k].v[i].text);
		}
		free(S->pool[k].v);
		free(S->pool[k].perm);
	}
	for (size_t i = 0; i < S->n_titles; i++)
		free(S->titles[i]);
	free(S->titles);
	for (size_t i = 0; i < S->n_vocab; i++)
		free(S->vocab[i]);
	free(S->vocab);
	free(S->vocab_len);
}

/* ------------------------------------------------------------------ */
/* Outlets and their chrome                                            */

enum { L_STATIC, L_TITLE, L_UPDATED, L_FIRSTPUB, L_MORE, L_MORE1 };

typedef struct {
	int type;
	char *text; /* L_STATIC */
} Line;

typedef struct {
	Line *v;
	size_t n, cap;
} Lines;

typedef struct {
	char name[64], domain[64];
	char places[3][32];
	const Zone *zone;
	int date_style;
	int uk;              /* British spelling house style */
	int blank_between;   /* chrome lines separated by blank lines */
	const char *section; /* for URLs */
	Lines heavy_top, heavy_bottom, light_top, light_bottom;
} Outlet;

static void lines_add(Lines *l, int type, char *text)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n].type = type;
	l->v[l->n].text = text;
	l->n++;
}

static char *sprintf_alloc(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = xrealloc(NULL, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* "Home | World | Business ..." from k distinct picks of list. */
static char *join_picks(Rng *r, const char *const *list, size_t n, int k,
                        const char *first, const char *sep)
{
	Buf b = {0};
	int used[64] = {0};
	if (first)
		buf_puts(&b, first);
	for (int i = 0; i < k && (size_t)i < n && n <= 64; i++) {
		uint32_t j;
		do
			j = rbelow(r, (uint32_t)n);
		while (used[j]);
		used[j] = 1;
		if (b.len)
			buf_puts(&b, sep);
		buf_puts(&b, list[j]);
	}
	return b.p ? b.p : xstrdup("");
}

static void make_word(Rng *r, char *out, size_t cap, int syllables)
{
	out[0] = '\0';
	for (int i = 0; i < syllables; i++)
		strncat(out, PICK(r, SYL), cap - strlen(out) - 1);
}

static void capitalize(char *s)
{
	if (*s)
		*s = (char)to_upper((unsigned char)*s);
}

/*
 * Everything about outlet o comes from o alone: its name, places, house
 * style and the chrome of its pages (heavy: 30-45 lines, light: 5-10).
 */
static void make_outlet(Outlet *O, int o, const Outlet *earlier)
{
	Rng r = rng_for(0x07713ull, (uint64_t)o, 0);
	char word[32];
	for (;;) {
		const char *pre = PICK(&r, OUTLET_PREFIX);
		make_word(&r, word, sizeof word, rrange(&r, 2, 3));
		snprintf(O->domain, sizeof O->domain, "%s%s.example", pre, word);
		int dup = 0;
		for (int i = 0; i < o; i++)
			if (strcmp(earlier[i].domain, O->domain) == 0)
				dup = 1;
		if (dup)
			continue;
		char w2[32];
		snprintf(w2, sizeof w2, "%s", word);
		capitalize(w2);
		char p2[32];
		snprintf(p2, sizeof p2, "%s", pre);
		capitalize(p2);
		if (rchance(&r, 0.5))
			snprintf(O->name, sizeof O->name, "%s %s", p2, w2);
		else
			snprintf(O->name, sizeof O->name, "%s %s", w2, p2);
		break;
	}
	for (int i = 0; i < 3; i++) {
		make_word(&r, O->places[i], sizeof O->places[i], rrange(&r, 1, 2));
		strncat(O->places[i], PICK(&r, PLACE_SUFFIX),
		        sizeof O->places[i] - strlen(O->places[i]) - 1);
		capitalize(O->places[i]);
	}
	O->zone = &PICK(&r, ZONES);
	O->date_style = (int)rbelow(&r, 4);
	O->uk = rchance(&r, 0.5);
	O->blank_between = rchance(&r, 0.4);
	O->section = PICK(&r, SECTIONS);

	/* the lines every heavy page carries, in order */
	char *nav = join_picks(&r, SECTIONS, COUNT(SECTIONS), rrange(&r, 6, 10), "Home", " | ");
	/* (one draw per statement: argument order is unspecified in C) */
	const char *share_sep = PICK(&r, ((const char *const[]){" | ", " ", " · "}));
	char *share = join_picks(&r, SHARE_ITEMS, COUNT(SHARE_ITEMS), rrange(&r, 3, 6), NULL,
	                         share_sep);
	char *copyright;
	switch (rbelow(&r, 4)) {
	case 0: copyright = sprintf_alloc("© 2018 %s Media Pvt Ltd. All rights reserved.", O->name); break;
	case 1: copyright = sprintf_alloc("Copyright © 2018 %s. All Rights Reserved.", O->name); break;
	case 2: copyright = sprintf_alloc("© %s Group %d", O->name, rrange(&r, 2017, 2019)); break;
	default: copyright = sprintf_alloc("All content © %s, %d", O->name, rrange(&r, 2017, 2019)); break;
	}
	char *disclaimer;
	switch (rbelow(&r, 3)) {
	case 0: disclaimer = sprintf_alloc("Disclaimer: No %s journalist was involved in creation of this content", O->name); break;
	case 1: disclaimer = sprintf_alloc("(Only the headline and picture of this report may have been reworked by the %s staff; the rest of the content is auto-generated from a syndicated feed.)", O->name); break;
	default: disclaimer = sprintf_alloc("This story has not been edited by %s staff and is published from a syndicated news agency feed.", O->name); break;
	}
	const char *next = PICK(&r, NEXT_LINES);
	const char *more_header = PICK(&r, MORE_HEADERS);

	Lines top = {0}, bottom = {0};
	/* the full template; some lines are dropped below to reach the target */
	lines_add(&top, L_STATIC, rchance(&r, 0.5) ? xstrdup(O->name)
	                          : sprintf_alloc("%s | Latest News, Breaking News", O->name));
	lines_add(&top, L_STATIC, join_picks(&r, ((const char *const[]){"Sign In", "Subscribe",
	          "E-Paper", "Newsletters", "Live TV", "Today's Paper"}), 6, rrange(&r, 2, 4), NULL, " | "));
	lines_add(&top, L_STATIC, xstrdup(nav));
	{
		char *picks = join_picks(&r, TRENDING, COUNT(TRENDING), rrange(&r, 3, 5), NULL, " | ");
		lines_add(&top, L_STATIC, sprintf_alloc("Trending: %s", picks));
		free(picks);
	}
	lines_add(&top, L_STATIC, sprintf_alloc("Home %s %s %s News", ">", O->section, ">"));
	lines_add(&top, L_TITLE, NULL);
	lines_add(&top, L_STATIC, rchance(&r, 0.5) ? sprintf_alloc("%s News Desk", O->name)
	                          : sprintf_alloc("Agencies | %s", O->places[0]));
	lines_add(&top, L_UPDATED, NULL);
	lines_add(&top, L_STATIC, xstrdup(share));
	lines_add(&top, L_STATIC, xstrdup(PICK(&r, MISC_LINES)));
	lines_add(&top, L_STATIC, xstrdup("Advertisement"));

	lines_add(&bottom, L_STATIC, xstrdup(disclaimer));
	lines_add(&bottom, L_FIRSTPUB, NULL);
	{
		char *picks = join_picks(&r, TRENDING, COUNT(TRENDING), rrange(&r, 3, 5), NULL, ", ");
		lines_add(&bottom, L_STATIC, sprintf_alloc("Topics: %s", picks));
		free(picks);
	}
	/* subscription block */
	static const char *const CUR[] = {"₹%d", "$%d.99", "£%d.99", "€%d.99", "Rs %d", "S$%d"};
	int cur = (int)rbelow(&r, COUNT(CUR));
	lines_add(&bottom, L_STATIC, sprintf_alloc("Subscribe to %s %s", O->name, PICK(&r, PLAN_NAMES)));
	lines_add(&bottom, L_STATIC, xstrdup(rchance(&r, 0.5) ? "Already a subscriber? Sign in"
	                                     : "Already subscribed? Log in"));
	int plans = rrange(&r, 2, 3);
	for (int i = 0; i < plans; i++) {
		/* rupees in round hundreds ("₹900"), others "$4.99" */
		int price = cur == 0 || cur == 4 ? 100 * rrange(&r, 1, 40) : rrange(&r, 1, 60);
		lines_add(&bottom, L_STATIC, xstrdup(PICK(&r, PLAN_NAMES)));
		char pbuf[32];
		snprintf(pbuf, sizeof pbuf, CUR[cur], price);
		lines_add(&bottom, L_STATIC, sprintf_alloc("%s for %s", pbuf, PICK(&r, DURATIONS)));
		if (rchance(&r, 0.6))
			lines_add(&bottom, L_STATIC, sprintf_alloc("SAVE %d%%", 5 * rrange(&r, 2, 10)));
	}
	lines_add(&bottom, L_STATIC, xstrdup("Renews automatically, cancel anytime"));
	{
		int nb = rrange(&r, 3, 5);
		int used[COUNT(BENEFITS)] = {0};
		const char *bullet = PICK(&r, ((const char *const[]){"• ", "- ", "✓ ", "* "}));
		for (int i = 0; i < nb; i++) {
			uint32_t j;
			do
				j = rbelow(&r, COUNT(BENEFITS));
			while (used[j]);
			used[j] = 1;
			lines_add(&bottom, L_STATIC, sprintf_alloc("%s%s", bullet, BENEFITS[j]));
		}
	}
	lines_add(&bottom, L_STATIC, xstrdup(rchance(&r, 0.5) ? "Subscribe Now" : "Get Started"));
	lines_add(&bottom, L_STATIC, xstrdup(more_header));
	lines_add(&bottom, L_MORE, NULL);
	lines_add(&bottom, L_STATIC, xstrdup(next));
	{
		char *s = join_picks(&r, SOCIAL, COUNT(SOCIAL), rrange(&r, 3, 6), NULL, ", ");
		lines_add(&bottom, L_STATIC, sprintf_alloc("Follow us on %s", s));
		free(s);
	}
	lines_add(&bottom, L_STATIC, sprintf_alloc("Download the %s app: Google Play | App Store", O->name));
	lines_add(&bottom, L_STATIC, join_picks(&r, FOOTER_LINKS, COUNT(FOOTER_LINKS),
	                                        rrange(&r, 4, 8), NULL, " | "));
	lines_add(&bottom, L_STATIC, xstrdup(copyright));

	/* Reach the outlet's target: total = static + 3 dynamic + 3..4 MORE,
	 * kept within 30..45 lines. */
	int target = rrange(&r, 33, 45);
	for (int guard = 0; guard < 100000; guard++) {
		int total = (int)(top.n + bottom.n) - 1 + 4; /* L_MORE counts 4 at most */
		if (total > target) {
			/* drop a static line that is not the nav, title or copyright */
			Lines *l = rchance(&r, 0.3) ? &top : &bottom;
			size_t i = rbelow(&r, (uint32_t)l->n);
			if (l->v[i].type != L_STATIC || l->v[i].text == NULL ||
			    strcmp(l->v[i].text, nav) == 0 || strcmp(l->v[i].text, copyright) == 0 ||
			    strcmp(l->v[i].text, more_header) == 0 ||
			    strcmp(l->v[i].text, disclaimer) == 0 || strcmp(l->v[i].text, next) == 0 ||
			    strncmp(l->v[i].text, "Renews", 6) == 0)
				continue;
			free(l->v[i].text);
			memmove(l->v + i, l->v + i + 1, (l->n - i - 1) * sizeof *l->v);
			l->n--;
		} else if (total < target) {
			Lines *l = rchance(&r, 0.3) ? &top : &bottom;
			size_t at = l == &top ? l->n : rbelow(&r, (uint32_t)l->n);
			lines_add(l, L_STATIC, xstrdup(PICK(&r, MISC_LINES)));
			Line t = l->v[l->n - 1];
			memmove(l->v + at + 1, l->v + at, (l->n - 1 - at) * sizeof *l->v);
			l->v[at] = t;
		} else {
			break;
		}
	}
	O->heavy_top = top;
	O->heavy_bottom = bottom;

	/* light: nav, updated, share, next, copyright + 0..5 of the optional */
	Lines lt = {0}, lb = {0};
	int extra = rrange(&r, 0, 5);
	int want_title = extra > 0 && rchance(&r, 0.6);
	lines_add(&lt, L_STATIC, xstrdup(nav));
	if (want_title) {
		lines_add(&lt, L_TITLE, NULL);
		extra--;
	}
	lines_add(&lt, L_UPDATED, NULL);
	lines_add(&lb, L_STATIC, xstrdup(share));
	int used[4] = {0};
	for (int i = 0; i < extra && i < 4; i++) {
		int j;
		do
			j = (int)rbelow(&r, 4);
		while (used[j]);
		used[j] = 1;
		switch (j) {
		case 0: lines_add(&lb, L_STATIC, xstrdup(disclaimer)); break;
		case 1: lines_add(&lb, L_FIRSTPUB, NULL); break;
		case 2: lines_add(&lb, L_STATIC, xstrdup("Advertisement")); break;
		default: lines_add(&lb, L_MORE1, NULL); break;
		}
	}
	lines_add(&lb, L_STATIC, xstrdup(next));
	lines_add(&lb, L_STATIC, xstrdup(copyright));
	O->light_top = lt;
	O->light_bottom = lb;

	free(nav);
	free(share);
	free(copyright);
	free(disclaimer);
}

static void free_lines(Lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
}

/* ------------------------------------------------------------------ */
/* Templates for generated sentences: {a|b|c} picks one, $X a slot.     */

typedef struct {
	const Outlet *outlet;
	const char *key; /* a name from the story, for writethru ledes */
	size_t key_len;
	int wday;
} Slots;

static void expand(Buf *b, Rng *r, const char *t, const Slots *s)
{
	while (*t) {
		if (*t == '{') {
			const char *end = strchr(t, '}');
			int n = 1;
			for (const char *p = t + 1; p < end; p++)
				n += *p == '|';
			int k = (int)rbelow(r, (uint32_t)n);
			const char *p = t + 1;
			while (k > 0) {
				if (*p++ == '|')
					k--;
			}
			const char *q = p;
			while (q < end && *q != '|')
				q++;
			buf_put(b, p, (size_t)(q - p));
			t = end + 1;
		} else if (*t == '$') {
			t++;
			if (strncmp(t, "PLACE", 5) == 0) {
				buf_puts(b, s->outlet->places[rbelow(r, 3)]);
				t += 5;
			} else if (strncmp(t, "OUTLET", 6) == 0) {
				buf_puts(b, s->outlet->name);
				t += 6;
			} else if (strncmp(t, "DAY", 3) == 0) {
				buf_puts(b, WEEKDAY[(s->wday + (int)rbelow(r, 2)) % 7]);
				t += 3;
			} else if (strncmp(t, "NAME", 4) == 0) {
				char w[32];
				make_word(r, w, sizeof w, rrange(r, 2, 3));
				capitalize(w);
				buf_printf(b, "%s %s", PICK(r, FIRST_NAMES), w);
				t += 4;
			} else if (strncmp(t, "NUM", 3) == 0) {
				buf_printf(b, "%d", rrange(r, 12, 4800));
				t += 3;
			} else if (strncmp(t, "KEY", 3) == 0) {
				if (s->key_len)
					buf_put(b, s->key, s->key_len);
				else
					buf_puts(b, "The story");
				t += 3;
			} else {
				buf_putc(b, '$');
			}
		} else {
			buf_putc(b, *t++);
		}
	}
}

static const char *const LOCAL_SENTENCES[] = {
	"{Officials|Authorities|Administrators} in $PLACE said they would {follow|monitor|review} {the situation|developments|the matter} {closely|carefully|over the coming days}.",
	"{Residents|Traders|Commuters|Farmers|Shop owners|Students} in $PLACE {told|informed} $OUTLET that {they|many} {were|had been} {worried about|watching|discussing} {the news|the issue|the reports} since $DAY.",
	"The {district administration|municipal council|local chamber of commerce|state transport department|regional police} in $PLACE {has|had} {called|scheduled|announced} a {meeting|review|briefing} for $DAY to {discuss|assess|consider} {the local impact|its response|next steps}.",
	"$OUTLET {will|plans to} {update|continue to update|follow up on} this {story|report} {as more details emerge|when officials respond|later on $DAY}.",
	"In $PLACE, {about|nearly|more than} $NUM {people|businesses|families|households} {are|were} {expected|likely|said} to be {affected|involved|consulted}, {according to|said} {a local official|district officials|community leaders}.",
	"{Local legislator|The mayor|A district spokesperson|The council chairman} $NAME {said|stated} the {matter|issue|decision} {was|is} {being looked into|under review|a priority} {for $PLACE|in the district|for the region}.",
	"{Reacting to|Asked about|Commenting on} the {development|report|announcement}, $NAME of the $PLACE {Traders Association|Citizens Forum|Residents Welfare Association} {said|noted} that {it was too early to comment|the group would meet on $DAY|members had mixed views}.",
	"{Meanwhile|Separately|Elsewhere}, {schools|offices|markets|hospitals} in $PLACE {remained|stayed|were} {open|busy|calm|on alert} on $DAY, {a|our} {correspondent|reporter} {said|reported}.",
};

static const char *const WRITETHRU_SENTENCES[] = {
	"{UPDATE|Updated|NEW} {with reaction|with details|adds background}: $KEY {remained|was} {in focus|at the centre of attention|the main topic} on $DAY, {as|while} {officials|analysts|observers} {weighed|assessed|discussed} the {latest|new} {developments|figures|reports}.",
	"{Fresh|New|Further} {details|reactions|statements} {emerged|came in|were reported} on $DAY {about|regarding|over} $KEY, {adding to|following|after} {earlier reports|the initial announcement|the first reports}.",
	"$KEY {drew|attracted|prompted} {fresh|wide|renewed} {attention|reaction|debate} on $DAY, {hours after|a day after|shortly after} the {first|initial|original} {report|announcement|statement}.",
};

/* ------------------------------------------------------------------ */
/* The plan of a story and the heap of articles waiting to be written   */

typedef struct {
	int64_t base;   /* UTC seconds of the original */
	uint32_t story;
	uint32_t src;   /* index into its pool */
	uint32_t cycle; /* > 0: a remixed reuse of the source */
	uint8_t kind, agency, form, city;
	uint8_t wire;   /* copy 0 is the agency's own wire copy */
} Plan;

typedef struct {
	int64_t t;
	uint32_t story;
	uint16_t copy, outlet;
	Plan plan;
} Item;

typedef struct {
	Item *v;
	size_t n, cap;
} Heap;

static int item_less(const Item *a, const Item *b)
{
	if (a->t != b->t)
		return a->t < b->t;
	if (a->story != b->story)
		return a->story < b->story;
	return a->copy < b->copy;
}

static void heap_push(Heap *h, Item it)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 1024;
		h->v = xrealloc(h->v, h->cap * sizeof *h->v);
	}
	size_t i = h->n++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!item_less(&it, &h->v[p]))
			break;
		h->v[i] = h->v[p];
		i = p;
	}
	h->v[i] = it;
}

static Item heap_pop(Heap *h)
{
	Item top = h->v[0], last = h->v[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && item_less(&h->v[c + 1], &h->v[c]))
			c++;
		if (!item_less(&h->v[c], &last))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = last;
	return top;
}

/* ------------------------------------------------------------------ */
/* Generator state                                                     */

enum { CHROME_NONE, CHROME_LIGHT, CHROME_HEAVY };

#define REMIX_SLOTS 4096

typedef struct {
	uint32_t story;
	int used;
	Buf text;
} RemixSlot;

typedef struct {
	Sources S;
	Outlet outlets[N_OUTLETS];
	WordMap syn, uk2us, us2uk;
	uint64_t seed;
	int chrome;
	/* scratch, reused for every article */
	Buf *para;
	size_t n_para, cap_para;
	Buf tmp, text, title, out, edits, line, tail;
	RemixSlot remix[REMIX_SLOTS];
	FILE *fp;
} Gen;

static Buf *para_add(Gen *g)
{
	if (g->n_para == g->cap_para) {
		size_t cap = g->cap_para ? g->cap_para * 2 : 64;
		g->para = xrealloc(g->para, cap * sizeof *g->para);
		memset(g->para + g->cap_para, 0, (cap - g->cap_para) * sizeof *g->para);
		g->cap_para = cap;
	}
	Buf *b = &g->para[g->n_para++];
	buf_clear(b);
	return b;
}

/* Inserts an empty paragraph at position at and returns it. */
static Buf *para_insert(Gen *g, size_t at)
{
	para_add(g);
	Buf t = g->para[g->n_para - 1];
	memmove(g->para + at + 1, g->para + at, (g->n_para - 1 - at) * sizeof *g->para);
	g->para[at] = t;
	return &g->para[at];
}

static void para_remove(Gen *g, size_t at)
{
	Buf t = g->para[at];
	memmove(g->para + at, g->para + at + 1, (g->n_para - at - 1) * sizeof *g->para);
	g->para[g->n_para - 1] = t;
	g->n_para--;
}

static void note(Gen *g, const char *what)
{
	if (g->edits.len)
		buf_putc(&g->edits, '+');
	buf_puts(&g->edits, what);
}

/* ---- word level ---- */

/* Writes repl[0..n) for the word at orig, keeping a leading capital. */
static void put_cased_n(Buf *out, const char *orig, const char *repl, size_t n)
{
	buf_put(out, repl, n);
	if (is_upper((unsigned char)orig[0]))
		out->p[out->len - n] = (char)to_upper((unsigned char)out->p[out->len - n]);
}

/* The first word at or after s: returns its start (end if none) and sets
 * *q to its end. Words are runs of ASCII letters. */
static const char *next_word(const char *s, const char *end, const char **q)
{
	while (s < end && !is_alpha((unsigned char)*s))
		s++;
	const char *e = s;
	while (e < end && is_alpha((unsigned char)*e))
		e++;
	*q = e;
	return s;
}

/* Returns the replacement of word w[0..n) (its length in *rn), or NULL to
 * keep the word. Called once per word, in order. */
typedef const char *(*WordFn)(void *ctx, const char *w, size_t n, size_t *rn);

/* Rewrites p word by word through fn; everything between words is kept.
 * Returns the number of words replaced. */
static int rewrite_words(Gen *g, Buf *p, WordFn fn, void *ctx)
{
	int replaced = 0;
	buf_clear(&g->tmp);
	const char *s = p->p, *end = p->p + p->len;
	while (s < end) {
		const char *q, *w = next_word(s, end, &q);
		if (w > s)
			buf_put(&g->tmp, s, (size_t)(w - s));
		if (w == end)
			break;
		size_t rn;
		const char *repl = fn(ctx, w, (size_t)(q - w), &rn);
		if (repl) {
			put_cased_n(&g->tmp, w, repl, rn);
			replaced++;
		} else {
			buf_put(&g->tmp, w, (size_t)(q - w));
		}
		s = q;
	}
	buf_swap(p, &g->tmp);
	return replaced;
}

typedef struct {
	const WordMap *m;
	int to_us;
} SpellCtx;

static const char *spell_word(void *ctx, const char *w, size_t n, size_t *rn)
{
	const SpellCtx *c = ctx;
	int v = wm_get(c->m, w, n);
	if (v < 0)
		return NULL;
	*rn = strlen(SPELLINGS[v][c->to_us]);
	return SPELLINGS[v][c->to_us];
}

/* Spelling: every word found in the map becomes its other form. */
static int apply_spelling(Gen *g, Buf *p, const WordMap *m, int to_us)
{
	SpellCtx c = {m, to_us};
	return rewrite_words(g, p, spell_word, &c) > 0;
}

typedef struct {
	const WordMap *m;
	const size_t *pick;
	int np;
	size_t idx; /* candidates seen so far, over all paragraphs */
} SynCtx;

static const char *syn_word(void *ctx, const char *w, size_t n, size_t *rn)
{
	SynCtx *c = ctx;
	int v = wm_get(c->m, w, n);
	if (v < 0)
		return NULL;
	/* every candidate advances idx, picked or not, so picks stay aligned
	 * with the count made beforehand */
	int hit = 0;
	for (int j = 0; j < c->np; j++)
		hit |= c->pick[j] == c->idx;
	c->idx++;
	if (!hit)
		return NULL;
	*rn = strlen(SYNONYMS[v][1]);
	return SYNONYMS[v][1];
}

/* Synonyms: k random occurrences (of all paragraphs) replaced. */
static int apply_synonyms(Gen *g, Rng *r, int k)
{
	/* count the candidates, then replace k of them picked at random */
	size_t total = 0;
	for (size_t i = 0; i < g->n_para; i++) {
		const char *s = g->para[i].p, *end = s + g->para[i].len;
		while (s < end) {
			const char *q, *w = next_word(s, end, &q);
			if (w < end)
				total += wm_get(&g->syn, w, (size_t)(q - w)) >= 0;
			s = q;
		}
	}
	if (total == 0)
		return 0;
	/* all draws happen here, before any rewriting */
	size_t pick[8];
	int np = 0;
	for (int i = 0; i < k && i < 8; i++)
		pick[np++] = rbelow(r, (uint32_t)total);
	SynCtx c = {&g->syn, pick, np, 0};
	int done = 0;
	for (size_t i = 0; i < g->n_para; i++)
		done += rewrite_words(g, &g->para[i], syn_word, &c);
	return done;
}

typedef struct {
	const Sources *S;
	uint64_t salt;
} RemixCtx;

static const char *remix_word(void *ctx, const char *w, size_t n, size_t *rn)
{
	const RemixCtx *c = ctx;
	uint64_t h = mix64(fnv1a_lower(w, n) ^ c->salt);
	if (!(h & 1) || !c->S->n_vocab)
		return NULL;
	size_t v = (h >> 1) % c->S->n_vocab;
	*rn = c->S->vocab_len[v];
	return c->S->vocab[v];
}

/* Cycle c > 0: about half of the words replaced by vocabulary words,
 * the same way in every copy of the story. */
static void remix_words(Gen *g, Buf *p, uint32_t cycle)
{
	/* the salt depends on the cycle and the run's seed, not the word: mix it once */
	RemixCtx c = {&g->S, mix64(cycle * 0x9E37ull + g->seed)};
	rewrite_words(g, p, remix_word, &c);
}

/* Templated cycle c > 0: new figures (same for every copy). */
static void remix_digits(Buf *p, Rng *r)
{
	for (size_t i = 0; i < p->len; i++)
		if (is_digit((unsigned char)p->p[i])) {
			int first = i == 0 || !is_digit((unsigned char)p->p[i - 1]);
			p->p[i] = (char)(first ? '1' + (int)rbelow(r, 9) : '0' + (int)rbelow(r, 10));
		}
}

/* ---- sentence level ---- */

typedef struct {
	size_t s, e;
} Span;

/* Splits a paragraph into sentences (spans without the joining space). */
static size_t sentences(const Buf *p, Span *out, size_t cap)
{
	size_t n = 0, start = 0;
	const char *t = p->p;
	for (size_t i = 0; i < p->len && n + 1 < cap; i++) {
		if (t[i] != '.' && t[i] != '?' && t[i] != '!')
			continue;
		size_t j = i + 1;
		if (j < p->len && (t[j] == '"' || t[j] == '\''))
			j++;
		if (j + 1 >= p->len || t[j] != ' ')
			continue;
		unsigned char nx = (unsigned char)t[j + 1];
		if (!(is_upper(nx) || nx == '"' || is_digit(nx)))
			continue;
		/* "Mr." "Dr." "St." "U.S." and initials are not ends */
		if (t[i] == '.' && i >= 1 && i - start >= 1) {
			size_t w = i;
			while (w > start && is_alpha((unsigned char)t[w - 1]))
				w--;
			size_t wl = i - w;
			if (wl <= 2 && wl >= 1 && is_upper((unsigned char)t[w]))
				continue;
			if (wl == 3 && (strncmp(t + w, "Mrs", 3) == 0 || strncmp(t + w, "Gen", 3) == 0))
				continue;
		}
		out[n].s = start;
		out[n].e = j;
		n++;
		start = j + 1;
	}
	if (start < p->len) {
		out[n].s = start;
		out[n].e = p->len;
		n++;
	}
	return n;
}

static void rebuild(Gen *g, Buf *p, const Span *sp, const size_t *order, size_t n)
{
	buf_clear(&g->tmp);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(&g->tmp, ' ');
		buf_put(&g->tmp, p->p + sp[order[i]].s, sp[order[i]].e - sp[order[i]].s);
	}
	buf_swap(p, &g->tmp);
}

/* Drops (swap == 0) or swaps two neighbouring sentences; falls back to
 * paragraphs for one-sentence paragraphs (Reuters). */
static int edit_sentences(Gen *g, Rng *r, int swap)
{
	Span sp[128];
	size_t order[128];
	for (int attempt = 0; attempt < 6; attempt++) {
		size_t i = rbelow(r, (uint32_t)g->n_para);
		size_t n = sentences(&g->para[i], sp, 128);
		if (n < 2)
			continue;
		size_t k = rbelow(r, (uint32_t)(n - 1)) + (swap ? 0 : 1);
		size_t m = 0;
		for (size_t j = 0; j < n; j++) {
			if (!swap && j == k)
				continue;
			order[m++] = j;
		}
		if (swap) {
			order[k] = k + 1;
			order[k + 1] = k;
		}
		rebuild(g, &g->para[i], sp, order, m);
		return 1;
	}
	if (g->n_para >= 4) {
		size_t i = 1 + rbelow(r, (uint32_t)(g->n_para - 2));
		if (swap) {
			buf_swap(&g->para[i], &g->para[i + 1]);
		} else {
			para_remove(g, i);
		}
		return 1;
	}
	return 0;
}

/* A capitalized word (not at a sentence start) of the first paragraph. */
static void find_key(const Buf *p, Slots *s)
{
	s->key = NULL;
	s->key_len = 0;
	for (size_t i = 1; i + 1 < p->len; i++) {
		if (p->p[i - 1] == ' ' && is_upper((unsigned char)p->p[i]) && i >= 2 &&
		    p->p[i - 2] != '.') {
			size_t j = i;
			while (j < p->len && (is_alpha((unsigned char)p->p[j]) ||
			                      (p->p[j] == ' ' && j + 1 < p->len &&
			                       is_upper((unsigned char)p->p[j + 1]))))
				j++;
			if (j - i >= 4) {
				s->key = p->p + i;
				s->key_len = j - i;
				return;
			}
		}
	}
}

/* ---- typography ---- */

enum {
	T_CURLY = 1, T_DASH = 2, T_NBSP = 4, T_SHY = 8, T_ZWSP = 16, T_LIG = 32,
	T_ENT = 64, T_WRAP = 128, T_CRLF = 256, T_TAGS = 512
};

static void typography(Gen *g, Buf *p, Rng *r, unsigned flags)
{
	buf_clear(&g->tmp);
	const char *t = p->p;
	size_t n = p->len;
	size_t wordlen = 0; /* letters so far in the current ASCII word */
	unsigned char hot[256] = {0}; /* characters a flag may change */
	if (flags & (T_CURLY | T_ENT))
		hot['"'] = hot['\''] = 1;
	if (flags & T_ENT)
		hot['&'] = 1;
	if (flags & (T_DASH | T_NBSP | T_ENT))
		hot[' '] = 1;
	if (flags & T_DASH)
		hot['-'] = 1;
	if (flags & T_LIG)
		hot['f'] = 1;
	if (flags & (T_SHY | T_ZWSP))
		for (int c = 0; c < 256; c++)
			hot[c] |= (unsigned char)(is_alpha(c) || c == ' ');
	for (size_t i = 0; i < n; i++) {
		if (!hot[(unsigned char)t[i]]) {
			size_t j = i + 1;
			while (j < n && !hot[(unsigned char)t[j]])
				j++;
			buf_put(&g->tmp, t + i, j - i);
			wordlen = 0;
			i = j - 1;
			continue;
		}
		unsigned char c = (unsigned char)t[i];
		unsigned char prev = i ? (unsigned char)t[i - 1] : ' ';
		unsigned char nx = i + 1 < n ? (unsigned char)t[i + 1] : ' ';
		if (is_alpha(c))
			wordlen++;
		else
			wordlen = 0;
		if (c == '"' && (flags & (T_CURLY | T_ENT))) {
			if (flags & T_ENT)
				buf_puts(&g->tmp, "&quot;");
			else
				buf_puts(&g->tmp, (prev == ' ' || prev == '(' || i == 0) ? "“" : "”");
			continue;
		}
		if (c == '\'' && (flags & (T_CURLY | T_ENT))) {
			if (flags & T_ENT)
				buf_puts(&g->tmp, "&#8217;");
			else
				buf_puts(&g->tmp, (prev == ' ' || i == 0) ? "‘" : "’");
			continue;
		}
		if (c == '&' && (flags & T_ENT)) {
			buf_puts(&g->tmp, "&amp;");
			continue;
		}
		if ((flags & T_DASH) && c == ' ' && nx == '-' && i + 2 < n && t[i + 2] == ' ') {
			buf_puts(&g->tmp, rchance(r, 0.7) ? " — " : " – ");
			i += 2;
			continue;
		}
		if ((flags & T_DASH) && c == '-' && nx == '-') {
			buf_puts(&g->tmp, "—");
			i++;
			continue;
		}
		if ((flags & T_DASH) && c == '-' && is_digit(prev) && is_digit(nx)) {
			buf_puts(&g->tmp, "–");
			continue;
		}
		if (c == ' ' && (flags & (T_NBSP | T_ENT)) && rbelow(r, 16) == 0) {
			buf_puts(&g->tmp, (flags & T_ENT) ? "&nbsp;" : "\xC2\xA0");
			continue;
		}
		if ((flags & T_LIG) && c == 'f' && nx == 'i') {
			buf_puts(&g->tmp, "ﬁ");
			i++;
			continue;
		}
		buf_putc(&g->tmp, (char)c);
		/* inside a long word: soft hyphen / zero-width space after this letter */
		if (is_alpha(c) && is_alpha(nx)) {
			if ((flags & T_SHY) && wordlen == 5 && i + 3 < n && is_alpha((unsigned char)t[i + 2]) &&
			    is_alpha((unsigned char)t[i + 3]) && rbelow(r, 3) == 0)
				buf_puts(&g->tmp, "\xC2\xAD");
			else if ((flags & T_ZWSP) && wordlen == 2 && rbelow(r, 24) == 0)
				buf_puts(&g->tmp, "\xE2\x80\x8B");
		}
	}
	buf_swap(p, &g->tmp);
}

/* ---- output ---- */

static void json_str(Buf *o, const char *s, size_t n, int crlf)
{
	buf_grow(o, n * 2 + 2);
	buf_putc(o, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		/* skip 8 bytes at a time while none needs escaping (SWAR) */
		while (i + 8 <= n) {
			uint64_t x, ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
			memcpy(&x, s + i, 8);
			uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
			uint64_t hit = ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b);
			if (hit & high)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_put(o, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': buf_puts(o, "\\\""); break;
		case '\\': buf_puts(o, "\\\\"); break;
		case '\n': buf_puts(o, crlf ? "\\r\\n" : "\\n"); break;
		case '\r': buf_puts(o, "\\r"); break;
		case '\t': buf_puts(o, "\\t"); break;
		default: buf_printf(o, "\\u%04x", c); break;
		}
	}
	buf_put(o, s + run, n - run);
	buf_putc(o, '"');
}

static void json_field(Buf *o, const char *key, const char *s, size_t n)
{
	buf_printf(o, ",\"%s\":", key);
	json_str(o, s, n, 0);
}

/* ---- chrome ---- */

static void put_headline(Gen *g, Rng *r, Buf *b)
{
	const char *h = g->S.titles[rbelow(r, (uint32_t)g->S.n_titles)];
	buf_puts(b, h);
}

static void chrome_lines(Gen *g, Rng *r, const Outlet *O, const Lines *L, int64_t pub,
                         Buf *out)
{
	const char *sep = O->blank_between ? "\n\n" : "\n";
	for (size_t i = 0; i < L->n; i++) {
		const Line *l = &L->v[i];
		int lines = 1;
		buf_clear(&g->line);
		switch (l->type) {
		case L_STATIC:
			buf_puts(&g->line, l->text);
			break;
		case L_TITLE:
			buf_put(&g->line, g->title.p, g->title.len);
			break;
		case L_UPDATED:
			buf_puts(&g->line, O->date_style & 1 ? "Updated: " : "Last Updated : ");
			put_page_date(&g->line, O->date_style, pub + rrange(r, 0, 3 * 3600), O->zone);
			break;
		case L_FIRSTPUB:
			buf_puts(&g->line, "First Published: ");
			put_page_date(&g->line, O->date_style, pub, O->zone);
			break;
		case L_MORE:
			lines = rrange(r, 3, 4);
			for (int k = 0; k < lines; k++) {
				if (k)
					buf_puts(&g->line, sep);
				put_headline(g, r, &g->line);
			}
			break;
		case L_MORE1:
			buf_puts(&g->line, "Also Read: ");
			put_headline(g, r, &g->line);
			break;
		}
		if (out->len)
			buf_puts(out, sep);
		buf_put(out, g->line.p, g->line.len);
	}
}

/* ---- the article ---- */

static void make_title(Gen *g, Rng *r, const Outlet *O, const char *orig, size_t lede)
{
	buf_clear(&g->title);
	switch (rbelow(r, 6)) {
	case 0:
		buf_printf(&g->title, "%s | %s", orig, O->name);
		break;
	case 1:
		buf_printf(&g->title, "%s: %s", PICK(r, ((const char *const[]){"UPDATE 1", "WATCH",
		           "Breaking", "In Focus", "Explained"})), orig);
		break;
	case 2: { /* Title Case of the original */
		int start = 1;
		for (const char *p = orig; *p; p++) {
			char c = *p;
			if (is_alpha((unsigned char)c) && start)
				c = (char)to_upper((unsigned char)c);
			start = *p == ' ';
			buf_putc(&g->title, c);
		}
		break;
	}
	default: { /* a new headline from the first words of the lede */
		const Buf *p = &g->para[lede < g->n_para ? lede : 0];
		size_t words = 0, i = 0;
		size_t want = (size_t)rrange(r, 6, 11);
		while (i < p->len && words < want) {
			while (i < p->len && p->p[i] == ' ')
				i++;
			size_t j = i;
			while (j < p->len && p->p[j] != ' ')
				j++;
			if (words)
				buf_putc(&g->title, ' ');
			buf_put(&g->title, p->p + i, j - i);
			words++;
			i = j;
		}
		while (g->title.len && strchr(",.;:-—", g->title.p[g->title.len - 1]))
			g->title.p[--g->title.len] = '\0';
		if (g->title.len == 0)
			buf_puts(&g->title, orig);
		else if (rchance(r, 0.5))
			buf_printf(&g->title, " - %s", PICK(r, ((const char *const[]){"report",
			           "officials", "sources", "update"})));
		capitalize(g->title.p);
		break;
	}
	}
}

static void put_slug(Buf *b, const char *title)
{
	size_t start = b->len;
	int dash = 0;
	for (const char *p = title; *p && b->len - start < 60; p++) {
		unsigned char c = (unsigned char)*p;
		if (is_alpha(c) || is_digit(c)) {
			if (dash && b->len > start)
				buf_putc(b, '-');
			buf_putc(b, (char)to_lower(c));
			dash = 0;
		} else {
			dash = 1;
		}
	}
	if (b->len == start)
		buf_puts(b, "story");
}

static void write_article(Gen *g, const Item *it)
{
	const Plan *pl = &it->plan;
	const Source *src = &g->S.pool[pl->kind].v[pl->src];
	Rng r = rng_for(g->seed, it->story, (uint64_t)it->copy + 1);
	int wire = it->copy == 0 && pl->wire;
	const Outlet *O = wire ? NULL : &g->outlets[it->outlet];
	int templated = pl->kind == K_TEMPLATED;

	buf_clear(&g->edits);
	const char *text = src->text;
	if (pl->cycle > 0) {
		/* the same remix for every copy: made once per story and kept
		 * while its copies are being written (they span two days, a few
		 * hundred stories, so a direct-mapped cache by story number works) */
		RemixSlot *slot = &g->remix[pl->story % REMIX_SLOTS];
		if (!slot->used || slot->story != pl->story) {
			Rng sr = rng_for(g->seed, pl->story, 0xD161);
			buf_clear(&slot->text);
			buf_puts(&slot->text, src->text);
			if (!templated)
				remix_words(g, &slot->text, pl->cycle);
			remix_digits(&slot->text, &sr);
			slot->story = pl->story;
			slot->used = 1;
		}
		text = slot->text.p;
		note(g, "remix");
	}
	g->n_para = 0;
	for (const char *s = text; *s;) {
		const char *e = strchr(s, '\n');
		if (!e)
			e = s + strlen(s);
		Buf *b = para_add(g);
		buf_put(b, s, (size_t)(e - s));
		s = *e ? e + 1 : e;
	}
	if (g->n_para == 0)
		buf_puts(para_add(g), "(no text)");

	Civil bc = civil(pl->base);
	unsigned typo = 0;
	size_t lede = 0; /* the paragraph the story starts with */
	int credit = 0; /* 0 as in the original, 1 moved, 2 dropped */
	if (!wire && !templated) {
		const int brief = pl->kind == K_BRIEF;
		if (!brief && g->n_para > 1 && rchance(&r, 0.35)) {
			size_t pct = (size_t)rrange(&r, 40, 90);
			size_t keep = (g->n_para * pct + 99) / 100;
			if (keep < 1)
				keep = 1;
			if (keep < g->n_para) {
				g->n_para = keep;
				note(g, "trim");
			}
		}
		if (rchance(&r, 0.5)) {
			int any = 0;
			if (rchance(&r, 0.5))
				any |= edit_sentences(g, &r, 0);
			if (rchance(&r, 0.4))
				any |= edit_sentences(g, &r, 1);
			if (rchance(&r, 0.7))
				any |= apply_synonyms(g, &r, rrange(&r, 1, 4)) > 0;
			if (any)
				note(g, "edit");
		}
		if (rchance(&r, 0.3)) {
			int ch = 0;
			for (size_t i = 0; i < g->n_para; i++)
				ch |= apply_spelling(g, &g->para[i], O->uk ? &g->us2uk : &g->uk2us, !O->uk);
			if (ch)
				note(g, O->uk ? "spelling-uk" : "spelling-us");
		}
		Slots sl = {O, NULL, 0, bc.wday};
		if (!brief && rchance(&r, 0.12)) {
			find_key(&g->para[0], &sl);
			Buf *b = para_insert(g, 0);
			expand(b, &r, PICK(&r, WRITETHRU_SENTENCES), &sl);
			lede++;
			note(g, "writethru");
		}
		if (!brief && rchance(&r, 0.25)) {
			int np = rrange(&r, 1, 2);
			for (int k = 0; k < np; k++) {
				size_t at = rchance(&r, 0.6) ? g->n_para
				            : (size_t)rrange(&r, 1, g->n_para < 3 ? (int)g->n_para : 3);
				Buf *b = para_insert(g, at);
				if (at <= lede)
					lede++;
				int ns = rrange(&r, 2, 3);
				for (int s = 0; s < ns; s++) {
					if (s)
						buf_putc(b, ' ');
					expand(b, &r, PICK(&r, LOCAL_SENTENCES), &sl);
				}
			}
			note(g, "local");
		}
		double u = runit(&r);
		credit = u < 0.6 ? 0 : u < 0.8 ? 1 : 2;
		if (credit == 1)
			note(g, "credit-moved");
		else if (credit == 2)
			note(g, "credit-dropped");
		static const double P[] = {0.35, 0.3, 0.2, 0.15, 0.1, 0.1, 0.1, 0.15, 0.1, 0.1};
		static const char *const NAME[] = {"curly", "dashes", "nbsp", "shy", "zwsp",
		                                   "ligature", "entities", "wrap", "crlf", "tags"};
		for (int k = 0; k < 10; k++)
			if (rchance(&r, P[k])) {
				typo |= 1u << k;
				note(g, NAME[k]);
			}
	}

	/* title (from the lede before the credit goes in) */
	if (!wire && !templated && rchance(&r, 0.6)) {
		make_title(g, &r, O, src->title, lede);
		note(g, "retitle");
	} else {
		buf_clear(&g->title);
		buf_puts(&g->title, src->title);
	}

	/* the agency credit */
	int appended = pl->form == 1;
	if (credit == 1)
		appended = !appended;
	if (credit != 2) {
		if (appended) {
			Buf *b = para_add(g);
			buf_puts(b, AGENCY_SIGNOFF[pl->agency]);
		} else {
			int form = pl->form;
			if (form == 1)
				form = 0;
			buf_clear(&g->tmp);
			put_dateline(&g->tmp, form, pl->city, pl->base);
			buf_put(&g->tmp, g->para[0].p, g->para[0].len);
			buf_swap(&g->tmp, &g->para[0]);
		}
	}

	if (typo & (T_CURLY | T_DASH | T_NBSP | T_SHY | T_ZWSP | T_LIG | T_ENT))
		for (size_t i = 0; i < g->n_para; i++)
			typography(g, &g->para[i], &r, typo);

	/* body */
	buf_clear(&g->text);
	int chrome = wire ? CHROME_NONE : g->chrome;
	const Lines *top = NULL, *bottom = NULL;
	if (chrome == CHROME_HEAVY) {
		top = &O->heavy_top;
		bottom = &O->heavy_bottom;
	} else if (chrome == CHROME_LIGHT) {
		top = &O->light_top;
		bottom = &O->light_bottom;
	}
	if (top) {
		chrome_lines(g, &r, O, top, it->t, &g->text);
		buf_puts(&g->text, "\n\n");
	}
	const char *psep = templated ? "\n" : "\n\n";
	for (size_t i = 0; i < g->n_para; i++) {
		const Buf *p = &g->para[i];
		if (i) {
			if ((typo & T_TAGS) && rchance(&r, 0.3))
				buf_puts(&g->text, "\n<br>\n");
			else
				buf_puts(&g->text, psep);
		}
		if (typo & T_TAGS)
			buf_puts(&g->text, "<p>");
		if (typo & T_WRAP) {
			size_t col = 0, lastsp = SIZE_MAX, start = g->text.len;
			for (size_t k = 0; k < p->len; k++) {
				buf_putc(&g->text, p->p[k]);
				if (p->p[k] == ' ')
					lastsp = g->text.len - 1;
				if ((p->p[k] & 0xC0) != 0x80)
					col++;
				if (col > 70 && lastsp != SIZE_MAX && lastsp >= start) {
					g->text.p[lastsp] = '\n';
					col = 0;
					for (size_t m = lastsp + 1; m < g->text.len; m++)
						if ((g->text.p[m] & 0xC0) != 0x80)
							col++;
					lastsp = SIZE_MAX;
				}
			}
		} else {
			buf_put(&g->text, p->p, p->len);
		}
		if (typo & T_TAGS)
			buf_puts(&g->text, "</p>");
	}
	if (bottom) {
		buf_puts(&g->text, "\n\n");
		buf_clear(&g->tail);
		chrome_lines(g, &r, O, bottom, it->t, &g->tail);
		if (g->tail.len)
			buf_put(&g->text, g->tail.p, g->tail.len);
	}

	/* the record */
	Buf *o = &g->out;
	buf_clear(o);
	char id[48];
	int idn = snprintf(id, sizeof id, "g%" PRIu32 "-%u", it->story, (unsigned)it->copy);
	buf_puts(o, "{\"id\":");
	json_str(o, id, (size_t)idn, 0);
	json_field(o, "title", g->title.p, g->title.len);
	const char *source = wire ? AGENCY_NAME[pl->agency] : O->domain;
	json_field(o, "source", source, strlen(source));
	buf_puts(o, ",\"published\":\"");
	put_iso(o, it->t, wire ? 0 : O->zone->offset_min);
	buf_puts(o, "\",\"url\":\"https://");
	if (wire) {
		buf_printf(o, "newswire.example/%s/%04d/%02d/%02d/", AGENCY_NAME[pl->agency], bc.y,
		           bc.mo, bc.d);
	} else {
		buf_printf(o, "%s/", O->domain);
		put_slug(o, O->section);
		buf_putc(o, '/');
	}
	put_slug(o, g->title.p);
	buf_printf(o, "-%06" PRIu64 "\"", rnext(&r) % 1000000);
	buf_puts(o, ",\"text\":");
	json_str(o, g->text.p, g->text.len, (typo & T_CRLF) != 0);
	buf_printf(o, ",\"cluster\":\"s%" PRIu32 "\",\"templated\":%s,\"kind\":\"%s\"", pl->story,
	           templated ? "true" : "false", KIND_NAME[pl->kind]);
	if (wire)
		note(g, "wire");
	json_field(o, "edits", g->edits.p ? g->edits.p : "", g->edits.len);
	buf_puts(o, "}\n");
	if (fwrite(o->p, 1, o->len, g->fp) != o->len)
		die("write failed: %s", strerror(errno));
}

/* ------------------------------------------------------------------ */
/* Stories                                                             */

static double pow3(double x) { return x * x * x; }

static int copies_for(Rng *r, int kind)
{
	double u = runit(r);
	if (kind == K_TEMPLATED)
		return u < 0.45 ? 1 : u < 0.75 ? 2 : u < 0.9 ? 3 : rrange(r, 4, 6);
	if (kind == K_BRIEF)
		return u < 0.4 ? 1 : u < 0.65 ? 2 : u < 0.8 ? 3 : rrange(r, 4, 10);
	return u < 0.30 ? 1 : u < 0.55 ? 2 : u < 0.70 ? 3 : u < 0.93 ? rrange(r, 4, 9)
	       : rrange(r, 10, MAX_COPIES - 1);
}

static void plan_story(Gen *g, uint32_t story, int64_t *clock, Heap *h)
{
	Rng r = rng_for(g->seed, story, 0);
	Plan pl;
	memset(&pl, 0, sizeof pl);
	*clock += rrange(&r, 0, 600);
	pl.base = *clock;
	pl.story = story;
	double u = runit(&r);
	pl.kind = u < 0.18 ? K_TEMPLATED : u < 0.28 ? K_BRIEF : K_STORY;
	Pool *p = &g->S.pool[pl.kind];
	pl.src = p->perm[p->next % p->n];
	pl.cycle = (uint32_t)(p->next / p->n);
	p->next++;
	if (pl.kind == K_TEMPLATED) {
		pl.agency = AG_REUTERS;
		pl.form = rchance(&r, 0.3) ? 2 : 3;
	} else {
		pl.agency = (uint8_t)rbelow(&r, N_AGENCIES);
		switch (pl.agency) {
		case AG_AFP: pl.form = rchance(&r, 0.7) ? 0 : 1; break;
		case AG_REUTERS: pl.form = rchance(&r, 0.5) ? 2 : 3; break;
		case AG_AP: pl.form = 4; break;
		default: pl.form = 5; break;
		}
	}
	pl.city = (uint8_t)rbelow(&r, COUNT(CITIES));
	pl.wire = rchance(&r, 0.5);
	int n = copies_for(&r, pl.kind);
	uint16_t used[MAX_COPIES];
	for (int c = 0; c < n; c++) {
		Item it;
		it.story = story;
		it.copy = (uint16_t)c;
		it.plan = pl;
		it.t = c == 0 ? pl.base
		       : pl.base + 300 + (int64_t)((2 * 86400 - 300) * pow3(runit(&r)));
		it.outlet = 0;
		if (!(c == 0 && pl.wire)) {
			/* a distinct outlet; some outlets publish much more than others */
			for (;;) {
				double v = runit(&r);
				uint16_t o = (uint16_t)(N_OUTLETS * v * v);
				int dup = 0;
				for (int k = 0; k < c; k++)
					dup |= used[k] == o;
				if (!dup) {
					it.outlet = o;
					break;
				}
			}
		}
		used[c] = it.outlet;
		if (c == 0 && pl.wire)
			used[c] = UINT16_MAX;
		heap_push(h, it);
	}
}

/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fputs("usage: gen_corpus --data DIR --n N [--seed S] [--chrome heavy|light|none]\n"
	      "\n"
	      "Writes N syndicated articles with gold story labels as JSON Lines to\n"
	      "standard output, derived from the real articles under DIR (the shared\n"
	      "data folder; default: ../shared/data beside the repository).\n"
	      "  --seed S    PRNG seed (default 1): the same seed gives the same bytes\n"
	      "  --chrome C  outlet page chrome around copies: heavy (30-45 lines,\n"
	      "              default), light (5-10 lines) or none\n", f);
}

static uint64_t parse_u64(const char *opt, const char *v)
{
	char *end;
	errno = 0;
	if (!v || !*v || *v == '-')
		die("%s needs a non-negative integer", opt);
	unsigned long long x = strtoull(v, &end, 10);
	if (errno || *end)
		die("%s: not a non-negative integer: '%s'", opt, v);
	return (uint64_t)x;
}

int main(int argc, char **argv)
{
	const char *data = DEFAULT_DATA;
	uint64_t n = 0, seed = 1;
	int have_n = 0, chrome = CHROME_HEAVY;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--data") == 0 && v) {
			data = v;
			i++;
		} else if (strcmp(a, "--n") == 0) {
			n = parse_u64(a, v);
			have_n = 1;
			i++;
		} else if (strcmp(a, "--seed") == 0) {
			seed = parse_u64(a, v);
			i++;
		} else if (strcmp(a, "--chrome") == 0 && v) {
			if (strcmp(v, "heavy") == 0)
				chrome = CHROME_HEAVY;
			else if (strcmp(v, "light") == 0)
				chrome = CHROME_LIGHT;
			else if (strcmp(v, "none") == 0)
				chrome = CHROME_NONE;
			else
				die("--chrome must be heavy, light or none, not '%s'", v);
			i++;
		} else {
			usage(stderr);
			die("unknown or incomplete option '%s'", a);
		}
	}
	if (!have_n)
		die("--n N is required (see --help)");

	Gen *g = calloc(1, sizeof *g);
	if (!g)
		die("out of memory");
	g->seed = seed;
	g->chrome = chrome;
	g->fp = stdout;
	load_sources(&g->S, data, seed);
	for (int o = 0; o < N_OUTLETS; o++)
		make_outlet(&g->outlets[o], o, g->outlets);
	for (size_t i = 0; i < COUNT(SYNONYMS); i++)
		wm_add(&g->syn, SYNONYMS[i][0], (int)i);
	for (size_t i = 0; i < COUNT(SPELLINGS); i++) {
		wm_add(&g->uk2us, SPELLINGS[i][0], (int)i);
		wm_add(&g->us2uk, SPELLINGS[i][1], (int)i);
	}
	static char obuf[1 << 20];
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);

	Heap h = {0};
	int64_t clock = 1519884000; /* 2018-03-01T06:00:00Z */
	uint64_t written = 0;
	uint32_t story = 0;
	while (written < n) {
		/* everything before the next story's base time is final */
		plan_story(g, story++, &clock, &h);
		while (h.n && written < n && h.v[0].t < clock) {
			Item it = heap_pop(&h);
			write_article(g, &it);
			written++;
		}
		if (story == UINT32_MAX)
			die("too many stories");
	}
	/* (the loop only writes items strictly before the last base time; the
	 * ones left are unwritten because n was reached) */
	if (fflush(stdout) != 0 || ferror(stdout))
		die("write failed: %s", strerror(errno));

	free(h.v);
	for (int o = 0; o < N_OUTLETS; o++) {
		free_lines(&g->outlets[o].heavy_top);
		free_lines(&g->outlets[o].heavy_bottom);
		free_lines(&g->outlets[o].light_top);
		free_lines(&g->outlets[o].light_bottom);
	}
	for (size_t i = 0; i < g->cap_para; i++)
		free(g->para[i].p);
	free(g->para);
	free(g->tmp.p);
	free(g->text.p);
	free(g->title.p);
	free(g->out.p);
	free(g->edits.p);
	free(g->line.p);
	free(g->tail.p);
	for (size_t i = 0; i < REMIX_SLOTS; i++)
		free(g->remix[i].text.p);
	free_sources(&g->S);
	free(g);
	return 0;
}
