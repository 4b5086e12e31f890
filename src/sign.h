/* sign.h - the whole text -> signature path (stages 1-4 chained). */
#ifndef WD_SIGN_H
#define WD_SIGN_H

#include "wiredup.h"

/*
 * Normalizes, tokenizes, shingles and MinHashes text into sig
 * (params->num_perm slots, caller-allocated) and the number of distinct
 * shingles. WD_EINPUT when the text is invalid UTF-8 or has no words.
 */
int wd_sign_text(uint32_t *sig, uint64_t *n_shingles, const wd_params *params,
                 const char *text, size_t len);

#endif
