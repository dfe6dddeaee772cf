/*
 * sla_engine.c: from what the database says about a ticket to what its
 * clocks are, and back.  Shared by the daemon (one ticket, inside the
 * transaction that changed it) and `sdeskctl sla recompute` (every open
 * ticket, streamed): both read the rows of sdesk_sla_input() and
 * sdesk_sla_rules() (004_sla.sql), compute here with the sla library, and
 * hand the result to sdesk_sla_store().  No I/O of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

/* ---- the ticket's history ---- */

void
sd_sla_ticket_clear(struct sd_sla_ticket *t)
{
	free(t->sk_ev);
	memset(t, 0, sizeof(*t));
}

static int
engine_push(struct sd_sla_ticket *t, const struct sla_tev *ev)
{
	if (t->sk_nev == t->sk_cap) {
		size_t cap = t->sk_cap ? t->sk_cap * 2 : 16;
		struct sla_tev *p = realloc(t->sk_ev, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		t->sk_ev = p;
		t->sk_cap = cap;
	}
	t->sk_ev[t->sk_nev++] = *ev;
	return 0;
}

/*
 * The clock event of one stored event "time kind arg [arg]": 1, or 2 for
 * the closing (ev->tv_time only), 0 for one the clocks ignore.
 */
static int
engine_event(char *item, struct sla_tev *ev)
{
	char *kind, *a, *b, *save = NULL;
	int status;

	memset(ev, 0, sizeof(*ev));
	if ((a = strtok_r(item, " ", &save)) == NULL ||
		(kind = strtok_r(NULL, " ", &save)) == NULL)
		return -1;
	ev->tv_time = strtoll(a, NULL, 10);
	a = strtok_r(NULL, " ", &save);
	b = a ? strtok_r(NULL, " ", &save) : NULL;
	if (strcmp(kind, "created") == 0 && b != NULL) {
		ev->tv_kind = SLA_TEV_CREATED;
		ev->tv_priority = atoi(a);
		ev->tv_line = atoi(b);
	} else if (strcmp(kind, "priority") == 0 && a != NULL) {
		ev->tv_kind = SLA_TEV_PRIORITY;
		ev->tv_priority = atoi(a);
	} else if (strcmp(kind, "status") == 0 && a != NULL) {
		ev->tv_kind = SLA_TEV_WAIT;
		status = sd_ticket_status_parse(a);
		ev->tv_wait = status == SD_TS_WAITING_REQUESTER ? SLA_WAIT_REQUESTER
			: status == SD_TS_WAITING_SUPPLIER      ? SLA_WAIT_SUPPLIER
								: SLA_WAIT_NONE;
	} else if (strcmp(kind, "escalated") == 0 && a != NULL && atoi(a) > 0) {
		ev->tv_kind = SLA_TEV_LINE;
		ev->tv_line = atoi(a);
	} else if (strcmp(kind, "reply") == 0 && a != NULL && strcmp(a, "staff") == 0) {
		ev->tv_kind = SLA_TEV_UPDATE;
	} else if (strcmp(kind, "resolved") == 0) {
		ev->tv_kind = SLA_TEV_RESOLVED;
	} else if (strcmp(kind, "reopened") == 0) {
		ev->tv_kind = SLA_TEV_REOPENED;
	} else if (strcmp(kind, "closed") == 0) {
		return 2;
	} else {
		return 0;
	}
	return 1;
}

/*
 * The first response is a column of the ticket, not an event: it goes in
 * before the first event after it.  A ticket without a "created" event
 * (loaded in bulk) starts at its creation with its present priority and line.
 */
int
sd_sla_ticket_events(struct sd_sla_ticket *t, const char *text)
{
	struct sla_tev ev, fr = {t->sk_first_response, SLA_TEV_RESPONSE, 0, 0, SLA_WAIT_NONE};
	char *copy = strdup(text ? text : ""), *item, *save = NULL;
	int have_fr = t->sk_first_response != 0, rc = 0, k;

	t->sk_nev = 0;
	t->sk_closed = 0;
	if (copy == NULL)
		return -1;
	for (item = strtok_r(copy, ";", &save); item != NULL && rc == 0;
		item = strtok_r(NULL, ";", &save)) {
		/* Closing is no clock event: it is when met or breached is decided. */
		if ((k = engine_event(item, &ev)) == 2)
			t->sk_closed = ev.tv_time;
		if (k != 1)
			continue;
		if (t->sk_nev == 0 && ev.tv_kind != SLA_TEV_CREATED) {
			struct sla_tev c = {t->sk_created, SLA_TEV_CREATED, t->sk_priority,
				t->sk_line, SLA_WAIT_NONE};

			rc = engine_push(t, &c);
		}
		if (rc == 0 && have_fr && t->sk_nev > 0 && ev.tv_time > fr.tv_time) {
			rc = engine_push(t, &fr);
			have_fr = 0;
		}
		if (rc == 0)
			rc = engine_push(t, &ev);
	}
	free(copy);
	if (rc == 0 && t->sk_nev == 0) {
		struct sla_tev c = {t->sk_created, SLA_TEV_CREATED, t->sk_priority, t->sk_line,
			SLA_WAIT_NONE};

		rc = engine_push(t, &c);
	}
	if (rc == 0 && have_fr)
		rc = engine_push(t, &fr);
	return rc;
}

/* "kind unix;kind unix": the regulatory reports already made. */
void
sd_sla_ticket_reported(struct sd_sla_ticket *t, const char *text)
{
	char *copy = strdup(text ? text : ""), *item, *at, *save = NULL;
	int k;

	for (k = 0; k < SD_REG__COUNT; k++)
		t->sk_reported[k] = SLA_TIME_NEVER;
	for (item = copy ? strtok_r(copy, ";", &save) : NULL; item != NULL;
		item = strtok_r(NULL, ";", &save)) {
		if ((at = strchr(item, ' ')) == NULL)
			continue;
		*at++ = '\0';
		for (k = 0; k < SD_REG__COUNT; k++)
			if (strcmp(item, sd_sla_regulatory_name(k)) == 0)
				t->sk_reported[k] = strtoll(at, NULL, 10);
	}
	free(copy);
}

const char *
sd_sla_regulatory_name(int kind)
{
	static const char *const names[SD_REG__COUNT] = {
		"nis2_early_warning", "nis2_notification", "nis2_final_report", "gdpr_imy"};

	return kind >= 0 && kind < SD_REG__COUNT ? names[kind] : "unknown";
}

/* ---- policies and OLA targets ---- */

void
sd_sla_rules_clear(struct sd_sla_rules *r)
{
	free(r->sr_rows);
	memset(r, 0, sizeof(*r));
}

static int64_t
engine_seconds(json_t *minutes)
{
	if (!json_is_number(minutes))
		return -1;
	return (int64_t)(json_number_value(minutes) * 60.0 + 0.5);
}

static int
engine_rule(struct sd_sla_rules *r, json_t *o, int ola)
{
	struct sd_sla_rule *x;
	const char *code, *type;

	if (r->sr_n == r->sr_cap) {
		size_t cap = r->sr_cap ? r->sr_cap * 2 : 32;
		struct sd_sla_rule *p = realloc(r->sr_rows, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		r->sr_rows = p;
		r->sr_cap = cap;
	}
	x = &r->sr_rows[r->sr_n++];
	memset(x, 0, sizeof(*x));
	x->sr_tenant = (int)json_integer_value(json_object_get(o, "tenant"));
	x->sr_service = ola ? 0 : (long long)json_integer_value(json_object_get(o, "service"));
	x->sr_priority = (int)json_integer_value(json_object_get(o, "priority"));
	x->sr_calendar = (long long)json_integer_value(json_object_get(o, "calendar"));
	x->sr_calver = (int)json_integer_value(json_object_get(o, "calendar_version"));
	x->sr_line = ola ? (int)json_integer_value(json_object_get(o, "line")) : 0;
	code = json_string_value(json_object_get(o, "calendar_code"));
	type = json_string_value(json_object_get(o, "type"));
	snprintf(x->sr_calcode, sizeof(x->sr_calcode), "%s", code ? code : "");
	snprintf(x->sr_type, sizeof(x->sr_type), "%s", !ola && type ? type : "");
	x->sr_target[0] = engine_seconds(json_object_get(o, ola ? "target" : "first_response"));
	x->sr_target[1] = ola ? -1 : engine_seconds(json_object_get(o, "next_update"));
	x->sr_target[2] = ola ? -1 : engine_seconds(json_object_get(o, "resolution"));
	x->sr_pause_supplier = json_is_true(json_object_get(o, "pause_on_supplier"));
	return 0;
}

int
sd_sla_rules_parse(struct sd_sla_rules *r, const char *text, char *err, size_t errlen)
{
	json_t *doc = json_loads(text, 0, NULL), *v;
	const struct sla_calendar *cal;
	size_t i;
	int rc = 0;

	r->sr_n = 0;
	if (doc == NULL) {
		snprintf(err, errlen, "rules are not JSON");
		return -1;
	}
	json_array_foreach(json_object_get(doc, "policies"), i, v)
	{
		rc |= engine_rule(r, v, 0);
	}
	json_array_foreach(json_object_get(doc, "ola"), i, v)
	{
		rc |= engine_rule(r, v, 1);
	}
	json_array_foreach(json_object_get(doc, "calendars"), i, v)
	{
		long long id = (long long)json_integer_value(json_object_get(v, "id"));
		int ver = (int)json_integer_value(json_object_get(v, "version"));
		char *spec;

		if (sd_sla_calendar_cached(id, ver) != NULL)
			continue;
		spec = json_dumps(json_object_get(v, "spec"), JSON_COMPACT);
		cal = spec ? sd_sla_calendar_add(id, ver, spec, err, errlen) : NULL;
		free(spec);
		if (cal == NULL)
			rc = -1;
	}
	json_decref(doc);
	if (rc != 0 && err[0] == '\0')
		snprintf(err, errlen, "out of memory");
	return rc != 0 ? -1 : 0;
}

/*
 * The policy row of a ticket (its service's before the general one, then
 * its tenant's before the shared one), or the OLA row of a line (tenant
 * first, then a priority's own before "every").
 */
static const struct sd_sla_rule *
engine_pick(const struct sd_sla_rules *r, int tenant, long long service, const char *type,
	int line, int priority)
{
	const struct sd_sla_rule *best = NULL, *x;
	int score, best_score = -1;
	size_t i;

	for (i = 0; i < r->sr_n; i++) {
		x = &r->sr_rows[i];
		if (x->sr_line != line || (x->sr_tenant != 0 && x->sr_tenant != tenant) ||
			(x->sr_service != 0 && x->sr_service != service) ||
			(x->sr_priority != 0 && x->sr_priority != priority) ||
			(line == 0 && strcmp(x->sr_type, type) != 0))
			continue;
		score = (x->sr_service != 0) * 4 + (x->sr_tenant != 0) * 2 +
			(x->sr_priority != 0);
		if (score > best_score) {
			best = x;
			best_score = score;
		}
	}
	return best;
}

/* Fills pol from the rules; the calendars are those of the present priority. */
static void
engine_policy(const struct sd_sla_ticket *t, const struct sd_sla_rules *r,
	struct sla_ticket_policy *pol, struct sd_sla_result *res)
{
	const struct sd_sla_rule *x;
	int k, p;

	memset(pol, 0, sizeof(*pol));
	for (k = 0; k < SLA_CK__COUNT; k++)
		for (p = 0; p < 4; p++) {
			if (k <= SLA_CK_RESOLUTION)
				x = engine_pick(
					r, t->sk_tenant, t->sk_service, t->sk_type, 0, p + 1);
			else
				x = engine_pick(
					r, t->sk_tenant, 0, "", k - SLA_CK_RESOLUTION, p + 1);
			pol->tp_target[k][p] =
				x ? x->sr_target[k <= SLA_CK_RESOLUTION ? k : 0] : -1;
			if (p + 1 != t->sk_priority || x == NULL)
				continue;
			res->sr_calendar[k] = x->sr_calendar;
			res->sr_calver[k] = x->sr_calver;
			snprintf(res->sr_calcode[k], sizeof(res->sr_calcode[k]), "%s",
				x->sr_calcode);
			pol->tp_cal[k] = sd_sla_calendar_cached(x->sr_calendar, x->sr_calver);
			if (k <= SLA_CK_RESOLUTION)
				pol->tp_pause_supplier = x->sr_pause_supplier;
		}
	memcpy(res->sr_cal, pol->tp_cal, sizeof(res->sr_cal));
}

/* ---- computing ---- */

static int
engine_regulatory(const struct sd_sla_ticket *t, struct sd_sla_result *res)
{
	struct sla_regulatory *g = &res->sr_reg;

	res->sr_nreg = 0;
	if (strcmp(t->sk_type, "security_incident") != 0)
		return 0;
	if (sla_compute_regulatory(t->sk_created, t->sk_reported[SD_REG_NIS2_NOTIFICATION], g) <
		0)
		return -1;
	res->sr_deadline[SD_REG_NIS2_EARLY] = g->sr_nis2_early_warning;
	res->sr_deadline[SD_REG_NIS2_NOTIFICATION] = g->sr_nis2_notification;
	res->sr_deadline[SD_REG_NIS2_FINAL] = g->sr_nis2_final_report;
	res->sr_deadline[SD_REG_GDPR_IMY] = g->sr_gdpr_imy;
	res->sr_nreg = t->sk_pdb ? SD_REG__COUNT : SD_REG_GDPR_IMY;
	return 0;
}

int
sd_sla_compute(const struct sd_sla_ticket *t, const struct sd_sla_rules *rules, int64_t now,
	struct sd_sla_result *res, char *err, size_t errlen)
{
	struct sla_ticket_policy pol;
	struct sla_event stack[64], *work = stack;
	size_t n = SLA_TICKET_WORK(t->sk_nev), np;
	const int *percents = sd_sla_percents(&np);
	int k, rc;

	memset(res, 0, sizeof(*res));
	engine_policy(t, rules, &pol, res);
	if (n > sizeof(stack) / sizeof(stack[0]) && (work = calloc(n, sizeof(*work))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = sla_ticket_eval(t->sk_ev, t->sk_nev, &pol, percents, np, now, work, n,
		res->sr_clock, err, errlen);
	if (work != stack)
		free(work);
	if (rc < 0)
		return -1;
	res->sr_due = SLA_TIME_NEVER;
	for (k = 0; k < SLA_CK__COUNT; k++) {
		const struct sla_ticket_clock *c = &res->sr_clock[k];

		res->sr_met[k] = c->tc_present && t->sk_closed != 0 && t->sk_closed <= now
			? c->tc_breached_at == SLA_TIME_NEVER
			: -1;
		if (c->tc_present && c->tc_state == SLA_CLOCK_RUNNING &&
			c->tc_due < res->sr_due)
			res->sr_due = c->tc_due;
	}
	if (engine_regulatory(t, res) < 0) {
		snprintf(err, errlen, "ticket %lld: creation time out of range", t->sk_id);
		return -1;
	}
	return 0;
}

/* An instant as JSON: Unix seconds, or null for "never". */
static json_t *
engine_time(int64_t t)
{
	return t == SLA_TIME_NEVER ? json_null() : json_integer((json_int_t)t);
}

static json_t *
engine_clock_doc(const struct sd_sla_result *res, int k, int64_t now)
{
	const struct sla_ticket_clock *c = &res->sr_clock[k];

	return json_pack("{s:s, s:I, s:s, s:I, s:I, s:I, s:o, s:o, s:o, s:i, s:o}", "kind",
		sla_clock_kind_name((enum sla_clock_kind)k), "calendar",
		(json_int_t)res->sr_calendar[k], "state", sla_clock_state_name(c->tc_state),
		"target", (json_int_t)c->tc_target, "elapsed", (json_int_t)c->tc_elapsed, "at",
		(json_int_t)now, "due", engine_time(c->tc_due), "breached",
		engine_time(c->tc_breached_at), "stopped", engine_time(c->tc_stopped_at),
		"cycle", c->tc_cycle, "met",
		res->sr_met[k] < 0 ? json_null() : json_boolean(res->sr_met[k]));
}

static void
engine_warning(json_t *arr, const char *clock, int cycle, int percent, int64_t due)
{
	if (due != SLA_TIME_NEVER)
		json_array_append_new(arr,
			json_pack("{s:s, s:i, s:i, s:I}", "clock", clock, "cycle", cycle,
				"threshold", percent, "due", (json_int_t)due));
}

/* Pending warnings: running clocks, and deadlines not yet reported. */
static void
engine_warnings(const struct sd_sla_ticket *t, const struct sd_sla_result *res, int64_t now,
	json_t *arr)
{
	const int *percents;
	size_t i, np;
	int64_t at, span;
	int k;

	percents = sd_sla_percents(&np);
	for (k = 0; k < SLA_CK__COUNT; k++) {
		const struct sla_ticket_clock *c = &res->sr_clock[k];

		if (!c->tc_present || c->tc_state != SLA_CLOCK_RUNNING ||
			res->sr_cal[k] == NULL)
			continue;
		for (i = 0; i < np && i < SLA_PERCENTS_MAX; i++)
			engine_warning(arr, sla_clock_kind_name((enum sla_clock_kind)k),
				c->tc_cycle, percents[i],
				sla_warning_due(res->sr_cal[k], c->tc_reached[i], now));
	}
	for (k = 0; k < res->sr_nreg; k++) {
		if (t->sk_reported[k] != SLA_TIME_NEVER)
			continue;
		span = res->sr_deadline[k] - t->sk_created;
		for (i = 0; i < np && i < SLA_PERCENTS_MAX; i++) {
			at = t->sk_created + span / 100 * percents[i] +
				span % 100 * percents[i] / 100;
			engine_warning(arr, sd_sla_regulatory_name(k), 0, percents[i], at);
		}
	}
}

json_t *
sd_sla_store_doc(const struct sd_sla_ticket *t, const struct sd_sla_result *res, int64_t now)
{
	json_t *clocks = json_array(), *warnings = json_array(), *reg = json_array();
	int k;

	for (k = 0; k < SLA_CK__COUNT; k++)
		if (res->sr_clock[k].tc_present)
			json_array_append_new(clocks, engine_clock_doc(res, k, now));
	engine_warnings(t, res, now, warnings);
	for (k = 0; k < res->sr_nreg; k++)
		json_array_append_new(reg,
			json_pack("{s:s, s:I, s:I}", "kind", sd_sla_regulatory_name(k), "aware",
				(json_int_t)t->sk_created, "deadline",
				(json_int_t)res->sr_deadline[k]));
	return json_pack("{s:I, s:i, s:o, s:o, s:o, s:o}", "ticket", (json_int_t)t->sk_id,
		"version", t->sk_version, "due", engine_time(res->sr_due), "clocks", clocks,
		"warnings", warnings, "regulatory", reg);
}

int
sd_sla_ticket_parse(struct sd_sla_ticket *t, const char *const f[SD_SLA_INPUT_FIELDS])
{
	int i;

	for (i = 0; i < 9; i++)
		if (f[i] == NULL)
			return -1;
	t->sk_id = atoll(f[0]);
	t->sk_tenant = atoi(f[1]);
	t->sk_version = atoi(f[2]);
	snprintf(t->sk_type, sizeof(t->sk_type), "%s", f[3]);
	t->sk_priority = atoi(f[4]);
	t->sk_status = sd_ticket_status_parse(f[5]);
	t->sk_pdb = f[6][0] == 't';
	t->sk_line = atoi(f[7]);
	t->sk_created = strtoll(f[8], NULL, 10);
	t->sk_first_response = f[9] != NULL ? strtoll(f[9], NULL, 10) : 0;
	t->sk_service = f[12] != NULL ? atoll(f[12]) : 0;
	sd_sla_ticket_reported(t, f[11]);
	return sd_sla_ticket_events(t, f[10]);
}
