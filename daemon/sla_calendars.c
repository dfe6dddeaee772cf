/*
 * sla_calendars.c: the daemon's side of business time: the [sla] settings
 * (warning thresholds, the clock), calendar specs as JSON, and compiled
 * calendars cached by id and version.
 *
 * The database stays the source of truth: a calendar row's version grows
 * with every change, so a daemon that meets a version it has not compiled
 * reads the spec again; nothing is lost at a restart.  Compiled calendars
 * are kept until exit (changes are rare and a calendar is small), so a
 * pointer handed out stays valid while other threads use it.
 *
 * The SLA rules of a municipality and ticket type (sdesk_sla_rules) are
 * kept the same way, by the configuration stamp they were read at
 * (012_create_speed.sql): a create that finds the stamp unchanged need not
 * read them again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

#define SPEC_EXCEPTIONS_MAX 1000

struct cal_entry {
	long long ce_id;
	int ce_version;
	struct sla_calendar *ce_cal;
	struct cal_entry *ce_next;
};

static pthread_mutex_t cal_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cal_entry *cal_list;
/* Rules kept: one per municipality and ticket type, the newest stamp wins. */
#define RULES_KEPT_MAX 64
struct rules_entry {
	int re_tenant;
	char re_type[24];
	long long re_stamp;
	char *re_text;
};
static struct rules_entry rules_kept[RULES_KEPT_MAX];
static size_t rules_nkept, rules_next; /* rules_next: the slot a full table gives up */
static int sla_percent[SLA_PERCENTS_MAX] = {75, 100};
static size_t sla_npercent = 2;
static int64_t sla_fixed_now; /* 0: the real clock */

void
sd_sla_setup(const struct sd_conf *conf)
{
	size_t i;

	sla_npercent = conf->sc_sla_npercents;
	for (i = 0; i < sla_npercent && i < SLA_PERCENTS_MAX; i++)
		sla_percent[i] = conf->sc_sla_percents[i];
	sla_fixed_now = conf->sc_sla_now;
}

int64_t
sd_sla_now(void)
{
	struct timespec ts;

	if (sla_fixed_now != 0)
		return sla_fixed_now;
	/* Not time(): its coarse clock can lag the one PostgreSQL stamps with. */
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t
sd_sla_now_for(const struct sd_sla_ticket *t)
{
	int64_t now = sd_sla_now(), last = t->sk_created;
	size_t i;

	if (sla_fixed_now != 0)
		return now;
	/*
	 * The events were stamped by the database's clock; a daemon on another
	 * host may be a little behind it.  What has happened has happened.
	 */
	for (i = 0; i < t->sk_nev; i++)
		if (t->sk_ev[i].tv_time > last)
			last = t->sk_ev[i].tv_time;
	return now > last ? now : last;
}

const int *
sd_sla_percents(size_t *n)
{
	*n = sla_npercent;
	return sla_percent;
}

/* The compiled calendar of id at version, or NULL; cal_lock held. */
static const struct sla_calendar *
cal_find(long long id, int version)
{
	const struct cal_entry *e;

	for (e = cal_list; e != NULL; e = e->ce_next)
		if (e->ce_id == id && e->ce_version == version)
			return e->ce_cal;
	return NULL;
}

const struct sla_calendar *
sd_sla_calendar_cached(long long id, int version)
{
	const struct sla_calendar *cal;

	pthread_mutex_lock(&cal_lock);
	cal = cal_find(id, version);
	pthread_mutex_unlock(&cal_lock);
	return cal;
}

const struct sla_calendar *
sd_sla_calendar_add(long long id, int version, const char *spec, char *err, size_t errlen)
{
	struct sla_calendar_spec cs;
	struct sla_exception *exc = NULL;
	struct cal_entry *e;
	const struct sla_calendar *have;
	json_t *j = json_loads(spec, 0, NULL);
	char field[64];

	if (j == NULL) {
		snprintf(err, errlen, "calendar %lld: spec is not JSON", id);
		return NULL;
	}
	if (sd_sla_spec_parse(j, &cs, &exc, field, sizeof(field), err, errlen) < 0) {
		json_decref(j);
		return NULL;
	}
	json_decref(j);
	if ((e = calloc(1, sizeof(*e))) == NULL ||
		(e->ce_cal = sla_calendar_new(&cs, err, errlen)) == NULL) {
		free(e);
		free(exc);
		return NULL;
	}
	free(exc);
	e->ce_id = id;
	e->ce_version = version;
	pthread_mutex_lock(&cal_lock);
	if ((have = cal_find(id, version)) == NULL) {
		e->ce_next = cal_list;
		cal_list = e;
		have = e->ce_cal;
		e = NULL;
	}
	pthread_mutex_unlock(&cal_lock);
	if (e != NULL) { /* another thread compiled it first */
		sla_calendar_free(e->ce_cal);
		free(e);
	}
	return have;
}

/* The kept rules of tenant and type, whatever their stamp, or NULL; cal_lock held. */
static struct rules_entry *
rules_find(int tenant, const char *type)
{
	size_t i;

	for (i = 0; i < rules_nkept; i++)
		if (rules_kept[i].re_tenant == tenant &&
			strcmp(rules_kept[i].re_type, type) == 0)
			return &rules_kept[i];
	return NULL;
}

char *
sd_sla_rules_cached(int tenant, const char *type, long long stamp)
{
	const struct rules_entry *e;
	char *text = NULL;

	pthread_mutex_lock(&cal_lock);
	if ((e = rules_find(tenant, type)) != NULL && e->re_stamp == stamp)
		text = strdup(e->re_text);
	pthread_mutex_unlock(&cal_lock);
	return text;
}

void
sd_sla_rules_keep(int tenant, const char *type, long long stamp, const char *text)
{
	struct rules_entry *e;
	char *copy;

	if (strlen(type) >= sizeof(e->re_type) || (copy = strdup(text)) == NULL)
		return;
	pthread_mutex_lock(&cal_lock);
	if ((e = rules_find(tenant, type)) == NULL) {
		if (rules_nkept < RULES_KEPT_MAX) {
			e = &rules_kept[rules_nkept++];
		} else {
			e = &rules_kept[rules_next];
			rules_next = (rules_next + 1) % RULES_KEPT_MAX;
		}
		free(e->re_text);
		e->re_text = NULL;
		e->re_stamp = 0;
		e->re_tenant = tenant;
		snprintf(e->re_type, sizeof(e->re_type), "%s", type);
	}
	if (e->re_text == NULL || e->re_stamp <= stamp) {
		free(e->re_text);
		e->re_text = copy;
		e->re_stamp = stamp;
		copy = NULL;
	}
	pthread_mutex_unlock(&cal_lock);
	free(copy);
}

void
sd_sla_cache_free(void)
{
	struct cal_entry *e, *next;
	size_t i;

	pthread_mutex_lock(&cal_lock);
	for (i = 0; i < rules_nkept; i++)
		free(rules_kept[i].re_text);
	rules_nkept = rules_next = 0;
	for (e = cal_list; e != NULL; e = next) {
		next = e->ce_next;
		sla_calendar_free(e->ce_cal);
		free(e);
	}
	cal_list = NULL;
	pthread_mutex_unlock(&cal_lock);
}

/* Parses "HH:MM" (00:00..24:00) into minutes after midnight; -1 if not one. */
static int
spec_minute(const char *s)
{
	int h, m;

	if (strlen(s) != 5 || s[2] != ':' || sscanf(s, "%2d:%2d", &h, &m) != 2 || h < 0 ||
		h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) || s[0] < '0' || s[0] > '9' ||
		s[3] < '0' || s[3] > '9')
		return -1;
	return h * 60 + m;
}

/* A day's hours from ["07:30-12:00", "13:00-16:30"]; -1 naming the fault. */
static int
spec_hours(json_t *arr, struct sla_hours *h, char *err, size_t errlen)
{
	char from[6], to[6];
	const char *s;
	json_t *v;
	size_t i;

	memset(h, 0, sizeof(*h));
	if (!json_is_array(arr) || json_array_size(arr) > SLA_INTERVALS_MAX) {
		snprintf(err, errlen, "must be a list of at most %d \"HH:MM-HH:MM\"",
			SLA_INTERVALS_MAX);
		return -1;
	}
	json_array_foreach(arr, i, v)
	{
		s = json_string_value(v);
		if (s == NULL || strlen(s) != 11 || s[5] != '-') {
			snprintf(err, errlen, "interval %zu is not \"HH:MM-HH:MM\"", i + 1);
			return -1;
		}
		memcpy(from, s, 5);
		memcpy(to, s + 6, 5);
		from[5] = to[5] = '\0';
		h->sh_iv[i].si_start = spec_minute(from);
		h->sh_iv[i].si_end = spec_minute(to);
		if (h->sh_iv[i].si_start < 0 || h->sh_iv[i].si_end < 0) {
			snprintf(err, errlen, "interval %zu: no such time of day", i + 1);
			return -1;
		}
	}
	h->sh_count = (int)i;
	return 0;
}

/* One exception {"date": "2026-12-23", "hours": [...]}. */
static int
spec_exception(json_t *x, struct sla_exception *out, char *err, size_t errlen)
{
	const char *date = json_string_value(json_object_get(x, "date"));
	char tail;

	if (!json_is_object(x) || json_object_size(x) != 2 || date == NULL ||
		strlen(date) != 10 ||
		sscanf(date, "%4d-%2d-%2d%c", &out->sx_year, &out->sx_month, &out->sx_mday,
			&tail) != 3) {
		snprintf(err, errlen, "must be {\"date\": \"YYYY-MM-DD\", \"hours\": [...]}");
		return -1;
	}
	return spec_hours(json_object_get(x, "hours"), &out->sx_hours, err, errlen);
}

static int
spec_week(json_t *week, struct sla_calendar_spec *cs, char *field, size_t flen, char *err,
	size_t errlen)
{
	static const char *const days[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	int d;

	if (!json_is_object(week) || json_object_size(week) != 7) {
		snprintf(field, flen, "spec.week");
		snprintf(err, errlen, "must name all seven days, mon..sun");
		return -1;
	}
	for (d = 0; d < 7; d++) {
		snprintf(field, flen, "spec.week.%s", days[d]);
		if (spec_hours(json_object_get(week, days[d]), &cs->cs_week[d], err, errlen) <
			0)
			return -1;
	}
	return 0;
}

static int
spec_exceptions(json_t *arr, struct sla_calendar_spec *cs, struct sla_exception **exc,
	char *field, size_t flen, char *err, size_t errlen)
{
	size_t i, n = json_array_size(arr);

	snprintf(field, flen, "spec.exceptions");
	if (!json_is_array(arr) || n > SPEC_EXCEPTIONS_MAX) {
		snprintf(
			err, errlen, "must be a list of at most %d dates", SPEC_EXCEPTIONS_MAX);
		return -1;
	}
	if (n > 0 && (*exc = calloc(n, sizeof(**exc))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(field, flen, "spec.exceptions[%zu]", i);
		if (spec_exception(json_array_get(arr, i), &(*exc)[i], err, errlen) < 0)
			return -1;
	}
	cs->cs_exceptions = *exc;
	cs->cs_nexceptions = n;
	return 0;
}

int
sd_sla_spec_parse(json_t *spec, struct sla_calendar_spec *cs, struct sla_exception **exc,
	char *field, size_t flen, char *err, size_t errlen)
{
	static const char *const keys[] = {
		"defacto_closed", "exceptions", "holidays", "shortened", "week", NULL};
	const char *key;
	json_t *v;

	memset(cs, 0, sizeof(*cs));
	*exc = NULL;
	snprintf(field, flen, "spec");
	if (!json_is_object(spec)) {
		snprintf(err, errlen, "must be an object");
		return -1;
	}
	json_object_foreach(spec, key, v)
	{
		(void)v;
		if (!sd_ticket_enum_ok(keys, key)) {
			snprintf(field, flen, "spec.%.40s", key);
			snprintf(err, errlen, "unknown key");
			return -1;
		}
	}
	if (spec_week(json_object_get(spec, "week"), cs, field, flen, err, errlen) < 0)
		goto fail;
	snprintf(field, flen, "spec.shortened");
	if (spec_hours(json_object_get(spec, "shortened"), &cs->cs_shortened, err, errlen) < 0)
		goto fail;
	snprintf(field, flen, "spec.holidays");
	if (!json_is_boolean(json_object_get(spec, "holidays")))
		goto bool_fail;
	snprintf(field, flen, "spec.defacto_closed");
	if (!json_is_boolean(json_object_get(spec, "defacto_closed")))
		goto bool_fail;
	cs->cs_holidays = json_is_true(json_object_get(spec, "holidays"));
	cs->cs_defacto_closed = json_is_true(json_object_get(spec, "defacto_closed"));
	if (spec_exceptions(
		    json_object_get(spec, "exceptions"), cs, exc, field, flen, err, errlen) < 0)
		goto fail;
	snprintf(field, flen, "spec");
	if (sla_spec_check(cs, err, errlen) < 0)
		goto fail;
	return 0;
bool_fail:
	snprintf(err, errlen, "must be true or false");
fail:
	free(*exc);
	*exc = NULL;
	return -1;
}
