/*
 * ctl_catalogue.c: sdeskctl catalogue import FILE (and the command itself).
 *
 * Import reads a catalogue file, checks all of it (the library's checks,
 * then what only the database knows: tenants, queues, roles, departments,
 * prices already in force) and reports every problem as FILE:LINE:COLUMN.
 * Only a file without a single problem changes anything, and then all in
 * one transaction: a new catalogue version, every changed service with its
 * definition kept in the history, services no longer in the file withdrawn
 * (orders placed keep them), and one audit row naming what changed.
 * Importing the same catalogue again is a no-op.
 *
 * Prices are rows valid from a day.  A price already in force (valid from
 * before today, Stockholm time) can never change or disappear: a month
 * billed stays billed.  New prices start today or later.
 *
 * Export is in ctl_catalogue_export.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "catalogue.h"
#include "sdesk.h"

#define CTL_CAT_MAX_FILE (8u * 1024 * 1024)

static const struct sd_stmt cat_lock = {
	"cat_lock", "LOCK TABLE catalogue_versions IN EXCLUSIVE MODE", 0};

static const struct sd_stmt cat_lists = {"cat_lists",
	"SELECT (SELECT json_agg(code ORDER BY code) FROM tenants), (SELECT json_agg(code "
	"ORDER "
	"BY code) FROM queues), to_json(sdesk_roles()), sdesk_today()::text, (SELECT "
	"coalesce(max(version), 0) FROM catalogue_versions), coalesce((SELECT digest FROM "
	"catalogue_versions ORDER BY version DESC LIMIT 1), ''), coalesce((SELECT "
	"json_agg(json_build_array(t.code, d.code)) FROM departments d JOIN tenants t ON t.id "
	"= "
	"d.tenant_id), '[]'), (SELECT json_agg(code ORDER BY code) FROM sla_calendars)",
	0};

/* The catalogue's SLA policy rows follow services.sla (007_service_sla.sql). */
static const struct sd_stmt cat_sla_sync = {
	"cat_sla_sync", "SELECT sdesk_service_sla_sync()", 0};

/* Every service known, its last definition and its prices already in force. */
static const struct sd_stmt cat_existing = {"cat_existing",
	"SELECT s.id, s.code, s.active, coalesce((SELECT h.definition::text FROM "
	"service_history "
	"h WHERE h.service_id = s.id ORDER BY h.version DESC LIMIT 1), '{}'), coalesce((SELECT "
	"json_agg(json_build_array(coalesce(t.code, ''), p.kind, p.valid_from::text, "
	"p.amount_ore)) FROM service_prices p LEFT JOIN tenants t ON t.id = p.tenant_id WHERE "
	"p.service_id = s.id AND p.valid_from < $1::date), '[]') FROM services s ORDER BY "
	"s.code",
	1};

static const struct sd_stmt cat_version_add = {"cat_version_add",
	"INSERT INTO catalogue_versions (version, imported_by, digest, services) VALUES ($1, "
	"$2, "
	"$3, $4)",
	4};

static const struct sd_stmt cat_area_upsert = {"cat_area_upsert",
	"INSERT INTO service_areas (code, name_sv, name_en, position, active) VALUES ($1, $2, "
	"$3, $4, true) ON CONFLICT (code) DO UPDATE SET name_sv = EXCLUDED.name_sv, name_en = "
	"EXCLUDED.name_en, position = EXCLUDED.position, active = true",
	4};

static const struct sd_stmt cat_areas_retire = {"cat_areas_retire",
	"UPDATE service_areas SET active = false WHERE active AND code NOT IN (SELECT "
	"json_array_elements_text($1::json))",
	1};

static const struct sd_stmt cat_service_upsert = {"cat_service_upsert",
	"INSERT INTO services (code, area, name_sv, name_en, description_sv, description_en, "
	"queue, maturity, charging, unit, order_rule, approvals, addon, sla, form, "
	"subtasks, active, version, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	"$10, "
	"$11, ARRAY(SELECT json_array_elements_text($12::json)), $13::boolean, nullif($14, "
	"'null')::jsonb, "
	"$15::jsonb, $16::jsonb, true, $17, now()) ON CONFLICT (code) DO UPDATE SET area = "
	"EXCLUDED.area, name_sv = EXCLUDED.name_sv, name_en = EXCLUDED.name_en, description_sv "
	"= "
	"EXCLUDED.description_sv, description_en = EXCLUDED.description_en, queue = "
	"EXCLUDED.queue, maturity = EXCLUDED.maturity, charging = EXCLUDED.charging, unit = "
	"EXCLUDED.unit, order_rule = EXCLUDED.order_rule, approvals = EXCLUDED.approvals, "
	"addon = "
	"EXCLUDED.addon, sla = EXCLUDED.sla, form = EXCLUDED.form, subtasks = "
	"EXCLUDED.subtasks, active = true, version = EXCLUDED.version, changed_at = now() "
	"RETURNING id",
	17};

static const struct sd_stmt cat_history_add = {"cat_history_add",
	"INSERT INTO service_history (service_id, version, definition) VALUES ($1, $2, "
	"$3::jsonb)",
	3};

static const struct sd_stmt cat_offer_clear = {
	"cat_offer_clear", "DELETE FROM service_offerings WHERE service_id = $1", 1};

static const struct sd_stmt cat_offer_add = {"cat_offer_add",
	"INSERT INTO service_offerings (service_id, tenant_id, roles, departments) SELECT $1, "
	"t.id, ARRAY(SELECT json_array_elements_text($3::json)), ARRAY(SELECT "
	"json_array_elements_text($4::json)) FROM tenants t WHERE t.code = $2",
	4};

static const struct sd_stmt cat_price_clear = {"cat_price_clear",
	"DELETE FROM service_prices WHERE service_id = $1 AND valid_from >= $2::date", 2};

static const struct sd_stmt cat_price_add = {"cat_price_add",
	"INSERT INTO service_prices (service_id, tenant_id, kind, amount_ore, valid_from) "
	"SELECT "
	"$1, (SELECT id FROM tenants WHERE code = nullif($2, '')), $3, $4, $5::date ON "
	"CONFLICT "
	"(service_id, coalesce(tenant_id, 0), kind, valid_from) DO NOTHING",
	5};

static const struct sd_stmt cat_withdraw = {"cat_withdraw",
	"WITH w AS (UPDATE services SET active = false, version = $2, changed_at = now() WHERE "
	"active AND code NOT IN (SELECT json_array_elements_text($1::json)) RETURNING id, "
	"code), "
	"h AS (INSERT INTO service_history (service_id, version, definition) SELECT w.id, $2, "
	"coalesce((SELECT x.definition FROM service_history x WHERE x.service_id = w.id ORDER "
	"BY "
	"x.version DESC LIMIT 1), '{}') || '{\"withdrawn\": true}' FROM w) SELECT code FROM w "
	"ORDER BY code",
	2};

/* One problem with the file beyond what the library checks. */
static void ctl_cat_problem(struct cat_errors *errs, int line, const char *fmt, ...)
	SD_PRINTF(3, 4);

static void
ctl_cat_problem(struct cat_errors *errs, int line, const char *fmt, ...)
{
	struct cat_error *grown;
	va_list ap;

	grown = realloc(errs->es_list, (errs->es_n + 1) * sizeof(*grown));
	if (grown == NULL)
		return;
	errs->es_list = grown;
	grown[errs->es_n].e_line = line;
	grown[errs->es_n].e_column = line > 0 ? 1 : 0;
	va_start(ap, fmt);
	vsnprintf(grown[errs->es_n].e_msg, sizeof(grown[errs->es_n].e_msg), fmt, ap);
	va_end(ap);
	errs->es_n++;
}

/* A JSON array of strings as a NULL-terminated list (strings borrowed). */
static const char **
ctl_cat_list(json_t *arr)
{
	size_t i, n = json_array_size(arr);
	const char **out = calloc(n + 1, sizeof(char *));

	for (i = 0; out != NULL && i < n; i++)
		out[i] = json_string_value(json_array_get(arr, i));
	return out;
}

struct ctl_import {
	const char *ci_path;
	const char *ci_buf;
	size_t ci_len;
	struct cat_catalogue *ci_cat;
	struct cat_errors ci_errs;
	char ci_digest[65];
	char ci_today[16];
	int ci_version; /* the new version, or the current when unchanged */
	int ci_unchanged;
	int ci_sla_changed; /* policy rows rewritten: open tickets to recompute */
	json_t *ci_added, *ci_changed, *ci_withdrawn;
};

/* SHA-256 of the canonical form, so the same catalogue is recognised. */
static int
ctl_cat_digest(const struct cat_catalogue *cat, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char *text;
	size_t len;

	if (cat_write(cat, &text, &len) < 0)
		return -1;
	crypto_hash_sha256(h, (const unsigned char *)text, len);
	free(text);
	sodium_bin2hex(out, 65, h, sizeof(h));
	return 0;
}

static int
ctl_cat_price_key(char *buf, size_t len, const char *tenant, const char *kind, const char *from,
	long long ore)
{
	return snprintf(buf, len, "%s|%s|%s|%lld", tenant, kind, from, ore);
}

/*
 * A service that already exists: its prices in force before today must be
 * exactly the file's prices before today.
 */
static void
ctl_cat_check_prices(struct ctl_import *ci, const struct cat_service *s, json_t *db_past)
{
	char key[128], from[16];
	size_t i, j;
	json_t *row;

	for (i = 0; i < s->s_nprices; i++) {
		const struct cat_price *p = &s->s_prices[i];
		int found = 0;

		snprintf(from, sizeof(from), "%04d-%02d-%02d", p->p_from.d_year,
			p->p_from.d_month, p->p_from.d_day);
		if (strcmp(from, ci->ci_today) >= 0)
			continue;
		ctl_cat_price_key(key, sizeof(key), p->p_tenant, cat_price_kind_name(p->p_kind),
			from, (long long)p->p_ore);
		json_array_foreach(db_past, j, row)
		{
			char k2[128];

			ctl_cat_price_key(k2, sizeof(k2),
				json_string_value(json_array_get(row, 0)),
				json_string_value(json_array_get(row, 1)),
				json_string_value(json_array_get(row, 2)),
				(long long)json_integer_value(json_array_get(row, 3)));
			if (strcmp(key, k2) == 0)
				found = 1;
		}
		if (!found)
			ctl_cat_problem(&ci->ci_errs, p->p_line,
				"service %s: the %s price from %s would change a period "
				"already "
				"in force; a new price must start %s or later",
				s->s_code, cat_price_kind_name(p->p_kind), from, ci->ci_today);
	}
	json_array_foreach(db_past, j, row)
	{
		int found = 0;

		for (i = 0; i < s->s_nprices && !found; i++) {
			const struct cat_price *p = &s->s_prices[i];

			snprintf(from, sizeof(from), "%04d-%02d-%02d", p->p_from.d_year,
				p->p_from.d_month, p->p_from.d_day);
			found = p->p_ore ==
					(int64_t)json_integer_value(json_array_get(row, 3)) &&
				strcmp(p->p_tenant,
					json_string_value(json_array_get(row, 0))) == 0 &&
				strcmp(cat_price_kind_name(p->p_kind),
					json_string_value(json_array_get(row, 1))) == 0 &&
				strcmp(from, json_string_value(json_array_get(row, 2))) == 0;
		}
		if (!found) {
			const char *tenant = json_string_value(json_array_get(row, 0));

			ctl_cat_problem(&ci->ci_errs, s->s_line,
				"service %s: the %s price%s%s from %s is in force and cannot "
				"be "
				"removed",
				s->s_code, json_string_value(json_array_get(row, 1)),
				tenant[0] ? " of " : "", tenant,
				json_string_value(json_array_get(row, 2)));
		}
	}
}

/* Departments named by an offer must exist in one of the offering tenants. */
static void
ctl_cat_check_departments(struct ctl_import *ci, const struct cat_service *s, json_t *deps)
{
	size_t i, j, k;
	json_t *row;

	for (i = 0; i < s->s_ndepartments; i++) {
		int found = 0;

		json_array_foreach(deps, j, row)
		{
			const char *tc = json_string_value(json_array_get(row, 0));

			if (strcmp(json_string_value(json_array_get(row, 1)),
				    s->s_departments[i]) != 0)
				continue;
			for (k = 0; k < s->s_ntenants; k++)
				if (strcmp(s->s_tenants[k], tc) == 0)
					found = 1;
		}
		if (!found)
			ctl_cat_problem(&ci->ci_errs, s->s_line,
				"service %s: no offering municipality has a department %s",
				s->s_code, s->s_departments[i]);
	}
}

/* A service's own SLA must run on a calendar the SLA engine has. */
static void
ctl_cat_check_calendar(struct ctl_import *ci, const struct cat_service *s, json_t *cals)
{
	size_t j;
	json_t *v;

	if (s->s_sla.sl_calendar[0] == '\0')
		return;
	json_array_foreach(cals, j, v)
	{
		if (strcmp(json_string_value(v), s->s_sla.sl_calendar) == 0)
			return;
	}
	ctl_cat_problem(&ci->ci_errs, s->s_sla.sl_line > 0 ? s->s_sla.sl_line : s->s_line,
		"service %s: no SLA calendar %s (GET /api/v1/sla/calendars lists them)",
		s->s_code, s->s_sla.sl_calendar);
}

/* Runs one statement; prints the server's complaint on failure. */
int
sd_ctl_cat_exec(
	struct sd_dbc *c, const struct sd_stmt *st, const char *const *p, PGresult **out)
{
	PGresult *res = sd_db_exec(c, st, p);
	int rc = sd_db_result_rc(c, res);

	if (rc != SD_DB_OK) {
		if (rc != SD_DB_RETRY)
			fprintf(stderr, "sdeskctl: %s: %s", st->st_name,
				res ? PQresultErrorMessage(res) : "out of memory\n");
		PQclear(res);
		return rc;
	}
	if (out != NULL)
		*out = res;
	else
		PQclear(res);
	return SD_DB_OK;
}

/* Writes one service: row, history when changed, offerings, prices. */
static int
ctl_cat_write_service(
	struct sd_dbc *c, struct ctl_import *ci, const struct cat_service *s, const char *def)
{
	json_t *appr = json_array(), *form = sd_cat_form_json(s),
	       *subs = sd_cat_subtasks_json(s), *roles = json_array(), *deps = json_array();
	json_t *sla = sd_cat_sla_json(s);
	char *appr_s, *form_s, *subs_s, *roles_s, *deps_s, *sla_s, mat[8], ver[16], id[24],
		ore[24], from[16];
	const char *p[17];
	PGresult *res = NULL;
	size_t i;
	int rc;

	if (s->s_approvals & CAT_APPROVE_MANAGER)
		json_array_append_new(appr, json_string("manager"));
	if (s->s_approvals & CAT_APPROVE_ARCHITECT)
		json_array_append_new(appr, json_string("architect"));
	for (i = 0; i < s->s_nroles; i++)
		json_array_append_new(roles, json_string(s->s_roles[i]));
	for (i = 0; i < s->s_ndepartments; i++)
		json_array_append_new(deps, json_string(s->s_departments[i]));
	appr_s = json_dumps(appr, JSON_COMPACT);
	form_s = json_dumps(form, JSON_COMPACT);
	subs_s = json_dumps(subs, JSON_COMPACT);
	roles_s = json_dumps(roles, JSON_COMPACT);
	deps_s = json_dumps(deps, JSON_COMPACT);
	sla_s = json_dumps(sla, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(sla);
	json_decref(appr);
	json_decref(form);
	json_decref(subs);
	json_decref(roles);
	json_decref(deps);
	rc = SD_DB_FAIL;
	if (appr_s == NULL || form_s == NULL || subs_s == NULL || roles_s == NULL ||
		deps_s == NULL || sla_s == NULL)
		goto out;
	snprintf(mat, sizeof(mat), "%d", s->s_maturity);
	snprintf(ver, sizeof(ver), "%d", ci->ci_version);
	p[0] = s->s_code;
	p[1] = s->s_area;
	p[2] = s->s_name;
	p[3] = s->s_name_en;
	p[4] = s->s_description ? s->s_description : "";
	p[5] = s->s_description_en ? s->s_description_en : "";
	p[6] = s->s_queue;
	p[7] = mat;
	p[8] = s->s_charging == CAT_CHARGE_BASIT ? "basit" : "consumption";
	p[9] = cat_unit_name(s->s_unit);
	p[10] = s->s_order == CAT_ORDER_MANAGER ? "manager" : "anyone";
	p[11] = appr_s;
	p[12] = s->s_addon ? "true" : "false";
	p[13] = sla_s;
	p[14] = form_s;
	p[15] = subs_s;
	p[16] = ver;
	if ((rc = sd_ctl_cat_exec(c, &cat_service_upsert, p, &res)) != SD_DB_OK)
		goto out;
	snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	p[0] = id;
	p[1] = ver;
	p[2] = def;
	if ((rc = sd_ctl_cat_exec(c, &cat_history_add, p, NULL)) != SD_DB_OK ||
		(rc = sd_ctl_cat_exec(c, &cat_offer_clear, p, NULL)) != SD_DB_OK)
		goto out;
	for (i = 0; i < s->s_ntenants; i++) {
		p[1] = s->s_tenants[i];
		p[2] = roles_s;
		p[3] = deps_s;
		if ((rc = sd_ctl_cat_exec(c, &cat_offer_add, p, NULL)) != SD_DB_OK)
			goto out;
	}
	p[1] = ci->ci_today;
	if ((rc = sd_ctl_cat_exec(c, &cat_price_clear, p, NULL)) != SD_DB_OK)
		goto out;
	for (i = 0; i < s->s_nprices; i++) {
		const struct cat_price *pr = &s->s_prices[i];

		snprintf(ore, sizeof(ore), "%lld", (long long)pr->p_ore);
		snprintf(from, sizeof(from), "%04d-%02d-%02d", pr->p_from.d_year,
			pr->p_from.d_month, pr->p_from.d_day);
		p[1] = pr->p_tenant;
		p[2] = cat_price_kind_name(pr->p_kind);
		p[3] = ore;
		p[4] = from;
		if ((rc = sd_ctl_cat_exec(c, &cat_price_add, p, NULL)) != SD_DB_OK)
			goto out;
	}
out:
	free(appr_s);
	free(form_s);
	free(subs_s);
	free(roles_s);
	free(deps_s);
	free(sla_s);
	return rc;
}

/* The row of an existing service in the cat_existing result, or -1. */
static int
ctl_cat_existing_row(PGresult *res, const char *code)
{
	int i;

	for (i = 0; i < PQntuples(res); i++)
		if (strcmp(PQgetvalue(res, i, 1), code) == 0)
			return i;
	return -1;
}

static int
ctl_cat_areas(struct sd_dbc *c, struct ctl_import *ci)
{
	json_t *codes = json_array();
	char pos[24], *codes_s;
	const char *p[4];
	size_t i;
	int rc = SD_DB_OK;

	for (i = 0; i < ci->ci_cat->c_nareas && rc == SD_DB_OK; i++) {
		const struct cat_area *a = &ci->ci_cat->c_areas[i];

		snprintf(pos, sizeof(pos), "%zu", i + 1);
		p[0] = a->a_code;
		p[1] = a->a_name;
		p[2] = a->a_name_en;
		p[3] = pos;
		rc = sd_ctl_cat_exec(c, &cat_area_upsert, p, NULL);
		json_array_append_new(codes, json_string(a->a_code));
	}
	codes_s = json_dumps(codes, JSON_COMPACT);
	json_decref(codes);
	p[0] = codes_s;
	if (rc == SD_DB_OK)
		rc = codes_s ? sd_ctl_cat_exec(c, &cat_areas_retire, p, NULL) : SD_DB_FAIL;
	free(codes_s);
	return rc;
}

/* The services: what is new, what changed, what is gone. */
static int
ctl_cat_services(struct sd_dbc *c, struct ctl_import *ci, PGresult *existing)
{
	json_t *codes = json_array();
	char *codes_s, ver[16];
	const char *p[2];
	PGresult *res = NULL;
	size_t i;
	int rc = SD_DB_OK, k;

	for (i = 0; i < ci->ci_cat->c_nservices && rc == SD_DB_OK; i++) {
		const struct cat_service *s = &ci->ci_cat->c_services[i];
		json_t *def = sd_cat_service_json(s), *old;
		int row = ctl_cat_existing_row(existing, s->s_code);
		char *def_s;

		json_array_append_new(codes, json_string(s->s_code));
		if (row >= 0) {
			old = json_loads(PQgetvalue(existing, row, 3), 0, NULL);
			if (PQgetvalue(existing, row, 2)[0] == 't' && json_equal(old, def)) {
				json_decref(old);
				json_decref(def);
				continue;
			}
			json_decref(old);
		}
		json_array_append_new(
			row >= 0 ? ci->ci_changed : ci->ci_added, json_string(s->s_code));
		def_s = json_dumps(def, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(def);
		rc = def_s ? ctl_cat_write_service(c, ci, s, def_s) : SD_DB_FAIL;
		free(def_s);
	}
	codes_s = json_dumps(codes, JSON_COMPACT);
	json_decref(codes);
	snprintf(ver, sizeof(ver), "%d", ci->ci_version);
	p[0] = codes_s;
	p[1] = ver;
	if (rc == SD_DB_OK)
		rc = codes_s ? sd_ctl_cat_exec(c, &cat_withdraw, p, &res) : SD_DB_FAIL;
	free(codes_s);
	if (rc != SD_DB_OK)
		return rc;
	for (k = 0; k < PQntuples(res); k++)
		json_array_append_new(ci->ci_withdrawn, json_string(PQgetvalue(res, k, 0)));
	PQclear(res);
	return SD_DB_OK;
}

static int
ctl_cat_import_run(struct sd_dbc *c, void *arg)
{
	struct ctl_import *ci = arg;
	json_t *tenants = NULL, *queues = NULL, *roles = NULL, *deps = NULL, *cals = NULL;
	json_t *details;
	const char **vt = NULL, **vq = NULL, **vr = NULL;
	PGresult *lists = NULL, *existing = NULL, *sync = NULL;
	char ver[16], n[24], object[32], *details_s;
	struct sd_audit_row row;
	const char *p[4];
	size_t i;
	int rc;

	/* A retried transaction starts afresh. */
	cat_catalogue_free(ci->ci_cat);
	ci->ci_cat = NULL;
	cat_errors_free(&ci->ci_errs);
	memset(&ci->ci_errs, 0, sizeof(ci->ci_errs));
	json_array_clear(ci->ci_added);
	json_array_clear(ci->ci_changed);
	json_array_clear(ci->ci_withdrawn);
	ci->ci_unchanged = 0;
	ci->ci_sla_changed = 0;
	if ((rc = sd_ctl_cat_exec(c, &cat_lock, NULL, NULL)) != SD_DB_OK ||
		(rc = sd_ctl_cat_exec(c, &cat_lists, NULL, &lists)) != SD_DB_OK)
		return rc;
	tenants = json_loads(PQgetvalue(lists, 0, 0), 0, NULL);
	queues = json_loads(PQgetvalue(lists, 0, 1), 0, NULL);
	roles = json_loads(PQgetvalue(lists, 0, 2), 0, NULL);
	deps = json_loads(PQgetvalue(lists, 0, 6), 0, NULL);
	cals = json_loads(PQgetvalue(lists, 0, 7), 0, NULL);
	snprintf(ci->ci_today, sizeof(ci->ci_today), "%s", PQgetvalue(lists, 0, 3));
	ci->ci_version = atoi(PQgetvalue(lists, 0, 4)) + 1;
	vt = ctl_cat_list(tenants);
	vq = ctl_cat_list(queues);
	vr = ctl_cat_list(roles);
	rc = SD_DB_FAIL;
	if (vt == NULL || vq == NULL || vr == NULL)
		goto out;
	if (cat_parse(ci->ci_buf, ci->ci_len, vt, vq, vr, &ci->ci_cat, &ci->ci_errs) < 0) {
		rc = SD_DB_CONFLICT;
		goto out;
	}
	p[0] = ci->ci_today;
	if ((rc = sd_ctl_cat_exec(c, &cat_existing, p, &existing)) != SD_DB_OK)
		goto out;
	for (i = 0; i < ci->ci_cat->c_nservices; i++) {
		const struct cat_service *s = &ci->ci_cat->c_services[i];
		int k = ctl_cat_existing_row(existing, s->s_code);
		json_t *past;

		ctl_cat_check_departments(ci, s, deps);
		ctl_cat_check_calendar(ci, s, cals);
		if (k < 0)
			continue;
		past = json_loads(PQgetvalue(existing, k, 4), 0, NULL);
		ctl_cat_check_prices(ci, s, past);
		json_decref(past);
	}
	if (ci->ci_errs.es_n > 0) {
		rc = SD_DB_CONFLICT;
		goto out;
	}
	if (ctl_cat_digest(ci->ci_cat, ci->ci_digest) < 0) {
		rc = SD_DB_FAIL;
		goto out;
	}
	if (strcmp(ci->ci_digest, PQgetvalue(lists, 0, 5)) == 0) {
		ci->ci_unchanged = 1;
		ci->ci_version--;
		rc = SD_DB_OK;
		goto out;
	}
	snprintf(ver, sizeof(ver), "%d", ci->ci_version);
	snprintf(n, sizeof(n), "%zu", ci->ci_cat->c_nservices);
	p[0] = ver;
	p[1] = "sdeskctl";
	p[2] = ci->ci_digest;
	p[3] = n;
	if ((rc = sd_ctl_cat_exec(c, &cat_version_add, p, NULL)) != SD_DB_OK ||
		(rc = ctl_cat_areas(c, ci)) != SD_DB_OK ||
		(rc = ctl_cat_services(c, ci, existing)) != SD_DB_OK ||
		(rc = sd_ctl_cat_exec(c, &cat_sla_sync, NULL, &sync)) != SD_DB_OK)
		goto out;
	ci->ci_sla_changed = atoi(PQgetvalue(sync, 0, 0));
	details = json_pack("{s:i, s:s, s:s, s:O, s:O, s:O}", "version", ci->ci_version,
		"digest", ci->ci_digest, "file", ci->ci_path, "added", ci->ci_added, "changed",
		ci->ci_changed, "withdrawn", ci->ci_withdrawn);
	details_s = details ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(details);
	if (details_s == NULL) {
		rc = SD_DB_FAIL;
		goto out;
	}
	memset(&row, 0, sizeof(row));
	snprintf(object, sizeof(object), "catalogue:%d", ci->ci_version);
	row.ar_actor = "sdeskctl";
	row.ar_action = "catalogue.import";
	row.ar_object = object;
	row.ar_details = details_s;
	rc = sd_audit_append(c, &row);
	free(details_s);
out:
	free(vt);
	free(vq);
	free(vr);
	json_decref(tenants);
	json_decref(queues);
	json_decref(roles);
	json_decref(deps);
	json_decref(cals);
	PQclear(lists);
	PQclear(existing);
	PQclear(sync);
	return rc;
}

/* Reads a whole file (at most CTL_CAT_MAX_FILE bytes); malloc'd. */
static char *
ctl_cat_read(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = malloc(CTL_CAT_MAX_FILE + 1);
	n = buf ? fread(buf, 1, CTL_CAT_MAX_FILE + 1, f) : 0;
	if (f != stdin)
		fclose(f);
	if (buf == NULL || n > CTL_CAT_MAX_FILE) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int
ctl_cat_import(struct sd_conf *conf, const char *path)
{
	struct ctl_import ci;
	struct sd_db *db;
	char *buf;
	size_t i;
	int rc;

	memset(&ci, 0, sizeof(ci));
	if ((buf = ctl_cat_read(path, &ci.ci_len)) == NULL) {
		fprintf(stderr, "sdeskctl: %s: %s\n", path, strerror(errno));
		return 1;
	}
	ci.ci_path = path;
	ci.ci_buf = buf;
	ci.ci_added = json_array();
	ci.ci_changed = json_array();
	ci.ci_withdrawn = json_array();
	if ((db = sd_db_new(conf->sc_db_owner_dsn, 1, 5, 60000, 5000)) == NULL) {
		free(buf);
		return 1;
	}
	rc = sd_db_txn(db, NULL, SD_ISO_READ_COMMITTED, ctl_cat_import_run, &ci);
	sd_db_free(db);
	if (rc == SD_DB_CONFLICT) {
		for (i = 0; i < ci.ci_errs.es_n; i++) {
			const struct cat_error *e = &ci.ci_errs.es_list[i];

			if (e->e_line > 0)
				fprintf(stderr, "%s:%d:%d: %s\n", path, e->e_line,
					e->e_column > 0 ? e->e_column : 1, e->e_msg);
			else
				fprintf(stderr, "%s: %s\n", path, e->e_msg);
		}
		fprintf(stderr, "sdeskctl: %zu problem%s in %s; nothing was imported\n",
			ci.ci_errs.es_n, ci.ci_errs.es_n == 1 ? "" : "s", path);
	} else if (rc == SD_DB_OK && ci.ci_unchanged) {
		printf("catalogue unchanged (version %d, %zu services)\n", ci.ci_version,
			ci.ci_cat->c_nservices);
	} else if (rc == SD_DB_OK) {
		printf("catalogue version %d: %zu services, %zu added, %zu changed, %zu "
		       "withdrawn\n",
			ci.ci_version, ci.ci_cat->c_nservices, json_array_size(ci.ci_added),
			json_array_size(ci.ci_changed), json_array_size(ci.ci_withdrawn));
		if (ci.ci_sla_changed > 0) {
			/* New service levels: the open tickets' clocks follow them. */
			char *args[] = {"sla", "recompute", NULL};

			printf("service levels changed: recomputing open tickets' clocks\n");
			fflush(stdout);
			if (sd_ctl_sla(conf, 2, args) != 0)
				rc = SD_DB_FAIL;
		}
	} else {
		fprintf(stderr, "sdeskctl: the import failed; nothing was imported\n");
	}
	cat_catalogue_free(ci.ci_cat);
	cat_errors_free(&ci.ci_errs);
	json_decref(ci.ci_added);
	json_decref(ci.ci_changed);
	json_decref(ci.ci_withdrawn);
	free(buf);
	return rc == SD_DB_OK ? 0 : 1;
}

int
sd_ctl_catalogue(struct sd_conf *conf, int argc, char **argv)
{
	if (conf->sc_db_owner_dsn == NULL) {
		fprintf(stderr, "sdeskctl: set [database] owner_dsn\n");
		return 1;
	}
	if (argc == 3 && strcmp(argv[1], "import") == 0)
		return ctl_cat_import(conf, argv[2]);
	if (argc == 2 && strcmp(argv[1], "export") == 0)
		return sd_ctl_catalogue_export(conf);
	fprintf(stderr, "usage: sdeskctl catalogue import FILE | catalogue export\n");
	return 2;
}
