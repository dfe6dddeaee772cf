/*
 * sla_bruteforce.c: the fast calendar arithmetic against a slow, separate
 * reference on 1,000,000 random cases.
 *
 * The reference knows nothing of spans or years: it reads the UTC offset
 * of every UTC hour of 2019-12..2031-12 from glibc (TZ=Europe/Stockholm),
 * gives every local date its hours from sla_day_info() and the spec by its
 * own reading of the rules, and counts open minutes: per UTC hour a prefix
 * sum, inside the hour the prefix over that local day's minutes. Clocks
 * are checked by bisecting instants on the run time their segments give.
 *
 * SLA_SEED=n picks another seed; SLA_CASES=n another number of cases. A
 * mismatch prints the calendar and the case.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "sla.h"
#include "tap.h"

#define DEFAULT_SEED 20260402u
#define DEFAULT_CASES 1000000L
#define NCAL 250
#define MIN_PER_DAY 1440
#define NSCHED (9 + MAX_EXC)
#define MAX_EXC 24
#define MAX_EV 12
#define SPAN_T0 1575158400LL /* 2019-12-01 00:00 UTC */
#define SPAN_T1 1956528000LL /* 2032-01-01 00:00 UTC */
#define CASE_T0 1577836800LL /* 2020-01-01 00:00 UTC */
#define CASE_T1 1924992000LL /* 2031-01-01 00:00 UTC */
#define NHOURS ((SPAN_T1 - SPAN_T0) / 3600)
#define NMIN (NHOURS * 60)

static uint64_t rng;

/* The reference world: glibc's reading of every UTC hour of the span. */
static int32_t *hour_day;   /* local day number of each UTC hour */
static int16_t *hour_min;   /* local minute of day at its start */
static int64_t day0, ndays; /* local days covered */
static struct sla_day *day_info;

/* The current calendar in the reference's own terms. */
static struct sla_calendar_spec spec;
static struct sla_exception exc[MAX_EXC];
static int32_t q[NSCHED][MIN_PER_DAY + 1]; /* open minutes before minute i */
static uint8_t *day_sched;                 /* schedule of each local day */
static int64_t *hour_prefix;               /* open minutes before each UTC hour */

static uint64_t
rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int64_t
rnd_range(int64_t lo, int64_t hi) /* inclusive */
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

static int
world_build(void)
{
	struct tm tm;
	int64_t h, d;
	time_t t;

	setenv("TZ", "Europe/Stockholm", 1);
	tzset();
	hour_day = calloc(NHOURS, sizeof(*hour_day));
	hour_min = calloc(NHOURS, sizeof(*hour_min));
	hour_prefix = calloc(NHOURS + 1, sizeof(*hour_prefix));
	if (hour_day == NULL || hour_min == NULL || hour_prefix == NULL)
		return -1;
	for (h = 0; h < NHOURS; h++) {
		t = (time_t)(SPAN_T0 + h * 3600);
		localtime_r(&t, &tm);
		hour_day[h] = (int32_t)floor_div(SPAN_T0 + h * 3600 + tm.tm_gmtoff, 86400);
		hour_min[h] = (int16_t)(tm.tm_hour * 60 + tm.tm_min);
	}
	day0 = hour_day[0];
	ndays = hour_day[NHOURS - 1] - day0 + 1;
	day_info = calloc((size_t)ndays, sizeof(*day_info));
	day_sched = calloc((size_t)ndays, 1);
	if (day_info == NULL || day_sched == NULL)
		return -1;
	for (d = 0; d < ndays; d++) {
		t = (time_t)((day0 + d) * 86400);
		gmtime_r(&t, &tm);
		if (sla_day_info(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, &day_info[d]) ==
			-1)
			return -1;
		day_info[d].sd_wday = (tm.tm_wday + 6) % 7;
	}
	return 0;
}

/* The rules, read afresh: which hours a local day has. */
static int
ref_sched_of(int64_t d)
{
	const struct sla_day *di = &day_info[d];
	int k;

	for (k = 0; k < (int)spec.cs_nexceptions; k++)
		if (exc[k].sx_year == di->sd_year && exc[k].sx_month == di->sd_month &&
			exc[k].sx_mday == di->sd_mday)
			return 9 + k;
	if (!spec.cs_holidays)
		return di->sd_wday;
	if (di->sd_kind == SLA_DAY_HOLIDAY)
		return 8;
	if (di->sd_kind == SLA_DAY_CLOSED && spec.cs_defacto_closed)
		return 8;
	if (di->sd_kind == SLA_DAY_SHORTENED && spec.cs_week[di->sd_wday].sh_count > 0)
		return 7;
	return di->sd_wday;
}

static void
ref_fill_q(int s, const struct sla_hours *hrs)
{
	int m, i, open;

	q[s][0] = 0;
	for (m = 0; m < MIN_PER_DAY; m++) {
		open = 0;
		for (i = 0; hrs != NULL && i < hrs->sh_count; i++)
			if (m >= hrs->sh_iv[i].si_start && m < hrs->sh_iv[i].si_end)
				open = 1;
		q[s][m + 1] = q[s][m] + open;
	}
}

static void
ref_build(void)
{
	int64_t d, h;
	int s, k;

	for (s = 0; s < 7; s++)
		ref_fill_q(s, &spec.cs_week[s]);
	ref_fill_q(7, &spec.cs_shortened);
	ref_fill_q(8, NULL);
	for (k = 0; k < (int)spec.cs_nexceptions; k++)
		ref_fill_q(9 + k, &exc[k].sx_hours);
	for (d = 0; d < ndays; d++)
		day_sched[d] = (uint8_t)ref_sched_of(d);
	hour_prefix[0] = 0;
	for (h = 0; h < NHOURS; h++) {
		s = day_sched[hour_day[h] - day0];
		hour_prefix[h + 1] =
			hour_prefix[h] + q[s][hour_min[h] + 60] - q[s][hour_min[h]];
	}
}

/* Open minutes of the span before span minute m (0..NMIN). */
static int64_t
ref_prefix(int64_t m)
{
	int64_t h = m / 60;
	int s;

	if (h == NHOURS)
		return hour_prefix[NHOURS];
	s = day_sched[hour_day[h] - day0];
	return hour_prefix[h] + q[s][hour_min[h] + m % 60] - q[s][hour_min[h]];
}

static int
ref_open_minute(int64_t m)
{
	return (int)(ref_prefix(m + 1) - ref_prefix(m));
}

static int64_t
ref_business(int64_t from, int64_t to)
{
	int64_t mf, mt, sum;

	if (to <= from)
		return 0;
	mf = floor_div(from - SPAN_T0, 60);
	mt = floor_div(to - SPAN_T0, 60);
	sum = 60 * (ref_prefix(mt) - ref_prefix(mf));
	sum -= ref_open_minute(mf) * (from - SPAN_T0 - mf * 60);
	if (mt < NMIN)
		sum += ref_open_minute(mt) * (to - SPAN_T0 - mt * 60);
	return sum;
}

/* The first span minute k with ref_prefix(k + 1) >= need; -1 past the span. */
static int64_t
ref_minute_reaching(int64_t need)
{
	int64_t lo = 0, hi = NMIN, mid;

	if (ref_prefix(NMIN) < need)
		return -1;
	while (lo < hi) { /* smallest j in [0, NMIN] with prefix(j) >= need */
		mid = lo + (hi - lo) / 2;
		if (ref_prefix(mid) >= need)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo - 1;
}

/* The earliest t with ref_business(from, t) == s (next opening for 0);
 * -1 if that lies past the span. */
static int64_t
ref_add(int64_t from, int64_t s)
{
	int64_t mf = floor_div(from - SPAN_T0, 60), cap = 0, r, base, k;

	if (ref_open_minute(mf)) {
		cap = SPAN_T0 + (mf + 1) * 60 - from;
		if (s <= cap)
			return from + s;
	}
	r = s - cap;
	base = ref_prefix(mf + 1);
	if (r == 0) {
		k = ref_minute_reaching(base + 1);
		return k < 0 ? -1 : SPAN_T0 + k * 60;
	}
	k = ref_minute_reaching(base + (r + 59) / 60);
	if (k < 0)
		return -1;
	return SPAN_T0 + k * 60 + (r - 60 * (ref_prefix(k) - base));
}

/* Minutes where DST and midnight make trouble come up more often. */
static int
rnd_minute(void)
{
	static const int edge[] = {0, 1, 59, 60, 119, 120, 121, 150, 179, 180, 181, 1439, 1440};

	if (rnd() % 4 == 0)
		return edge[rnd() % (sizeof(edge) / sizeof(edge[0]))];
	return (int)rnd_range(0, MIN_PER_DAY);
}

/* count intervals from 2 * count distinct sorted minutes; 0 on a clash. */
static int
rnd_hours(struct sla_hours *h, int count)
{
	int b[2 * SLA_INTERVALS_MAX], i, j, v;

	for (i = 0; i < 2 * count; i++) {
		v = rnd_minute();
		for (j = i; j > 0 && b[j - 1] > v; j--)
			b[j] = b[j - 1];
		b[j] = v;
	}
	for (i = 1; i < 2 * count; i++)
		if (b[i] == b[i - 1])
			return 0;
	memset(h, 0, sizeof(*h));
	h->sh_count = count;
	for (i = 0; i < count; i++)
		h->sh_iv[i] = (struct sla_interval){b[2 * i], b[2 * i + 1]};
	return 1;
}

static void
rnd_date(int *y, int *m, int *d)
{
	/* Special days, DST Sundays and 2020-2031 at large. */
	static const int pick[][2] = {{3, 29}, {3, 30}, {3, 31}, {10, 25}, {10, 26}, {10, 27},
		{12, 24}, {12, 31}, {1, 1}, {6, 19}, {4, 30}, {1, 5}};
	int64_t days;

	*y = (int)rnd_range(2020, 2031);
	if (rnd() % 3 == 0) {
		int k = (int)(rnd() % (sizeof(pick) / sizeof(pick[0])));

		*m = pick[k][0];
		*d = pick[k][1];
		return;
	}
	days = sla_date_to_days(*y, 1, 1) + rnd_range(0, 364);
	sla_days_to_date(days, y, m, d);
}

static void
rnd_spec(void)
{
	int w, k, dup;

	memset(&spec, 0, sizeof(spec));
	memset(exc, 0, sizeof(exc));
	if (rnd() % 20 == 0) {
		sla_spec_init_24x7(&spec);
	} else {
		for (w = 0; w < 7; w++)
			if (rnd() % 7 != 0)
				while (!rnd_hours(&spec.cs_week[w], (int)rnd_range(1, 3)))
					;
		while (!rnd_hours(&spec.cs_shortened, (int)rnd_range(1, 2)))
			;
		spec.cs_holidays = rnd() % 7 != 0;
		spec.cs_defacto_closed = (int)(rnd() % 2);
	}
	spec.cs_nexceptions = (size_t)rnd_range(0, MAX_EXC);
	for (k = 0; k < (int)spec.cs_nexceptions; k++) {
		do {
			rnd_date(&exc[k].sx_year, &exc[k].sx_month, &exc[k].sx_mday);
			dup = 0;
			for (w = 0; w < k; w++)
				dup |= exc[w].sx_year == exc[k].sx_year &&
					exc[w].sx_month == exc[k].sx_month &&
					exc[w].sx_mday == exc[k].sx_mday;
		} while (dup);
		if (rnd() % 5 < 2)
			exc[k].sx_hours.sh_count = 0;
		else
			while (!rnd_hours(&exc[k].sx_hours, (int)rnd_range(1, 3)))
				;
	}
	spec.cs_exceptions = exc;
}

static void
print_hours(const char *what, const struct sla_hours *h)
{
	char line[256];
	int i, n;

	n = snprintf(line, sizeof(line), "  %s:", what);
	for (i = 0; i < h->sh_count; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %d-%d",
			h->sh_iv[i].si_start, h->sh_iv[i].si_end);
	tap_diag("%s%s", line, h->sh_count == 0 ? " closed" : "");
}

static void
print_spec(void)
{
	static const char *wd[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	char what[32];
	int w;
	size_t k;

	tap_diag("calendar: holidays %d, de facto closed %d", spec.cs_holidays,
		spec.cs_defacto_closed);
	for (w = 0; w < 7; w++)
		print_hours(wd[w], &spec.cs_week[w]);
	print_hours("shortened", &spec.cs_shortened);
	for (k = 0; k < spec.cs_nexceptions; k++) {
		snprintf(what, sizeof(what), "%04d-%02d-%02d", exc[k].sx_year, exc[k].sx_month,
			exc[k].sx_mday);
		print_hours(what, &exc[k].sx_hours);
	}
}

/* A random instant of 2020-2030, often near a DST switch or New Year,
 * often on a whole minute so that it hits interval edges. */
static int64_t
rnd_instant(void)
{
	int64_t t, sw[2];
	int kind = (int)(rnd() % 20);

	if (kind < 3) {
		sla_tz_transitions((int)rnd_range(2020, 2030), &sw[0], &sw[1]);
		t = sw[rnd() % 2] + rnd_range(-36 * 3600, 36 * 3600);
	} else if (kind < 5) {
		t = sla_date_to_days((int)rnd_range(2021, 2030), 1, 1) * 86400 +
			rnd_range(-3 * 86400, 3 * 86400);
	} else {
		t = rnd_range(CASE_T0, CASE_T1 - 1);
	}
	if (rnd() % 3 == 0)
		t = floor_div(t, 60) * 60;
	return t;
}

/* Business seconds to ask for: up to 200 h, less for a sparse calendar so
 * the answer stays inside the span. */
static int64_t
rnd_amount(int64_t week)
{
	int64_t cap = 200 * 3600;

	if (week * 20 < cap)
		cap = week * 20;
	if (cap < 60)
		cap = 60;
	if (rnd() % 10 == 0)
		return 0;
	if (rnd() % 3 == 0)
		return 60 * rnd_range(1, cap / 60);
	return rnd_range(1, cap);
}

static int64_t
spec_week_seconds(void)
{
	int64_t sum = 0;
	int w, i;

	for (w = 0; w < 7; w++)
		for (i = 0; i < spec.cs_week[w].sh_count; i++)
			sum += 60 *
				(spec.cs_week[w].sh_iv[i].si_end -
					spec.cs_week[w].sh_iv[i].si_start);
	return sum;
}

static int
mismatch(const char *what, int64_t a, int64_t b, int64_t got, int64_t want)
{
	tap_diag("MISMATCH %s(%lld, %lld): fast %lld, reference %lld", what, (long long)a,
		(long long)b, (long long)got, (long long)want);
	return 0;
}

/* One case: business time, adding, is_open and next_open from one instant.
 * 1 if all agree, 0 on a mismatch, -1 if the reference ran out of span. */
static int
check_case(const struct sla_calendar *cal, int64_t week)
{
	int64_t from = rnd_instant(), to, s, want, got;

	to = from + rnd_range(-86400, 120 * 86400);
	if (to >= SPAN_T1)
		to = SPAN_T1 - 1;
	s = rnd_amount(week);
	if ((want = ref_add(from, s)) == -1 || ref_add(from, 0) == -1)
		return -1;
	if ((got = sla_add_business_seconds(cal, from, s)) != want)
		return mismatch("sla_add_business_seconds", from, s, got, want);
	want = ref_business(from, to);
	if ((got = sla_business_seconds(cal, from, to)) != want)
		return mismatch("sla_business_seconds", from, to, got, want);
	want = ref_open_minute(floor_div(from - SPAN_T0, 60));
	if ((got = sla_is_open(cal, from)) != want)
		return mismatch("sla_is_open", from, 0, got, want);
	want = ref_add(from, 0);
	if ((got = sla_next_open(cal, from)) != want)
		return mismatch("sla_next_open", from, 0, got, want);
	return 1;
}

/* The reference clock: run segments of the events up to now. */
struct ref_clock {
	int64_t rc_a[MAX_EV], rc_b[MAX_EV];
	int rc_n, rc_running;
	int64_t rc_target;
};

static void
ref_clock_build(struct ref_clock *rc, const struct sla_event *ev, int n, int64_t now)
{
	int i;

	rc->rc_n = 0;
	rc->rc_running = 0;
	rc->rc_target = 0;
	for (i = 0; i < n && ev[i].se_time <= now; i++) {
		if (ev[i].se_kind == SLA_EV_START || ev[i].se_kind == SLA_EV_TARGET)
			rc->rc_target = ev[i].se_target;
		if (ev[i].se_kind == SLA_EV_START || ev[i].se_kind == SLA_EV_RESUME) {
			rc->rc_a[rc->rc_n] = ev[i].se_time;
			rc->rc_b[rc->rc_n++] = SLA_TIME_NEVER;
			rc->rc_running = 1;
		}
		if (ev[i].se_kind == SLA_EV_PAUSE || ev[i].se_kind == SLA_EV_STOP) {
			if (rc->rc_running)
				rc->rc_b[rc->rc_n - 1] = ev[i].se_time;
			rc->rc_running = 0;
		}
	}
}

/* Run time by t if a running clock is left running. */
static int64_t
ref_clock_run(const struct ref_clock *rc, int64_t t)
{
	int64_t sum = 0;
	int i;

	for (i = 0; i < rc->rc_n; i++)
		sum += ref_business(rc->rc_a[i], rc->rc_b[i] < t ? rc->rc_b[i] : t);
	return sum;
}

/* The earliest t by which amount (> 0) has run, by bisection; -1 past the
 * span of a running clock. */
static int64_t
ref_clock_instant(const struct ref_clock *rc, int64_t amount)
{
	int64_t lo = rc->rc_a[0], hi = SPAN_T1 - 1, mid;

	if (ref_clock_run(rc, hi) < amount)
		return rc->rc_running ? -1 : SLA_TIME_NEVER;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ref_clock_run(rc, mid) >= amount)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Random events: START, then pauses, resumes, target changes, maybe STOP. */
static int
rnd_events(struct sla_event *ev, int64_t week, int64_t *now)
{
	int n = 0, steps = (int)rnd_range(0, 8), running = 1, k;
	int64_t t = rnd_instant();

	ev[n++] = (struct sla_event){t, SLA_EV_START, 60 + rnd_amount(week)};
	while (steps-- > 0 && n < MAX_EV - 1) {
		t += rnd() % 4 == 0 ? 0 : rnd_range(1, 3 * 86400);
		if ((k = (int)(rnd() % 10)) < 6)
			ev[n++] = (struct sla_event){
				t, running ? SLA_EV_PAUSE : SLA_EV_RESUME, 0};
		else if (k < 8)
			ev[n++] = (struct sla_event){t, SLA_EV_TARGET, 60 + rnd_amount(week)};
		else
			ev[n++] = (struct sla_event){t, SLA_EV_STOP, 0};
		if (ev[n - 1].se_kind == SLA_EV_STOP)
			break;
		if (ev[n - 1].se_kind != SLA_EV_TARGET)
			running = !running;
	}
	if (rnd() % 10 < 7)
		*now = t + rnd_range(0, 10 * 86400);
	else
		*now = rnd_range(ev[0].se_time, t);
	return n;
}

static int
check_clock(const struct sla_calendar *cal, int64_t week)
{
	struct sla_event ev[MAX_EV];
	struct sla_clock c;
	struct ref_clock rc;
	int64_t now, want_at, want_th;
	int n = rnd_events(ev, week, &now), pct = (int)rnd_range(1, 150);
	char err[256];

	ref_clock_build(&rc, ev, n, now);
	want_at = ref_clock_instant(&rc, rc.rc_target);
	want_th = ref_clock_instant(&rc, (rc.rc_target * pct + 99) / 100);
	if (want_at == -1 || want_th == -1)
		return -1;
	if (sla_clock_eval(&c, cal, ev, (size_t)n, now, err, sizeof(err)) == -1) {
		tap_diag("MISMATCH sla_clock_eval refused: %s", err);
		return 0;
	}
	if (c.ck_target != rc.rc_target || c.ck_elapsed != ref_clock_run(&rc, now) ||
		c.ck_remaining != c.ck_target - c.ck_elapsed ||
		c.ck_breached != (c.ck_elapsed > rc.rc_target) ||
		c.ck_breached_at != (c.ck_breached ? want_at : SLA_TIME_NEVER) ||
		c.ck_due != (c.ck_state == SLA_CLOCK_RUNNING ? want_at : SLA_TIME_NEVER) ||
		(c.ck_state == SLA_CLOCK_RUNNING) != rc.rc_running ||
		sla_clock_threshold_at(&c, pct) != want_th) {
		tap_diag("MISMATCH clock at now=%lld: elapsed %lld/%lld target %lld/%lld due "
			 "%lld "
			 "breached_at %lld, reference instant %lld, %d%% %lld/%lld",
			(long long)now, (long long)c.ck_elapsed,
			(long long)ref_clock_run(&rc, now), (long long)c.ck_target,
			(long long)rc.rc_target, (long long)c.ck_due,
			(long long)c.ck_breached_at, (long long)want_at, pct,
			(long long)sla_clock_threshold_at(&c, pct), (long long)want_th);
		for (int i = 0; i < n; i++)
			tap_diag("  event %d: %lld kind %d target %lld", i + 1,
				(long long)ev[i].se_time, (int)ev[i].se_kind,
				(long long)ev[i].se_target);
		return 0;
	}
	return 1;
}

/* Runs cases on one random calendar; the number of mismatches (0 or 1). */
static int
check_calendar(int index, long ncases, long *skipped, long *clocks)
{
	struct sla_calendar *cal;
	int64_t week;
	char err[256];
	long done = 0;
	int r;

	do
		rnd_spec();
	while ((week = spec_week_seconds()) == 0);
	if ((cal = sla_calendar_new(&spec, err, sizeof(err))) == NULL) {
		tap_diag("calendar %d refused: %s", index, err);
		print_spec();
		return 1;
	}
	ref_build();
	while (done < ncases) {
		r = check_case(cal, week);
		if (r == 1 && done % 8 == 0) {
			r = check_clock(cal, week);
			*clocks += r == 1;
		}
		if (r == 0) {
			tap_diag("calendar %d, case %ld:", index, done + 1);
			print_spec();
			sla_calendar_free(cal);
			return 1;
		}
		if (r == -1)
			(*skipped)++;
		else
			done++;
	}
	sla_calendar_free(cal);
	return 0;
}

int
main(void)
{
	const char *env;
	unsigned long seed = DEFAULT_SEED;
	long ncases = DEFAULT_CASES, skipped = 0, clocks = 0, per;
	int i, bad = 0, group_bad = 0;

	if ((env = getenv("SLA_SEED")) != NULL && *env != '\0')
		seed = strtoul(env, NULL, 0);
	if ((env = getenv("SLA_CASES")) != NULL && *env != '\0')
		ncases = strtol(env, NULL, 0);
	tap_diag("seed %lu (set SLA_SEED to change), %ld cases on %d calendars", seed, ncases,
		NCAL);
	if (access("/usr/share/zoneinfo/Europe/Stockholm", R_OK) != 0) {
		tap_ok(1, "# SKIP no zoneinfo for the glibc reference");
		return tap_done();
	}
	if (!tap_ok(world_build() == 0, "reference built from glibc for 2019-12..2031-12"))
		return tap_done();
	rng = seed;
	per = (ncases + NCAL - 1) / NCAL;
	for (i = 0; i < NCAL && bad + group_bad < 3; i++) {
		group_bad += check_calendar(i + 1, per, &skipped, &clocks);
		if ((i + 1) % 50 == 0 || i + 1 == NCAL) {
			tap_ok(group_bad == 0, "calendars %d-%d: %ld cases each agree",
				i / 50 * 50 + 1, i + 1, per);
			bad += group_bad;
			group_bad = 0;
		}
	}
	bad += group_bad;
	tap_ok(bad == 0, "%ld cases (%ld with a clock) agree, seed %lu", per * NCAL, clocks,
		seed);
	tap_diag("%ld draws left the reference span and were drawn again", skipped);
	free(hour_day);
	free(hour_min);
	free(hour_prefix);
	free(day_info);
	free(day_sched);
	return tap_done();
}
