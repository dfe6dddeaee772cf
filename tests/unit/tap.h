/*
 * tap.h: a few macros that make a C unit test print TAP for prove.
 * Header-only on purpose: every unit test is one program.
 */
#ifndef SDESK_TAP_H
#define SDESK_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n;
static int tap_failed;

/* Prints one test line; returns cond so callers can branch on it. */
static int
tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

/* Prints a diagnostic line that prove shows with -v or on failure. */
static void
tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* Ends the plan; the exit status tells prove whether anything failed. */
static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#define TAP_IS_INT(got, want, ...)                                                             \
	do {                                                                                   \
		long long tap_g_ = (long long)(got), tap_w_ = (long long)(want);               \
		if (!tap_ok(tap_g_ == tap_w_, __VA_ARGS__))                                    \
			tap_diag("  got %lld, want %lld", tap_g_, tap_w_);                     \
	} while (0)

#define TAP_IS_STR(got, want, ...)                                                             \
	do {                                                                                   \
		const char *tap_g_ = (got), *tap_w_ = (want);                                  \
		if (!tap_ok(tap_g_ != NULL && tap_w_ != NULL && strcmp(tap_g_, tap_w_) == 0,   \
			    __VA_ARGS__))                                                      \
			tap_diag("  got '%s', want '%s'", tap_g_ ? tap_g_ : "(null)",          \
				tap_w_ ? tap_w_ : "(null)");                                   \
	} while (0)

#endif
