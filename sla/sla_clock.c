/*
 * sla_clock.c: SLA clocks evaluated from stored ticket events.
 *
 * A clock is never stored, only evaluated: the daemon keeps the events and
 * asks again whenever it needs the state, so a changed target or calendar
 * is just another evaluation. Time runs only while the clock is running
 * and only in the calendar's open time, so a pause over a weekend costs
 * nothing extra.
 *
 * The target in force at `now` (the last START or TARGET event up to now)
 * is the one the whole clock is measured against: a priority change
 * corrects how the ticket should have been handled from the start. The
 * clock is breached when more than the target has run; resolving exactly
 * when the target is used up is on time.
 */
#include <stdio.h>

#include "sla.h"

/* What the event walk found: run time, the target and where it stopped. */
struct clock_walk {
	enum sla_clock_state cw_state;
	int64_t cw_target;
	size_t cw_applied;
};

static const char *
clock_event_name(enum sla_event_kind kind)
{
	switch (kind) {
	case SLA_EV_START:
		return "START";
	case SLA_EV_PAUSE:
		return "PAUSE";
	case SLA_EV_RESUME:
		return "RESUME";
	case SLA_EV_TARGET:
		return "TARGET";
	case SLA_EV_STOP:
		return "STOP";
	}
	return "unknown event";
}

/* Why clock_next_state() refused an event, for the error message. */
static const char *
clock_why_not(enum sla_clock_state state, enum sla_event_kind kind)
{
	if (state == SLA_CLOCK_STOPPED)
		return "after STOP";
	if (kind == SLA_EV_RESUME)
		return "without PAUSE";
	if (kind == SLA_EV_PAUSE)
		return "while paused";
	if (kind == SLA_EV_START)
		return "after START";
	return "is not a known event kind";
}

/* The state after one more event, or 0 if the event cannot come now. */
static enum sla_clock_state
clock_next_state(enum sla_clock_state state, enum sla_event_kind kind, size_t i)
{
	switch (kind) {
	case SLA_EV_START:
		return i == 0 ? SLA_CLOCK_RUNNING : 0;
	case SLA_EV_PAUSE:
		return state == SLA_CLOCK_RUNNING ? SLA_CLOCK_PAUSED : 0;
	case SLA_EV_RESUME:
		return state == SLA_CLOCK_PAUSED ? SLA_CLOCK_RUNNING : 0;
	case SLA_EV_TARGET:
		return i > 0 && state != SLA_CLOCK_STOPPED ? state : 0;
	case SLA_EV_STOP:
		return i > 0 && state != SLA_CLOCK_STOPPED ? SLA_CLOCK_STOPPED : 0;
	}
	return 0;
}

/* Checks the whole sequence and finds the state and target at now. */
static int
clock_walk_events(const struct sla_event *ev, size_t n, int64_t now, struct clock_walk *w,
	char *err, size_t errlen)
{
	enum sla_clock_state state = 0, next;
	size_t i;

	if (n == 0 || ev[0].se_kind != SLA_EV_START) {
		snprintf(err, errlen, "event 1: the first event must be START");
		return -1;
	}
	if (ev[0].se_time > now) {
		snprintf(err, errlen, "the clock starts after now");
		return -1;
	}
	w->cw_state = SLA_CLOCK_RUNNING;
	w->cw_target = ev[0].se_target;
	w->cw_applied = 0;
	for (i = 0; i < n; i++) {
		if (i > 0 && ev[i].se_time < ev[i - 1].se_time) {
			snprintf(err, errlen, "event %zu: %s at %lld is before event %zu",
				i + 1, clock_event_name(ev[i].se_kind),
				(long long)ev[i].se_time, i);
			return -1;
		}
		if ((next = clock_next_state(state, ev[i].se_kind, i)) == 0) {
			snprintf(err, errlen, "event %zu: %s %s", i + 1,
				clock_event_name(ev[i].se_kind),
				clock_why_not(state, ev[i].se_kind));
			return -1;
		}
		if ((ev[i].se_kind == SLA_EV_START || ev[i].se_kind == SLA_EV_TARGET) &&
			ev[i].se_target < 0) {
			snprintf(err, errlen, "event %zu: negative target %lld", i + 1,
				(long long)ev[i].se_target);
			return -1;
		}
		state = next;
		if (ev[i].se_time <= now) {
			w->cw_state = state;
			w->cw_applied = i + 1;
			if (ev[i].se_kind == SLA_EV_START || ev[i].se_kind == SLA_EV_TARGET)
				w->cw_target = ev[i].se_target;
		}
	}
	return 0;
}

/*
 * The earliest instant by which `amount` business seconds have run, taking
 * the applied events as they are and letting a running clock run on past
 * now. A run that ends exactly as amount is reached keeps the instant (the
 * close of that run), so the answer is never in closed time.
 */
static int64_t
clock_instant_of(const struct sla_clock *c, int64_t amount)
{
	const struct sla_event *ev = c->ck_events;
	int64_t used = 0, from = 0, run;
	int running = 0;
	size_t i;

	for (i = 0; i < c->ck_nevents; i++) {
		switch (ev[i].se_kind) {
		case SLA_EV_START:
		case SLA_EV_RESUME:
			running = 1;
			from = ev[i].se_time;
			break;
		case SLA_EV_PAUSE:
		case SLA_EV_STOP:
			if (!running)
				break;
			run = sla_business_seconds(c->ck_cal, from, ev[i].se_time);
			if (amount < used + run || (amount == used + run && run > 0))
				return sla_add_business_seconds(c->ck_cal, from, amount - used);
			used += run;
			running = 0;
			break;
		case SLA_EV_TARGET:
			break;
		}
	}
	if (!running)
		return SLA_TIME_NEVER;
	return sla_add_business_seconds(c->ck_cal, from, amount - used);
}

/* Business seconds run up to now by the applied events. */
static int64_t
clock_elapsed(const struct sla_clock *c)
{
	const struct sla_event *ev = c->ck_events;
	int64_t used = 0, from = 0;
	int running = 0;
	size_t i;

	for (i = 0; i < c->ck_nevents; i++) {
		if (ev[i].se_kind == SLA_EV_START || ev[i].se_kind == SLA_EV_RESUME) {
			running = 1;
			from = ev[i].se_time;
		} else if (running &&
			(ev[i].se_kind == SLA_EV_PAUSE || ev[i].se_kind == SLA_EV_STOP)) {
			used += sla_business_seconds(c->ck_cal, from, ev[i].se_time);
			running = 0;
		}
	}
	if (running)
		used += sla_business_seconds(c->ck_cal, from, c->ck_now);
	return used;
}

int
sla_clock_eval(struct sla_clock *out, const struct sla_calendar *cal,
	const struct sla_event *events, size_t nevents, int64_t now, char *err, size_t errlen)
{
	struct clock_walk w;

	if (clock_walk_events(events, nevents, now, &w, err, errlen) == -1)
		return -1;
	out->ck_state = w.cw_state;
	out->ck_target = w.cw_target;
	out->ck_now = now;
	out->ck_cal = cal;
	out->ck_events = events;
	out->ck_nevents = w.cw_applied;
	out->ck_elapsed = clock_elapsed(out);
	out->ck_remaining = out->ck_target - out->ck_elapsed;
	out->ck_breached = out->ck_remaining < 0;
	out->ck_due = SLA_TIME_NEVER;
	out->ck_breached_at = SLA_TIME_NEVER;
	if (out->ck_state == SLA_CLOCK_RUNNING || out->ck_breached) {
		int64_t at = clock_instant_of(out, out->ck_target);

		if (out->ck_state == SLA_CLOCK_RUNNING)
			out->ck_due = at;
		if (out->ck_breached)
			out->ck_breached_at = at;
	}
	return 0;
}

int64_t
sla_clock_threshold_at(const struct sla_clock *clock, int percent)
{
	int64_t amount;

	if (percent < 0 || clock->ck_target > INT64_MAX / ((int64_t)percent + 1))
		return SLA_TIME_NEVER;
	/* Round up: the warning must not come before the share is used. */
	amount = clock->ck_target / 100 * percent +
		(clock->ck_target % 100 * percent + 99) / 100;
	return clock_instant_of(clock, amount);
}

const char *
sla_clock_state_name(enum sla_clock_state state)
{
	switch (state) {
	case SLA_CLOCK_RUNNING:
		return "running";
	case SLA_CLOCK_PAUSED:
		return "paused";
	case SLA_CLOCK_STOPPED:
		return "stopped";
	}
	return "unknown";
}
