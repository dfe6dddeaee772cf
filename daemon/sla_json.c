/*
 * sla_json.c: clocks as the API shows them.
 *
 *   {"state": "running", "target_minutes": 240, "elapsed_minutes": 75,
 *    "remaining_minutes": 165, "due_at": "2026-03-09T12:30:00Z",
 *    "breached": false, "met": null, "warning": 75}
 *
 * Minutes are business minutes of the clock's calendar; remaining is
 * negative once the target is used up.  A stored running clock is read
 * with its remaining time worked out from due_at and the calendar at the
 * moment of reading, so a list shows the truth to the minute without
 * anything being written as time passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

/* Whole minutes, rounded down (so -1 s is -1 min: visibly late). */
static json_int_t
sla_minutes_floor(int64_t s)
{
	return (json_int_t)(s >= 0 ? s / 60 : -((-s + 59) / 60));
}

/* A target in minutes: whole when it is, else with the seconds as a fraction. */
static json_t *
sla_minutes_target(int64_t s)
{
	if (s % 60 == 0)
		return json_integer((json_int_t)(s / 60));
	return json_real((double)s / 60.0);
}

static json_t *
sla_time_json(int64_t t)
{
	char buf[32];

	if (t == SLA_TIME_NEVER)
		return json_null();
	sd_time_format((time_t)t, buf, sizeof(buf));
	return json_string(buf);
}

json_t *
sd_sla_clock_json(
	const char *state, int64_t target, int64_t elapsed, int64_t due, int breached, int met)
{
	/* A calendar changed since the clock was stored can make it look negative. */
	if (elapsed < 0)
		elapsed = 0;
	return json_pack("{s:s, s:o, s:I, s:I, s:o, s:b, s:o}", "state", state,
		"target_minutes", sla_minutes_target(target), "elapsed_minutes",
		sla_minutes_floor(elapsed), "remaining_minutes",
		sla_minutes_floor(target - elapsed), "due_at", sla_time_json(due), "breached",
		breached, "met", met < 0 ? json_null() : json_boolean(met));
}

/* Unix seconds of a raw figure; SLA_TIME_NEVER for null. */
static int64_t
sla_raw_time(json_t *v)
{
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : SLA_TIME_NEVER;
}

/*
 * One stored clock [state, target, elapsed, evaluated_at, due_at,
 * breached_at, met, calendar, version, warned] as the API shows it at now.
 */
static json_t *
sla_decorate_clock(json_t *raw, int64_t now, const struct sd_sla_loader *ld)
{
	const char *state = json_string_value(json_array_get(raw, 0));
	int64_t target = (int64_t)json_integer_value(json_array_get(raw, 1));
	int64_t elapsed = (int64_t)json_integer_value(json_array_get(raw, 2));
	int64_t due = sla_raw_time(json_array_get(raw, 4));
	int64_t breached = sla_raw_time(json_array_get(raw, 5));
	json_t *met = json_array_get(raw, 6), *warned = json_array_get(raw, 9), *clock;
	const struct sla_calendar *cal = NULL;

	if (state == NULL)
		return NULL;
	if (strcmp(state, "running") == 0 && due != SLA_TIME_NEVER) {
		long long id = (long long)json_integer_value(json_array_get(raw, 7));
		int version = (int)json_integer_value(json_array_get(raw, 8));

		if ((cal = sd_sla_calendar_cached(id, version)) == NULL && ld != NULL)
			cal = ld->ld_load(ld->ld_ctx, id);
	}
	if (cal != NULL) /* from the due instant: exact at the moment of reading */
		elapsed = target -
			(due > now ? sla_business_seconds(cal, now, due)
				   : -sla_business_seconds(cal, due, now));
	if (strcmp(state, "running") == 0 && due <= now)
		breached = breached < due ? breached : due;
	clock = sd_sla_clock_json(state, target, elapsed,
		strcmp(state, "running") == 0 ? due : SLA_TIME_NEVER,
		(breached != SLA_TIME_NEVER && breached <= now) || elapsed > target,
		json_is_boolean(met) ? json_is_true(met) : -1);
	/* What the queue shows of the warnings: the highest one fired. */
	json_object_set(clock, "warning", json_is_integer(warned) ? warned : json_null());
	return clock;
}

/* A ticket (or summary) whose "sla" holds stored figures gets them finished. */
static void
sla_decorate_one(json_t *ticket, int64_t now, const struct sd_sla_loader *ld)
{
	json_t *raw = json_object_get(ticket, "sla"), *out, *c, *v;
	const char *kind;

	if (!json_is_object(raw))
		return;
	out = json_object();
	json_object_foreach(raw, kind, v)
	{
		if ((c = sla_decorate_clock(v, now, ld)) != NULL)
			json_object_set_new(out, kind, c);
	}
	json_object_set_new(ticket, "sla", out);
}

void
sd_sla_decorate(json_t *v, const struct sd_sla_loader *ld)
{
	int64_t now = sd_sla_now();
	size_t i;

	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++)
			sla_decorate_one(json_array_get(v, i), now, ld);
	} else if (json_is_object(v)) {
		sla_decorate_one(v, now, ld);
	}
}

/* The live figures of one computed clock, with its calendar and pending warnings. */
static json_t *
sla_live_clock(const struct sd_sla_result *res, int k, int64_t now)
{
	const struct sla_ticket_clock *c = &res->sr_clock[k];
	json_t *o = sd_sla_clock_json(sla_clock_state_name(c->tc_state), c->tc_target,
		c->tc_elapsed, c->tc_due, c->tc_breached_at != SLA_TIME_NEVER, res->sr_met[k]);
	const int *percents;
	json_t *warn = json_array();
	size_t i, np;

	percents = sd_sla_percents(&np);
	for (i = 0; i < np && i < SLA_PERCENTS_MAX; i++)
		json_array_append_new(warn,
			json_pack("{s:i, s:o}", "threshold", percents[i], "reached_at",
				sla_time_json(c->tc_reached[i])));
	json_object_set_new(o, "calendar", json_string(res->sr_calcode[k]));
	json_object_set_new(o, "breached_at", sla_time_json(c->tc_breached_at));
	json_object_set_new(o, "cycle", json_integer(c->tc_cycle));
	json_object_set_new(o, "thresholds", warn);
	(void)now;
	return o;
}

/* "reported", "reported_late", "pending" or "overdue". */
static const char *
sla_regulatory_status(int64_t deadline, int64_t reported, int64_t now)
{
	if (reported != SLA_TIME_NEVER)
		return reported <= deadline ? "reported" : "reported_late";
	return now <= deadline ? "pending" : "overdue";
}

json_t *
sd_sla_live_json(const struct sd_sla_ticket *t, const struct sd_sla_result *res, int64_t now)
{
	json_t *clocks = json_object(), *reg = json_array();
	int k;

	for (k = 0; k < SLA_CK__COUNT; k++)
		if (res->sr_clock[k].tc_present)
			json_object_set_new(clocks, sla_clock_kind_name((enum sla_clock_kind)k),
				sla_live_clock(res, k, now));
	for (k = 0; k < res->sr_nreg; k++)
		json_array_append_new(reg,
			json_pack("{s:s, s:o, s:o, s:o, s:s}", "kind",
				sd_sla_regulatory_name(k), "aware_at",
				sla_time_json(t->sk_created), "deadline",
				sla_time_json(res->sr_deadline[k]), "reported_at",
				sla_time_json(t->sk_reported[k]), "status",
				sla_regulatory_status(
					res->sr_deadline[k], t->sk_reported[k], now)));
	return json_pack("{s:o, s:o, s:o}", "now", sla_time_json(now), "clocks", clocks,
		"regulatory", reg);
}
