/* credit.h - the agency credit and the dateline of a wire story. */
#ifndef WD_CREDIT_H
#define WD_CREDIT_H

#include <stddef.h>

typedef struct wd_credit_span {
	size_t start, end; /* bytes [start, end) of the input */
} wd_credit_span;

typedef struct wd_credit_info {
	char agency[32];         /* canonical name ("AFP", "Reuters"), "" if none */
	char place[64];          /* dateline place, title-cased ("New Delhi"), "" if none */
	wd_credit_span spans[8]; /* credit text in the input, to leave out of
	                            matching: sorted, disjoint */
	size_t n_spans;
} wd_credit_info;

/*
 * Finds the agency credit and the dateline in normalized text (NFKC,
 * case-folded, quotes ' and ", dashes as '-', LF line ends: what
 * wd_normalize produces). Looks at the first 3 and the last 3 non-empty
 * lines, and only at credit positions, so that "ap", "app" or "ani" as
 * ordinary words never count:
 *  - first lines: a dateline (at most 4 place words, any dates) with the
 *    agency in parentheses, "brussels (afp) - ", "new delhi, feb 16
 *    (pti):", "(reuters) - ", "ڈھاکہ ۔ یکم دسمبر (اے پی پی)"; forms that are
 *    also words ("ap", "app", "ani", "uni", "ppi", "aap", "bloomberg")
 *    need a date before them, a dash after them or nothing before them;
 *    or an agency and a dash opening the line, "ap - ";
 *  - any of those lines: a line that is only a credit, "afp", "by reuters",
 *    "- agence france-presse", "(with inputs from pti)", "afp brussels";
 *  - last lines: a credit closing the line, "... (afp)", "... - afp".
 * The agency is the first one found (first lines before last lines); the
 * place comes from the first dateline, dates left out, at most 4 words.
 * Every credit found gets a span: the dateline prefix with its trailing
 * dash and spaces, or the whole credit line. Never fails; *out is all
 * zero when nothing is found.
 */
void wd_credit_detect(wd_credit_info *out, const char *text, size_t len);

/*
 * Does a short line of normalized text (at most BYLINE_WORDS words with a
 * letter in them: a byline, a credit or copyright line) name `agency` (a
 * canonical name, "AP") in one of its unambiguous forms ("associated
 * press", not "ap")?
 * Lines that credit a picture ("photo", "getty", ...) do not count. For
 * research outputs only: it decides no match.
 */
enum { BYLINE_WORDS = 12 };
int wd_credit_byline_names(const char *text, size_t len, const char *agency);

#endif
