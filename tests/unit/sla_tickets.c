/*
 * sla_tickets.c: a ticket's clocks from its history (sla_ticket_eval) on
 * the Dalsland calendar (Mon-Thu 07:30-16:30, Fri 07:30-16:00, halvdagar
 * 07:30-12:00): weekends, Easter, waiting, priority changes, reopening,
 * support lines, next-update cycles and when warnings fire. Every expected
 * instant is worked out by hand in the comment above it.
 */
#include <stdlib.h>

#include "sla.h"
#include "tap.h"

#define H 3600
#define M 60
#define NEV(a) (sizeof(a) / sizeof((a)[0]))

static struct sla_calendar *cal;
static struct sla_ticket_policy pol;
static struct sla_ticket_clock out[SLA_CK__COUNT];
static const int percents[] = {75, 100};

static int64_t
at(int y, int mo, int d, int h, int mi)
{
	struct sla_local l = {y, mo, d, h, mi, 0, 0, 0};
	int64_t t = -1;

	(void)sla_local_to_utc(&l, &t);
	return t;
}

/* Every clock on the Dalsland calendar, the same targets at each priority. */
static void
policy(int64_t fr, int64_t nu, int64_t res, int64_t ola1, int64_t ola2)
{
	int64_t t[SLA_CK__COUNT] = {fr, nu, res, ola1, ola2};
	int k, p;

	for (k = 0; k < SLA_CK__COUNT; k++) {
		for (p = 0; p < 4; p++)
			pol.tp_target[k][p] = t[k];
		pol.tp_cal[k] = cal;
	}
	pol.tp_pause_supplier = 0;
}

static void
eval(const struct sla_tev *ev, size_t n, int64_t now)
{
	struct sla_event work[SLA_TICKET_WORK(16)];
	char err[256];

	if (n > 16 ||
		sla_ticket_eval(ev, n, &pol, percents, 2, now, work, NEV(work), out, err,
			sizeof(err)) == -1) {
		tap_diag("sla_ticket_eval: %s", err);
		exit(1);
	}
}

#define CREATED(t, prio, line)                                                                 \
	{                                                                                      \
		(t), SLA_TEV_CREATED, (prio), (line), SLA_WAIT_NONE                            \
	}
#define EV(t, kind)                                                                            \
	{                                                                                      \
		(t), (kind), 0, 0, SLA_WAIT_NONE                                               \
	}
#define WAIT(t, w)                                                                             \
	{                                                                                      \
		(t), SLA_TEV_WAIT, 0, 0, (w)                                                   \
	}
#define PRIO(t, p)                                                                             \
	{                                                                                      \
		(t), SLA_TEV_PRIORITY, (p), 0, SLA_WAIT_NONE                                   \
	}
#define LINE(t, l)                                                                             \
	{                                                                                      \
		(t), SLA_TEV_LINE, 0, (l), SLA_WAIT_NONE                                       \
	}

static void
test_weekend(void)
{
	/* Filed Friday 6 March 2026 14:00. By Monday 10:00, 2 h ran on Friday
	 * (to 16:00) and 2.5 h on Monday from 07:30: 4.5 h. Resolution 8 h
	 * is due Monday 13:30; 75 % = 6 h came Monday 11:30. First response
	 * 4 h ran out Monday 09:30. */
	struct sla_tev ev[] = {CREATED(at(2026, 3, 6, 14, 0), 3, 1)};
	const struct sla_ticket_clock *res = &out[SLA_CK_RESOLUTION];
	const struct sla_ticket_clock *fr = &out[SLA_CK_FIRST_RESPONSE];

	policy(4 * H, -1, 8 * H, -1, -1);
	eval(ev, NEV(ev), at(2026, 3, 9, 10, 0));
	TAP_IS_INT(res->tc_present, 1, "weekend: resolution clock present");
	TAP_IS_STR(sla_clock_state_name(res->tc_state), "running", "weekend: running");
	TAP_IS_INT(res->tc_elapsed, 4 * H + 30 * M, "weekend: 4.5 h elapsed, none of Sat-Sun");
	TAP_IS_INT(res->tc_remaining, 3 * H + 30 * M, "weekend: 3.5 h remaining");
	TAP_IS_INT(res->tc_due, at(2026, 3, 9, 13, 30), "weekend: due Monday 13:30");
	TAP_IS_INT(res->tc_reached[0], at(2026, 3, 9, 11, 30), "weekend: 75 %% Monday 11:30");
	TAP_IS_INT(res->tc_reached[1], at(2026, 3, 9, 13, 30), "weekend: 100 %% Monday 13:30");
	TAP_IS_INT(fr->tc_remaining, -30 * M, "weekend: first response breached by 30 min");
	TAP_IS_INT(fr->tc_breached_at, at(2026, 3, 9, 9, 30), "weekend: breached Monday 09:30");
	TAP_IS_INT(out[SLA_CK_NEXT_UPDATE].tc_present, 0, "no target: no next-update clock");
	TAP_IS_INT(out[SLA_CK_OLA_LINE1].tc_present, 0, "no OLA target: no OLA clock");
}

static void
test_easter(void)
{
	/* Filed Wednesday 1 April 2026 15:00, 9 h: 1.5 h on Wednesday,
	 * skärtorsdagen is a halvdag (07:30-12:00, 4.5 h), långfredagen and
	 * annandag påsk are closed: 3 h are left on Tuesday 7 April from
	 * 07:30, due 10:30. At 09:00 on Tuesday 7.5 h have run. */
	struct sla_tev ev[] = {CREATED(at(2026, 4, 1, 15, 0), 2, 1)};
	const struct sla_ticket_clock *res = &out[SLA_CK_RESOLUTION];

	policy(-1, -1, 9 * H, -1, -1);
	eval(ev, NEV(ev), at(2026, 4, 7, 9, 0));
	TAP_IS_INT(res->tc_elapsed, 7 * H + 30 * M, "Easter: 7.5 h by Tuesday 09:00");
	TAP_IS_INT(res->tc_due, at(2026, 4, 7, 10, 30), "Easter: due Tuesday 10:30");
	/* 75 % = 6.75 h: Wednesday 1.5 h + 4.5 h Thursday = 6 h, then 45 min. */
	TAP_IS_INT(res->tc_reached[0], at(2026, 4, 7, 8, 15), "Easter: 75 %% Tuesday 08:15");
}

static void
test_waiting(void)
{
	/* Filed Monday 2 March 08:00, 8 h; waiting for the requester from
	 * 09:00 to Tuesday 10:00. By Tuesday 12:00: 1 h + 2 h = 3 h. The
	 * other 5 h: 4.5 h to 16:30, then Wednesday 07:30 + 30 min. */
	struct sla_tev ev[] = {
		CREATED(at(2026, 3, 2, 8, 0), 3, 1),
		WAIT(at(2026, 3, 2, 9, 0), SLA_WAIT_REQUESTER),
		WAIT(at(2026, 3, 3, 10, 0), SLA_WAIT_NONE),
	};
	const struct sla_ticket_clock *res = &out[SLA_CK_RESOLUTION];

	policy(-1, -1, 8 * H, -1, -1);
	eval(ev, NEV(ev), at(2026, 3, 3, 12, 0));
	TAP_IS_INT(res->tc_elapsed, 3 * H, "waiting for the requester does not count");
	TAP_IS_INT(res->tc_due, at(2026, 3, 4, 8, 0), "due Wednesday 08:00");
	/* While it waits: paused, no due instant, no warning instant. */
	eval(ev, 2, at(2026, 3, 2, 15, 0));
	TAP_IS_STR(sla_clock_state_name(res->tc_state), "paused", "paused while waiting");
	TAP_IS_INT(res->tc_due, SLA_TIME_NEVER, "paused: no due instant");
	TAP_IS_INT(res->tc_reached[0], SLA_TIME_NEVER, "paused: no warning instant");
}

static void
test_supplier(void)
{
	/* Waiting for a supplier Monday 09:00-11:00: counts unless the policy
	 * pauses for suppliers. Filed 08:00, evaluated 12:00. */
	struct sla_tev ev[] = {
		CREATED(at(2026, 3, 2, 8, 0), 3, 1),
		WAIT(at(2026, 3, 2, 9, 0), SLA_WAIT_SUPPLIER),
		WAIT(at(2026, 3, 2, 11, 0), SLA_WAIT_NONE),
	};

	policy(-1, -1, 8 * H, -1, -1);
	eval(ev, NEV(ev), at(2026, 3, 2, 12, 0));
	TAP_IS_INT(out[SLA_CK_RESOLUTION].tc_elapsed, 4 * H, "supplier wait counts by default");
	pol.tp_pause_supplier = 1;
	eval(ev, NEV(ev), at(2026, 3, 2, 12, 0));
	TAP_IS_INT(out[SLA_CK_RESOLUTION].tc_elapsed, 2 * H, "or pauses when the policy says");
}

static void
test_priority(void)
{
	/* Filed Monday 08:00 as P4 (resolution 45 h), raised to P1 (4 h) at
	 * 10:00: the P1 target applies to the whole clock, so at 13:00 5 h
	 * have run against 4 h: breached at 12:00. */
	struct sla_tev ev[] = {
		CREATED(at(2026, 3, 2, 8, 0), 4, 1),
		PRIO(at(2026, 3, 2, 10, 0), 1),
	};
	const struct sla_ticket_clock *res = &out[SLA_CK_RESOLUTION];

	policy(-1, -1, 45 * H, -1, -1);
	pol.tp_target[SLA_CK_RESOLUTION][0] = 4 * H;
	eval(ev, NEV(ev), at(2026, 3, 2, 13, 0));
	TAP_IS_INT(res->tc_target, 4 * H, "priority change: the P1 target applies");
	TAP_IS_INT(res->tc_remaining, -H, "breached by 1 h");
	TAP_IS_INT(res->tc_breached_at, at(2026, 3, 2, 12, 0), "breached at 12:00");
	/* Evaluated before the change: still the P4 target. */
	eval(ev, NEV(ev), at(2026, 3, 2, 9, 0));
	TAP_IS_INT(res->tc_target, 45 * H, "before the change: the P4 target");
}

static void
test_reopen(void)
{
	/* Filed Monday 08:00, resolved 10:00, reopened Tuesday 09:00: the
	 * time it lay resolved does not count; at Tuesday 11:00, 2 h + 2 h. */
	struct sla_tev ev[] = {
		CREATED(at(2026, 3, 2, 8, 0), 3, 1),
		EV(at(2026, 3, 2, 10, 0), SLA_TEV_RESOLVED),
		EV(at(2026, 3, 3, 9, 0), SLA_TEV_REOPENED),
	};
	const struct sla_ticket_clock *res = &out[SLA_CK_RESOLUTION];

	policy(-1, -1, 8 * H, -1, -1);
	eval(ev, 2, at(2026, 3, 3, 8, 0));
	TAP_IS_STR(sla_clock_state_name(res->tc_state), "stopped", "resolved: stopped");
	TAP_IS_INT(res->tc_elapsed, 2 * H, "resolved after 2 h");
	TAP_IS_INT(res->tc_stopped_at, at(2026, 3, 2, 10, 0), "stopped at the resolution");
	eval(ev, NEV(ev), at(2026, 3, 3, 11, 0));
	TAP_IS_STR(sla_clock_state_name(res->tc_state), "running", "reopened: running again");
	TAP_IS_INT(res->tc_elapsed, 4 * H, "reopened: 2 h + 2 h");
	TAP_IS_INT(res->tc_stopped_at, SLA_TIME_NEVER, "reopened: no stop");
}

static void
test_lines(void)
{
	/* First line holds it Monday 08:00-11:00, second line 11:00-15:00,
	 * then it comes back to first line. */
	struct sla_tev ev[] = {
		CREATED(at(2026, 3, 2, 8, 0), 3, 1),
		LINE(at(2026, 3, 2, 11, 0), 2),
		LINE(at(2026, 3, 2, 15, 0), 1),
	};
	const struct sla_ticket_clock *l1 = &out[SLA_CK_OLA_LINE1],
				      *l2 = &out[SLA_CK_OLA_LINE2];

	policy(-1, -1, -1, 4 * H, 8 * H);
	eval(ev, 2, at(2026, 3, 2, 14, 0));
	TAP_IS_STR(sla_clock_state_name(l1->tc_state), "stopped", "escalated: OLA 1 stopped");
	TAP_IS_INT(l1->tc_elapsed, 3 * H, "first line held it 3 h");
	TAP_IS_INT(l1->tc_stopped_at, at(2026, 3, 2, 11, 0), "until the escalation");
	TAP_IS_STR(sla_clock_state_name(l2->tc_state), "running", "OLA 2 running");
	TAP_IS_INT(l2->tc_elapsed, 3 * H, "second line 3 h so far");
	TAP_IS_INT(l2->tc_due, at(2026, 3, 3, 10, 0), "OLA 2 due Tuesday 10:00");
	eval(ev, NEV(ev), at(2026, 3, 2, 16, 0));
	TAP_IS_STR(
		sla_clock_state_name(l1->tc_state), "running", "back in first line: running");
	TAP_IS_INT(l1->tc_elapsed, 4 * H, "3 h + 1 h");
	TAP_IS_INT(l1->tc_remaining, 0, "used up exactly");
	TAP_IS_INT(l1->tc_breached_at, SLA_TIME_NEVER, "exactly the target is not a breach");
	TAP_IS_STR(sla_clock_state_name(l2->tc_state), "stopped", "OLA 2 stopped when it left");
	TAP_IS_INT(l2->tc_elapsed, 4 * H, "second line held it 4 h");
}

static void
test_next_update(void)
{
	/* Next update every 2 h: filed 08:00, updates at 09:00 and 12:00. The
	 * second cycle ran 3 h (breached at 11:00); at 13:00 the third cycle
	 * has 1 h left, and the clock stays breached. */
	struct sla_tev ev[] = {
		CREATED(at(2026, 3, 2, 8, 0), 3, 1),
		EV(at(2026, 3, 2, 9, 0), SLA_TEV_UPDATE),
		EV(at(2026, 3, 2, 12, 0), SLA_TEV_UPDATE),
	};
	const struct sla_ticket_clock *nu = &out[SLA_CK_NEXT_UPDATE];

	policy(-1, 2 * H, -1, -1, -1);
	eval(ev, NEV(ev), at(2026, 3, 2, 13, 0));
	TAP_IS_INT(nu->tc_cycle, 2, "third cycle");
	TAP_IS_INT(nu->tc_cycle_start, at(2026, 3, 2, 12, 0), "started at the last update");
	TAP_IS_INT(nu->tc_remaining, H, "1 h left in this cycle");
	TAP_IS_INT(nu->tc_due, at(2026, 3, 2, 14, 0), "next update due 14:00");
	TAP_IS_INT(nu->tc_breached_at, at(2026, 3, 2, 11, 0), "the breach of cycle 2 stays");
	eval(ev, 2, at(2026, 3, 2, 10, 0));
	TAP_IS_INT(nu->tc_breached_at, SLA_TIME_NEVER, "not breached at 10:00");
}

static void
test_first_response(void)
{
	struct sla_tev answered[] = {
		CREATED(at(2026, 3, 2, 8, 0), 3, 1),
		EV(at(2026, 3, 2, 8, 30), SLA_TEV_RESPONSE),
	};
	struct sla_tev withdrawn[] = {
		CREATED(at(2026, 3, 2, 8, 0), 3, 1),
		EV(at(2026, 3, 2, 10, 0), SLA_TEV_RESOLVED),
		EV(at(2026, 3, 2, 11, 0), SLA_TEV_REOPENED),
	};
	const struct sla_ticket_clock *fr = &out[SLA_CK_FIRST_RESPONSE];

	policy(H, -1, -1, -1, -1);
	eval(answered, NEV(answered), at(2026, 3, 2, 12, 0));
	TAP_IS_STR(sla_clock_state_name(fr->tc_state), "stopped", "answered: stopped");
	TAP_IS_INT(fr->tc_elapsed, 30 * M, "answered after 30 min");
	TAP_IS_INT(fr->tc_breached_at, SLA_TIME_NEVER, "in time");
	/* Resolved unanswered after 2 h: breached at 09:00; reopening does
	 * not restart a first response. */
	eval(withdrawn, NEV(withdrawn), at(2026, 3, 2, 12, 0));
	TAP_IS_STR(
		sla_clock_state_name(fr->tc_state), "stopped", "resolution ends it for good");
	TAP_IS_INT(fr->tc_breached_at, at(2026, 3, 2, 9, 0), "breached at 09:00");
}

static void
test_now(void)
{
	/* Events after now do not count; a ticket filed after now has no clocks. */
	struct sla_tev ev[] = {
		CREATED(at(2026, 3, 2, 8, 0), 3, 1),
		EV(at(2026, 3, 2, 10, 0), SLA_TEV_RESOLVED),
	};

	policy(-1, -1, 8 * H, -1, -1);
	eval(ev, NEV(ev), at(2026, 3, 2, 9, 0));
	TAP_IS_STR(sla_clock_state_name(out[SLA_CK_RESOLUTION].tc_state), "running",
		"the later resolution does not count yet");
	eval(ev, NEV(ev), at(2026, 3, 2, 7, 0));
	TAP_IS_INT(out[SLA_CK_RESOLUTION].tc_present, 0, "not filed yet: no clock");
}

static void
test_warning_due(void)
{
	/* Filed Friday 6 March 15:00 with 4 h: 75 % (3 h) is reached Monday
	 * 09:30, never at midnight or over the weekend. */
	struct sla_tev ev[] = {CREATED(at(2026, 3, 6, 15, 0), 3, 1)};
	int64_t sat = at(2026, 3, 7, 10, 0);

	policy(-1, -1, 4 * H, -1, -1);
	eval(ev, NEV(ev), at(2026, 3, 6, 15, 30));
	TAP_IS_INT(out[SLA_CK_RESOLUTION].tc_reached[0], at(2026, 3, 9, 9, 30),
		"75 %% Monday 09:30");
	TAP_IS_INT(sla_warning_due(cal, out[SLA_CK_RESOLUTION].tc_reached[0], sat),
		at(2026, 3, 9, 9, 30), "ahead: due when reached");
	/* Reached while nobody looked (a lower target set on Saturday): at
	 * the next opening, Monday 07:30, not on Saturday or at 00:00. */
	TAP_IS_INT(sla_warning_due(cal, at(2026, 3, 6, 12, 0), sat), at(2026, 3, 9, 7, 30),
		"passed while closed: Monday 07:30");
	TAP_IS_INT(sla_warning_due(cal, at(2026, 3, 9, 8, 0), at(2026, 3, 9, 9, 0)),
		at(2026, 3, 9, 8, 0), "passed while open: as reached, so at once");
	TAP_IS_INT(
		sla_warning_due(cal, SLA_TIME_NEVER, sat), SLA_TIME_NEVER, "never stays never");
}

static void
test_bad(void)
{
	struct sla_tev ev[] = {EV(at(2026, 3, 2, 8, 0), SLA_TEV_RESOLVED)};
	struct sla_event work[8];
	char err[128];

	policy(-1, -1, 8 * H, -1, -1);
	TAP_IS_INT(sla_ticket_eval(ev, 1, &pol, percents, 2, at(2026, 3, 3, 8, 0), work, 8, out,
			   err, sizeof(err)),
		-1, "history must start with CREATED");
	TAP_IS_INT(sla_ticket_eval(ev, 1, &pol, percents, 2, at(2026, 3, 3, 8, 0), work, 2, out,
			   err, sizeof(err)),
		-1, "too little work space is refused");
	TAP_IS_STR(sla_clock_kind_name(SLA_CK_OLA_LINE2), "ola_line2", "kind names");
}

int
main(void)
{
	struct sla_calendar_spec spec;
	char err[256];

	sla_spec_init_dalsland(&spec);
	if ((cal = sla_calendar_new(&spec, err, sizeof(err))) == NULL) {
		tap_diag("%s", err);
		return 1;
	}
	test_weekend();
	test_easter();
	test_waiting();
	test_supplier();
	test_priority();
	test_reopen();
	test_lines();
	test_next_update();
	test_first_response();
	test_now();
	test_warning_due();
	test_bad();
	sla_calendar_free(cal);
	return tap_done();
}
