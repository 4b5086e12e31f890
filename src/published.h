/* published.h - ISO 8601 timestamps to seconds since the epoch (UTC). */
#ifndef WD_PUBLISHED_H
#define WD_PUBLISHED_H

#include <stdint.h>

/*
 * Parses YYYY-MM-DD[(T| )hh:mm[:ss[.fff]]][Z|(+|-)hh[:]mm]. A time without
 * a zone is taken as UTC. Returns 1 and sets *seconds on success, 0 if s
 * is not such a timestamp.
 */
int wd_parse_iso8601(int64_t *seconds, const char *s);

#endif
