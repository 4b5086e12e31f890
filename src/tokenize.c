/* tokenize.c - stage 2: normalized text -> hashed words. */
#include "tokenize.h"

#include "bytes.h"
#include "error.h"
#include "spelling.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

/* Scripts written without spaces between words: each letter is a word. */
static int is_unspaced_script(utf8proc_int32_t cp)
{
	return (cp >= 0x0E00 && cp <= 0x0EFF)     /* Thai, Lao */
	    || (cp >= 0x1000 && cp <= 0x109F)     /* Myanmar */
	    || (cp >= 0x1780 && cp <= 0x17FF)     /* Khmer */
	    || (cp >= 0x3040 && cp <= 0x30FF)     /* Hiragana, Katakana */
	    || (cp >= 0x31F0 && cp <= 0x31FF)     /* Katakana extensions */
	    || (cp >= 0x3400 && cp <= 0x4DBF)     /* CJK extension A */
	    || (cp >= 0x4E00 && cp <= 0x9FFF)     /* CJK unified */
	    || (cp >= 0xF900 && cp <= 0xFAFF)     /* CJK compatibility */
	    || (cp >= 0x20000 && cp <= 0x3FFFF);  /* CJK extensions B.. */
}

enum char_class { OTHER, LETTER, MARK, DIGIT };

static enum char_class classify(utf8proc_int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return LETTER;
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return MARK;
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return DIGIT;
	default:
		return OTHER;
	}
}

/* ASCII classes without asking utf8proc (the same answers: letters are
 * Lu/Ll, digits Nd, the rest punctuation, symbols, spaces, controls). */
static enum char_class ascii_class(unsigned char c)
{
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
		return LETTER;
	return c >= '0' && c <= '9' ? DIGIT : OTHER;
}

/* Decodes the code point at s[i] and its class; normalized text is valid
 * UTF-8 (a bad byte is taken as one OTHER byte, to be safe). */
static size_t next_cp(const char *s, size_t len, size_t i, utf8proc_int32_t *cp,
                      enum char_class *cls)
{
	unsigned char c = (unsigned char)s[i];
	if (c < 0x80) {
		*cp = c;
		*cls = ascii_class(c);
		return 1;
	}
	utf8proc_ssize_t step = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
	                                         (utf8proc_ssize_t)(len - i), cp);
	if (step <= 0) {
		*cp = -1;
		*cls = OTHER;
		return 1;
	}
	*cls = classify(*cp);
	return (size_t)step;
}

/*
 * Spelling folding scans tables, and news repeats its words: remember the
 * final hash of recent words by the hash of their raw bytes (per thread).
 */
enum { FOLD_MEMO = 1 << 16 };
static _Thread_local struct {
	uint64_t raw, folded;
} fold_memo[FOLD_MEMO];

uint64_t wd_word_hash_start(const char *word, size_t len)
{
	uint64_t raw = XXH3_64bits(word, len);
	__builtin_prefetch(&fold_memo[raw & (FOLD_MEMO - 1)]);
	return raw;
}

uint64_t wd_word_hash(const char *word, size_t len)
{
	return wd_word_hash_finish(XXH3_64bits(word, len), word, len);
}

uint64_t wd_word_hash_finish(uint64_t raw, const char *word, size_t len)
{
	char folded[64];
	size_t slot = raw & (FOLD_MEMO - 1);
	if (fold_memo[slot].raw == raw && raw != 0)
		return fold_memo[slot].folded;
	/* "colour" and "color" are one word (British/American spelling) */
	uint64_t h = raw;
	if (len <= sizeof folded) {
		size_t n = wd_spelling_fold(folded, sizeof folded, word, len);
		if (n != len || memcmp(folded, word, len) != 0)
			h = XXH3_64bits(folded, n);
	}
	fold_memo[slot].raw = raw;
	fold_memo[slot].folded = h;
	return h;
}

/* ASCII letters and digits from s[i] on, counted eight bytes at a time
 * (lane k of a word is byte k: wd_get_le64); the last word of a text,
 * shorter than eight bytes, is left to the byte loop. */
static size_t alnum_run8(const char *s, size_t len, size_t i)
{
	size_t from = i;
	while (i + 8 <= len) {
		uint64_t w = wd_get_le64((const unsigned char *)s + i);
		uint64_t y = w & ~WD_HIGH; /* below 0x80: no lane carries */
		uint64_t lower = y | WD_LANES * 0x20;
		uint64_t letter = (lower + WD_LANES * (0x80 - 'a')) & ~(lower + WD_LANES * (0x80 - 'z' - 1));
		uint64_t digit = (y + WD_LANES * (0x80 - '0')) & ~(y + WD_LANES * (0x80 - '9' - 1));
		uint64_t stop = ~(letter | digit) & WD_HIGH;
		stop |= w & WD_HIGH; /* not ASCII */
		if (stop)
			return i - from + (size_t)__builtin_ctzll(stop) / 8;
		i += 8;
	}
	return i - from;
}

int wd_tokenize_each(const char *s, size_t len, wd_word_fn fn, void *ctx)
{
	size_t i = 0, start = 0;
	int in_word = 0, word_unspaced = 0, err;
	enum char_class prev = OTHER, cls_run;

	while (i < len) {
		/* ASCII letters and digits inside a spaced word, and ASCII
		 * punctuation and spaces between words, change nothing but prev:
		 * most of a text, skipped here without the steps below. */
		if (in_word && !word_unspaced) {
			size_t from = i;
			i += alnum_run8(s, len, i);
			if (i > from)
				prev = ascii_class((unsigned char)s[i - 1]);
			while (i < len && (unsigned char)s[i] < 0x80 &&
			       (cls_run = ascii_class((unsigned char)s[i])) != OTHER) {
				prev = cls_run;
				i++;
			}
		} else if (!in_word) {
			while (i < len && (unsigned char)s[i] < 0x80 &&
			       ascii_class((unsigned char)s[i]) == OTHER) {
				prev = OTHER;
				i++;
			}
		}
		if (i == len)
			break;
		utf8proc_int32_t cp;
		enum char_class cls;
		size_t step = 1;
		if ((unsigned char)s[i] < 0x80) { /* the ends of words, mostly */
			cp = (unsigned char)s[i];
			cls = ascii_class((unsigned char)s[i]);
		} else {
			step = next_cp(s, len, i, &cp, &cls);
		}

		/* "1.2", "900,000", "6-3/16", "3-1" and "8:33" stay one word:
		 * figures must count whole. */
		if (cls == OTHER && in_word && prev == DIGIT &&
		    (cp == '.' || cp == ',' || cp == '/' || cp == '-' || cp == ':')) {
			utf8proc_int32_t after;
			enum char_class after_cls;
			size_t j = i + step;
			if (j < len && (next_cp(s, len, j, &after, &after_cls), after_cls == DIGIT)) {
				i = j;
				continue;
			}
		}
		int unspaced = cls == LETTER && is_unspaced_script(cp);
		if (in_word && (cls == OTHER || unspaced || (word_unspaced && cls != MARK))) {
			if ((err = fn(s + start, i - start, start, ctx)) < 0)
				return err;
			in_word = 0;
		}
		if (cls != OTHER && !in_word) {
			start = i;
			in_word = 1;
			word_unspaced = unspaced;
		}
		prev = cls;
		i += step;
	}
	if (in_word && (err = fn(s + start, i - start, start, ctx)) < 0)
		return err;
	return WD_OK;
}

/* Growable array of word hashes. */
typedef struct {
	uint64_t *v;
	size_t n, cap;
} hash_vec;

static int push_hash(const char *word, size_t len, size_t offset, void *ctx)
{
	hash_vec *hv = ctx;
	(void)offset;
	if (wd_grow(&hv->v, &hv->cap, hv->n, sizeof *hv->v, 256) < 0)
		return wd_fail_oom();
	hv->v[hv->n++] = wd_word_hash(word, len);
	return WD_OK;
}

int wd_tokenize(uint64_t **hashes, size_t *n, const char *s, size_t len)
{
	hash_vec hv = {0};
	int err = wd_tokenize_each(s, len, push_hash, &hv);
	if (err < 0) {
		free(hv.v);
		return err;
	}
	*hashes = hv.v;
	*n = hv.n;
	return WD_OK;
}
