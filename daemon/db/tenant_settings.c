/*
 * db/tenant_settings.c: a municipality's own settings.  A tenant without
 * a row has the defaults; the first change makes the row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_stmt settings_get = {"settings_get",
	"SELECT coalesce((SELECT mfa_all_users FROM tenant_settings WHERE tenant_id = $1 FOR "
	"UPDATE), false)",
	1};

static const struct sd_stmt settings_put = {"settings_put",
	"INSERT INTO tenant_settings AS s (tenant_id, mfa_all_users, updated_at, updated_by) "
	"VALUES ($1, $2::boolean, now(), nullif($3, '0')::bigint) ON CONFLICT (tenant_id) DO "
	"UPDATE SET mfa_all_users = EXCLUDED.mfa_all_users, updated_at = now(), updated_by = "
	"EXCLUDED.updated_by",
	3};

struct settings_arg {
	struct sd_req *sa_req;
	int sa_tenant;
	int sa_set; /* -1: read only; else the new mfa_all_users */
	int sa_mfa_all_users;
};

static int
settings_run(struct sd_dbc *c, void *arg)
{
	struct settings_arg *sa = arg;
	char tid[16], by[24], object[24];
	const char *p[3] = {tid, sa->sa_set > 0 ? "true" : "false", by};
	PGresult *res;
	int rc, was;

	snprintf(tid, sizeof(tid), "%d", sa->sa_tenant);
	res = sd_db_exec(c, &settings_get, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK)
		sa->sa_mfa_all_users = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (rc != SD_DB_OK || sa->sa_set < 0)
		return rc;
	was = sa->sa_mfa_all_users;
	snprintf(by, sizeof(by), "%lld", sa->sa_req->rq_auth->au_person);
	res = sd_db_exec(c, &settings_put, p);
	rc = sd_db_result_rc(c, res);
	PQclear(res);
	if (rc != SD_DB_OK)
		return rc;
	sa->sa_mfa_all_users = sa->sa_set;
	snprintf(object, sizeof(object), "tenant:%d", sa->sa_tenant);
	return sd_audit_req(c, sa->sa_req, sa->sa_tenant, "tenant.settings", object,
		json_pack("{s:{s:b, s:b}}", "mfa_all_users", "from", was, "to", sa->sa_set));
}

int
sd_db_tenant_settings(struct sd_req *r, int tenant, int set, int *mfa_all_users)
{
	struct settings_arg sa = {r, tenant, set, 0};
	struct sd_scope sc;
	int rc;

	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, settings_run, &sa);
	*mfa_all_users = sa.sa_mfa_all_users;
	return rc;
}
