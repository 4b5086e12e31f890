/* error.c - error codes and the thread-local last-error message. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_error[1024];

int wd_fail(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
	return code;
}

int wd_fail_prefix(int code, const char *fmt, ...)
{
	char prefix[256], old[sizeof last_error];
	va_list ap;
	memcpy(old, last_error, sizeof old);
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	size_t n = strlen(prefix), m = strlen(old);
	if (m > sizeof last_error - 1 - n) /* prefix < 256 < sizeof last_error */
		m = sizeof last_error - 1 - n;
	memcpy(last_error, prefix, n);
	memcpy(last_error + n, old, m);
	last_error[n + m] = '\0';
	return code;
}

int wd_fail_oom(void)
{
	return wd_fail(WD_ENOMEM, "out of memory");
}

const char *wd_last_error(void)
{
	return last_error;
}

const char *wd_error_name(int code)
{
	switch (code) {
	case WD_OK: return "WD_OK";
	case WD_ERROR: return "WD_ERROR";
	case WD_ENOMEM: return "WD_ENOMEM";
	case WD_EINVAL: return "WD_EINVAL";
	case WD_EINPUT: return "WD_EINPUT";
	case WD_EDUPLICATE: return "WD_EDUPLICATE";
	case WD_EPARAMS: return "WD_EPARAMS";
	case WD_EDB: return "WD_EDB";
	case WD_ENOTINDEX: return "WD_ENOTINDEX";
	case WD_ENOTFOUND: return "WD_ENOTFOUND";
	case WD_EBUSY: return "WD_EBUSY";
	case WD_EIO: return "WD_EIO";
	default: return "WD_UNKNOWN";
	}
}
