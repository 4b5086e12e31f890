/* spelling.h - British and American spellings of a word folded to one form. */
#ifndef WD_SPELLING_H
#define WD_SPELLING_H

#include <stddef.h>

/*
 * Writes to buf the folded form of one word (UTF-8, already case-folded,
 * len bytes) and returns its length, which is never more than len (the
 * caller guarantees cap >= len; buf is not NUL-terminated). Both spellings
 * of a pair fold to the same bytes: "colour" and "color" give "color",
 * "organised" and "organized" give "organized", "centre" and "center"
 * give "centre" (that family folds towards British: "centered" is longer
 * than "centred"). Words that are not all ASCII a-z, and words no rule
 * knows, are copied unchanged. Folding is idempotent. buf may be word
 * itself, to fold in place.
 */
size_t wd_spelling_fold(char *buf, size_t cap, const char *word, size_t len);

#endif
