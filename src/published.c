/* published.c - parses the ISO 8601 `published` times that order clusters. */
#include "published.h"

#include <ctype.h>

/* Reads exactly n digits at *p. */
static int digits(int *out, const char **p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return 0;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int wd_parse_iso8601(int64_t *seconds, const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, zh = 0, zm = 0, sign = 0;
	const char *p = s;

	if (!s || !digits(&y, &p, 4) || *p++ != '-' || !digits(&mo, &p, 2) ||
	    *p++ != '-' || !digits(&d, &p, 2))
		return 0;
	static const int days_in[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in[mo - 1] + (mo == 2 && leap))
		return 0;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!digits(&h, &p, 2) || *p++ != ':' || !digits(&mi, &p, 2))
			return 0;
		if (*p == ':') {
			p++;
			if (!digits(&sec, &p, 2))
				return 0;
			if (*p == '.' || *p == ',') /* fractions: ignored */
				for (p++; isdigit((unsigned char)*p); p++)
					;
		}
		if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec)))
			return 0;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (!digits(&zh, &p, 2))
				return 0;
			int colon = *p == ':';
			p += colon;
			if ((*p || colon) && !digits(&zm, &p, 2))
				return 0;
			if (zh > 14 || zm > 59)
				return 0;
		}
	}
	if (*p != '\0')
		return 0;
	int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	*seconds = t - sign * (zh * 3600 + zm * 60);
	return 1;
}
