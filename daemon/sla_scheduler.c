/*
 * sla_scheduler.c: the thread that fires SLA warnings when they come due.
 *
 * Every sdeskd runs one (unless [sla] scheduler = no), and any number of
 * daemons may share the database: a warning is claimed with
 * UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED), so exactly
 * one of them sets fired_at, and the claim, the staff-only sla_warning
 * event on the ticket and the notification in the outbox commit together
 * or not at all.  The thread then sleeps until the next due warning, at
 * most [sla] poll_ms (a warning armed meanwhile by another daemon is found
 * within that), and wakes at once when the daemon stops.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sdesk.h"

/* Small enough that daemons share a burst (each claims its own rows). */
#define FIRE_BATCH 32

/* The system's own scope: every tenant, and every ticket visible. */
#define FIRE_PERMS "system.scheduler,ticket.read,ticket.read_secret,ticket.work"

/*
 * A warning whose ticket is being changed right now is skipped (its
 * ticket's key-share lock, needed for the event, would wait): the change
 * recomputes it, and the next look fires it.  So the scheduler never waits
 * on a lock while holding one, and cannot deadlock with a ticket change.
 */
static const struct sd_stmt sla_fire = {"sla_fire",
	"WITH due AS (SELECT w.id FROM sla_warnings w JOIN tickets t ON t.id = w.ticket_id "
	"WHERE "
	"w.fired_at IS NULL AND w.due_at <= to_timestamp($1::bigint) ORDER BY w.due_at LIMIT "
	"$2::integer FOR UPDATE OF w SKIP LOCKED FOR KEY SHARE OF t SKIP LOCKED), "
	"fired AS (UPDATE sla_warnings w SET fired_at = now(), fired_by = $3 FROM due WHERE "
	"w.id = due.id AND w.fired_at IS NULL RETURNING w.id, w.tenant_id, w.ticket_id, "
	"w.clock, w.cycle, w.threshold, w.due_at), ev AS (INSERT INTO ticket_events "
	"(tenant_id, ticket_id, kind, public, data) SELECT f.tenant_id, f.ticket_id, "
	"'sla_warning', false, json_build_object('clock', f.clock, 'cycle', f.cycle, "
	"'threshold', f.threshold, 'due_at', f.due_at) FROM fired f RETURNING 1), ob AS "
	"(INSERT INTO notifications_outbox (tenant_id, kind, ticket_id, payload) SELECT "
	"f.tenant_id, 'sla_warning', f.ticket_id, jsonb_build_object('ticket', t.number, "
	"'clock', f.clock, 'cycle', f.cycle, 'threshold', f.threshold, 'due_at', f.due_at, "
	"'priority', t.priority, 'queue', t.queue, 'assignee', t.assignee_id) FROM fired f "
	"LEFT JOIN tickets t ON t.id = f.ticket_id RETURNING 1) SELECT (SELECT count(*) FROM "
	"fired), (SELECT count(*) FROM ev), (SELECT count(*) FROM ob), (SELECT "
	"floor(extract(epoch FROM min(w.due_at)))::bigint FROM sla_warnings w WHERE "
	"w.fired_at IS NULL AND w.due_at > to_timestamp($1::bigint))",
	3};

struct sd_sla_scheduler {
	struct sd_app *ss_app;
	pthread_t ss_thread;
	pthread_mutex_t ss_lock;
	pthread_cond_t ss_cond;
	int ss_stop;
	char ss_who[96]; /* host:pid, in fired_by */
};

struct fire_op {
	const char *fo_who;
	int fo_limit;
	int64_t fo_now;
	int fo_fired;
	int64_t fo_next;
};

static int
fire_run(struct sd_dbc *c, void *arg)
{
	struct fire_op *op = arg;
	char now[24], limit[16];
	const char *p[3] = {now, limit, op->fo_who};
	PGresult *res;
	int rc;

	snprintf(now, sizeof(now), "%lld", (long long)op->fo_now);
	snprintf(limit, sizeof(limit), "%d", op->fo_limit);
	res = sd_db_exec(c, &sla_fire, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK) {
		op->fo_fired = atoi(PQgetvalue(res, 0, 0));
		/* All three, or nothing: the event and the outbox row go with the claim. */
		if (atoi(PQgetvalue(res, 0, 1)) != op->fo_fired ||
			atoi(PQgetvalue(res, 0, 2)) != op->fo_fired)
			rc = SD_DB_FAIL;
		op->fo_next = PQgetisnull(res, 0, 3) ? SLA_TIME_NEVER
						     : strtoll(PQgetvalue(res, 0, 3), NULL, 10);
	}
	PQclear(res);
	return rc;
}

int
sd_sla_fire(struct sd_app *app, const char *who, int limit, int64_t *next)
{
	struct fire_op op = {who, limit, sd_sla_now(), 0, SLA_TIME_NEVER};
	struct sd_scope sc = {0, NULL, FIRE_PERMS};
	char tenants[256];
	int ids[64], rc;
	size_t i, n, off = 0;

	n = sd_tenants_all_ids(app, ids, sizeof(ids) / sizeof(ids[0]));
	if (n == 0 && sd_tenants_reload(app) == SD_DB_OK)
		n = sd_tenants_all_ids(app, ids, sizeof(ids) / sizeof(ids[0]));
	off += (size_t)snprintf(tenants, sizeof(tenants), "{");
	for (i = 0; i < n && off < sizeof(tenants) - 16; i++)
		off += (size_t)snprintf(
			tenants + off, sizeof(tenants) - off, "%s%d", i ? "," : "", ids[i]);
	snprintf(tenants + off, sizeof(tenants) - off, "}");
	sc.sp_tenants = tenants;
	rc = sd_db_txn(app->ap_db, &sc, SD_ISO_READ_COMMITTED, fire_run, &op);
	*next = op.fo_next;
	if (rc != SD_DB_OK)
		return -1;
	if (op.fo_fired > 0)
		sd_log(SD_LOG_INFO, "sla", "fired %d warning(s)", op.fo_fired);
	return op.fo_fired;
}

/* Sleeps ms unless stopped first; returns 1 when stopping. */
static int
scheduler_sleep(struct sd_sla_scheduler *s, long ms)
{
	struct timespec until;
	int stop;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->ss_lock);
	while (!s->ss_stop && ms > 0 &&
		pthread_cond_timedwait(&s->ss_cond, &s->ss_lock, &until) != ETIMEDOUT)
		;
	stop = s->ss_stop;
	pthread_mutex_unlock(&s->ss_lock);
	return stop;
}

static void *
scheduler_main(void *arg)
{
	struct sd_sla_scheduler *s = arg;
	long poll = (long)s->ss_app->ap_conf->sc_sla_poll_ms, ms;
	struct timespec ts;
	int64_t next, now_ms;
	int fired;

	do {
		fired = sd_sla_fire(s->ss_app, s->ss_who, FIRE_BATCH, &next);
		clock_gettime(CLOCK_REALTIME, &ts);
		now_ms = s->ss_app->ap_conf->sc_sla_now != 0
			? sd_sla_now() * 1000
			: (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		ms = poll;
		if (fired >= 0 && next != SLA_TIME_NEVER && next * 1000 - now_ms < poll)
			ms = (long)(next * 1000 - now_ms);
		if (ms < 10)
			ms = 10;
		if (fired == FIRE_BATCH)
			ms = 0; /* more are due: go on at once */
	} while (!scheduler_sleep(s, ms));
	return NULL;
}

struct sd_sla_scheduler *
sd_sla_scheduler_start(struct sd_app *app)
{
	struct sd_sla_scheduler *s;
	pthread_condattr_t ca;
	char host[64] = "?";

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->ss_app = app;
	(void)gethostname(host, sizeof(host) - 1);
	snprintf(s->ss_who, sizeof(s->ss_who), "%s:%ld", host, (long)getpid());
	pthread_mutex_init(&s->ss_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->ss_cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&s->ss_thread, NULL, scheduler_main, s) != 0) {
		sd_log(SD_LOG_ERROR, "sla", "cannot start the warning scheduler");
		pthread_mutex_destroy(&s->ss_lock);
		pthread_cond_destroy(&s->ss_cond);
		free(s);
		return NULL;
	}
	return s;
}

void
sd_sla_scheduler_stop(struct sd_sla_scheduler *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->ss_lock);
	s->ss_stop = 1;
	pthread_cond_signal(&s->ss_cond);
	pthread_mutex_unlock(&s->ss_lock);
	pthread_join(s->ss_thread, NULL);
	pthread_mutex_destroy(&s->ss_lock);
	pthread_cond_destroy(&s->ss_cond);
	free(s);
}
