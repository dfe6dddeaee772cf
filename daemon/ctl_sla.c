/*
 * ctl_sla.c: `sdeskctl sla recompute`, what an administrator runs after
 * changing a calendar or a policy: every open ticket's clocks evaluated
 * again from its events and stored.
 *
 * The tickets stream out in one COPY (one connection, one snapshot) and the
 * results go back in large batches over several other connections at once
 * (--jobs), each batch one short transaction through sdesk_sla_store(),
 * which skips a ticket that changed meanwhile (the daemon that changed it
 * has recomputed it) and writes only what changed.  Computing goes on
 * while batches are stored.  Runs as the owner role: it reads every
 * municipality's tickets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sdesk.h"

#define RECOMPUTE_BATCH 2000
#define RECOMPUTE_JOBS_MAX 16

/* A growing "[doc,doc,...]" text. */
struct recompute_batch {
	char *rb_buf;
	size_t rb_len, rb_cap;
	size_t rb_n;
};

struct recompute {
	PGconn *rc_in;
	PGconn *rc_out[RECOMPUTE_JOBS_MAX]; /* writers, used in turn */
	int rc_busy[RECOMPUTE_JOBS_MAX];    /* a batch is in flight on it */
	int rc_jobs, rc_next;
	struct sd_sla_rules rc_rules;
	struct recompute_batch rc_batch;
	long long rc_read, rc_stored, rc_clocks, rc_failed;
	double rc_compute_s, rc_store_s;
};

static double
recompute_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
batch_add(struct recompute_batch *b, const char *doc)
{
	size_t need = b->rb_len + strlen(doc) + 3;

	if (need > b->rb_cap) {
		size_t cap = need * 2;
		char *p = realloc(b->rb_buf, cap);

		if (p == NULL)
			return -1;
		b->rb_buf = p;
		b->rb_cap = cap;
	}
	b->rb_buf[b->rb_len++] = b->rb_n++ == 0 ? '[' : ',';
	memcpy(b->rb_buf + b->rb_len, doc, strlen(doc));
	b->rb_len += strlen(doc);
	b->rb_buf[b->rb_len] = '\0';
	return 0;
}

/* Waits for writer i's batch; -1 with the server's words printed. */
static int
writer_wait(struct recompute *rc, int i)
{
	double t0 = recompute_clock();
	PGresult *res;
	int ok = 1;

	while (rc->rc_busy[i] && (res = PQgetResult(rc->rc_out[i])) != NULL) {
		if (PQresultStatus(res) == PGRES_TUPLES_OK)
			rc->rc_stored += atoll(PQgetvalue(res, 0, 0));
		else if (ok) {
			fprintf(stderr, "sdeskctl: storing clocks: %s",
				PQresultErrorMessage(res));
			ok = 0;
		}
		PQclear(res);
	}
	rc->rc_busy[i] = 0;
	rc->rc_store_s += recompute_clock() - t0;
	return ok ? 0 : -1;
}

/* Sends the batch to the next writer (after its last one is stored). */
static int
batch_flush(struct recompute *rc)
{
	struct recompute_batch *b = &rc->rc_batch;
	int i = rc->rc_next;
	const char *p[1];

	if (b->rb_n == 0)
		return 0;
	rc->rc_next = (i + 1) % rc->rc_jobs;
	if (writer_wait(rc, i) < 0)
		return -1;
	b->rb_buf[b->rb_len++] = ']';
	b->rb_buf[b->rb_len] = '\0';
	p[0] = b->rb_buf;
	/* libpq copies the text out before it returns: the buffer is free again. */
	if (!PQsendQueryParams(rc->rc_out[i], "SELECT sdesk_sla_store($1::jsonb)", 1, NULL, p,
		    NULL, NULL, 0)) {
		fprintf(stderr, "sdeskctl: storing clocks: %s", PQerrorMessage(rc->rc_out[i]));
		return -1;
	}
	rc->rc_busy[i] = 1;
	b->rb_len = b->rb_n = 0;
	return 0;
}

/* The last batch, and every writer done. */
static int
batch_finish(struct recompute *rc)
{
	int i, ret = batch_flush(rc);

	for (i = 0; i < rc->rc_jobs; i++)
		if (writer_wait(rc, i) < 0)
			ret = -1;
	return ret;
}

/* Splits a COPY text line into its fields in place (\N is NULL). */
static int
recompute_fields(char *line, const char *f[SD_SLA_INPUT_FIELDS + 1])
{
	char *p = line, *w;
	int n = 0;

	for (;;) {
		f[n] = p;
		for (w = p; *p != '\0' && *p != '\t'; p++) {
			if (*p == '\\' && p[1] != '\0') {
				p++;
				*w++ = *p == 't'    ? '\t'
					: *p == 'n' ? '\n'
					: *p == 'N' ? '\x01'
						    : *p;
			} else {
				*w++ = *p;
			}
		}
		if (f[n][0] == '\x01' && w == f[n] + 1)
			f[n] = NULL;
		n++;
		if (*p == '\0' || n > SD_SLA_INPUT_FIELDS) {
			*w = '\0';
			break;
		}
		*w = '\0';
		p++;
	}
	return n == SD_SLA_INPUT_FIELDS ? 0 : -1;
}

/* One ticket: computed and added to the batch (stored when it is full). */
static int
recompute_one(struct recompute *rc, char *line)
{
	const char *f[SD_SLA_INPUT_FIELDS + 1];
	struct sd_sla_ticket t;
	struct sd_sla_result res;
	char err[256] = "", *doc = NULL;
	double t0 = recompute_clock();
	int64_t now = 0;
	json_t *j;
	int k;

	rc->rc_read++;
	memset(&t, 0, sizeof(t));
	if (recompute_fields(line, f) < 0 || sd_sla_ticket_parse(&t, f) < 0 ||
		sd_sla_compute(&t, &rc->rc_rules, now = sd_sla_now_for(&t), &res, err,
			sizeof(err)) < 0) {
		fprintf(stderr, "sdeskctl: ticket %lld: %s\n", t.sk_id,
			err[0] ? err : "bad row");
		rc->rc_failed++;
		sd_sla_ticket_clear(&t);
		return 0;
	}
	for (k = 0; k < SLA_CK__COUNT; k++)
		rc->rc_clocks += res.sr_clock[k].tc_present;
	if ((j = sd_sla_store_doc(&t, &res, now)) != NULL)
		doc = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	sd_sla_ticket_clear(&t);
	rc->rc_compute_s += recompute_clock() - t0;
	if (doc == NULL || batch_add(&rc->rc_batch, doc) < 0) {
		free(doc);
		return -1;
	}
	free(doc);
	return rc->rc_batch.rb_n >= RECOMPUTE_BATCH ? batch_flush(rc) : 0;
}

/* Streams sdesk_sla_input() out with COPY and recomputes each ticket. */
static int
recompute_stream(struct recompute *rc, long long ticket, long long calendar)
{
	char sql[256], t[24] = "NULL", c[24] = "NULL", *line;
	PGresult *res;
	int n, ret = 0;

	/* COPY takes no parameters; these are numbers we made. */
	if (ticket != 0)
		snprintf(t, sizeof(t), "%lld", ticket);
	if (calendar != 0)
		snprintf(c, sizeof(c), "%lld", calendar);
	snprintf(sql, sizeof(sql), "COPY (SELECT * FROM sdesk_sla_input(%s, %s)) TO STDOUT", t,
		c);
	res = PQexec(rc->rc_in, sql);
	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		fprintf(stderr, "sdeskctl: reading tickets: %s", PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	while ((n = PQgetCopyData(rc->rc_in, &line, 0)) > 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (ret == 0 && recompute_one(rc, line) < 0)
			ret = -1;
		PQfreemem(line);
	}
	while ((res = PQgetResult(rc->rc_in)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			fprintf(stderr, "sdeskctl: reading tickets: %s",
				PQresultErrorMessage(res));
			ret = -1;
		}
		PQclear(res);
	}
	return ret == 0 && n == -1 ? batch_finish(rc) : -1;
}

/* One number from a one-row query with one parameter; 0 when not found. */
static long long
recompute_lookup(PGconn *pg, const char *sql, const char *arg)
{
	const char *p[1] = {arg};
	PGresult *res = PQexecParams(pg, sql, 1, NULL, p, NULL, NULL, 0);
	long long v = 0;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		v = atoll(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

static int
recompute_rules(struct recompute *rc)
{
	PGresult *res = PQexec(rc->rc_out[0], "SELECT sdesk_sla_rules(NULL, NULL)");
	char err[256] = "";
	int ok = PQresultStatus(res) == PGRES_TUPLES_OK &&
		sd_sla_rules_parse(&rc->rc_rules, PQgetvalue(res, 0, 0), err, sizeof(err)) == 0;

	if (!ok)
		fprintf(stderr, "sdeskctl: reading policies: %s%s\n", err,
			PQresultErrorMessage(res));
	PQclear(res);
	return ok ? 0 : -1;
}

static int
recompute_usage(void)
{
	fprintf(stderr,
		"usage: sdeskctl sla recompute [--calendar CODE] [--ticket NUMBER] "
		"[--jobs N]\n");
	return 2;
}

static int
recompute_run(struct recompute *rc, const char *cal_code, const char *number)
{
	long long calendar = 0, ticket = 0;

	if (cal_code != NULL &&
		(calendar = recompute_lookup(rc->rc_out[0],
			 "SELECT id FROM sla_calendars WHERE code = $1", cal_code)) == 0) {
		fprintf(stderr, "sdeskctl: no calendar '%s'\n", cal_code);
		return 1;
	}
	if (number != NULL &&
		(ticket = recompute_lookup(rc->rc_out[0],
			 "SELECT id FROM tickets WHERE number = $1", number)) == 0) {
		fprintf(stderr, "sdeskctl: no ticket '%s'\n", number);
		return 1;
	}
	if (recompute_rules(rc) < 0 || recompute_stream(rc, ticket, calendar) < 0)
		return 1;
	return 0;
}

/* The reader and rc_jobs writers; -1 (said why) when one cannot connect. */
static int
recompute_connect(struct recompute *rc, const char *dsn)
{
	int i;

	rc->rc_in = PQconnectdb(dsn);
	for (i = 0; i < rc->rc_jobs; i++)
		rc->rc_out[i] = PQconnectdb(dsn);
	for (i = -1; i < rc->rc_jobs; i++) {
		PGconn *pg = i < 0 ? rc->rc_in : rc->rc_out[i];

		if (PQstatus(pg) != CONNECTION_OK) {
			fprintf(stderr, "sdeskctl: cannot connect: %s", PQerrorMessage(pg));
			return -1;
		}
	}
	return 0;
}

int
sd_ctl_sla(struct sd_conf *conf, int argc, char **argv)
{
	const char *cal = NULL, *number = NULL;
	struct recompute rc;
	double t0 = recompute_clock();
	int i, ret;

	if (argc < 2 || strcmp(argv[1], "recompute") != 0)
		return recompute_usage();
	memset(&rc, 0, sizeof(rc));
	rc.rc_jobs = 4;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--calendar") == 0 && i + 1 < argc)
			cal = argv[++i];
		else if (strcmp(argv[i], "--ticket") == 0 && i + 1 < argc)
			number = argv[++i];
		else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc &&
			(rc.rc_jobs = atoi(argv[++i])) >= 1 && rc.rc_jobs <= RECOMPUTE_JOBS_MAX)
			continue;
		else
			return recompute_usage();
	}
	if (conf->sc_db_owner_dsn == NULL) {
		fprintf(stderr, "sdeskctl: set [database] owner_dsn\n");
		return 1;
	}
	ret = recompute_connect(&rc, conf->sc_db_owner_dsn) < 0
		? 1
		: recompute_run(&rc, cal, number);
	if (ret == 0)
		printf("recomputed %lld ticket(s) (%lld clocks), stored %lld, failed %lld; "
		       "%.3f s (compute %.3f s, waiting for the database %.3f s)\n",
			rc.rc_read, rc.rc_clocks, rc.rc_stored, rc.rc_failed,
			recompute_clock() - t0, rc.rc_compute_s, rc.rc_store_s);
	PQfinish(rc.rc_in);
	for (i = 0; i < rc.rc_jobs; i++)
		PQfinish(rc.rc_out[i]);
	sd_sla_rules_clear(&rc.rc_rules);
	free(rc.rc_batch.rb_buf);
	return ret != 0 || rc.rc_failed != 0;
}
