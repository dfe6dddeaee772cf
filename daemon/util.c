/*
 * util.c: small helpers shared by the daemon and sdeskctl.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "sdesk.h"

void
sd_random_hex(char *out, size_t n)
{
	unsigned char buf[64];

	if (n > sizeof(buf))
		n = sizeof(buf);
	randombytes_buf(buf, n);
	sodium_bin2hex(out, 2 * n + 1, buf, n);
	sodium_memzero(buf, sizeof(buf));
}

double
sd_elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

char *
sd_exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash == NULL)
		return NULL;
	if (slash == buf)
		slash++;
	*slash = '\0';
	return strdup(buf);
}

char *
sd_path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p;

	p = malloc(la + lb + 2);
	if (p == NULL)
		return NULL;
	memcpy(p, a, la);
	if (la == 0 || a[la - 1] != '/')
		p[la++] = '/';
	memcpy(p + la, b, lb + 1);
	return p;
}

void
sd_now_rfc3339(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char tmp[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ldZ", tmp, ts.tv_nsec / 1000000);
}

/* Reads exactly n digits at p into *out; 0 or -1. */
static int
util_digits(const char *p, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

/* Reads the time of day and zone after the 'T': 0 or -1. */
static int
util_time_of_day(const char *p, struct tm *tm, long *offset)
{
	int oh, om;

	if (util_digits(p, 2, &tm->tm_hour) < 0 || p[2] != ':' ||
		util_digits(p + 3, 2, &tm->tm_min) < 0)
		return -1;
	p += 5;
	if (*p == ':') {
		if (util_digits(p + 1, 2, &tm->tm_sec) < 0)
			return -1;
		p += 3;
		if (*p == '.') {
			/* Fractions of a second are accepted and dropped. */
			if (p[1] < '0' || p[1] > '9')
				return -1;
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
		}
	}
	if (tm->tm_hour > 23 || tm->tm_min > 59 || tm->tm_sec > 59)
		return -1;
	if (*p == 'Z' && p[1] == '\0')
		return 0;
	if ((*p != '+' && *p != '-') || util_digits(p + 1, 2, &oh) < 0 || p[3] != ':' ||
		util_digits(p + 4, 2, &om) < 0 || p[6] != '\0' || oh > 23 || om > 59)
		return -1;
	*offset = (*p == '-' ? -1L : 1L) * (oh * 3600L + om * 60L);
	return 0;
}

int
sd_time_parse(const char *s, time_t *out)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	struct tm tm;
	long offset = 0;
	int leap, y, mo, d;

	memset(&tm, 0, sizeof(tm));
	if (util_digits(s, 4, &y) < 0 || s[4] != '-' || util_digits(s + 5, 2, &mo) < 0 ||
		s[7] != '-' || util_digits(s + 8, 2, &d) < 0)
		return -1;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap))
		return -1;
	if (s[10] != '\0' && (s[10] != 'T' || util_time_of_day(s + 11, &tm, &offset) < 0))
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	*out = timegm(&tm) - offset;
	return 0;
}

void
sd_time_format(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
