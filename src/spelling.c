/* spelling.c - British and American spelling variants folded to one form. */
#include "spelling.h"

#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <xxhash.h>

/*
 * Tables:
 *  1. whole words (irregular pairs): when one applies, nothing else does;
 *  2. word endings, the first that applies: families of listed words with
 *     swappable endings (-ise, -yse, -re, -ogue, -ence, doubled l), each
 *     also under a prefix ("un", "re", ...), then the -our rule, the only
 *     one not driven by a list of words;
 *  3. word beginnings (ae/oe and a few stems: "paed..." -> "ped..."), on
 *     what 2 left, so that "anaesthetised" becomes "anesthetized".
 * Rules only ever shorten a word or keep its length (the caller's buffer
 * is the word's size): that is why the -re family folds American into
 * British ("centered" -> "centred", not the other way round).
 *
 * Known collisions (unrelated words that become one), all rare in news:
 *  - "analyses", "paralyses", "dialyses" (plural nouns) fold with the verb
 *    forms into "analyzes"...; "practises" with the noun "practices";
 *  - "meter" the device and "metre" the unit both give "metre" (they are
 *    one word in American anyway); "metering" gives "metring";
 *  - "licence" and the verb "license", "defence" and "defense" (wanted);
 *  - "grey" -> "gray" meets the surname Gray;
 *  - the -our rule rewrites names too (Seymour -> "seymor", Mansour ->
 *    "mansor"), which only matters if "seymor" is another word.
 * Not folded, because the American form is also another word: tyre/tire,
 * cheque/check, kerb/curb, storey/story, draught/draft, mould/mold.
 */

typedef struct pair {
	const char *from, *to;
} pair;

#define COUNT(a) (sizeof (a) / sizeof *(a))

/* 1. Whole words. */
static const pair whole_words[] = {
	{"programme", "program"}, {"programmes", "programs"}, /* not "programmed" */
	{"grey", "gray"}, {"greys", "grays"}, {"greyer", "grayer"},
	{"greyest", "grayest"}, {"greyish", "grayish"}, {"greying", "graying"},
	{"greyed", "grayed"}, {"greyness", "grayness"},  /* not "greyhound" */
	{"jewellery", "jewelry"}, {"aluminium", "aluminum"},
	{"manoeuvre", "maneuver"}, {"manoeuvres", "maneuvers"},
	{"manoeuvred", "maneuvered"}, {"manoeuvring", "maneuvering"},
	{"manoeuvrable", "maneuverable"}, {"manoeuvrability", "maneuverability"},
	{"ageing", "aging"}, {"woollen", "woolen"},
	{"practise", "practice"}, {"practised", "practiced"},
	{"practises", "practices"}, {"practising", "practicing"},
	/* compounds of the -re family, which folds towards British */
	{"centerpiece", "centrepiece"}, {"centerpieces", "centrepieces"},
	{"fiberglass", "fibreglass"},
};

/* 3. Word beginnings: any word that starts with `from`. */
static const pair beginnings[] = {
	{"paediatric", "pediatric"}, {"paedophil", "pedophil"},
	{"orthopaed", "orthoped"}, {"encyclopaed", "encycloped"},
	{"anaem", "anem"}, {"anaesth", "anesth"}, {"haem", "hem"},
	{"leukaem", "leukem"}, {"gynaec", "gynec"}, {"palaeo", "paleo"},
	{"caesarean", "cesarean"}, {"caesarian", "cesarean"},
	{"oestr", "estr"}, {"oesophag", "esophag"}, {"oedem", "edem"},
	{"diarrhoe", "diarrhe"}, {"foet", "fet"}, {"faec", "fec"},
	{"sceptic", "skeptic"}, {"judgement", "judgment"}, {"plough", "plow"},
	{"moustach", "mustach"}, {"pyjama", "pajama"},
};

/*
 * 2. Families. A word folds when it ends in one of the family's endings
 * `from` and swapping that ending for the family's base ending gives a
 * listed word; the ending is then replaced by `to`.
 */
typedef struct family {
	const char *base_end;       /* how every listed word ends */
	const pair *endings;
	size_t n_endings;
	const char *const *words;
	size_t n_words;
} family;

/* -ise -> -ize, verbs only: a blanket rule would turn "promise", "advise",
 * "exercise", "surprise", "franchise", "televise" ... into nonsense. */
static const pair ise_endings[] = {
	{"ise", "ize"}, {"ises", "izes"}, {"ised", "ized"}, {"ising", "izing"},
	{"iser", "izer"}, {"isers", "izers"}, {"isable", "izable"},
	{"isation", "ization"}, {"isations", "izations"},
	{"isational", "izational"},
};

static const char *const ise_verbs[] = {
	"acclimatise", "actualise", "aggrandise", "agonise", "americanise",
	"amortise", "anaesthetise", "anglicise", "antagonise", "apologise",
	"appetise", "atomise", "authorise", "baptise", "bastardise",
	"brutalise", "burglarise", "cannibalise", "canonise", "capitalise",
	"caramelise", "carbonise", "categorise", "cauterise", "centralise",
	"characterise", "civilise", "colonise", "commercialise",
	"compartmentalise", "computerise", "conceptualise", "contextualise",
	"criminalise", "criticise", "crystallise", "customise", "decimalise",
	"dehumanise", "demilitarise", "democratise", "demonise", "demoralise",
	"deodorise", "deputise", "desensitise", "digitise", "dramatise",
	"economise", "editorialise", "empathise", "emphasise", "energise",
	"epitomise", "equalise", "eulogise", "evangelise", "externalise",
	"extemporise", "factorise", "familiarise", "fantasise", "fertilise",
	"fictionalise", "finalise", "formalise", "fossilise", "fraternise",
	"galvanise", "generalise", "glamorise", "globalise", "harmonise",
	"homogenise", "hospitalise", "humanise", "hybridise", "hypnotise",
	"hypothesise", "idealise", "idolise", "immobilise", "immortalise",
	"immunise", "incentivise", "individualise", "industrialise",
	"initialise", "institutionalise", "intellectualise", "internalise",
	"internationalise", "ionise", "italicise", "itemise", "jeopardise",
	"legalise", "legitimise", "liberalise", "lionise", "liquidise",
	"localise", "magnetise", "marginalise", "materialise", "maximise",
	"mechanise", "memorialise", "memorise", "mesmerise", "metabolise",
	"metastasise", "militarise", "miniaturise", "minimise", "mobilise",
	"modernise", "moisturise", "monetise", "monopolise", "moralise",
	"motorise", "nationalise", "naturalise", "neutralise", "normalise",
	"notarise", "optimise", "organise", "ostracise", "oxidise",
	"pasteurise", "patronise", "penalise", "personalise", "philosophise",
	"plagiarise", "pluralise", "polarise", "politicise", "popularise",
	"pressurise", "prioritise", "privatise", "proselytise", "publicise",
	"pulverise", "radicalise", "randomise", "rationalise", "realise",
	"recognise", "regularise", "revitalise", "revolutionise",
	"rhapsodise", "romanticise", "sanitise", "satirise", "scandalise",
	"scrutinise", "secularise", "sensationalise", "sensitise",
	"sentimentalise", "serialise", "sermonise", "socialise", "solemnise",
	"soliloquise", "specialise", "stabilise", "standardise", "sterilise",
	"stigmatise", "stylise", "subsidise", "summarise", "symbolise",
	"sympathise", "synchronise", "synthesise", "systematise", "tantalise",
	"temporise", "tenderise", "terrorise", "theorise", "traumatise",
	"trivialise", "tyrannise", "unionise", "urbanise", "utilise",
	"vandalise", "vaporise", "verbalise", "victimise", "visualise",
	"vocalise", "vulcanise", "vulgarise", "weaponise", "westernise",
	"winterise", "womanise",
};

static const pair yse_endings[] = {
	{"yse", "yze"}, {"yses", "yzes"}, {"ysed", "yzed"}, {"ysing", "yzing"},
	{"yser", "yzer"}, {"ysers", "yzers"},
};

static const char *const yse_verbs[] = {
	"analyse", "paralyse", "catalyse", "dialyse", "electrolyse",
	"hydrolyse", "psychoanalyse",
};

/* American -er -> British -re: the only family folded that way round. */
static const pair re_endings[] = {
	{"er", "re"}, {"ers", "res"}, {"ered", "red"}, {"ering", "ring"},
};

/* Not "genre", "acre", "ogre", "lucre", "massacre", "mediocre": those are
 * spelled alike on both sides. */
static const char *const re_words[] = {
	"centre", "epicentre", "metre", "kilometre", "centimetre",
	"millimetre", "nanometre", "litre", "millilitre", "theatre",
	"amphitheatre", "fibre", "calibre", "sombre", "spectre", "sceptre",
	"lustre", "lacklustre", "meagre", "sabre", "mitre", "goitre",
	"reconnoitre", "sepulchre", "saltpetre", "titre", "ochre",
};

static const pair ogue_endings[] = {
	{"ogue", "og"}, {"ogues", "ogs"}, {"ogued", "oged"}, {"oguing", "oging"},
};

/* Not "rogue", "vogue", "synagogue", "demagogue", "pedagogue". */
static const char *const ogue_words[] = {
	"catalogue", "dialogue", "analogue", "prologue", "epilogue",
	"monologue", "travelogue",
};

static const pair ence_endings[] = {
	{"ence", "ense"}, {"ences", "enses"}, {"enced", "ensed"},
	{"encing", "ensing"}, {"enceless", "enseless"},
};

static const char *const ence_words[] = {
	"defence", "offence", "licence", "pretence",
};

/* British doubles a final l before a suffix: travelled, traveller.
 * Not "-llation": "cancellation" is American too. */
static const pair ll_endings[] = {
	{"lled", "led"}, {"lling", "ling"}, {"ller", "ler"}, {"llers", "lers"},
	{"llor", "lor"}, {"llors", "lors"}, {"llist", "list"},
	{"llists", "lists"}, {"llous", "lous"}, {"llously", "lously"},
};

static const char *const ll_words[] = {
	"barrel", "bevel", "cancel", "carol", "channel", "chisel", "council",
	"counsel", "cudgel", "dial", "dishevel", "drivel", "duel", "enamel",
	"equal", "fuel", "funnel", "gravel", "grovel", "initial", "jewel",
	"kennel", "label", "level", "libel", "marshal", "marvel", "medal",
	"metal", "model", "panel", "parcel", "pedal", "pencil", "pummel",
	"quarrel", "ravel", "revel", "rival", "shovel", "shrivel", "signal",
	"snivel", "snorkel", "spiral", "stencil", "swivel", "tassel", "total",
	"towel", "travel", "trowel", "tunnel", "yodel",
};

#define FAMILY(end, endings, words) \
	{end, endings, COUNT(endings), words, COUNT(words)}

static const family families[] = {
	FAMILY("ise", ise_endings, ise_verbs),
	FAMILY("yse", yse_endings, yse_verbs),
	FAMILY("re", re_endings, re_words),
	FAMILY("ogue", ogue_endings, ogue_words),
	FAMILY("ence", ence_endings, ence_words),
	FAMILY("l", ll_endings, ll_words),
};

/* Family words keep their fold under these: "unrecognised", "refuelled". */
static const char *const prefixes[] = {
	"", "un", "re", "de", "dis", "mis", "non", "pre", "over", "under",
};

/*
 * 2, last. -our -> -or, with every suffix below, for words whose -our form has
 * at least 6 letters ("colour" has 6): shorter ones are hour, four, pour,
 * tour, your, sour, flour, scour and are left alone, "odour" aside.
 */
static const pair our_endings[] = {
	{"our", "or"}, {"ours", "ors"}, {"oured", "ored"}, {"ouring", "oring"},
	{"ourer", "orer"}, {"ourers", "orers"}, {"ourite", "orite"},
	{"ourites", "orites"}, {"ourable", "orable"}, {"ourably", "orably"},
	{"ourful", "orful"}, {"ourless", "orless"}, {"ourhood", "orhood"},
	{"ourhoods", "orhoods"}, {"ourly", "orly"}, {"ourist", "orist"},
	{"ourists", "orists"}, {"oural", "oral"}, {"ourally", "orally"},
	{"ouration", "oration"}, {"ouritism", "oritism"},
};

#define OUR_MIN_LETTERS 6

/* -our words of 6+ letters spelled alike on both sides, and "-tour"
 * (detour, contour). Not endings "pour" or "amour": vapour, clamour. */
static const char *const our_kept[] = {
	"devour", "paramour", "troubadour", "pompadour", "velour", "tambour",
	"downpour", "outpour", "cornflour", "bonjour", "parkour",
};
static const char *const our_kept_ends[] = {
	"tour",
};

static int ends_with(const char *s, size_t n, const char *end)
{
	size_t m = strlen(end);
	return n >= m && memcmp(s + n - m, end, m) == 0;
}

static int equals(const char *s, size_t n, const char *w)
{
	if (!n || s[0] != w[0]) /* most table words, before strlen */
		return !n && !w[0];
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

static int all_ascii_lower(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
}

/* Writes head (head_len bytes of the word) + tail to buf. */
static size_t splice(char *buf, const char *word, size_t head_len, const char *tail)
{
	size_t m = strlen(tail);
	memmove(buf, word, head_len);
	memcpy(buf + head_len, tail, m);
	return head_len + m;
}

static size_t fold_whole(char *buf, const char *w, size_t n)
{
	for (size_t k = 0; k < COUNT(whole_words); k++)
		if (equals(w, n, whole_words[k].from))
			return splice(buf, w, 0, whole_words[k].to);
	return 0;
}

static size_t fold_beginning(char *buf, const char *w, size_t n)
{
	for (size_t k = 0; k < COUNT(beginnings); k++) {
		if (!n || w[0] != beginnings[k].from[0])
			continue;
		size_t m = strlen(beginnings[k].from), t = strlen(beginnings[k].to);
		assert(t <= m); /* so that buf may be w */
		if (n >= m && memcmp(w, beginnings[k].from, m) == 0) {
			memcpy(buf, beginnings[k].to, t);
			memmove(buf + t, w + m, n - m);
			return t + n - m;
		}
	}
	return 0;
}

/*
 * The families as a table: every word a family rule folds (prefix + stem +
 * ending), made once from the lists, found by its hash and checked letter
 * by letter. Entries are made in the rules' order (prefix, family,
 * ending), and a word already there keeps its first rule, as when the
 * rules are tried in turn.
 */
typedef struct family_entry {
	uint64_t hash;        /* 0: empty */
	uint8_t prefix, family, ending;
	uint16_t word;
} family_entry;

enum { FAMILY_TABLE = 1 << 16, /* > 2x the 27,980 (prefix, word, ending) */
       LONGEST = 64 };          /* letters of a family word, with prefix and ending */
static family_entry family_table[FAMILY_TABLE];

static uint64_t word_hash(const char *w, size_t n)
{
	uint64_t h = XXH3_64bits(w, n);
	return h ? h : 1;
}

/* Writes prefix + stem + ending `to` (or `from`) of entry e to buf. */
static size_t entry_word(char *buf, const family_entry *e, int to)
{
	const family *f = &families[e->family];
	const char *w = f->words[e->word], *p = prefixes[e->prefix];
	const pair *end = &f->endings[e->ending];
	size_t np = strlen(p), stem = strlen(w) - strlen(f->base_end);
	const char *tail = to ? end->to : end->from;
	memcpy(buf, p, np);
	memcpy(buf + np, w, stem);
	memcpy(buf + np + stem, tail, strlen(tail));
	return np + stem + strlen(tail);
}

static family_entry *family_find(const char *w, size_t n, uint64_t h)
{
	char word[LONGEST];
	size_t j = h & (FAMILY_TABLE - 1);
	while (family_table[j].hash) {
		if (family_table[j].hash == h && entry_word(word, &family_table[j], 0) == n &&
		    memcmp(word, w, n) == 0)
			return &family_table[j];
		j = (j + 1) & (FAMILY_TABLE - 1);
	}
	return &family_table[j];
}

static void build_family_table(void)
{
	char word[LONGEST];
	for (size_t k = 0; k < COUNT(prefixes); k++)
		for (size_t f = 0; f < COUNT(families); f++)
			for (size_t e = 0; e < families[f].n_endings; e++)
				for (size_t w = 0; w < families[f].n_words; w++) {
					family_entry entry = {0, (uint8_t)k, (uint8_t)f, (uint8_t)e,
					                      (uint16_t)w};
					size_t n = entry_word(word, &entry, 0);
					entry.hash = word_hash(word, n);
					family_entry *slot = family_find(word, n, entry.hash);
					if (!slot->hash)
						*slot = entry;
				}
}

static size_t fold_families(char *buf, const char *w, size_t n)
{
	const family_entry *e = family_find(w, n, word_hash(w, n));
	return e->hash ? entry_word(buf, e, 1) : 0;
}

/* Is base (a word ending in -our) one that American spells -or? */
static int our_folds(const char *base, size_t n)
{
	for (size_t k = 0; k < COUNT(our_kept); k++)
		if (equals(base, n, our_kept[k]))
			return 0;
	for (size_t k = 0; k < COUNT(our_kept_ends); k++)
		if (ends_with(base, n, our_kept_ends[k]))
			return 0;
	return n >= OUR_MIN_LETTERS || equals(base, n, "odour");
}

static size_t fold_our(char *buf, const char *w, size_t n)
{
	char base[64];
	for (size_t e = 0; e < COUNT(our_endings); e++) {
		const pair *end = &our_endings[e];
		if (!ends_with(w, n, end->from))
			continue;
		size_t stem_len = n - strlen(end->from);
		if (stem_len + 3 >= sizeof base)
			return 0;
		memcpy(base, w, stem_len);
		memcpy(base + stem_len, "our", 3);
		if (our_folds(base, stem_len + 3))
			return splice(buf, w, stem_len, end->to);
	}
	return 0;
}

/*
 * Every rule needs the word to end with one of a few endings or begin with
 * one of a few beginnings: the last two and the first two letters of those
 * (a..z) tell most words at once that no rule applies.
 */
static unsigned char could_end[26][26], could_begin[26][26];
static pthread_once_t filters_once = PTHREAD_ONCE_INIT;

/* Marks the two letters at s (every table entry has two or more). */
static void mark(unsigned char table[26][26], const char *s)
{
	assert(s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z');
	table[s[0] - 'a'][s[1] - 'a'] = 1;
}

static void mark_end(const char *w)
{
	mark(could_end, w + strlen(w) - 2);
}

static void build_filters(void)
{
	for (size_t k = 0; k < COUNT(whole_words); k++)
		mark_end(whole_words[k].from);
	for (size_t f = 0; f < COUNT(families); f++)
		for (size_t e = 0; e < families[f].n_endings; e++)
			mark_end(families[f].endings[e].from);
	for (size_t e = 0; e < COUNT(our_endings); e++)
		mark_end(our_endings[e].from);
	for (size_t k = 0; k < COUNT(beginnings); k++)
		mark(could_begin, beginnings[k].from);
	build_family_table();
}

/* Could any rule apply to w (ASCII lower case, 2 letters or more)? */
static int may_fold(const char *w, size_t n)
{
	pthread_once(&filters_once, build_filters);
	return could_end[w[n - 2] - 'a'][w[n - 1] - 'a'] || could_begin[w[0] - 'a'][w[1] - 'a'];
}

size_t wd_spelling_fold(char *buf, size_t cap, const char *word, size_t len)
{
	assert(cap >= len);
	(void)cap;
	memmove(buf, word, len);
	/* no rule folds a word of one letter; may_fold makes the tables */
	if (len < 2 || !all_ascii_lower(word, len) || !may_fold(word, len))
		return len;
	size_t n = fold_whole(buf, word, len), m;
	if (n)
		return n;
	/* From here on buf is both input and output: every rule allows that. */
	if (!(n = fold_families(buf, buf, len)) && !(n = fold_our(buf, buf, len)))
		n = len;
	if ((m = fold_beginning(buf, buf, n)))
		n = m;
	assert(n <= len);
	return n;
}
