/*
 * db/roles.c: granting and revoking roles by hand.  The rules that hold
 * whatever the application does (administrator rights only on adm-*
 * identities, municipal people only in their own municipality, cost
 * centres of the right tenant) are the trigger role_grants_check in
 * 002_identity.sql; here they become answers that name the field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

/* One grant as the API shows it; scope codes from the public list of tenants. */
#define ROLE_JSON                                                                              \
	"json_build_object('id', g.id, 'role', g.role, 'tenant', coalesce(st.code, '*'), "     \
	"'team', g.team, 'cost_centre', gc.code, 'source', g.source)"

static const struct sd_stmt role_cost_centre = {"role_cost_centre",
	"SELECT id FROM cost_centres WHERE tenant_id = $1 AND code = upper($2)", 2};

static const struct sd_stmt role_insert = {"role_insert",
	"INSERT INTO role_grants (tenant_id, person_id, role, scope_tenant_id, team, "
	"cost_centre_id, source, granted_by) VALUES ($1, $2, $3, nullif($4, '0')::integer, "
	"nullif($5, ''), nullif($6, '')::bigint, 'local', nullif($7, '0')::bigint) RETURNING "
	"id",
	7};

static const struct sd_stmt role_get = {"role_get",
	"SELECT " ROLE_JSON " FROM role_grants g LEFT JOIN sdesk_public_tenants() st ON st.id "
	"= g.scope_tenant_id LEFT JOIN cost_centres gc ON gc.id = g.cost_centre_id WHERE g.id "
	"= $1",
	1};

static const struct sd_stmt role_lock = {"role_lock",
	"SELECT g.role, coalesce(g.scope_tenant_id, 0), g.source, coalesce(t.code, '*') FROM "
	"role_grants g LEFT JOIN sdesk_public_tenants() t ON t.id = g.scope_tenant_id WHERE "
	"g.id = $1 AND g.person_id = $2 FOR UPDATE OF g",
	2};

static const struct sd_stmt role_delete = {
	"role_delete", "DELETE FROM role_grants WHERE id = $1", 1};

static const struct sd_stmt role_sessions_revoke = {"role_sessions_revoke",
	"UPDATE sessions SET revoked_at = now() WHERE person_id = $1 AND revoked_at IS NULL",
	1};

/* What role_grants_check and the table refuse, as the field at fault. */
static int
role_insert_failed(PGresult *res, struct sd_fault *f)
{
	const char *state = sd_db_sqlstate(res);
	const char *cons = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);

	if (strcmp(state, "23505") == 0)
		return sd_fault(f, SD_E_CONFLICT, "role", "Personen har redan den rollen.",
			"The person already holds that role.");
	if (strcmp(state, "23514") != 0 || cons == NULL)
		return SD_DB_FAIL;
	if (strcmp(cons, "role_grants_privileged") == 0)
		return sd_fault(f, SD_E_INVALID_FIELD, "role",
			"Administratörsrollen ges bara till en separat administratörsidentitet "
			"(adm-*), som inte har några andra roller.",
			"The administrator role goes only to a separate privileged identity "
			"(adm-*), which holds no other role.");
	if (strcmp(cons, "role_grants_scope") == 0)
		return sd_fault(f, SD_E_INVALID_FIELD, "tenant",
			"Personer i en kommun får bara roller i sin egen kommun.",
			"People of a municipality get roles in their own municipality only.");
	if (strcmp(cons, "role_grants_cost_centre") == 0)
		return sd_fault(f, SD_E_INVALID_FIELD, "cost_centre",
			"Kostnadsstället hör till en annan kommun än rollen.",
			"The cost centre belongs to another municipality than the role.");
	return sd_fault(f, SD_E_INVALID_FIELD, "team",
		"Andra linjens tekniker (tech2) tillhör precis ett team; andra roller inget.",
		"Second-line technicians (tech2) belong to exactly one team; other roles to "
		"none.");
}

/* Locks the person; someone the caller may not grant roles to is not there. */
static int
role_person(struct sd_dbc *c, struct sd_req *r, long long id, struct sd_person_facts *pf)
{
	int rc;

	if ((rc = sd_db_person_lock(c, id, pf)) != SD_DB_OK)
		return rc;
	if (!sd_auth_can(r->rq_auth, "role.grant", pf->pf_tenant) ||
		!sd_auth_sees_tenant(r->rq_auth, pf->pf_tenant))
		return SD_DB_NOTFOUND;
	return SD_DB_OK;
}

/* True when r's caller may grant (or take away) role in scope (0: every tenant). */
static int
role_may(struct sd_req *r, const char *role, int scope)
{
	return scope == 0 ? sd_auth_may_grant_all(r->rq_auth, role)
			  : sd_auth_may_grant(r->rq_auth, role, scope);
}

struct role_grant_arg {
	struct sd_req *ga_req;
	const struct sd_role_new *ga_new;
	struct sd_fault *ga_fault;
	struct sd_person_facts ga_facts;
	json_t *ga_out;
};

/* The cost centre's id ("" for none) in the tenant the role is for. */
static int
role_cost_centre_id(
	struct sd_dbc *c, int tenant, const char *code, char id[24], struct sd_fault *f)
{
	char tid[16];
	const char *p[2] = {tid, code};
	PGresult *res;
	int rc;

	id[0] = '\0';
	if (code == NULL)
		return SD_DB_OK;
	snprintf(tid, sizeof(tid), "%d", tenant);
	res = sd_db_exec(c, &role_cost_centre, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK && PQntuples(res) == 1)
		snprintf(id, 24, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	if (rc == SD_DB_OK && id[0] == '\0')
		return sd_fault(f, SD_E_INVALID_FIELD, "cost_centre",
			"Kostnadsstället finns inte i kommunen.",
			"No such cost centre in the municipality.");
	return rc;
}

/* Inserts the grant; its id into id. */
static int
role_insert_one(struct sd_dbc *c, struct role_grant_arg *ga, const char *cc, char id[24])
{
	const struct sd_role_new *rn = ga->ga_new;
	char tid[16], pid[24], scope[16], by[24];
	const char *p[7] = {
		tid, pid, rn->rn_role, scope, rn->rn_team ? rn->rn_team : "", cc, by};
	PGresult *res;
	int rc;

	snprintf(tid, sizeof(tid), "%d", ga->ga_facts.pf_tenant);
	snprintf(pid, sizeof(pid), "%lld", rn->rn_person);
	snprintf(scope, sizeof(scope), "%d", rn->rn_scope);
	snprintf(by, sizeof(by), "%lld", ga->ga_req->rq_auth->au_person);
	res = sd_db_exec(c, &role_insert, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_FAIL)
		rc = role_insert_failed(res, ga->ga_fault);
	if (rc == SD_DB_OK)
		snprintf(id, 24, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* A role that needs MFA takes effect at the next login, with MFA. */
static int
role_sessions_end(struct sd_dbc *c, struct role_grant_arg *ga)
{
	struct sd_grant g;
	char pid[24];
	const char *p[1] = {pid};
	PGresult *res;
	int rc;

	memset(&g, 0, sizeof(g));
	snprintf(g.g_role, sizeof(g.g_role), "%s", ga->ga_new->rn_role);
	if (!sd_auth_needs_mfa(&g, 1, ga->ga_req->rq_app->ap_conf->sc_auth_mfa_roles))
		return SD_DB_OK;
	snprintf(pid, sizeof(pid), "%lld", ga->ga_new->rn_person);
	res = sd_db_exec(c, &role_sessions_revoke, p);
	rc = sd_db_result_rc(c, res);
	PQclear(res);
	return rc;
}

static int
role_grant_run(struct sd_dbc *c, void *arg)
{
	struct role_grant_arg *ga = arg;
	const struct sd_role_new *rn = ga->ga_new;
	char cc[24], id[24], object[48];
	const char *p[1] = {id};
	PGresult *res;
	int rc;

	if ((rc = role_person(c, ga->ga_req, rn->rn_person, &ga->ga_facts)) != SD_DB_OK)
		return rc;
	if (!role_may(ga->ga_req, rn->rn_role, rn->rn_scope))
		return sd_fault(ga->ga_fault, SD_E_FORBIDDEN, "role",
			"Du kan inte ge den rollen där.", "You cannot grant that role there.");
	if ((rc = role_cost_centre_id(c, rn->rn_scope ? rn->rn_scope : ga->ga_facts.pf_tenant,
		     rn->rn_cost_centre, cc, ga->ga_fault)) != SD_DB_OK ||
		(rc = role_insert_one(c, ga, cc, id)) != SD_DB_OK ||
		(rc = role_sessions_end(c, ga)) != SD_DB_OK)
		return rc;
	snprintf(object, sizeof(object), "person:%lld", rn->rn_person);
	if ((rc = sd_audit_req(c, ga->ga_req, ga->ga_facts.pf_tenant, "role.grant", object,
		     json_pack("{s:I, s:s, s:s, s:s?, s:s?}", "grant", (json_int_t)atoll(id),
			     "role", rn->rn_role, "tenant", rn->rn_scope_code, "team",
			     rn->rn_team, "cost_centre", rn->rn_cost_centre))) != SD_DB_OK)
		return rc;
	res = sd_db_exec(c, &role_get, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK && PQntuples(res) == 1) {
		json_decref(ga->ga_out);
		ga->ga_out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	}
	PQclear(res);
	return rc == SD_DB_OK && ga->ga_out == NULL ? SD_DB_FAIL : rc;
}

int
sd_db_role_grant(
	struct sd_req *r, const struct sd_role_new *rn, struct sd_fault *f, json_t **out)
{
	struct role_grant_arg ga;
	struct sd_scope sc;
	int rc;

	memset(&ga, 0, sizeof(ga));
	ga.ga_req = r;
	ga.ga_new = rn;
	ga.ga_fault = f;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, role_grant_run, &ga);
	sd_person_facts_clear(&ga.ga_facts);
	if (rc != SD_DB_OK) {
		json_decref(ga.ga_out);
		return rc;
	}
	*out = ga.ga_out;
	return SD_DB_OK;
}

struct role_revoke_arg {
	struct sd_req *ra_req;
	long long ra_person;
	long long ra_grant;
	struct sd_fault *ra_fault;
	struct sd_person_facts ra_facts;
};

static int
role_revoke_run(struct sd_dbc *c, void *arg)
{
	struct role_revoke_arg *ra = arg;
	char gid[24], pid[24], role[24], object[48], code[8];
	const char *p[2] = {gid, pid};
	PGresult *res;
	int rc, scope, directory;

	if ((rc = role_person(c, ra->ra_req, ra->ra_person, &ra->ra_facts)) != SD_DB_OK)
		return rc;
	snprintf(gid, sizeof(gid), "%lld", ra->ra_grant);
	snprintf(pid, sizeof(pid), "%lld", ra->ra_person);
	res = sd_db_exec(c, &role_lock, p);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK || PQntuples(res) != 1) {
		PQclear(res);
		return rc != SD_DB_OK ? rc : SD_DB_NOTFOUND;
	}
	snprintf(role, sizeof(role), "%s", PQgetvalue(res, 0, 0));
	scope = atoi(PQgetvalue(res, 0, 1));
	snprintf(code, sizeof(code), "%s", PQgetvalue(res, 0, 3));
	directory = strcmp(PQgetvalue(res, 0, 2), "directory") == 0;
	PQclear(res);
	if (directory)
		return sd_fault(ra->ra_fault, SD_E_CONFLICT, NULL,
			"Rollen kommer från en grupp i kommunens katalog och kommer tillbaka "
			"vid "
			"nästa inloggning. Ta bort personen ur gruppen, eller gruppens "
			"koppling "
			"till rollen.",
			"The role comes from a group in the municipality's directory and comes "
			"back at the next login. Remove the person from the group, or the "
			"group's mapping to the role.");
	if (!role_may(ra->ra_req, role, scope))
		return sd_fault(ra->ra_fault, SD_E_FORBIDDEN, NULL,
			"Du kan inte ta bort den rollen.", "You cannot revoke that role.");
	res = sd_db_exec(c, &role_delete, p);
	rc = sd_db_result_rc(c, res);
	PQclear(res);
	if (rc != SD_DB_OK)
		return rc;
	snprintf(object, sizeof(object), "person:%lld", ra->ra_person);
	return sd_audit_req(c, ra->ra_req, ra->ra_facts.pf_tenant, "role.revoke", object,
		json_pack("{s:I, s:s, s:s}", "grant", (json_int_t)ra->ra_grant, "role", role,
			"tenant", code));
}

int
sd_db_role_revoke(struct sd_req *r, long long person, long long grant, struct sd_fault *f)
{
	struct role_revoke_arg ra;
	struct sd_scope sc;
	int rc;

	memset(&ra, 0, sizeof(ra));
	ra.ra_req = r;
	ra.ra_person = person;
	ra.ra_grant = grant;
	ra.ra_fault = f;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, role_revoke_run, &ra);
	sd_person_facts_clear(&ra.ra_facts);
	return rc;
}
