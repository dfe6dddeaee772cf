/*
 * log.c: leveled log lines on stderr.
 *
 * One line per call, written with a single write(2) so that lines from
 * different threads never interleave; journald and `make run` both read
 * stderr.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sdesk.h"

static atomic_int log_level = SD_LOG_INFO;

static const char *const log_names[] = {"error", "warn", "info", "debug"};

void
sd_log_set_level(int level)
{
	if (level >= SD_LOG_ERROR && level <= SD_LOG_DEBUG)
		atomic_store(&log_level, level);
}

int
sd_log_level_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++)
		if (strcmp(name, log_names[i]) == 0)
			return (int)i;
	return -1;
}

int
sd_log_enabled(int level)
{
	return level <= atomic_load(&log_level);
}

void
sd_vlog(int level, const char *subsys, const char *fmt, va_list ap)
{
	char line[2048], ts[40];
	int n, m;

	if (!sd_log_enabled(level))
		return;
	if (level < SD_LOG_ERROR || level > SD_LOG_DEBUG)
		level = SD_LOG_ERROR;
	sd_now_rfc3339(ts, sizeof(ts));
	n = snprintf(line, sizeof(line), "%s %-5s %s: ", ts, log_names[level], subsys);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n >= sizeof(line) - 1) {
		/* Truncated: mark it and keep the newline. */
		n = (int)sizeof(line) - 5;
		memcpy(line + n, "...", 3);
		n += 3;
	}
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* Nowhere left to report to. */
	}
}

void
sd_log(int level, const char *subsys, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sd_vlog(level, subsys, fmt, ap);
	va_end(ap);
}
