/*
 * sla_clocks.c: SLA clocks from ticket events and the NIS2/GDPR deadlines,
 * on the Dalsland calendar (Mon-Thu 07:30-16:30, Fri 07:30-16:00,
 * halvdagar 07:30-12:00), every expected instant worked out by hand.
 */
#include <stdlib.h>

#include "sla.h"
#include "tap.h"

#define H 3600
#define M 60
#define NEV(a) (sizeof(a) / sizeof((a)[0]))

static struct sla_calendar *cal;

static int64_t
at(int y, int mo, int d, int h, int mi)
{
	struct sla_local l = {y, mo, d, h, mi, 0, 0, 0};
	int64_t t = -1;

	(void)sla_local_to_utc(&l, &t);
	return t;
}

static void
eval(struct sla_clock *c, const struct sla_event *ev, size_t n, int64_t now)
{
	char err[256];

	if (sla_clock_eval(c, cal, ev, n, now, err, sizeof(err)) == -1) {
		tap_diag("sla_clock_eval: %s", err);
		exit(1);
	}
}

static void
test_running(void)
{
	/* Monday 2 March 2026 08:00, 8 h: open until 16:30, so due 16:00;
	 * 75 % = 6 h is 14:00. At 10:00, 2 h have run. */
	struct sla_event ev[] = {{at(2026, 3, 2, 8, 0), SLA_EV_START, 8 * H}};
	struct sla_clock c;

	eval(&c, ev, NEV(ev), at(2026, 3, 2, 10, 0));
	TAP_IS_STR(sla_clock_state_name(c.ck_state), "running", "running");
	TAP_IS_INT(c.ck_elapsed, 2 * H, "2 h elapsed");
	TAP_IS_INT(c.ck_remaining, 6 * H, "6 h remaining");
	TAP_IS_INT(c.ck_due, at(2026, 3, 2, 16, 0), "due Monday 16:00");
	TAP_IS_INT(sla_clock_threshold_at(&c, 75), at(2026, 3, 2, 14, 0), "75 %% at 14:00");
	TAP_IS_INT(c.ck_breached, 0, "not breached");
	TAP_IS_INT(c.ck_breached_at, SLA_TIME_NEVER, "no breach instant");
	/* Evaluated later that evening: 8.5 h have run, breached at 16:00. */
	eval(&c, ev, NEV(ev), at(2026, 3, 2, 20, 0));
	TAP_IS_INT(c.ck_remaining, -30 * M, "breached by 30 min at 20:00");
	TAP_IS_INT(c.ck_breached_at, at(2026, 3, 2, 16, 0), "breached at 16:00");
}

static void
test_pauses(void)
{
	/* Friday 6 March 14:00, 4 h; paused 15:00 Friday to 09:00 Monday: the
	 * pause costs Friday 15:00-16:00 and Monday 07:30-09:00, nothing for
	 * the weekend. 1 h ran Friday, 3 h more from Monday 09:00: due 12:00. */
	struct sla_event ev[] = {
		{at(2026, 3, 6, 14, 0), SLA_EV_START, 4 * H},
		{at(2026, 3, 6, 15, 0), SLA_EV_PAUSE, 0},
		{at(2026, 3, 9, 9, 0), SLA_EV_RESUME, 0},
	};
	struct sla_clock c;

	eval(&c, ev, NEV(ev), at(2026, 3, 9, 10, 0));
	TAP_IS_INT(c.ck_elapsed, 2 * H, "2 h ran around the weekend pause");
	TAP_IS_INT(c.ck_due, at(2026, 3, 9, 12, 0), "due Monday 12:00");
	/* 25 % = 1 h was reached Friday 15:00, the moment it paused. */
	TAP_IS_INT(
		sla_clock_threshold_at(&c, 25), at(2026, 3, 6, 15, 0), "25 %% at Friday 15:00");
	TAP_IS_INT(sla_clock_threshold_at(&c, 50), at(2026, 3, 9, 10, 0), "50 %% Monday 10:00");
	/* As of Saturday the clock is paused: no due instant. */
	eval(&c, ev, NEV(ev), at(2026, 3, 7, 12, 0));
	TAP_IS_STR(sla_clock_state_name(c.ck_state), "paused", "paused on Saturday");
	TAP_IS_INT(c.ck_due, SLA_TIME_NEVER, "no due instant while paused");
	TAP_IS_INT(sla_clock_threshold_at(&c, 50), SLA_TIME_NEVER,
		"50 %% not reached while paused");
	TAP_IS_INT(c.ck_nevents, 2, "the RESUME after now is not applied");
	/* Closed while paused: STOP adds nothing to the hour that ran. */
	ev[2] = (struct sla_event){at(2026, 3, 9, 9, 0), SLA_EV_STOP, 0};
	eval(&c, ev, NEV(ev), at(2026, 3, 10, 12, 0));
	tap_ok(c.ck_state == SLA_CLOCK_STOPPED && c.ck_elapsed == 1 * H,
		"stopped while paused: 1 h ran");
	TAP_IS_INT(sla_clock_threshold_at(&c, 50), SLA_TIME_NEVER, "50 %% never reached");
}

static void
test_target_and_stop(void)
{
	/* P3 (16 h) from Monday 08:00, raised to P1 (4 h) at 10:00. The new
	 * target is measured from the start: used up at 12:00. */
	struct sla_event ev[] = {
		{at(2026, 3, 2, 8, 0), SLA_EV_START, 16 * H},
		{at(2026, 3, 2, 10, 0), SLA_EV_TARGET, 4 * H},
		{at(2026, 3, 2, 13, 0), SLA_EV_STOP, 0},
	};
	/* 4 h from 12:30 runs out at the 16:30 close; resolved after it. */
	struct sla_event closing[] = {
		{at(2026, 3, 2, 12, 30), SLA_EV_START, 4 * H},
		{at(2026, 3, 2, 18, 0), SLA_EV_STOP, 0},
	};
	struct sla_clock c;

	eval(&c, ev, NEV(ev), at(2026, 3, 2, 12, 30));
	TAP_IS_INT(c.ck_target, 4 * H, "target is the new 4 h");
	TAP_IS_INT(c.ck_breached_at, at(2026, 3, 2, 12, 0), "breached at 12:00");
	eval(&c, ev, NEV(ev), at(2026, 3, 3, 12, 0));
	TAP_IS_STR(sla_clock_state_name(c.ck_state), "stopped", "stopped");
	TAP_IS_INT(c.ck_elapsed, 5 * H, "5 h ran until STOP");
	TAP_IS_INT(c.ck_remaining, -1 * H, "breached by 1 h");
	TAP_IS_INT(c.ck_due, SLA_TIME_NEVER, "no due instant when stopped");
	TAP_IS_INT(sla_clock_threshold_at(&c, 150), SLA_TIME_NEVER, "150 %% never reached");
	TAP_IS_INT(
		sla_clock_threshold_at(&c, 125), at(2026, 3, 2, 13, 0), "125 %% at the STOP");
	eval(&c, closing, NEV(closing), at(2026, 3, 3, 12, 0));
	tap_ok(c.ck_elapsed == 4 * H && !c.ck_breached, "resolved after close, not breached");
	closing[1].se_time = at(2026, 3, 3, 7, 31);
	eval(&c, closing, NEV(closing), at(2026, 3, 3, 12, 0));
	tap_ok(c.ck_breached && c.ck_breached_at == at(2026, 3, 2, 16, 30),
		"resolved 07:31 next day: breached at 16:30");
}

static void
test_threshold_open(void)
{
	/* P2, 8 h, opened skärtorsdagen 2026-04-02 11:00: 1 h until the halvdag
	 * closes at 12:00, then closed until Tue 7 April 07:30. 75 % = 6 h is
	 * Tuesday 12:30, not midnight of any closed day. */
	struct sla_event ev[] = {{at(2026, 4, 2, 11, 0), SLA_EV_START, 8 * H}};
	struct sla_clock c;
	int64_t t;

	eval(&c, ev, NEV(ev), at(2026, 4, 3, 0, 0));
	t = sla_clock_threshold_at(&c, 75);
	TAP_IS_INT(t, at(2026, 4, 7, 12, 30), "75 %% at Tue 7 Apr 12:30");
	tap_ok(sla_is_open(cal, t - 1), "the warning falls in open time");
	TAP_IS_INT(c.ck_due, at(2026, 4, 7, 14, 30), "due Tue 7 Apr 14:30");
	TAP_IS_INT(sla_clock_threshold_at(&c, 0), at(2026, 4, 2, 11, 0), "0 %% at the start");
	TAP_IS_INT(sla_clock_threshold_at(&c, -1), SLA_TIME_NEVER, "a negative percentage");
	ev[0].se_target = INT64_MAX / 2;
	eval(&c, ev, NEV(ev), at(2026, 4, 3, 0, 0));
	TAP_IS_INT(sla_clock_threshold_at(&c, 2000000000), SLA_TIME_NEVER, "no overflow");
	TAP_IS_INT(c.ck_due, SLA_TIME_NEVER, "a target beyond 2200 is never due");
}

static void
refused(const struct sla_event *ev, size_t n, int64_t now, const char *want)
{
	struct sla_clock c;
	char err[256] = "";

	if (!tap_ok(sla_clock_eval(&c, cal, ev, n, now, err, sizeof(err)) == -1 &&
			    strstr(err, want) != NULL,
		    "refused: %s", want))
		tap_diag("  err '%s'", err);
}

static void
test_invalid(void)
{
	int64_t t = at(2026, 3, 2, 8, 0), now = t + 10 * H;
	struct sla_event a[] = {{t, SLA_EV_START, H}, {t + 1, SLA_EV_RESUME, 0}};
	struct sla_event b[] = {{t, SLA_EV_START, H}, {t - 1, SLA_EV_PAUSE, 0}};
	struct sla_event c[] = {
		{t, SLA_EV_START, H}, {t + 1, SLA_EV_STOP, 0}, {t + 2, SLA_EV_TARGET, H}};
	struct sla_event d[] = {{t, SLA_EV_PAUSE, 0}};
	struct sla_event e[] = {
		{t, SLA_EV_START, H}, {t + 1, SLA_EV_PAUSE, 0}, {t + 2, SLA_EV_PAUSE, 0}};
	struct sla_event f[] = {{t, SLA_EV_START, H}, {t, SLA_EV_START, H}};
	struct sla_event g[] = {{t, SLA_EV_START, -5}};
	struct sla_event h[] = {{t, (enum sla_event_kind)42, 0}};
	struct sla_event i[] = {{t, SLA_EV_START, H}, {t + 1, (enum sla_event_kind)42, 0}};

	refused(a, NEV(a), now, "event 2: RESUME without PAUSE");
	refused(b, NEV(b), now, "event 2: PAUSE at");
	refused(c, NEV(c), now, "event 3: TARGET after STOP");
	refused(d, NEV(d), now, "event 1: the first event must be START");
	refused(e, NEV(e), now, "event 3: PAUSE while paused");
	refused(f, NEV(f), now, "event 2: START after START");
	refused(g, NEV(g), now, "event 1: negative target -5");
	refused(h, NEV(h), now, "the first event must be START");
	refused(i, NEV(i), now, "event 2: unknown event is not a known event kind");
	refused(a, 0, now, "must be START");
	refused(a, 1, t - 1, "the clock starts after now");
	/* Errors after now still count: the sequence is wrong as stored. */
	refused(c, NEV(c), t, "event 3: TARGET after STOP");
}

static void
test_regulatory(void)
{
	struct sla_regulatory r;
	int64_t aware = at(2026, 1, 29, 10, 0);

	TAP_IS_INT(sla_compute_regulatory(aware, SLA_TIME_NEVER, &r), 0, "deadlines computed");
	TAP_IS_INT(r.sr_nis2_early_warning, at(2026, 1, 30, 10, 0), "NIS2 early warning +24 h");
	TAP_IS_INT(r.sr_nis2_notification, at(2026, 2, 1, 10, 0), "NIS2 notification +72 h");
	TAP_IS_INT(r.sr_gdpr_imy, at(2026, 2, 1, 10, 0), "GDPR to IMY +72 h");
	/* Not notified yet: a month after the notification deadline 1 Feb. */
	TAP_IS_INT(r.sr_nis2_final_report, at(2026, 3, 1, 10, 0), "final report 1 March 10:00");
	TAP_IS_INT(r.sr_final_from_actual, 0, "counted from the deadline");
	/* Notified 31 Jan 09:00: a month later is clamped to 28 Feb 09:00. */
	sla_compute_regulatory(aware, at(2026, 1, 31, 9, 0), &r);
	TAP_IS_INT(r.sr_nis2_final_report, at(2026, 2, 28, 9, 0), "final report 28 Feb 09:00");
	TAP_IS_INT(r.sr_final_from_actual, 1, "counted from the notification");
	/* 72 real hours across the spring switch: Fri 27 March 12:00 CET is
	 * Mon 30 March 13:00 CEST on the wall; the month keeps the wall time. */
	aware = at(2026, 3, 27, 12, 0);
	sla_compute_regulatory(aware, SLA_TIME_NEVER, &r);
	TAP_IS_INT(r.sr_nis2_notification, at(2026, 3, 30, 13, 0), "72 h is Mon 13:00 CEST");
	TAP_IS_INT(r.sr_nis2_final_report, at(2026, 4, 30, 13, 0), "final report 30 Apr 13:00");
	TAP_IS_INT(sla_compute_regulatory(aware, aware - 1, &r), -1, "notified before aware");
	TAP_IS_INT(sla_compute_regulatory(at(1899, 6, 1, 0, 0), SLA_TIME_NEVER, &r), -1,
		"1899 is out of range");
}

int
main(void)
{
	struct sla_calendar_spec s;
	char err[256];

	sla_spec_init_dalsland(&s);
	if ((cal = sla_calendar_new(&s, err, sizeof(err))) == NULL) {
		tap_diag("%s", err);
		return 1;
	}
	test_running();
	test_pauses();
	test_target_and_stop();
	test_threshold_open();
	test_invalid();
	test_regulatory();
	sla_calendar_free(cal);
	return tap_done();
}
