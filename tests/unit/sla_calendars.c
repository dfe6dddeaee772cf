/*
 * sla_calendars.c: calendar specs, opening hours on holidays, halvdagar,
 * DST nights and exceptions, and SLA deadlines worked out by hand.
 */
#include <pthread.h>
#include <stdlib.h>

#include "sla.h"
#include "tap.h"

#define H 3600
#define M 60

/* UTC of a Stockholm wall time (tested against glibc in sla_tz_glibc). */
static int64_t
at(int y, int mo, int d, int h, int mi)
{
	struct sla_local l = {y, mo, d, h, mi, 0, 0, 0};
	int64_t t = -1;

	(void)sla_local_to_utc(&l, &t);
	return t;
}

static struct sla_calendar *
cal_new(const struct sla_calendar_spec *spec)
{
	char err[256];
	struct sla_calendar *cal = sla_calendar_new(spec, err, sizeof(err));

	if (cal == NULL) {
		tap_diag("sla_calendar_new: %s", err);
		exit(1);
	}
	return cal;
}

/* 0 if the spec is refused with a message containing want. */
static void
refused(const struct sla_calendar_spec *spec, const char *want, const char *what)
{
	char err[256] = "";
	struct sla_calendar *cal = sla_calendar_new(spec, err, sizeof(err));

	if (!tap_ok(cal == NULL && strstr(err, want) != NULL, "refused: %s", what))
		tap_diag("  err '%s', wanted '%s'", err, want);
	sla_calendar_free(cal);
}

static void
test_specs(void)
{
	struct sla_calendar_spec s;
	struct sla_exception x[2];

	sla_spec_init_dalsland(&s);
	s.cs_week[0].sh_count = 2;
	s.cs_week[0].sh_iv[1] = (struct sla_interval){16 * 60, 17 * 60};
	refused(&s, "Monday interval 2: starts 16:00 before interval 1 ends 16:30", "overlap");
	s.cs_week[0].sh_iv[1] = (struct sla_interval){6 * 60, 7 * 60};
	refused(&s, "overlapping or unsorted", "unsorted");
	sla_spec_init_dalsland(&s);
	s.cs_week[2].sh_iv[0].si_end = 1500;
	refused(&s, "Wednesday interval 1: 450-1500 out of range", "minute out of range");
	s.cs_week[2].sh_iv[0] = (struct sla_interval){600, 600};
	refused(&s, "Wednesday interval 1: end 10:00 is not after start 10:00", "empty");
	sla_spec_init_dalsland(&s);
	s.cs_shortened.sh_count = 5;
	refused(&s, "shortened day: 5 intervals", "too many intervals");
	sla_spec_init_dalsland(&s);
	memset(x, 0, sizeof(x));
	x[0] = (struct sla_exception){2026, 2, 29, {0, {{0, 0}}}};
	s.cs_exceptions = x;
	s.cs_nexceptions = 1;
	refused(&s, "exception 1: no such date 2026-02-29", "bad exception date");
	x[0].sx_mday = 28;
	x[1] = x[0];
	s.cs_nexceptions = 2;
	refused(&s, "exceptions 1 and 2 are both for 2026-02-28", "repeated exception");
	x[1].sx_hours = (struct sla_hours){1, {{720, 600}}};
	x[1].sx_mday = 27;
	refused(&s, "exception 2026-02-27 interval 1: end 10:00", "bad exception hours");
}

static void
test_dalsland(void)
{
	struct sla_calendar_spec s;
	struct sla_calendar *cal;
	struct sla_hours h;

	sla_spec_init_dalsland(&s);
	cal = cal_new(&s);
	tap_ok(sla_is_open(cal, at(2026, 3, 2, 7, 30)), "open Monday 07:30");
	tap_ok(!sla_is_open(cal, at(2026, 3, 2, 7, 30) - 1), "closed Monday 07:29:59");
	tap_ok(!sla_is_open(cal, at(2026, 3, 2, 16, 30)), "closed Monday 16:30");
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 3, 2, 0, 0), at(2026, 3, 9, 0, 0)),
		4 * 9 * H + 8 * H + 30 * M, "an ordinary week is 44.5 h");
	/* Easter week 2026: Mon-Wed 3 x 9 h, skärtorsdagen 07:30-12:00, then closed
	 * until Tuesday after annandag påsk. */
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 3, 30, 0, 0), at(2026, 4, 7, 0, 0)),
		27 * H + 4 * H + 30 * M, "Easter week 2026 is 31.5 h");
	TAP_IS_INT(sla_calendar_day_hours(cal, 2026, 4, 2, &h), 0, "hours of skärtorsdagen");
	tap_ok(h.sh_count == 1 && h.sh_iv[0].si_start == 450 && h.sh_iv[0].si_end == 720,
		"skärtorsdagen is 07:30-12:00");
	/* Midsummer 2026: Friday 19 June closed, the week is Mon-Thu only. */
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 6, 15, 0, 0), at(2026, 6, 22, 0, 0)),
		36 * H, "midsummer week 2026 is 36 h");
	/* Christmas 2026: 21-23 Dec 27 h, 24 Thu closed, 25 Fri holiday. */
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 12, 21, 0, 0), at(2026, 12, 28, 0, 0)),
		27 * H, "Christmas week 2026 is 27 h");
	/* New Year: 28-30 Dec 27 h, 31 closed, 1 Jan holiday. */
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 12, 28, 0, 0), at(2027, 1, 4, 0, 0)),
		27 * H, "New Year week 2026/27 is 27 h");
	/* 2027: 5 Jan trettondagsafton (Tue) 4.5 h, 6 Jan holiday. */
	TAP_IS_INT(sla_business_seconds(cal, at(2027, 1, 4, 0, 0), at(2027, 1, 9, 0, 0)),
		9 * H + 4 * H + 30 * M + 9 * H + 8 * H + 30 * M, "week of 6 Jan 2027 is 31 h");
	/* Valborg 2026 is a Thursday (4.5 h), första maj a Friday. */
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 4, 27, 0, 0), at(2026, 5, 4, 0, 0)),
		27 * H + 4 * H + 30 * M, "Valborg week 2026 is 31.5 h");
	/* Ascension 2026 is Thursday 14 May; Wednesday 13 is a halvdag. */
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 5, 11, 0, 0), at(2026, 5, 18, 0, 0)),
		18 * H + 4 * H + 30 * M + 8 * H + 30 * M, "Ascension week 2026 is 31 h");
	/* Allhelgonaafton 2026 is Friday 30 Oct: 07:30-12:00. */
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 10, 26, 0, 0), at(2026, 11, 2, 0, 0)),
		36 * H + 4 * H + 30 * M, "All Saints week 2026 is 40.5 h");
	TAP_IS_INT(sla_next_open(cal, at(2026, 4, 2, 12, 0)), at(2026, 4, 7, 7, 30),
		"after skärtorsdagen noon the desk opens Tuesday 07:30");
	TAP_IS_INT(sla_next_open(cal, at(2026, 4, 7, 9, 0)), at(2026, 4, 7, 9, 0),
		"next_open of an open moment is that moment");
	sla_calendar_free(cal);
}

/*
 * Deadlines worked out by hand on the Dalsland calendar (Mon-Thu
 * 07:30-16:30, Fri 07:30-16:00, halvdagar 07:30-12:00).
 */
static void
test_deadlines(void)
{
	struct sla_calendar_spec s;
	struct sla_calendar *cal;

	sla_spec_init_dalsland(&s);
	cal = cal_new(&s);
	/* P2, 8 business hours, opened skärtorsdagen 2026-04-02 15:00: the
	 * halvdag closed at 12:00; Fri 3 långfredagen, Sat, Sun, Mon 6 annandag
	 * påsk are closed; Tue 7 April 07:30 + 8 h = 15:30 CEST. */
	TAP_IS_INT(sla_add_business_seconds(cal, at(2026, 4, 2, 15, 0), 8 * H),
		at(2026, 4, 7, 15, 30), "P2 opened skärtorsdagen 15:00 is due Tue 7 Apr 15:30");
	/* 8 h from Wed 1 April 14:00: Wed 2.5 h, Thu 4.5 h (to 12:00), 1 h left
	 * for Tuesday: 08:30. */
	TAP_IS_INT(sla_add_business_seconds(cal, at(2026, 4, 1, 14, 0), 8 * H),
		at(2026, 4, 7, 8, 30), "8 h from Wed 1 Apr 14:00 is Tue 7 Apr 08:30");
	/* 4 h from Thu 18 June 15:00: 1.5 h Thursday, midsommarafton and
	 * midsommardagen closed, Mon 22 June 07:30 + 2.5 h = 10:00. */
	TAP_IS_INT(sla_add_business_seconds(cal, at(2026, 6, 18, 15, 0), 4 * H),
		at(2026, 6, 22, 10, 0), "4 h over midsummer is Mon 22 June 10:00");
	/* 16 h from Wed 23 Dec 13:00: 3.5 h; 24-27 closed; Mon 28 9 h (12.5);
	 * Tue 29 07:30 + 3.5 h = 11:00. */
	TAP_IS_INT(sla_add_business_seconds(cal, at(2026, 12, 23, 13, 0), 16 * H),
		at(2026, 12, 29, 11, 0), "16 h over Christmas is Tue 29 Dec 11:00");
	/* 2 h from Wed 30 Dec 16:00: 0.5 h; 31 Dec, 1 Jan, weekend closed;
	 * Mon 4 Jan 2027 07:30 + 1.5 h = 09:00. */
	TAP_IS_INT(sla_add_business_seconds(cal, at(2026, 12, 30, 16, 0), 2 * H),
		at(2027, 1, 4, 9, 0), "2 h over New Year is Mon 4 Jan 09:00");
	/* 3 h from Fri 27 March 15:00 CET: 1 h Friday, the clocks go forward on
	 * Sunday, Mon 30 March 07:30 CEST + 2 h = 09:30 CEST (07:30 UTC). */
	TAP_IS_INT(sla_add_business_seconds(cal, at(2026, 3, 27, 15, 0), 3 * H),
		at(2026, 3, 30, 9, 30), "3 h over the spring DST weekend is Mon 09:30");
	/* Used up exactly at closing: due at 16:30, not the next morning. */
	TAP_IS_INT(sla_add_business_seconds(cal, at(2026, 3, 2, 12, 30), 4 * H),
		at(2026, 3, 2, 16, 30), "4 h from 12:30 is due at the 16:30 close");
	TAP_IS_INT(sla_add_business_seconds(cal, at(2026, 3, 2, 16, 30), 0),
		at(2026, 3, 3, 7, 30), "0 s from the close is the next opening");
	TAP_IS_INT(sla_add_business_seconds(cal, at(2026, 3, 2, 10, 0), 0),
		at(2026, 3, 2, 10, 0), "0 s from an open moment is that moment");
	/* 100 h from Mon 2 March 07:30: weeks of 44.5 h, 89 h by Fri 13 March
	 * 16:00; 11 h more is Mon 16 (9 h) and Tue 17 07:30 + 2 h = 09:30. */
	TAP_IS_INT(sla_add_business_seconds(cal, at(2026, 3, 2, 7, 30), 100 * H),
		at(2026, 3, 17, 9, 30), "100 h from Mon 2 March is Tue 17 March 09:30");
	/* Across a year end: 10 h from Wed 30 Dec 2026 08:00 = 8.5 h + 1.5 h. */
	TAP_IS_INT(sla_add_business_seconds(cal, at(2026, 12, 30, 8, 0), 10 * H),
		at(2027, 1, 4, 9, 0), "10 h from 30 Dec 08:00 is Mon 4 Jan 09:00");
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 12, 30, 8, 0), at(2027, 1, 4, 9, 0)),
		10 * H, "and back: 10 h between them");
	TAP_IS_INT(sla_business_seconds(cal, at(2027, 1, 4, 9, 0), at(2026, 12, 30, 8, 0)), 0,
		"a backwards range has no business time");
	sla_calendar_free(cal);
}

static void
test_dst(void)
{
	struct sla_calendar_spec s;
	struct sla_calendar *cal;
	int wday;

	sla_spec_init_24x7(&s);
	s.cs_holidays = 1; /* whole days, but still closed on holidays */
	cal = cal_new(&s);
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 3, 29, 0, 0), at(2026, 3, 30, 0, 0)),
		23 * H, "00:00-24:00 on 2026-03-29 is 23 h");
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 10, 25, 0, 0), at(2026, 10, 26, 0, 0)),
		25 * H, "00:00-24:00 on 2026-10-25 is 25 h");
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 12, 24, 0, 0), at(2026, 12, 27, 0, 0)),
		24 * H, "24, 25, 26 Dec: only julafton is open here");
	sla_calendar_free(cal);

	/* Hours that touch the switch hour itself. */
	memset(&s, 0, sizeof(s));
	for (wday = 0; wday < 7; wday++)
		s.cs_week[wday] = (struct sla_hours){1, {{150, 240}}}; /* 02:30-04:00 */
	cal = cal_new(&s);
	/* Spring: 02:30-03:00 never shows, so 03:00-04:00 CEST: 1 h. */
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 3, 29, 0, 0), at(2026, 3, 30, 0, 0)),
		1 * H, "02:30-04:00 on the spring night is 1 h");
	/* Autumn: 02:30-03:00 CEST (00:30-01:00 UTC), then the clock shows
	 * 02:00 CET and reaches 02:30 again at 01:30 UTC: open until 04:00 CET. */
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 10, 25, 0, 0), at(2026, 10, 26, 0, 0)),
		2 * H, "02:30-04:00 on the autumn night is 2 h, in two pieces");
	tap_ok(sla_is_open(cal, 1792890000 - 15 * M), "open at 02:45 CEST");
	tap_ok(!sla_is_open(cal, 1792890000 + 15 * M), "closed at the repeated 02:15 CET");
	tap_ok(sla_is_open(cal, 1792890000 + 45 * M), "open again at 02:45 CET");
	sla_calendar_free(cal);
}

static void
test_exceptions(void)
{
	struct sla_exception x[3] = {
		{2026, 3, 4, {0, {{0, 0}}}},              /* Wednesday closed */
		{2026, 3, 7, {1, {{10 * 60, 14 * 60}}}},  /* Saturday 10-14 */
		{2026, 12, 24, {1, {{8 * 60, 12 * 60}}}}, /* julafton 08-12 */
	};
	struct sla_calendar_spec s;
	struct sla_calendar *cal;

	sla_spec_init_dalsland(&s);
	s.cs_exceptions = x;
	s.cs_nexceptions = 3;
	cal = cal_new(&s);
	memset(x, 0, sizeof(x)); /* the calendar keeps its own copy */
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 3, 2, 0, 0), at(2026, 3, 9, 0, 0)),
		44 * H + 30 * M - 9 * H + 4 * H, "closed Wednesday, open Saturday 10-14");
	tap_ok(sla_is_open(cal, at(2026, 3, 7, 13, 59)), "open Saturday 13:59");
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 12, 24, 0, 0), at(2026, 12, 25, 0, 0)),
		4 * H, "julafton opened 08-12 by exception");
	sla_calendar_free(cal);

	sla_spec_init_24x7(&s);
	cal = cal_new(&s);
	TAP_IS_INT(sla_add_business_seconds(cal, at(2026, 3, 28, 23, 0), 5 * H),
		at(2026, 3, 28, 23, 0) + 5 * H, "24/7 adds real time across the DST switch");
	TAP_IS_INT(sla_business_seconds(cal, at(2026, 12, 31, 0, 0), at(2027, 1, 2, 0, 0)),
		48 * H, "24/7 is open over New Year");
	TAP_IS_INT(sla_add_business_seconds(cal, at(2200, 12, 31, 12, 0), 24 * H),
		SLA_TIME_NEVER, "no time past 2200");
	TAP_IS_INT(sla_business_seconds(cal, at(1899, 12, 31, 0, 0), at(1900, 1, 1, 1, 0)),
		1 * H, "nothing is open before 1900");
	/* Extremes do not overflow (the sanitizer build would say so). */
	TAP_IS_INT(sla_business_seconds(cal, INT64_MIN, INT64_MAX),
		at(2201, 1, 1, 0, 0) - at(1900, 1, 1, 0, 0), "all of 1900-2200 is 301 years");
	TAP_IS_INT(sla_add_business_seconds(cal, 0, INT64_MAX), SLA_TIME_NEVER, "INT64_MAX s");
	TAP_IS_INT(
		sla_add_business_seconds(cal, INT64_MAX, 1), SLA_TIME_NEVER, "from INT64_MAX");
	TAP_IS_INT(sla_next_open(cal, INT64_MIN), at(1900, 1, 1, 0, 0), "from INT64_MIN");
	TAP_IS_INT(sla_is_open(cal, INT64_MAX), 0, "nothing is open at INT64_MAX");
	sla_calendar_free(cal);
}

struct race {
	const struct sla_calendar *r_cal;
	int64_t r_sum;
};

static void *
race_run(void *arg)
{
	struct race *r = arg;
	int64_t t = at(2026, 1, 1, 0, 0);
	int i;

	r->r_sum = 0;
	for (i = 0; i < 2000; i++)
		r->r_sum +=
			sla_add_business_seconds(r->r_cal, t + (int64_t)i * 86400 * 5, 40 * H);
	return NULL;
}

/* Years are built on first use by whichever thread gets there first. */
static void
test_threads(void)
{
	struct sla_calendar_spec s;
	struct sla_calendar *cal;
	struct race r[4];
	pthread_t th[4];
	int i, ok = 1;

	sla_spec_init_dalsland(&s);
	cal = cal_new(&s);
	for (i = 0; i < 4; i++) {
		r[i].r_cal = cal;
		if (pthread_create(&th[i], NULL, race_run, &r[i]) != 0)
			ok = 0;
	}
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	for (i = 1; i < 4; i++)
		ok = ok && r[i].r_sum == r[0].r_sum;
	tap_ok(ok, "four threads building the same years agree");
	TAP_IS_INT(sla_calendar_prepare(cal, 2020, 2030), 0, "prepare builds 2020-2030");
	sla_calendar_free(cal);
}

int
main(void)
{
	test_specs();
	test_dalsland();
	test_deadlines();
	test_dst();
	test_exceptions();
	test_threads();
	return tap_done();
}
