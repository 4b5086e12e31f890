/*
 * textmap.h - the words of a text as given, each with its place in that
 * text: matching works on normalized text, whose offsets are not the
 * original's, so the text is normalized piece by piece (a code point with
 * the combining marks after it) and every normalized byte remembers the
 * piece it came from.
 */
#ifndef WD_TEXTMAP_H
#define WD_TEXTMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct text_word {
	uint64_t hash;               /* as matching hashes the word (wd_word_hash) */
	size_t byte_start, byte_end; /* in the original text */
	size_t start, end;           /* the same, in code points */
} text_word;

typedef struct text_words {
	text_word *v;
	size_t n, cap;
	size_t chars; /* code points of the whole text */
} text_words;

/*
 * Splits text (valid UTF-8, len bytes) into words as matching does:
 * normalized (wd_normalize), split (wd_tokenize_each) and hashed. Markup
 * is not removed: offsets are into the text exactly as given. WD_EINPUT
 * for invalid UTF-8. Free with text_words_free (also after a failure).
 */
int text_words_split(text_words *out, const char *text, size_t len);
void text_words_free(text_words *w);

#endif
