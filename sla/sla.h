/*
 * sla.h: Swedish business time for the service desk.
 *
 * Europe/Stockholm calendars with Swedish public holidays, business-time
 * arithmetic over them, SLA clocks evaluated from ticket events, and the
 * NIS2/GDPR regulatory deadlines. Plain C over plain structs: no I/O, no
 * threads of its own, no allocation except behind a _new/_free pair.
 *
 * Every instant in this API is int64_t UTC seconds since the epoch; local
 * time appears only in struct sla_local and in calendar specs (minutes after
 * local midnight). Grouped by the file that implements them.
 */
#ifndef SDESK_SLA_H
#define SDESK_SLA_H

#include <stddef.h>
#include <stdint.h>

#define SLA_YEAR_MIN 1900        /* first year with holidays and calendars */
#define SLA_YEAR_MAX 2200        /* last year with holidays and calendars */
#define SLA_TIME_NEVER INT64_MAX /* "no such instant": sorts after every real one */
#define SLA_INTERVALS_MAX 4      /* opening intervals per day */
#define SLA_DAYS_MAX 32          /* room for one year of sla_list_holidays() */

/* ---- sla_tz.c: dates and the Europe/Stockholm zone ---- */

/* A Stockholm wall-clock time; months and days count from 1. */
struct sla_local {
	int sl_year, sl_month, sl_mday;
	int sl_hour, sl_min, sl_sec;
	int sl_wday;   /* 0 = Monday ... 6 = Sunday */
	int sl_offset; /* seconds east of UTC: 3600 (CET) or 7200 (CEST) */
};

/* Days since 1970-01-01 of a proleptic Gregorian date; no range check. */
int64_t sla_date_to_days(int year, int month, int mday);
/* Inverse of sla_date_to_days(); any pointer may be NULL. */
void sla_days_to_date(int64_t days, int *year, int *month, int *mday);
/* Weekday of a day number, 0 = Monday ... 6 = Sunday. */
int sla_days_to_weekday(int64_t days);
/* Days in a month of a Gregorian year, 0 if month is not 1..12. */
int sla_month_length(int year, int month);
/* UTC instants of the spring and autumn DST switches of a year (EU rule). */
void sla_tz_transitions(int year, int64_t *spring, int64_t *autumn);
/* Stockholm's UTC offset at t in seconds: 3600 or 7200. Here and below, t
 * must lie within years 1..9999. */
int sla_tz_offset(int64_t t);
/* Stockholm wall-clock time of t. */
void sla_utc_to_local(int64_t t, struct sla_local *out);
/* UTC of a wall-clock time (sl_wday, sl_offset ignored) per RFC 5545: the
 * first of two repeated times, the pre-switch offset for a skipped one;
 * -1 if a field is out of range. */
int sla_local_to_utc(const struct sla_local *in, int64_t *out);
/* t moved by whole calendar months in local time, the day clamped to the
 * month's end (31 Jan + 1 = 28/29 Feb), same wall time; SLA_TIME_NEVER if
 * the result leaves years 1..9999. */
int64_t sla_add_local_months(int64_t t, int months);

/* ---- sla_holiday.c: Swedish public holidays and their eves ---- */

enum sla_day_kind {
	SLA_DAY_NORMAL = 0, /* ordinary day: the weekday's hours */
	SLA_DAY_HOLIDAY,    /* allmän helgdag by law (lag 1989:253) */
	SLA_DAY_CLOSED,     /* de facto closed: midsommarafton, julafton, nyårsafton */
	SLA_DAY_SHORTENED   /* halvdag: a weekday before some holidays */
};

/* One day and what kind it is; sd_name is static UTF-8 Swedish, "" if normal. */
struct sla_day {
	int sd_year, sd_month, sd_mday;
	int sd_wday; /* 0 = Monday ... 6 = Sunday */
	enum sla_day_kind sd_kind;
	const char *sd_name;
};

/* Easter Sunday by the Gregorian computus; -1 outside SLA_YEAR_MIN..MAX. */
int sla_easter_date(int year, int *month, int *mday);
/* Kind and name of one date; -1 for an invalid date or a year out of range. */
int sla_day_info(int year, int month, int mday, struct sla_day *out);
/* Every day of the year that is not SLA_DAY_NORMAL, in date order, into the
 * caller's array (SLA_DAYS_MAX is enough); the count, or -1. */
int sla_list_holidays(int year, struct sla_day *out, size_t max);
/* Stable English word for a kind ("normal", "holiday", ...), for logs. */
const char *sla_day_kind_name(enum sla_day_kind kind);

/* ---- sla_spec.c: what a calendar is made of ---- */

/* Open from si_start to si_end, minutes after local midnight, 0..1440. */
struct sla_interval {
	int si_start, si_end;
};

/* One day's opening hours: sorted, non-overlapping; no intervals = closed. */
struct sla_hours {
	int sh_count;
	struct sla_interval sh_iv[SLA_INTERVALS_MAX];
};

/* A date whose hours replace everything else (sh_count 0 = closed). */
struct sla_exception {
	int sx_year, sx_month, sx_mday;
	struct sla_hours sx_hours;
};

/* Plain description of a calendar; sla_calendar_new() copies all of it. */
struct sla_calendar_spec {
	struct sla_hours cs_week[7];   /* 0 = Monday ... 6 = Sunday */
	struct sla_hours cs_shortened; /* hours of a halvdag on an open weekday */
	int cs_holidays;               /* 0: holidays and eves are ordinary days */
	int cs_defacto_closed;         /* close midsommarafton, julafton, nyårsafton */
	const struct sla_exception *cs_exceptions; /* borrowed until _new returns */
	size_t cs_nexceptions;
};

/* The Dalsland shared service desk: Mon-Thu 07:30-16:30, Fri 07:30-16:00,
 * halvdagar 07:30-12:00, holidays and de facto closed days closed. */
void sla_spec_init_dalsland(struct sla_calendar_spec *spec);
/* Always open: every day 00:00-24:00, holidays ignored, no exceptions. */
void sla_spec_init_24x7(struct sla_calendar_spec *spec);
/* 0 if the spec can make a calendar, else -1 with the reason in err. */
int sla_spec_check(const struct sla_calendar_spec *spec, char *err, size_t errlen);

/* ---- sla_calendar.c: calendars built from specs ---- */

struct sla_calendar;

/* A calendar from a spec, or NULL with the reason in err; the caller frees
 * it with sla_calendar_free(). Safe to share between threads once made. */
struct sla_calendar *sla_calendar_new(
	const struct sla_calendar_spec *spec, char *err, size_t errlen);
/* Frees a calendar and everything it built; NULL is fine. */
void sla_calendar_free(struct sla_calendar *cal);
/* Builds years from..to now so that later calls cannot run out of memory;
 * 0, or -1 on allocation failure. Years are otherwise built on first use. */
int sla_calendar_prepare(const struct sla_calendar *cal, int year_from, int year_to);
/* The local hours a calendar keeps on one date, after holidays and
 * exceptions; -1 for an invalid date or a year out of range. */
int sla_calendar_day_hours(
	const struct sla_calendar *cal, int year, int month, int mday, struct sla_hours *out);

/* ---- sla_time.c: business-time arithmetic ---- */

/* Open seconds in [from, to); 0 if to <= from; -1 only if out of memory. */
int64_t sla_business_seconds(const struct sla_calendar *cal, int64_t from, int64_t to);
/* The earliest instant by which `seconds` of open time have passed since
 * from; 0 seconds gives sla_next_open(from). SLA_TIME_NEVER if the calendar
 * does not open enough before 2201 (or out of memory). */
int64_t sla_add_business_seconds(const struct sla_calendar *cal, int64_t from, int64_t seconds);
/* 1 if the calendar is open at t, else 0 (also out of range or memory). */
int sla_is_open(const struct sla_calendar *cal, int64_t t);
/* t if open, else the next opening; SLA_TIME_NEVER if none before 2201. */
int64_t sla_next_open(const struct sla_calendar *cal, int64_t t);

/* ---- sla_clock.c: SLA clocks from ticket events ---- */

enum sla_event_kind {
	SLA_EV_START = 1, /* clock starts; se_target is the first target */
	SLA_EV_PAUSE,     /* e.g. waiting for the caller */
	SLA_EV_RESUME,
	SLA_EV_TARGET, /* se_target replaces the target, e.g. new priority */
	SLA_EV_STOP    /* resolved; nothing may follow */
};

/* One stored ticket event; se_target is read only for START and TARGET. */
struct sla_event {
	int64_t se_time;
	enum sla_event_kind se_kind;
	int64_t se_target; /* business seconds */
};

enum sla_clock_state { SLA_CLOCK_RUNNING = 1, SLA_CLOCK_PAUSED, SLA_CLOCK_STOPPED };

/* A clock evaluated at ck_now. It borrows the calendar and the events it
 * was evaluated from: keep both alive while calling sla_clock_threshold_at(). */
struct sla_clock {
	enum sla_clock_state ck_state;
	int64_t ck_elapsed;     /* business seconds run up to now (or to STOP) */
	int64_t ck_target;      /* the target in force at now, business seconds */
	int64_t ck_remaining;   /* target - elapsed; negative = breached by that much */
	int64_t ck_due;         /* when it runs out if it runs on (past if breached);
	                         * SLA_TIME_NEVER unless running */
	int ck_breached;        /* 1 if more than the target has run */
	int64_t ck_breached_at; /* when the target was used up; NEVER unless breached */
	int64_t ck_now;
	const struct sla_calendar *ck_cal;
	const struct sla_event *ck_events;
	size_t ck_nevents; /* events applied: those at or before now */
};

/* Evaluates events (sorted by time, START first) at now; events after now
 * are checked but not applied. 0, or -1 with the reason in err. */
int sla_clock_eval(struct sla_clock *out, const struct sla_calendar *cal,
	const struct sla_event *events, size_t nevents, int64_t now, char *err, size_t errlen);
/* The instant percent of the target is (or will be, if it keeps running)
 * used up: always inside or at the close of an open interval, never in
 * closed time; SLA_TIME_NEVER if paused or stopped short of it. */
int64_t sla_clock_threshold_at(const struct sla_clock *clock, int percent);
/* Stable English word for a state ("running", ...), for logs and JSON. */
const char *sla_clock_state_name(enum sla_clock_state state);

/* ---- sla_ticket.c: a ticket's SLA and OLA clocks from its history ---- */

#define SLA_PERCENTS_MAX 8 /* warning thresholds per clock */

/* The clocks a ticket has; a policy may leave any of them out. */
enum sla_clock_kind {
	SLA_CK_FIRST_RESPONSE = 0, /* filed -> first response */
	SLA_CK_NEXT_UPDATE,        /* keep-in-loop: restarts at every update to the requester */
	SLA_CK_RESOLUTION,         /* filed -> resolved; reopening resumes it */
	SLA_CK_OLA_LINE1,          /* while a first-line queue holds the ticket */
	SLA_CK_OLA_LINE2,          /* while a second-line queue holds it */
	SLA_CK__COUNT
};

/* Whom a ticket waits for, as its status says. */
enum sla_wait { SLA_WAIT_NONE = 0, SLA_WAIT_REQUESTER, SLA_WAIT_SUPPLIER };

/* What happened to a ticket, as far as its clocks care. */
enum sla_tev_kind {
	SLA_TEV_CREATED = 1, /* filed: tv_priority, tv_line */
	SLA_TEV_PRIORITY,    /* tv_priority changed */
	SLA_TEV_WAIT,        /* a status change: tv_wait */
	SLA_TEV_LINE,        /* moved to a queue of support line tv_line */
	SLA_TEV_RESPONSE,    /* the first response by staff */
	SLA_TEV_UPDATE,      /* staff told the requester something (a public reply) */
	SLA_TEV_RESOLVED,
	SLA_TEV_REOPENED
};

/* One event of a ticket's history; fields not named by the kind are ignored. */
struct sla_tev {
	int64_t tv_time;
	enum sla_tev_kind tv_kind;
	int tv_priority; /* 1..4 */
	int tv_line;     /* 1..3 */
	enum sla_wait tv_wait;
};

/* What a ticket's policy (and the OLAs of its lines) asks for. */
struct sla_ticket_policy {
	int64_t tp_target[SLA_CK__COUNT][4]; /* business seconds at priority 1..4; -1: none */
	const struct sla_calendar *tp_cal[SLA_CK__COUNT]; /* NULL: no such clock */
	int tp_pause_supplier; /* waiting for a supplier pauses the clocks too */
};

/* One clock of a ticket evaluated at now; self-contained (nothing borrowed). */
struct sla_ticket_clock {
	int tc_present; /* 0: no target, or not started by now; nothing else is set */
	enum sla_clock_state tc_state;
	int64_t tc_target, tc_elapsed, tc_remaining; /* of the current cycle */
	int64_t tc_due;         /* running: when the target runs out; else SLA_TIME_NEVER */
	int64_t tc_breached_at; /* the first time a target was used up, any cycle; or NEVER */
	int64_t tc_stopped_at;  /* stopped: when; else SLA_TIME_NEVER */
	int tc_cycle;           /* next update: the interval (0 from filing); else 0 */
	int64_t tc_cycle_start;
	/* When each percent of the target is (or was) used up if it runs on;
	 * SLA_TIME_NEVER unless running. Same order as the percents asked for. */
	int64_t tc_reached[SLA_PERCENTS_MAX];
};

/* Work space (struct sla_event entries) sla_ticket_eval needs for n events. */
#define SLA_TICKET_WORK(n) ((n) + 4)

/* Evaluates every clock of a ticket at now from its events (in the order
 * they were written, CREATED first; a time before the one before counts as
 * that one; events after now are ignored). percents (up to
 * SLA_PERCENTS_MAX) are the warning thresholds. work holds
 * SLA_TICKET_WORK(n) entries. 0, or -1 with the reason in err. */
int sla_ticket_eval(const struct sla_tev *ev, size_t n, const struct sla_ticket_policy *pol,
	const int *percents, size_t npercents, int64_t now, struct sla_event *work,
	size_t nwork, struct sla_ticket_clock out[SLA_CK__COUNT], char *err, size_t errlen);
/* When a warning for the instant `reached` should fire, decided at now:
 * reached, unless it has passed and the calendar is closed now: then its
 * next opening (nobody is warned at night). NEVER stays NEVER. */
int64_t sla_warning_due(const struct sla_calendar *cal, int64_t reached, int64_t now);
/* Stable name of a clock kind ("first_response", ...), for SQL and JSON. */
const char *sla_clock_kind_name(enum sla_clock_kind kind);

/* ---- sla_regulatory.c: security-incident deadlines in calendar time ---- */

/* Deadlines counted in real (not business) time from awareness. */
struct sla_regulatory {
	int64_t sr_aware;
	int64_t sr_nis2_early_warning; /* NIS2 art. 23(4)(a): aware + 24 h */
	int64_t sr_nis2_notification;  /* NIS2 art. 23(4)(b): aware + 72 h */
	int64_t sr_nis2_final_report;  /* NIS2 art. 23(4)(d): a month after notification */
	int sr_final_from_actual;      /* 1: from the notification made, 0: from its deadline */
	int64_t sr_gdpr_imy;           /* GDPR art. 33(1), to IMY: aware + 72 h */
};

/* Fills out from the moment of awareness and the moment the NIS2 incident
 * notification was made (SLA_TIME_NEVER if not yet); -1 if notified is
 * before aware or an instant is outside the supported years. */
int sla_compute_regulatory(int64_t aware, int64_t notified, struct sla_regulatory *out);

#endif
