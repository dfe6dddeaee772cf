/*
 * db/directory_groups.c: which group in a municipality's directory gives
 * which role at login (db/login.c reads the table).  Removing a mapping
 * takes the role away at the person's next login.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

#define GROUP_JSON                                                                             \
	"json_build_object('id', g.id, 'group_dn', g.group_dn, 'role', g.role, 'team', "       \
	"g.team, 'all_tenants', g.all_tenants)"

static const struct sd_stmt groups_list = {"groups_list",
	"SELECT " GROUP_JSON " FROM directory_groups g WHERE g.tenant_id = $1 ORDER BY "
	"lower(g.group_dn), g.role, g.id",
	1};

static const struct sd_stmt group_insert = {"group_insert",
	"INSERT INTO directory_groups AS g (tenant_id, group_dn, role, team, all_tenants) "
	"VALUES ($1, $2, $3, nullif($4, ''), $5::boolean) RETURNING " GROUP_JSON ", g.id",
	5};

static const struct sd_stmt group_lock = {"group_lock",
	"SELECT role, all_tenants, group_dn FROM directory_groups WHERE id = $1 AND tenant_id "
	"= $2 FOR UPDATE",
	2};

static const struct sd_stmt group_delete = {
	"group_delete", "DELETE FROM directory_groups WHERE id = $1", 1};

struct groups_list_arg {
	int la_tenant;
	json_t *la_out;
};

static int
groups_list_run(struct sd_dbc *c, void *arg)
{
	struct groups_list_arg *la = arg;
	char tid[16];
	const char *p[1] = {tid};
	PGresult *res;
	int rc, i;

	json_array_clear(la->la_out); /* a retried transaction starts over */
	snprintf(tid, sizeof(tid), "%d", la->la_tenant);
	res = sd_db_exec(c, &groups_list, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK)
		for (i = 0; i < PQntuples(res); i++)
			json_array_append_new(
				la->la_out, json_loads(PQgetvalue(res, i, 0), 0, NULL));
	PQclear(res);
	return rc;
}

int
sd_db_directory_groups_list(
	struct sd_db *db, const struct sd_scope *scope, int tenant, json_t **out)
{
	struct groups_list_arg la = {tenant, json_array()};
	int rc;

	if (la.la_out == NULL)
		return SD_DB_FAIL;
	rc = sd_db_txn(db, scope, SD_ISO_READ_COMMITTED, groups_list_run, &la);
	if (rc != SD_DB_OK) {
		json_decref(la.la_out);
		return rc;
	}
	*out = la.la_out;
	return SD_DB_OK;
}

struct group_add_arg {
	struct sd_req *ga_req;
	const struct sd_group_new *ga_new;
	struct sd_fault *ga_fault;
	json_t *ga_out;
};

static int
group_add_run(struct sd_dbc *c, void *arg)
{
	struct group_add_arg *ga = arg;
	const struct sd_group_new *gn = ga->ga_new;
	char tid[16], object[48];
	const char *p[5] = {tid, gn->gn_dn, gn->gn_role, gn->gn_team ? gn->gn_team : "",
		gn->gn_all ? "true" : "false"};
	PGresult *res;
	int rc;

	snprintf(tid, sizeof(tid), "%d", gn->gn_tenant);
	res = sd_db_exec(c, &group_insert, p);
	rc = sd_db_result_rc(c, res);
	if (rc == SD_DB_FAIL && strcmp(sd_db_sqlstate(res), "23505") == 0)
		rc = sd_fault(ga->ga_fault, SD_E_CONFLICT, "group_dn",
			"Gruppen ger redan den rollen.", "The group already gives that role.");
	if (rc == SD_DB_OK) {
		json_decref(ga->ga_out);
		ga->ga_out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
		snprintf(object, sizeof(object), "directory_group:%s", PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	if (rc != SD_DB_OK)
		return rc;
	if (ga->ga_out == NULL)
		return SD_DB_FAIL;
	return sd_audit_req(c, ga->ga_req, gn->gn_tenant, "directory_groups.add", object,
		json_pack("{s:s, s:s, s:s?, s:b}", "group_dn", gn->gn_dn, "role", gn->gn_role,
			"team", gn->gn_team, "all_tenants", gn->gn_all));
}

int
sd_db_directory_group_add(
	struct sd_req *r, const struct sd_group_new *gn, struct sd_fault *f, json_t **out)
{
	struct group_add_arg ga = {r, gn, f, NULL};
	struct sd_scope sc;
	int rc;

	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, group_add_run, &ga);
	if (rc != SD_DB_OK) {
		json_decref(ga.ga_out);
		return rc;
	}
	*out = ga.ga_out;
	return SD_DB_OK;
}

struct group_remove_arg {
	struct sd_req *ra_req;
	int ra_tenant;
	long long ra_id;
	struct sd_fault *ra_fault;
};

static int
group_remove_run(struct sd_dbc *c, void *arg)
{
	struct group_remove_arg *ra = arg;
	const struct sd_auth *a = ra->ra_req->rq_auth;
	char id[24], tid[16], object[48];
	const char *p[2] = {id, tid};
	json_t *details = NULL;
	PGresult *res;
	int rc, may = 0;

	snprintf(id, sizeof(id), "%lld", ra->ra_id);
	snprintf(tid, sizeof(tid), "%d", ra->ra_tenant);
	res = sd_db_exec(c, &group_lock, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK && PQntuples(res) != 1)
		rc = SD_DB_NOTFOUND;
	if (rc == SD_DB_OK) {
		/* Taking a mapping away needs the same right as making it. */
		may = PQgetvalue(res, 0, 1)[0] == 't'
			? sd_auth_may_grant_all(a, PQgetvalue(res, 0, 0))
			: sd_auth_may_grant(a, PQgetvalue(res, 0, 0), ra->ra_tenant);
		details = json_pack("{s:s, s:s}", "group_dn", PQgetvalue(res, 0, 2), "role",
			PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	if (rc == SD_DB_OK && !may)
		rc = sd_fault(ra->ra_fault, SD_E_FORBIDDEN, NULL,
			"Du kan inte ta bort en koppling till den rollen.",
			"You cannot remove a mapping to that role.");
	if (rc == SD_DB_OK) {
		res = sd_db_exec(c, &group_delete, p);
		rc = sd_db_result_rc(c, res);
		PQclear(res);
	}
	if (rc != SD_DB_OK) {
		json_decref(details);
		return rc;
	}
	snprintf(object, sizeof(object), "directory_group:%lld", ra->ra_id);
	return sd_audit_req(
		c, ra->ra_req, ra->ra_tenant, "directory_groups.remove", object, details);
}

int
sd_db_directory_group_remove(struct sd_req *r, int tenant, long long id, struct sd_fault *f)
{
	struct group_remove_arg ra = {r, tenant, id, f};
	struct sd_scope sc;

	sd_auth_scope(r->rq_auth, &sc);
	return sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, group_remove_run, &ra);
}
