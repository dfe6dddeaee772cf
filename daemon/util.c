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
