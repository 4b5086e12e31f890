/* tokenize.h - word splitting for the stages that need word positions. */
#ifndef WD_TOKENIZE_H
#define WD_TOKENIZE_H

#include "wiredup.h"

/* Called for each word: its bytes and its byte offset in the text.
 * A negative return stops the walk and is returned. */
typedef int (*wd_word_fn)(const char *word, size_t len, size_t offset, void *ctx);

/* Walks the words of normalized text, as wd_tokenize splits them. */
int wd_tokenize_each(const char *text, size_t len, wd_word_fn fn, void *ctx);

/* The hash of one word, as wd_tokenize computes it. */
uint64_t wd_word_hash(const char *word, size_t len);

/* wd_word_hash in two steps, for a caller hashing many words: _start
 * gives the word's raw hash and starts fetching its slot of the spelling
 * memo (a cache miss, likely); _finish, called a few words later, gives
 * wd_word_hash from it. */
uint64_t wd_word_hash_start(const char *word, size_t len);
uint64_t wd_word_hash_finish(uint64_t raw, const char *word, size_t len);

#endif
