/*
 * db/sla_config.c: calendars, SLA policies and OLA targets as stored.
 *
 * A calendar is changed in place (its version grows, so every daemon
 * recompiles it); policies and OLA targets are replaced as a whole set.
 * Stored clocks follow at each ticket's next change, or all at once with
 * `sdeskctl sla recompute`.  Every change is audited.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_stmt sla_calendars_list = {"sla_calendars_list",
	"SELECT coalesce(json_agg(json_build_object('code', c.code, 'name', c.name, 'tenant', "
	"t.code, 'version', c.version, 'updated_at', to_char(c.updated_at AT TIME ZONE "
	"'UTC', " SD_SQL_RFC3339
	"), 'spec', c.spec) ORDER BY c.code), '[]') FROM sla_calendars c LEFT "
	"JOIN sdesk_public_tenants() t ON t.id = c.tenant_id WHERE $1::text IS NULL OR c.code "
	"= $1",
	1};

static const struct sd_stmt sla_policies_list = {"sla_policies_list",
	"SELECT coalesce(json_agg(json_build_object('tenant', t.code, 'service', sv.code, "
	"'type', p.type, 'priority', p.priority, 'calendar', c.code, 'first_response_minutes', "
	"p.first_response_minutes::float8, 'next_update_minutes', "
	"p.next_update_minutes::float8, 'resolution_minutes', p.resolution_minutes::float8, "
	"'pause_on_supplier', p.pause_on_supplier, 'source', CASE WHEN p.from_catalogue THEN "
	"'catalogue' ELSE 'api' END) ORDER BY t.code NULLS FIRST, sv.code NULLS FIRST, p.type, "
	"p.priority), '[]') FROM sla_policies p JOIN sla_calendars c ON c.id = p.calendar_id "
	"LEFT JOIN sdesk_public_tenants() t ON t.id = p.tenant_id LEFT JOIN services sv ON "
	"sv.id = p.service_id",
	0};

static const struct sd_stmt sla_ola_list = {"sla_ola_list",
	"SELECT coalesce(json_agg(json_build_object('tenant', t.code, 'line', o.line, "
	"'priority', o.priority, 'calendar', c.code, 'target_minutes', "
	"o.target_minutes::float8) ORDER BY t.code NULLS FIRST, o.line, o.priority NULLS "
	"FIRST), '[]') FROM ola_targets o JOIN sla_calendars c ON c.id = o.calendar_id LEFT "
	"JOIN sdesk_public_tenants() t ON t.id = o.tenant_id",
	0};

static const struct sd_stmt sla_calendar_upsert = {"sla_calendar_upsert",
	"INSERT INTO sla_calendars AS k (code, tenant_id, name, spec) VALUES ($1, "
	"nullif($2, '0')::integer, $3, $4::jsonb) ON CONFLICT (code) DO UPDATE SET tenant_id "
	"= excluded.tenant_id, name = excluded.name, spec = excluded.spec, version = k.version "
	"+ 1, updated_at = now() RETURNING k.xmax = 0, k.id, k.version",
	4};

static const struct sd_stmt sla_calendar_codes = {
	"sla_calendar_codes", "SELECT code, id, coalesce(tenant_id, 0) FROM sla_calendars", 0};

static const struct sd_stmt sla_policies_clear = {
	"sla_policies_clear", "DELETE FROM sla_policies WHERE NOT from_catalogue", 0};

/*
 * The first row (0-based) naming a service that is not in the catalogue
 * ('unknown'), or one whose shared levels the catalogue sets ('catalogue').
 */
static const struct sd_stmt sla_policies_services = {"sla_policies_services",
	"SELECT e.i - 1, CASE WHEN s.id IS NULL THEN 'unknown' ELSE 'catalogue' END FROM "
	"json_array_elements($1::json) WITH ORDINALITY AS e (v, i) LEFT JOIN services s ON "
	"s.code = e.v->>'service' WHERE e.v->>'service' IS NOT NULL AND e.v->'keep' IS NULL "
	"AND (s.id IS NULL OR (e.v->>'tenant_id' IS NULL AND EXISTS (SELECT 1 FROM "
	"sla_policies p WHERE p.from_catalogue AND p.service_id = s.id AND p.type = "
	"e.v->>'type' AND p.priority = (e.v->>'priority')::smallint))) ORDER BY e.i LIMIT 1",
	1};

static const struct sd_stmt sla_policies_insert = {"sla_policies_insert",
	"INSERT INTO sla_policies (tenant_id, service_id, type, priority, calendar_id, "
	"first_response_minutes, next_update_minutes, resolution_minutes, pause_on_supplier) "
	"SELECT x.tenant_id, (SELECT s.id FROM services s WHERE s.code = x.service), x.type, "
	"x.priority, x.calendar_id, x.first_response_minutes, x.next_update_minutes, "
	"x.resolution_minutes, x.pause_on_supplier FROM json_to_recordset($1::json) AS x "
	"(tenant_id integer, service text, type text, priority smallint, calendar_id bigint, "
	"first_response_minutes numeric, next_update_minutes numeric, resolution_minutes "
	"numeric, pause_on_supplier boolean, keep boolean) WHERE x.keep IS NULL",
	1};

static const struct sd_stmt sla_ola_clear = {"sla_ola_clear", "DELETE FROM ola_targets", 0};

static const struct sd_stmt sla_ola_insert = {"sla_ola_insert",
	"INSERT INTO ola_targets (tenant_id, line, priority, calendar_id, target_minutes) "
	"SELECT x.tenant_id, x.line, x.priority, x.calendar_id, x.target_minutes FROM "
	"json_to_recordset($1::json) AS x (tenant_id integer, line smallint, priority "
	"smallint, calendar_id bigint, target_minutes numeric)",
	1};

/* Runs st (with p) and keeps its one JSON value in *out. */
static int
config_json(struct sd_dbc *c, const struct sd_stmt *st, const char *const *p, json_t **out)
{
	PGresult *res = sd_db_exec(c, st, p);
	int rc = sd_db_result_rc(c, res);

	if (rc == SD_DB_OK) {
		json_decref(*out);
		*out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
		rc = *out != NULL ? SD_DB_OK : SD_DB_FAIL;
	}
	PQclear(res);
	return rc;
}

struct config_op {
	struct sd_req *cf_req;
	const struct sd_stmt *cf_list;
	const char *cf_code;
	const struct sd_sla_calendar_in *cf_cal;
	json_t *cf_rows; /* policies or OLA rows, calendars by code */
	int cf_ola;
	struct sd_fault *cf_fault;
	char cf_field[64];
	int cf_created;
	json_t *cf_out;
};

static int
config_list_run(struct sd_dbc *c, void *arg)
{
	struct config_op *op = arg;
	const char *p[1] = {op->cf_code};

	return config_json(c, op->cf_list, p, &op->cf_out);
}

int
sd_db_sla_config_get(struct sd_req *r, const char *what, json_t **out)
{
	struct config_op op;
	struct sd_scope sc;
	int rc;

	memset(&op, 0, sizeof(op));
	op.cf_list = strcmp(what, "calendars") == 0 ? &sla_calendars_list
		: strcmp(what, "policies") == 0     ? &sla_policies_list
						    : &sla_ola_list;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, config_list_run, &op);
	*out = op.cf_out;
	return rc;
}

static int
calendar_put_run(struct sd_dbc *c, void *arg)
{
	struct config_op *op = arg;
	const struct sd_sla_calendar_in *in = op->cf_cal;
	char tid[16], object[64], err[256];
	const char *p[4] = {in->ci_code, tid, in->ci_name, in->ci_spec};
	PGresult *res;
	long long id;
	int rc, version;

	snprintf(tid, sizeof(tid), "%d", in->ci_tenant);
	res = sd_db_exec(c, &sla_calendar_upsert, p);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK || PQntuples(res) != 1) {
		PQclear(res);
		/* Row-level security: a calendar the caller may not change. */
		return rc == SD_DB_FAIL
			? sd_fault(op->cf_fault, SD_E_FORBIDDEN, NULL, NULL, NULL)
			: rc;
	}
	op->cf_created = PQgetvalue(res, 0, 0)[0] == 't';
	id = atoll(PQgetvalue(res, 0, 1));
	version = atoi(PQgetvalue(res, 0, 2));
	PQclear(res);
	if (sd_sla_calendar_add(id, version, in->ci_spec, err, sizeof(err)) == NULL)
		sd_log(SD_LOG_WARN, "sla", "calendar %s: %s", in->ci_code, err);
	snprintf(object, sizeof(object), "sla_calendar:%s", in->ci_code);
	rc = sd_audit_req(c, op->cf_req, in->ci_tenant, "sla.calendar", object,
		json_pack("{s:i, s:b}", "version", version, "created", op->cf_created));
	if (rc == SD_DB_OK) {
		const char *q[1] = {in->ci_code};

		rc = config_json(c, &sla_calendars_list, q, &op->cf_out);
	}
	return rc;
}

int
sd_db_sla_calendar_put(struct sd_req *r, const struct sd_sla_calendar_in *in,
	struct sd_fault *f, json_t **out, int *created)
{
	struct config_op op;
	struct sd_scope sc;
	int rc;

	memset(&op, 0, sizeof(op));
	op.cf_req = r;
	op.cf_cal = in;
	op.cf_fault = f;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, calendar_put_run, &op);
	*created = op.cf_created;
	*out = json_array_get(op.cf_out, 0);
	json_incref(*out);
	json_decref(op.cf_out);
	return rc;
}

/*
 * Replaces each row's "calendar" code by "calendar_id": a calendar that
 * exists and is shared or of the row's own tenant.
 */
static int
rules_calendars(struct sd_dbc *c, struct config_op *op)
{
	PGresult *res = sd_db_exec(c, &sla_calendar_codes, NULL);
	json_t *row;
	size_t i;
	int rc, k, found;

	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK) {
		PQclear(res);
		return rc;
	}
	json_array_foreach(op->cf_rows, i, row)
	{
		const char *code = json_string_value(json_object_get(row, "calendar"));
		json_int_t tenant = json_integer_value(json_object_get(row, "tenant_id"));

		if (json_object_get(row, "keep") != NULL)
			continue; /* the catalogue's row, left as it is */

		for (k = 0, found = 0; k < PQntuples(res) && !found; k++) {
			int ct = atoi(PQgetvalue(res, k, 2));

			if (strcmp(PQgetvalue(res, k, 0), code) != 0 ||
				(ct != 0 && ct != tenant))
				continue;
			json_object_set_new(
				row, "calendar_id", json_integer(atoll(PQgetvalue(res, k, 1))));
			found = 1;
		}
		if (!found) {
			snprintf(op->cf_field, sizeof(op->cf_field), "%s[%zu].calendar",
				op->cf_ola ? "targets" : "policies", i);
			PQclear(res);
			return sd_fault(op->cf_fault, SD_E_INVALID_FIELD, op->cf_field,
				"ingen sådan kalender för den kommunen",
				"no such calendar for that municipality");
		}
	}
	PQclear(res);
	return SD_DB_OK;
}

/* Services named must be in the catalogue, and not set by it. */
static int
rules_services(struct sd_dbc *c, struct config_op *op, const char *text)
{
	const char *p[1] = {text};
	PGresult *res = sd_db_exec(c, &sla_policies_services, p);
	int rc = sd_db_result_rc(c, res), unknown;

	if (rc != SD_DB_OK || PQntuples(res) == 0) {
		PQclear(res);
		return rc;
	}
	snprintf(op->cf_field, sizeof(op->cf_field), "policies[%s].service",
		PQgetvalue(res, 0, 0));
	unknown = strcmp(PQgetvalue(res, 0, 1), "unknown") == 0;
	PQclear(res);
	if (unknown)
		return sd_fault(op->cf_fault, SD_E_INVALID_FIELD, op->cf_field,
			"ingen sådan tjänst i tjänstekatalogen",
			"no such service in the catalogue");
	return sd_fault(op->cf_fault, SD_E_CONFLICT, op->cf_field,
		"tjänstekatalogen sätter tjänstens servicenivå; ändra den där (eller ange en "
		"kommun)",
		"the catalogue sets this service's levels; change them there (or name a "
		"municipality)");
}

static int
rules_put_run(struct sd_dbc *c, void *arg)
{
	struct config_op *op = arg;
	char *text;
	const char *p[1];
	PGresult *res;
	int rc;

	if ((rc = rules_calendars(c, op)) != SD_DB_OK)
		return rc;
	if ((text = json_dumps(op->cf_rows, JSON_COMPACT)) == NULL)
		return SD_DB_FAIL;
	if (!op->cf_ola && (rc = rules_services(c, op, text)) != SD_DB_OK) {
		free(text);
		return rc;
	}
	res = sd_db_exec(c, op->cf_ola ? &sla_ola_clear : &sla_policies_clear, NULL);
	rc = sd_db_result_rc(c, res);
	PQclear(res);
	if (rc != SD_DB_OK) {
		free(text);
		return rc;
	}
	p[0] = text;
	res = sd_db_exec(c, op->cf_ola ? &sla_ola_insert : &sla_policies_insert, p);
	rc = sd_db_result_rc(c, res);
	if (rc == SD_DB_FAIL && strcmp(sd_db_sqlstate(res), "23505") == 0)
		rc = sd_fault(op->cf_fault, SD_E_CONFLICT, op->cf_ola ? "targets" : "policies",
			NULL, NULL);
	PQclear(res);
	free(text);
	if (rc == SD_DB_OK)
		rc = sd_audit_req(c, op->cf_req, 0, op->cf_ola ? "sla.ola" : "sla.policies",
			op->cf_ola ? "ola_targets" : "sla_policies",
			json_pack("{s:I}", "rows", (json_int_t)json_array_size(op->cf_rows)));
	return rc == SD_DB_OK ? config_json(c, op->cf_ola ? &sla_ola_list : &sla_policies_list,
					NULL, &op->cf_out)
			      : rc;
}

int
sd_db_sla_rules_put(
	struct sd_req *r, int ola, json_t *rows, struct sd_fault *f, char *field, json_t **out)
{
	struct config_op op;
	struct sd_scope sc;
	int rc;

	memset(&op, 0, sizeof(op));
	op.cf_req = r;
	op.cf_rows = rows;
	op.cf_ola = ola;
	op.cf_fault = f;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, rules_put_run, &op);
	/* The fault's field points into op, which is about to go. */
	snprintf(field, 64, "%s", op.cf_field);
	if (f->ft_set && f->ft_field == op.cf_field)
		f->ft_field = field;
	*out = op.cf_out;
	return rc;
}
