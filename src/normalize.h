/* normalize.h - stage 1 internals shared with the tests. */
#ifndef WD_NORMALIZE_H
#define WD_NORMALIZE_H

#include <stddef.h>

/* wd_normalize done wholly by utf8proc, without the ASCII fast path: the
 * reference the fast path must equal byte for byte. */
int wd_normalize_reference(char **out, size_t *out_len, const char *text, size_t len);

/* wd_normalize of text already checked to be valid UTF-8 (wd_utf8_valid),
 * without checking it again. */
int wd_normalize_valid(char **out, size_t *out_len, const char *text, size_t len);

#endif
