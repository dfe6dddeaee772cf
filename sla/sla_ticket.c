/*
 * sla_ticket.c: the SLA and OLA clocks of one ticket, from its history.
 *
 * The daemon hands over what happened to the ticket (filed, priority
 * changes, waiting statuses, moves between support lines, the first
 * response, updates to the requester, resolved and reopened) and the
 * targets of its policy; this file turns that into the START, PAUSE,
 * RESUME, TARGET and STOP events of each clock and evaluates them with
 * sla_clock_eval(). Nothing is stored between calls: a changed policy,
 * priority or calendar is just another evaluation.
 *
 * The rules, per clock:
 *  - Every clock pauses while the ticket waits for the requester, and
 *    while it waits for a supplier when the policy says so.
 *  - first response runs from filing to the first response (or to the
 *    resolution, if nobody responded before); that stop is final.
 *  - resolution runs from filing to the resolution. Resolving stops it;
 *    reopening takes the stop back, so the time the ticket lay resolved
 *    counts as a pause.
 *  - next update runs from filing to the next update to the requester;
 *    every update ends one cycle and starts the next, and the clock is
 *    breached if any cycle was.
 *  - ola line 1 and ola line 2 run while a queue of that support line
 *    holds the ticket. Leaving the line stops them like resolving does;
 *    coming back resumes them.
 */
#include <stdio.h>

#include "sla.h"

/* What the ticket is like after the events read so far. */
struct ticket_now {
	int tn_created;
	int tn_priority;
	int tn_line;
	enum sla_wait tn_wait;
	int tn_resolved;
	int tn_responded;
};

/* One clock being built from the walk over the events. */
struct clock_build {
	enum sla_clock_kind cb_kind;
	const struct sla_ticket_policy *cb_pol;
	struct sla_event *cb_ev;
	size_t cb_n, cb_cap;
	int cb_started, cb_running, cb_stopped;
	int64_t cb_final_at; /* since when it is done for now (resolved, left its line) */
	int64_t cb_target;   /* the target in force */
	int64_t cb_breach;   /* the first breach of an earlier cycle */
	int cb_cycle;
	int64_t cb_cycle_start;
};

static int64_t
ticket_target(const struct sla_ticket_policy *pol, enum sla_clock_kind k, int priority)
{
	if (priority < 1 || priority > 4)
		return -1;
	return pol->tp_target[k][priority - 1];
}

/* True when the clock of kind k should run in state s. */
static int
ticket_wants_run(
	enum sla_clock_kind k, const struct ticket_now *s, const struct sla_ticket_policy *pol)
{
	if (!s->tn_created || s->tn_resolved || s->tn_wait == SLA_WAIT_REQUESTER ||
		(s->tn_wait == SLA_WAIT_SUPPLIER && pol->tp_pause_supplier))
		return 0;
	switch (k) {
	case SLA_CK_FIRST_RESPONSE:
		return !s->tn_responded;
	case SLA_CK_OLA_LINE1:
		return s->tn_line == 1;
	case SLA_CK_OLA_LINE2:
		return s->tn_line == 2;
	default:
		return 1;
	}
}

/* True when the clock is done for now: what would stop it has happened. */
static int
ticket_is_final(enum sla_clock_kind k, const struct ticket_now *s)
{
	if (s->tn_resolved)
		return 1;
	if (k == SLA_CK_OLA_LINE1)
		return s->tn_line != 1;
	if (k == SLA_CK_OLA_LINE2)
		return s->tn_line != 2;
	return 0;
}

static void
ticket_apply(struct ticket_now *s, const struct sla_tev *ev)
{
	switch (ev->tv_kind) {
	case SLA_TEV_CREATED:
		s->tn_created = 1;
		s->tn_priority = ev->tv_priority;
		s->tn_line = ev->tv_line;
		break;
	case SLA_TEV_PRIORITY:
		s->tn_priority = ev->tv_priority;
		break;
	case SLA_TEV_WAIT:
		s->tn_wait = ev->tv_wait;
		break;
	case SLA_TEV_LINE:
		s->tn_line = ev->tv_line;
		break;
	case SLA_TEV_RESPONSE:
		s->tn_responded = 1;
		break;
	case SLA_TEV_RESOLVED:
		s->tn_resolved = 1;
		s->tn_wait = SLA_WAIT_NONE;
		break;
	case SLA_TEV_REOPENED:
		s->tn_resolved = 0;
		break;
	case SLA_TEV_UPDATE:
		break;
	}
}

static int
build_push(struct clock_build *b, int64_t t, enum sla_event_kind kind, int64_t target)
{
	if (b->cb_n == b->cb_cap)
		return -1;
	b->cb_ev[b->cb_n].se_time = t;
	b->cb_ev[b->cb_n].se_kind = kind;
	b->cb_ev[b->cb_n].se_target = target;
	b->cb_n++;
	return 0;
}

/* Ends the current next-update cycle at t and starts the next one. */
static int
build_next_cycle(struct clock_build *b, int64_t t, int64_t now, char *err, size_t errlen)
{
	struct sla_clock ck;

	if (build_push(b, t, SLA_EV_STOP, 0) == -1)
		return -1;
	if (sla_clock_eval(&ck, b->cb_pol->tp_cal[b->cb_kind], b->cb_ev, b->cb_n, now, err,
		    errlen) == -1)
		return -1;
	if (ck.ck_breached_at < b->cb_breach)
		b->cb_breach = ck.ck_breached_at;
	b->cb_n = 0;
	b->cb_cycle++;
	b->cb_cycle_start = t;
	b->cb_running = 1;
	return build_push(b, t, SLA_EV_START, b->cb_target);
}

/* Feeds one event (already applied to s) into the clock. */
static int
build_event(struct clock_build *b, const struct sla_tev *ev, int64_t t,
	const struct ticket_now *s, int64_t now, char *err, size_t errlen)
{
	enum sla_clock_kind k = b->cb_kind;
	int64_t target = ticket_target(b->cb_pol, k, s->tn_priority);
	int want;

	if (b->cb_stopped)
		return 0;
	if (ev->tv_kind == SLA_TEV_PRIORITY && target >= 0 && target != b->cb_target) {
		b->cb_target = target;
		if (b->cb_started && build_push(b, t, SLA_EV_TARGET, target) == -1)
			return -1;
	}
	if (k == SLA_CK_NEXT_UPDATE && ev->tv_kind == SLA_TEV_UPDATE && b->cb_started &&
		!ticket_is_final(k, s) && build_next_cycle(b, t, now, err, errlen) == -1)
		return -1;
	if (k == SLA_CK_FIRST_RESPONSE && b->cb_started &&
		(s->tn_responded || s->tn_resolved)) {
		b->cb_stopped = 1;
		return build_push(b, t, SLA_EV_STOP, 0);
	}
	if (!ticket_is_final(k, s))
		b->cb_final_at = SLA_TIME_NEVER;
	else if (b->cb_final_at == SLA_TIME_NEVER)
		b->cb_final_at = t;
	want = ticket_wants_run(k, s, b->cb_pol);
	if (!b->cb_started && want) {
		b->cb_started = b->cb_running = 1;
		b->cb_cycle_start = t;
		return build_push(b, t, SLA_EV_START, b->cb_target);
	}
	if (b->cb_started && b->cb_running != want) {
		b->cb_running = want;
		return build_push(b, t, want ? SLA_EV_RESUME : SLA_EV_PAUSE, 0);
	}
	return 0;
}

/* A clock done for now ends in a STOP at the moment it became done. */
static int
build_finish(struct clock_build *b)
{
	struct sla_event *last = &b->cb_ev[b->cb_n - 1];

	if (b->cb_stopped || b->cb_final_at == SLA_TIME_NEVER || b->cb_running)
		return 0;
	b->cb_stopped = 1;
	if (last->se_kind == SLA_EV_PAUSE && last->se_time == b->cb_final_at) {
		last->se_kind = SLA_EV_STOP;
		return 0;
	}
	return build_push(b, b->cb_final_at, SLA_EV_STOP, 0);
}

/* The target a clock is measured against: that of the last priority by now. */
static int64_t
ticket_final_target(const struct sla_tev *ev, size_t n, const struct sla_ticket_policy *pol,
	enum sla_clock_kind k, int64_t now)
{
	int64_t target = -1, t;
	size_t i;

	for (i = 0; i < n && ev[i].tv_time <= now; i++) {
		if (ev[i].tv_kind != SLA_TEV_CREATED && ev[i].tv_kind != SLA_TEV_PRIORITY)
			continue;
		if ((t = ticket_target(pol, k, ev[i].tv_priority)) >= 0)
			target = t;
	}
	return target;
}

static void
ticket_result(const struct clock_build *b, const struct sla_clock *ck, const int *percents,
	size_t npercents, struct sla_ticket_clock *out)
{
	size_t i;

	out->tc_present = 1;
	out->tc_state = ck->ck_state;
	out->tc_target = ck->ck_target;
	out->tc_elapsed = ck->ck_elapsed;
	out->tc_remaining = ck->ck_remaining;
	out->tc_due = ck->ck_due;
	out->tc_breached_at =
		ck->ck_breached_at < b->cb_breach ? ck->ck_breached_at : b->cb_breach;
	out->tc_stopped_at = ck->ck_state == SLA_CLOCK_STOPPED ? b->cb_ev[b->cb_n - 1].se_time
							       : SLA_TIME_NEVER;
	out->tc_cycle = b->cb_cycle;
	out->tc_cycle_start = b->cb_cycle_start;
	for (i = 0; i < npercents && i < SLA_PERCENTS_MAX; i++)
		out->tc_reached[i] = ck->ck_state == SLA_CLOCK_RUNNING
			? sla_clock_threshold_at(ck, percents[i])
			: SLA_TIME_NEVER;
	for (; i < SLA_PERCENTS_MAX; i++)
		out->tc_reached[i] = SLA_TIME_NEVER;
}

/* Builds and evaluates the clock of kind k into out. */
static int
ticket_clock(const struct sla_tev *ev, size_t n, const struct sla_ticket_policy *pol,
	enum sla_clock_kind k, const int *percents, size_t npercents, int64_t now,
	struct sla_event *work, size_t nwork, struct sla_ticket_clock *out, char *err,
	size_t errlen)
{
	struct clock_build b = {
		k, pol, work, 0, nwork, 0, 0, 0, SLA_TIME_NEVER, 0, SLA_TIME_NEVER, 0, 0};
	struct ticket_now s = {0, 0, 0, SLA_WAIT_NONE, 0, 0};
	struct sla_clock ck;
	int64_t t = INT64_MIN;
	size_t i;

	out->tc_present = 0;
	if (pol->tp_cal[k] == NULL ||
		(b.cb_target = ticket_final_target(ev, n, pol, k, now)) < 0)
		return 0;
	for (i = 0; i < n && ev[i].tv_time <= now; i++) {
		/* Written in order, stamped with their transaction's start. */
		t = ev[i].tv_time > t ? ev[i].tv_time : t;
		ticket_apply(&s, &ev[i]);
		if (ev[i].tv_kind == SLA_TEV_CREATED &&
			ticket_target(pol, k, s.tn_priority) >= 0)
			b.cb_target = ticket_target(pol, k, s.tn_priority);
		if (build_event(&b, &ev[i], t, &s, now, err, errlen) == -1)
			goto fail;
	}
	if (!b.cb_started)
		return 0;
	if (build_finish(&b) == -1)
		goto fail;
	if (sla_clock_eval(&ck, pol->tp_cal[k], b.cb_ev, b.cb_n, now, err, errlen) == -1)
		return -1;
	ticket_result(&b, &ck, percents, npercents, out);
	return 0;
fail:
	if (b.cb_n == b.cb_cap)
		snprintf(err, errlen, "work space for %zu events is too small", nwork);
	return -1;
}

int
sla_ticket_eval(const struct sla_tev *ev, size_t n, const struct sla_ticket_policy *pol,
	const int *percents, size_t npercents, int64_t now, struct sla_event *work,
	size_t nwork, struct sla_ticket_clock out[SLA_CK__COUNT], char *err, size_t errlen)
{
	int k;

	if (nwork < SLA_TICKET_WORK(n)) {
		snprintf(err, errlen, "work space for %zu events is too small", nwork);
		return -1;
	}
	if (n > 0 && ev[0].tv_kind != SLA_TEV_CREATED) {
		snprintf(err, errlen, "the first event must be CREATED");
		return -1;
	}
	for (k = 0; k < SLA_CK__COUNT; k++)
		if (ticket_clock(ev, n, pol, (enum sla_clock_kind)k, percents, npercents, now,
			    work, nwork, &out[k], err, errlen) == -1)
			return -1;
	return 0;
}

int64_t
sla_warning_due(const struct sla_calendar *cal, int64_t reached, int64_t now)
{
	/* Passed while open: due as reached, so it fires at once and the
	 * instant stays the same however often the clock is evaluated. */
	if (reached == SLA_TIME_NEVER || reached > now || sla_is_open(cal, now))
		return reached;
	return sla_next_open(cal, now);
}

const char *
sla_clock_kind_name(enum sla_clock_kind kind)
{
	static const char *const names[SLA_CK__COUNT] = {
		"first_response", "next_update", "resolution", "ola_line1", "ola_line2"};

	return (int)kind >= 0 && kind < SLA_CK__COUNT ? names[kind] : "unknown";
}
