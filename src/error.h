/* error.h - the thread-local "last error" behind wd_last_error(). */
#ifndef WD_ERROR_H
#define WD_ERROR_H

#include "wiredup.h"

/* Records a printf-style message for wd_last_error() and returns code,
 * so that callers can write `return wd_fail(WD_EINVAL, "...")`. */
int wd_fail(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Puts a printf-style prefix before the current message (which a callee
 * set) and returns code. */
int wd_fail_prefix(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* wd_fail(WD_ENOMEM, ...) with a fixed message. */
int wd_fail_oom(void);

#endif
