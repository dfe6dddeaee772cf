/*
 * db/tenants.c: reading tenants with their departments and cost centres.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

/* Public reference columns through the owner's function; see 001_base.sql. */
static const struct sd_stmt tenants_list = {"tenants_list",
	"SELECT id, code, name, is_host FROM sdesk_public_tenants() ORDER BY code", 0};

static const struct sd_stmt tenant_units = {"tenant_units",
	"SELECT d.code, d.name, coalesce(json_agg(json_build_object('code', c.code, 'name', "
	"c.name, 'active', c.active) ORDER BY c.code) FILTER (WHERE c.id IS NOT NULL), '[]') "
	"FROM departments d LEFT JOIN cost_centres c ON c.department_id = d.id "
	"WHERE d.tenant_id = $1 GROUP BY d.id ORDER BY d.code",
	1};

static json_t *
tenant_row(const PGresult *res, int i)
{
	return json_pack("{s:s, s:s, s:b}", "code", PQgetvalue(res, i, 1), "name",
		PQgetvalue(res, i, 2), "is_host", PQgetvalue(res, i, 3)[0] == 't');
}

static int
tenants_list_run(struct sd_dbc *c, void *arg)
{
	json_t **out = arg, *list;
	PGresult *res;
	int rc, i;

	res = sd_db_exec(c, &tenants_list, NULL);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK) {
		PQclear(res);
		return rc;
	}
	list = json_array();
	for (i = 0; list != NULL && i < PQntuples(res); i++)
		json_array_append_new(list, tenant_row(res, i));
	PQclear(res);
	*out = list;
	return list ? SD_DB_OK : SD_DB_FAIL;
}

int
sd_db_tenants_list(struct sd_db *db, const struct sd_scope *scope, json_t **out)
{
	return sd_db_txn(db, scope, SD_ISO_READ_COMMITTED, tenants_list_run, out);
}

struct tenant_get {
	int tg_id;
	char tg_idbuf[16];
	json_t *tg_out;
};

/* Adds departments (with their cost centres) of tenant id to t. */
static int
tenant_add_units(struct sd_dbc *c, const char *id, json_t *t)
{
	const char *params[1] = {id};
	json_t *deps, *cc;
	PGresult *res;
	int rc, i;

	res = sd_db_exec(c, &tenant_units, params);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK) {
		PQclear(res);
		return rc;
	}
	deps = json_array();
	for (i = 0; i < PQntuples(res); i++) {
		cc = json_loads(PQgetvalue(res, i, 2), 0, NULL);
		json_array_append_new(deps,
			json_pack("{s:s, s:s, s:o}", "code", PQgetvalue(res, i, 0), "name",
				PQgetvalue(res, i, 1), "cost_centres", cc ? cc : json_array()));
	}
	PQclear(res);
	json_object_set_new(t, "departments", deps);
	return SD_DB_OK;
}

static int
tenant_get_run(struct sd_dbc *c, void *arg)
{
	struct tenant_get *tg = arg;
	PGresult *res;
	int rc, i;

	res = sd_db_exec(c, &tenants_list, NULL);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK) {
		PQclear(res);
		return rc;
	}
	for (i = 0; i < PQntuples(res); i++)
		if (atoi(PQgetvalue(res, i, 0)) == tg->tg_id)
			break;
	if (i == PQntuples(res)) {
		PQclear(res);
		return SD_DB_NOTFOUND;
	}
	tg->tg_out = tenant_row(res, i);
	PQclear(res);
	if (tg->tg_out == NULL)
		return SD_DB_FAIL;
	snprintf(tg->tg_idbuf, sizeof(tg->tg_idbuf), "%d", tg->tg_id);
	return tenant_add_units(c, tg->tg_idbuf, tg->tg_out);
}

int
sd_db_tenant_get(struct sd_db *db, const struct sd_scope *scope, int id, json_t **out)
{
	struct tenant_get tg;
	int rc;

	memset(&tg, 0, sizeof(tg));
	tg.tg_id = id;
	rc = sd_db_txn(db, scope, SD_ISO_READ_COMMITTED, tenant_get_run, &tg);
	if (rc != SD_DB_OK) {
		json_decref(tg.tg_out);
		return rc;
	}
	*out = tg.tg_out;
	return SD_DB_OK;
}
