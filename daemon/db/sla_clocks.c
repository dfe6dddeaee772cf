/*
 * db/sla_clocks.c: a ticket's clocks, recomputed inside the transaction
 * that changed the ticket (two round trips: what the clocks are computed
 * from, then the result), evaluated live for GET .../sla, and finished for
 * reading (remaining time from the stored due instant).  A new ticket's
 * first clocks are computed before it is written, from what its create
 * knows and the SLA rules kept by configuration stamp (sd_db_sla_fresh).
 *
 * A computation that fails (a broken calendar, say) is logged and leaves
 * the stored clocks as they were: a ticket change never fails because of
 * its clocks.  A database error does, as it must.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_stmt sla_load = {"sla_load",
	"SELECT i.id, i.tenant_id, i.version, i.type, i.priority, i.status, i.pdb, i.line, "
	"i.created, i.first_response, i.events, i.reported, i.service_id, "
	"sdesk_sla_rules(i.tenant_id, "
	"i.type) FROM sdesk_sla_input($1::bigint, NULL) i",
	1};

static const struct sd_stmt sla_store = {"sla_store", "SELECT sdesk_sla_store($1::jsonb)", 1};
/* A ticket's first clocks: only inserts, and only for a ticket of this transaction. */
static const struct sd_stmt sla_first = {"sla_first", "SELECT sdesk_sla_first($1::jsonb)", 1};

/*
 * The rules of a municipality's tickets of a type, with the stamp they go
 * with and whether the caller sees all of them: the policies' row policy
 * shows a caller only the tenants of their scope.
 */
static const struct sd_stmt sla_rules_now = {"sla_rules_now",
	"SELECT s.n, sdesk_sla_rules($1::integer, $2), $1::integer = ANY (sdesk_tenants()) "
	"FROM sla_config_stamp s",
	2};

static const struct sd_stmt sla_calendar_spec = {
	"sla_calendar_spec", "SELECT version, spec FROM sla_calendars WHERE id = $1", 1};

static const struct sd_stmt sla_warnings_of = {"sla_warnings_of",
	"SELECT coalesce(json_agg(json_build_object('clock', clock, 'cycle', cycle, "
	"'threshold', threshold, 'due_at', to_char(due_at AT TIME ZONE 'UTC', " SD_SQL_RFC3339
	"), 'fired_at', to_char(fired_at AT TIME ZONE 'UTC', " SD_SQL_RFC3339 ")) ORDER BY "
	"clock, cycle, threshold), '[]') FROM sla_warnings WHERE ticket_id = $1",
	1};

/*
 * Reads ticket id and its rules and computes its clocks now (the instant
 * goes to *now).  SD_DB_OK with *computed 0 when the ticket is not there
 * or the computation failed (logged).
 */
static int
sla_compute(struct sd_dbc *c, long long id, int64_t *now, struct sd_sla_ticket *t,
	struct sd_sla_result *res, int *computed)
{
	const char *f[SD_SLA_INPUT_FIELDS];
	struct sd_sla_rules rules;
	char tid[24], err[256] = "";
	const char *p[1] = {tid};
	PGresult *q;
	int rc, i;

	*computed = 0;
	*now = sd_sla_now();
	snprintf(tid, sizeof(tid), "%lld", id);
	q = sd_db_exec(c, &sla_load, p);
	if ((rc = sd_db_result_rc(c, q)) != SD_DB_OK || PQntuples(q) != 1) {
		PQclear(q);
		return rc;
	}
	for (i = 0; i < SD_SLA_INPUT_FIELDS; i++)
		f[i] = PQgetisnull(q, 0, i) ? NULL : PQgetvalue(q, 0, i);
	memset(&rules, 0, sizeof(rules));
	if (sd_sla_ticket_parse(t, f) < 0 ||
		sd_sla_rules_parse(
			&rules, PQgetvalue(q, 0, SD_SLA_INPUT_FIELDS), err, sizeof(err)) < 0 ||
		sd_sla_compute(t, &rules, *now = sd_sla_now_for(t), res, err, sizeof(err)) < 0)
		sd_log(SD_LOG_WARN, "sla", "ticket %lld: clocks not computed: %s", id,
			err[0] ? err : "out of memory");
	else
		*computed = 1;
	sd_sla_rules_clear(&rules);
	PQclear(q);
	return SD_DB_OK;
}

int
sd_db_sla_store(struct sd_dbc *c, json_t *doc, int fresh)
{
	json_t *batch = fresh ? doc : json_pack("[o]", doc);
	const char *p[1];
	char *text;
	PGresult *q;
	int rc;

	if (batch == NULL || (text = json_dumps(batch, JSON_COMPACT)) == NULL) {
		json_decref(batch);
		return SD_DB_FAIL;
	}
	json_decref(batch);
	p[0] = text;
	q = sd_db_exec(c, fresh ? &sla_first : &sla_store, p);
	rc = sd_db_result_rc(c, q);
	PQclear(q);
	free(text);
	return rc;
}

int
sd_db_sla_recompute(struct sd_dbc *c, long long ticket)
{
	struct sd_sla_ticket t;
	struct sd_sla_result res;
	int64_t now;
	json_t *doc;
	int rc, computed;

	memset(&t, 0, sizeof(t));
	if ((rc = sla_compute(c, ticket, &now, &t, &res, &computed)) != SD_DB_OK || !computed) {
		sd_sla_ticket_clear(&t);
		return rc;
	}
	doc = sd_sla_store_doc(&t, &res, now);
	sd_sla_ticket_clear(&t);
	return doc != NULL ? sd_db_sla_store(c, doc, 0) : SD_DB_FAIL;
}

/* The rules of tenant's tickets of type into *text (the caller's): kept or read. */
static int
sla_rules_for(struct sd_dbc *c, int tenant, const char *type, long long stamp, char **text)
{
	char tid[16];
	const char *p[2] = {tid, type};
	PGresult *q;
	int rc;

	if ((*text = sd_sla_rules_cached(tenant, type, stamp)) != NULL)
		return SD_DB_OK;
	snprintf(tid, sizeof(tid), "%d", tenant);
	q = sd_db_exec(c, &sla_rules_now, p);
	if ((rc = sd_db_result_rc(c, q)) == SD_DB_OK) {
		if (PQntuples(q) != 1 || PQgetisnull(q, 0, 1)) {
			rc = SD_DB_FAIL;
		} else {
			if (PQgetvalue(q, 0, 2)[0] == 't')
				sd_sla_rules_keep(tenant, type, atoll(PQgetvalue(q, 0, 0)),
					PQgetvalue(q, 0, 1));
			if ((*text = strdup(PQgetvalue(q, 0, 1))) == NULL)
				rc = SD_DB_FAIL;
		}
	}
	PQclear(q);
	return rc;
}

int
sd_db_sla_fresh(struct sd_dbc *c, const struct sd_ticket_new *tn, int64_t *due, json_t **store)
{
	char tenant[16], prio[8], line[8], created[24], events[80], service[24];
	char err[256] = "", *text;
	const char *f[SD_SLA_INPUT_FIELDS];
	struct sd_sla_ticket t;
	struct sd_sla_rules rules;
	struct sd_sla_result res;
	int64_t now;
	int rc;

	*due = SLA_TIME_NEVER;
	*store = NULL;
	if ((rc = sla_rules_for(c, tn->tn_tenant, tn->tn_type, tn->tn_sla_stamp, &text)) !=
		SD_DB_OK)
		return rc;
	/* What sdesk_sla_input() would read once the ticket is there. */
	snprintf(tenant, sizeof(tenant), "%d", tn->tn_tenant);
	snprintf(prio, sizeof(prio), "%d", tn->tn_priority);
	snprintf(line, sizeof(line), "%d", tn->tn_line);
	snprintf(created, sizeof(created), "%lld", tn->tn_created);
	snprintf(events, sizeof(events), "%lld created %d %d", tn->tn_created, tn->tn_priority,
		tn->tn_line);
	snprintf(service, sizeof(service), "%lld", tn->tn_service);
	f[0] = "0";
	f[1] = tenant;
	f[2] = "1";
	f[3] = tn->tn_type;
	f[4] = prio;
	f[5] = "new";
	f[6] = tn->tn_pdb ? "t" : "f";
	f[7] = line;
	f[8] = created;
	f[9] = NULL;
	f[10] = events;
	f[11] = NULL;
	f[12] = tn->tn_service != 0 ? service : NULL;
	memset(&t, 0, sizeof(t));
	memset(&rules, 0, sizeof(rules));
	if (sd_sla_ticket_parse(&t, f) < 0 ||
		sd_sla_rules_parse(&rules, text, err, sizeof(err)) < 0 ||
		sd_sla_compute(&t, &rules, now = sd_sla_now_for(&t), &res, err, sizeof(err)) <
			0)
		sd_log(SD_LOG_WARN, "sla", "new ticket of %s: clocks not computed: %s",
			tn->tn_tenant_code, err[0] ? err : "out of memory");
	else if ((*store = sd_sla_store_doc(&t, &res, now)) == NULL)
		rc = SD_DB_FAIL;
	else
		*due = res.sr_due;
	sd_sla_rules_clear(&rules);
	sd_sla_ticket_clear(&t);
	free(text);
	return rc;
}

/* Adds the warnings stored for ticket id to the clocks of live. */
static int
sla_live_warnings(struct sd_dbc *c, long long id, json_t *live)
{
	char tid[24];
	const char *p[1] = {tid};
	json_t *arr;
	PGresult *q;
	int rc;

	snprintf(tid, sizeof(tid), "%lld", id);
	q = sd_db_exec(c, &sla_warnings_of, p);
	if ((rc = sd_db_result_rc(c, q)) == SD_DB_OK) {
		arr = json_loads(PQgetvalue(q, 0, 0), 0, NULL);
		json_object_set_new(live, "warnings", arr ? arr : json_array());
	}
	PQclear(q);
	return rc;
}

int
sd_db_sla_live(struct sd_dbc *c, long long ticket, const char *number, json_t **out)
{
	struct sd_sla_ticket t;
	struct sd_sla_result res;
	int64_t now;
	int rc, computed;

	*out = NULL;
	memset(&t, 0, sizeof(t));
	if ((rc = sla_compute(c, ticket, &now, &t, &res, &computed)) == SD_DB_OK) {
		*out = computed ? sd_sla_live_json(&t, &res, now)
				: json_pack("{s:n, s:{}, s:[]}", "now", "clocks", "regulatory");
		if (*out != NULL && t.sk_id != 0)
			json_object_update_new(*out,
				json_pack("{s:s, s:s, s:i, s:s}", "ticket", number, "type",
					t.sk_type, "priority", t.sk_priority, "status",
					sd_ticket_status_name(t.sk_status)));
		rc = *out != NULL && t.sk_id != 0 ? sla_live_warnings(c, ticket, *out)
						  : SD_DB_FAIL;
	}
	sd_sla_ticket_clear(&t);
	return rc;
}

/* Compiles the current version of calendar id, read through connection ctx. */
static const struct sla_calendar *
sla_load_by_dbc(void *ctx, long long id)
{
	struct sd_dbc *c = ctx;
	const struct sla_calendar *cal = NULL;
	char tid[24], err[256];
	const char *p[1] = {tid};
	PGresult *q;

	snprintf(tid, sizeof(tid), "%lld", id);
	q = sd_db_exec(c, &sla_calendar_spec, p);
	if (sd_db_result_rc(c, q) == SD_DB_OK && PQntuples(q) == 1) {
		int version = atoi(PQgetvalue(q, 0, 0));

		if ((cal = sd_sla_calendar_cached(id, version)) == NULL &&
			(cal = sd_sla_calendar_add(
				 id, version, PQgetvalue(q, 0, 1), err, sizeof(err))) == NULL)
			sd_log(SD_LOG_WARN, "sla", "calendar %lld: %s", id, err);
	}
	PQclear(q);
	return cal;
}

void
sd_db_sla_decorate(struct sd_dbc *c, json_t *v)
{
	struct sd_sla_loader ld = {sla_load_by_dbc, c};

	sd_sla_decorate(v, &ld);
}

/* The same outside a transaction: a one-statement read in the caller's scope. */
struct sla_db_loader {
	struct sd_db *dl_db;
	const struct sd_scope *dl_scope;
};

static const struct sla_calendar *
sla_load_by_db(void *ctx, long long id)
{
	struct sla_db_loader *dl = ctx;
	const struct sla_calendar *cal = NULL;
	char tid[24], err[256];
	const char *p[1] = {tid};
	PGresult *q;

	snprintf(tid, sizeof(tid), "%lld", id);
	if (sd_db_read(dl->dl_db, dl->dl_scope, &sla_calendar_spec, p, &q) != SD_DB_OK)
		return NULL;
	if (PQntuples(q) == 1) {
		int version = atoi(PQgetvalue(q, 0, 0));

		if ((cal = sd_sla_calendar_cached(id, version)) == NULL &&
			(cal = sd_sla_calendar_add(
				 id, version, PQgetvalue(q, 0, 1), err, sizeof(err))) == NULL)
			sd_log(SD_LOG_WARN, "sla", "calendar %lld: %s", id, err);
	}
	PQclear(q);
	return cal;
}

void
sd_sla_decorate_db(struct sd_db *db, const struct sd_scope *scope, json_t *v)
{
	struct sla_db_loader dl = {db, scope};
	struct sd_sla_loader ld = {sla_load_by_db, &dl};

	sd_sla_decorate(v, &ld);
}
