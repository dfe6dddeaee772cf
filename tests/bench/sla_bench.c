/*
 * sla_bench.c: how fast business-time arithmetic is, as key=value lines:
 *   sla_deadlines_per_s   sla_add_business_seconds() calls a second, one
 *                         thread, random starts within two years of now and
 *                         targets of 1-200 business hours, after warm-up
 *   sla_reeval_1m_cpu_s   CPU seconds to evaluate 1,000,000 SLA clocks, each
 *                         a START and a few pauses and resumes
 * both on the Dalsland calendar. SLA_SEED changes the inputs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sla.h"

#define NINPUT (1 << 16)
#define NSETS 4096
#define SET_EVENTS 8
#define NCLOCKS 1000000
#define YEAR_SECONDS (365LL * 86400)

static uint64_t rng = 20260402;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int64_t
rnd_range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

static double
seconds(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
bench_deadlines(const struct sla_calendar *cal, int64_t now)
{
	static int64_t from[NINPUT], amount[NINPUT];
	int64_t sum = 0, calls = 0;
	double t0, t1;
	int i;

	for (i = 0; i < NINPUT; i++) {
		from[i] = now + rnd_range(-2 * YEAR_SECONDS, 2 * YEAR_SECONDS);
		amount[i] = rnd_range(3600, 200 * 3600);
	}
	for (i = 0; i < NINPUT; i++) /* warm-up: builds the years, fills caches */
		sum += sla_add_business_seconds(cal, from[i], amount[i]);
	t0 = seconds(CLOCK_MONOTONIC);
	do {
		for (i = 0; i < NINPUT; i++)
			sum += sla_add_business_seconds(cal, from[i], amount[i]);
		calls += NINPUT;
		t1 = seconds(CLOCK_MONOTONIC);
	} while (t1 - t0 < 1.0);
	printf("sla_deadlines_per_s=%.0f\n", (double)calls / (t1 - t0));
	return sum == 42; /* keeps the calls from being optimised away */
}

/* A START and up to SET_EVENTS - 1 pauses and resumes; the count. */
static size_t
make_events(struct sla_event *ev, int64_t now, int64_t *at)
{
	size_t n = 0, k = (size_t)rnd_range(2, SET_EVENTS - 1);
	int64_t t = now + rnd_range(-YEAR_SECONDS, YEAR_SECONDS);

	ev[n++] = (struct sla_event){t, SLA_EV_START, rnd_range(3600, 40 * 3600)};
	while (n <= k) {
		t += rnd_range(0, 2 * 86400);
		ev[n] = (struct sla_event){t, n % 2 ? SLA_EV_PAUSE : SLA_EV_RESUME, 0};
		n++;
	}
	*at = t + rnd_range(0, 5 * 86400);
	return n;
}

static int
bench_reeval(const struct sla_calendar *cal, int64_t now)
{
	static struct sla_event ev[NSETS][SET_EVENTS];
	static size_t nev[NSETS];
	static int64_t at[NSETS];
	struct sla_clock c;
	int64_t sum = 0;
	char err[128];
	double t0;
	int i;

	for (i = 0; i < NSETS; i++)
		nev[i] = make_events(ev[i], now, &at[i]);
	t0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < NCLOCKS; i++) {
		if (sla_clock_eval(&c, cal, ev[i % NSETS], nev[i % NSETS], at[i % NSETS], err,
			    sizeof(err)) == -1) {
			fprintf(stderr, "sla_bench: %s\n", err);
			return -1;
		}
		sum += c.ck_remaining + c.ck_due;
	}
	printf("sla_reeval_1m_cpu_s=%.3f\n", seconds(CLOCK_PROCESS_CPUTIME_ID) - t0);
	return sum == 42;
}

int
main(void)
{
	struct sla_calendar_spec spec;
	struct sla_calendar *cal;
	const char *env = getenv("SLA_SEED");
	int64_t now = (int64_t)time(NULL);
	char err[256];
	int rc = 0;

	if (env != NULL && *env != '\0')
		rng = strtoull(env, NULL, 0) | 1;
	sla_spec_init_dalsland(&spec);
	if ((cal = sla_calendar_new(&spec, err, sizeof(err))) == NULL) {
		fprintf(stderr, "sla_bench: %s\n", err);
		return 1;
	}
	if (bench_deadlines(cal, now) == -1 || bench_reeval(cal, now) == -1)
		rc = 1;
	sla_calendar_free(cal);
	return rc;
}
