/*
 * doc.h - an article analysed for matching: its normalized text, words and
 * lines, what is left out (agency credit, page chrome), and the shingles of
 * the rest. Every stage that compares articles works on a wd_doc.
 */
#ifndef WD_DOC_H
#define WD_DOC_H

#include "credit.h"
#include "wiredup.h"

/* Why a line is left out of matching (or not). */
enum line_kind {
	LINE_STORY = 0,
	LINE_CHROME_GUESSED, /* looks like chrome: menu, price, share button... */
	LINE_CHROME_LEARNED, /* recurs across different stories of its outlet */
	LINE_CREDIT,         /* only an agency credit or dateline */
	LINE_TITLE,          /* the headline: counts only for very short texts */
	LINE_CAPTION         /* a photo's caption: travels with the photo */
};

/* What doc_shingle keeps (wd_doc.keep_level): the story lines, then each
 * left-out kind back in turn while too little is left. */
enum keep_level { KEEP_STORY, KEEP_CAPTIONS, KEEP_GUESSED, KEEP_LEARNED, KEEP_ALL };

enum { WORD_CREDIT = 1, WORD_NUMBER = 2 }; /* in the credit; a figure */

typedef struct doc_line {
	uint64_t hash;       /* of its words: the line's identity across articles */
	uint32_t first_word; /* its words are words[first_word, first_word + n_words) */
	uint32_t n_words;
	uint32_t start, end; /* its bytes in norm */
	uint8_t kind;
} doc_line;

typedef struct wd_doc {
	char *norm;             /* normalized text */
	size_t norm_len;
	uint64_t *words;        /* word hashes, in text order */
	uint32_t *word_start;   /* byte offset of each word in norm */
	uint8_t *word_flags;    /* WORD_* of each word */
	size_t n_words, cap_words;
	size_t n_particle_script_words; /* Arabic script, Indic scripts */
	doc_line *lines;
	size_t n_lines, cap_lines;
	uint8_t *line_cont;     /* per text line: could continue a wrapped one */
	size_t n_line_cont;
	wd_credit_info credit;
	/* from doc_shingle: */
	uint64_t *set;          /* kept shingles, sorted, distinct */
	size_t n_set;
	uint64_t *order;        /* every kept shingle, in text order */
	size_t n_order;
	/* Shingles with a figure in them: as they are, and with every figure
	 * masked (the template around the figures). figures[i] and
	 * masked[i] are the same shingle; template is the sorted set of
	 * masked. */
	uint64_t *figures, *masked, *templ;
	size_t n_figures, n_templ;
	size_t kept_words;
	uint64_t title_key;     /* the headline's words when it can name a story
	                         * (enough words, not the outlet's chrome); 0: none */
	int keep_level;         /* enum keep_level */
	int borrowed;           /* doc_view: the arrays point into its buffer */
	int title_kept;         /* the title's words are matched on */
} wd_doc;

/*
 * Parses an article: HTML leftovers, normalization, words and lines, the
 * credit, and lines that look like chrome. The title (may be NULL) becomes
 * the first line, matched on only when the story text is very short (a
 * templated item names its company only there). WD_EINPUT for invalid
 * UTF-8. Free with doc_free (also after a failure).
 */
int doc_parse(wd_doc *doc, const char *title, const char *text, size_t len);

/* Marks the lines for which is_learned(line hash, ctx) says 1 as chrome. */
void doc_mark_learned(wd_doc *doc, int (*is_learned)(uint64_t line, void *ctx),
                      void *ctx);

/* WD_EINPUT when the text (the title aside) has no word at all. */
int doc_check_words(const wd_doc *d);

/*
 * Shingles the kept words (k per shingle; k - 2 in a text mostly written
 * in Arabic or an Indic script, whose languages spend more words on the
 * same content). When leaving out credit and
 * chrome would leave too little text, the left-out lines come back in
 * stages (guessed chrome first), so a short or all-chrome article is still
 * compared on what it has. WD_EINPUT when there is no word at all.
 */
int doc_shingle(wd_doc *doc, uint32_t k, uint64_t seed);

/* Frees the text (words and lines stay) and gives back the spare capacity
 * of every array: for a doc kept in memory a long time. */
void doc_compact(wd_doc *doc);

/* Frees what only parsing and shingling need (text, words, lines), keeping
 * what verification reads: the shingles and figures. */
void doc_strip(wd_doc *doc);

void doc_free(wd_doc *doc);

/*
 * What verification reads of a signed doc (shingle set, shingles in text
 * order, figures, masked figures, template), as bytes, to verify it in
 * another process or to store it (little-endian, any machine).
 * doc_pack writes doc_packed_size bytes; doc_unpack reads them into an
 * empty doc (free with doc_free) and returns the bytes used, or < 0 for a
 * truncated buffer (WD_EINVAL) or WD_ENOMEM.
 */
size_t doc_packed_size(const wd_doc *doc);

/*
 * doc_unpack without copying, where it can (a little-endian machine, in
 * 8-byte aligned): the doc's arrays point into in, which must outlive the
 * doc unchanged; doc_free then frees nothing of them. Elsewhere it
 * unpacks. For docs read back only to be compared (the batch job).
 */
long doc_view(wd_doc *doc, const unsigned char *in, size_t len);
void doc_pack(unsigned char *out, const wd_doc *doc);
long doc_unpack(wd_doc *doc, const unsigned char *in, size_t len);

/*
 * What signing reads of a parsed doc (words, their flags, lines; no text),
 * as bytes, so that the batch job need not keep every parsed article in
 * memory until chrome is learned. Same conventions as doc_pack.
 */
size_t doc_words_packed_size(const wd_doc *doc);
void doc_pack_words(unsigned char *out, const wd_doc *doc);
long doc_unpack_words(wd_doc *doc, const unsigned char *in, size_t len);

#endif
