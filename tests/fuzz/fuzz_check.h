/* fuzz_check.h - an invariant check for the fuzz harnesses: on failure,
 * say which invariant and the library's last error, then abort so that
 * libFuzzer keeps the input. */
#ifndef WD_FUZZ_CHECK_H
#define WD_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c)) {                                                    \
			fprintf(stderr, "%s:%d: invariant failed: %s\n"        \
			        "  wd_last_error: %s\n",                        \
			        __FILE__, __LINE__, #c, wd_last_error());       \
			abort();                                               \
		}                                                              \
	} while (0)

#endif
