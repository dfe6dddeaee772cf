/*
 * db/people.c: people as the administration API sees them: searching,
 * reading one with their roles, creating local accounts, changing them and
 * lifting login locks.  Every statement runs in the caller's scope, so
 * row-level security hides other municipalities' people whatever the
 * handler asked for; each change is audited in its own transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

/* One person as the API shows them (see Person in openapi.yaml). */
#define PERSON_JSON                                                                            \
	"json_build_object('id', p.id, 'tenant', t.code, 'login', p.login, 'name', "           \
	"p.display_name, 'email', p.email, 'kind', p.kind, 'source', p.source, 'active', "     \
	"p.active, 'expires_at', to_char(p.expires_at AT TIME ZONE 'UTC', " SD_SQL_RFC3339     \
	"), 'department', CASE WHEN d.id IS NOT NULL THEN json_build_object('code', d.code, "  \
	"'name', d.name) END, 'cost_centre', CASE WHEN c.id IS NOT NULL THEN "                 \
	"json_build_object('code', c.code, 'name', c.name) END, 'mfa_enrolled', "              \
	"p.mfa_enrolled_at IS NOT NULL, 'last_login_at', to_char(p.last_login_at AT TIME "     \
	"ZONE 'UTC', " SD_SQL_RFC3339 "))"

#define PERSON_FROM                                                                            \
	" FROM people p JOIN tenants t ON t.id = p.tenant_id LEFT JOIN departments d ON d.id " \
	"= p.department_id LEFT JOIN cost_centres c ON c.id = p.cost_centre_id "

/* A person's grants; scope codes from the public list, which RLS does not narrow. */
#define PERSON_ROLES                                                                           \
	"coalesce((SELECT json_agg(json_build_object('id', g.id, 'role', g.role, 'tenant', "   \
	"coalesce(st.code, '*'), 'team', g.team, 'cost_centre', gc.code, 'source', g.source) " \
	"ORDER BY g.id) FROM role_grants g LEFT JOIN sdesk_public_tenants() st ON st.id = "    \
	"g.scope_tenant_id LEFT JOIN cost_centres gc ON gc.id = g.cost_centre_id WHERE "       \
	"g.person_id = p.id), '[]')"

/* $2: prefix ('' for all); $3, $4: after (name, id); LIKE's wildcards escaped. */
static const struct sd_stmt people_search = {"people_search",
	"WITH q AS (SELECT replace(replace(replace(lower($2), '\\', '\\\\'), '%', '\\%'), "
	"'_', '\\_') || '%' AS pat) SELECT " PERSON_JSON PERSON_FROM
	", q WHERE p.tenant_id = ANY ($1::integer[]) AND ($2 = '' OR lower(p.login) LIKE "
	"q.pat OR lower(p.display_name) LIKE q.pat OR lower(p.email) LIKE q.pat) AND "
	"($4::bigint = 0 OR (p.display_name, p.id) > ($3, $4::bigint)) ORDER BY "
	"p.display_name, p.id LIMIT $5::integer + 1",
	5};

static const struct sd_stmt person_get = {"person_get",
	"SELECT " PERSON_JSON ", p.tenant_id, " PERSON_ROLES PERSON_FROM "WHERE p.id = $1", 1};

static const struct sd_stmt person_lock = {"person_lock",
	"SELECT p.tenant_id, p.kind, p.source, p.login, p.display_name, coalesce((SELECT "
	"json_agg(json_build_object('role', g.role, 'tenant', coalesce(g.scope_tenant_id, "
	"0))) FROM role_grants g WHERE g.person_id = p.id), '[]'), t.code FROM people p JOIN "
	"tenants t ON t.id = p.tenant_id WHERE p.id = $1 FOR UPDATE OF p",
	1};

/* A unit code ('' when not given) as ids; the cost centre's department too. */
static const struct sd_stmt person_units_get = {"person_units_get",
	"SELECT (SELECT id FROM departments WHERE tenant_id = $1 AND code = upper($2)), "
	"c.id, c.department_id FROM (SELECT 1) x LEFT JOIN cost_centres c ON c.tenant_id = $1 "
	"AND c.code = upper($3)",
	3};

static const struct sd_stmt person_insert = {"person_insert",
	"INSERT INTO people (tenant_id, kind, login, display_name, email, department_id, "
	"cost_centre_id, source, password_hash, expires_at) VALUES ($1, $2, $3, $4, "
	"nullif($5, ''), nullif($6, '')::bigint, nullif($7, '')::bigint, 'local', $8, "
	"nullif($9, '')::timestamptz) RETURNING id",
	9};

/*
 * $2 is a mask of SD_PC_* bits; only the fields it names change.  A new
 * department without a new cost centre drops a cost centre of the old one.
 * Returns whether the cost centre (if any) belongs to the department.
 */
static const struct sd_stmt person_update = {"person_update",
	"UPDATE people p SET display_name = CASE WHEN $2::integer & 1 <> 0 THEN $3 ELSE "
	"p.display_name END, email = CASE WHEN $2::integer & 2 <> 0 THEN nullif($4, '') "
	"ELSE p.email END, active = CASE WHEN $2::integer & 4 <> 0 THEN $5::boolean ELSE "
	"p.active END, expires_at = CASE WHEN $2::integer & 8 <> 0 THEN nullif($6, "
	"'')::timestamptz ELSE p.expires_at END, department_id = CASE WHEN $2::integer & 16 "
	"<> 0 THEN nullif($7, '')::bigint ELSE p.department_id END, cost_centre_id = CASE "
	"WHEN $2::integer & 32 <> 0 THEN nullif($8, '')::bigint WHEN $2::integer & 16 <> 0 "
	"AND NOT EXISTS (SELECT 1 FROM cost_centres c WHERE c.id = p.cost_centre_id AND "
	"c.department_id IS NOT DISTINCT FROM nullif($7, '')::bigint) THEN NULL ELSE "
	"p.cost_centre_id END, password_hash = CASE WHEN $2::integer & 64 <> 0 THEN $9 ELSE "
	"p.password_hash END, updated_at = now() WHERE p.id = $1 RETURNING p.cost_centre_id "
	"IS NULL OR p.department_id IS NULL OR EXISTS (SELECT 1 FROM cost_centres c WHERE "
	"c.id = p.cost_centre_id AND c.department_id = p.department_id)",
	9};

static const struct sd_stmt person_sessions_revoke = {"person_sessions_revoke",
	"UPDATE sessions SET revoked_at = now() WHERE person_id = $1 AND revoked_at IS NULL",
	1};

static const struct sd_stmt person_unlock = {"person_unlock",
	"DELETE FROM auth_throttle WHERE key = $1 RETURNING locked_at IS NOT NULL", 1};

/* Field names of the SD_PC_* bits, for the audit row. */
static const char *const person_change_names[] = {
	"name", "email", "active", "expires_at", "department", "cost_centre", "password"};

/* Runs st and keeps its result in *res; SD_DB_OK only when it succeeded. */
static int
people_exec(struct sd_dbc *c, const struct sd_stmt *st, const char *const *p, PGresult **res)
{
	int rc;

	*res = sd_db_exec(c, st, p);
	if ((rc = sd_db_result_rc(c, *res)) != SD_DB_OK) {
		PQclear(*res);
		*res = NULL;
	}
	return rc;
}

struct people_search_arg {
	const struct sd_people_query *sa_q;
	json_t *sa_out;
	int sa_more;
};

static int
people_search_run(struct sd_dbc *c, void *arg)
{
	struct people_search_arg *sa = arg;
	const struct sd_people_query *q = sa->sa_q;
	char after[24], limit[16];
	const char *p[5] = {q->pq_tenants, q->pq_q, q->pq_after_name, after, limit};
	PGresult *res;
	int rc, i, n;

	json_array_clear(sa->sa_out); /* a retried transaction starts over */
	snprintf(after, sizeof(after), "%lld", q->pq_after_id);
	snprintf(limit, sizeof(limit), "%lld", q->pq_limit);
	if ((rc = people_exec(c, &people_search, p, &res)) != SD_DB_OK)
		return rc;
	n = PQntuples(res);
	sa->sa_more = n > q->pq_limit;
	if (sa->sa_more)
		n = (int)q->pq_limit;
	for (i = 0; i < n; i++)
		json_array_append_new(sa->sa_out, json_loads(PQgetvalue(res, i, 0), 0, NULL));
	PQclear(res);
	return SD_DB_OK;
}

int
sd_db_people_search(struct sd_db *db, const struct sd_scope *scope,
	const struct sd_people_query *q, json_t **out, int *more)
{
	struct people_search_arg sa = {q, json_array(), 0};
	int rc;

	if (sa.sa_out == NULL)
		return SD_DB_FAIL;
	rc = sd_db_txn(db, scope, SD_ISO_READ_COMMITTED, people_search_run, &sa);
	if (rc != SD_DB_OK) {
		json_decref(sa.sa_out);
		return rc;
	}
	*out = sa.sa_out;
	*more = sa.sa_more;
	return SD_DB_OK;
}

struct person_get_arg {
	long long ga_id;
	json_t *ga_out;
	int ga_tenant;
};

/* Reads person id as JSON with "roles"; SD_DB_NOTFOUND when not visible. */
static int
person_read(struct sd_dbc *c, long long id, json_t **out, int *tenant)
{
	char pid[24];
	const char *p[1] = {pid};
	PGresult *res;
	json_t *roles;
	int rc;

	json_decref(*out); /* a retried transaction starts over */
	*out = NULL;
	snprintf(pid, sizeof(pid), "%lld", id);
	if ((rc = people_exec(c, &person_get, p, &res)) != SD_DB_OK)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return SD_DB_NOTFOUND;
	}
	*out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	roles = json_loads(PQgetvalue(res, 0, 2), 0, NULL);
	if (tenant != NULL)
		*tenant = atoi(PQgetvalue(res, 0, 1));
	PQclear(res);
	if (*out == NULL || roles == NULL) {
		json_decref(*out);
		json_decref(roles);
		*out = NULL;
		return SD_DB_FAIL;
	}
	json_object_set_new(*out, "roles", roles);
	return SD_DB_OK;
}

static int
person_get_run(struct sd_dbc *c, void *arg)
{
	struct person_get_arg *ga = arg;

	return person_read(c, ga->ga_id, &ga->ga_out, &ga->ga_tenant);
}

int
sd_db_person_get(
	struct sd_db *db, const struct sd_scope *scope, long long id, json_t **out, int *tenant)
{
	struct person_get_arg ga = {id, NULL, 0};
	int rc;

	rc = sd_db_txn(db, scope, SD_ISO_READ_COMMITTED, person_get_run, &ga);
	if (rc != SD_DB_OK) {
		json_decref(ga.ga_out);
		return rc;
	}
	*out = ga.ga_out;
	*tenant = ga.ga_tenant;
	return SD_DB_OK;
}

void
sd_person_facts_clear(struct sd_person_facts *pf)
{
	free(pf->pf_grants);
	memset(pf, 0, sizeof(*pf));
}

int
sd_db_person_lock(struct sd_dbc *c, long long id, struct sd_person_facts *pf)
{
	char pid[24];
	const char *p[1] = {pid};
	PGresult *res;
	int rc;

	sd_person_facts_clear(pf);
	snprintf(pid, sizeof(pid), "%lld", id);
	if ((rc = people_exec(c, &person_lock, p, &res)) != SD_DB_OK)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return SD_DB_NOTFOUND;
	}
	pf->pf_id = id;
	pf->pf_tenant = atoi(PQgetvalue(res, 0, 0));
	snprintf(pf->pf_kind, sizeof(pf->pf_kind), "%s", PQgetvalue(res, 0, 1));
	snprintf(pf->pf_source, sizeof(pf->pf_source), "%s", PQgetvalue(res, 0, 2));
	snprintf(pf->pf_login, sizeof(pf->pf_login), "%s", PQgetvalue(res, 0, 3));
	snprintf(pf->pf_name, sizeof(pf->pf_name), "%s", PQgetvalue(res, 0, 4));
	snprintf(pf->pf_tenant_code, sizeof(pf->pf_tenant_code), "%s", PQgetvalue(res, 0, 6));
	rc = sd_grants_from_json(PQgetvalue(res, 0, 5), &pf->pf_grants, &pf->pf_ngrants);
	PQclear(res);
	return rc < 0 ? SD_DB_FAIL : SD_DB_OK;
}

/*
 * Locks person id and checks that the caller may administer them: someone
 * the caller may not administer in that tenant is not there (404); one the
 * caller sees but may not take over is refused (403).
 */
static int
person_check(struct sd_dbc *c, struct sd_req *r, long long id, struct sd_person_facts *pf,
	struct sd_fault *f)
{
	const struct sd_auth *a = r->rq_auth;
	int rc;

	if ((rc = sd_db_person_lock(c, id, pf)) != SD_DB_OK)
		return rc;
	if (!sd_auth_can(a, "person.admin", pf->pf_tenant) ||
		!sd_auth_sees_tenant(a, pf->pf_tenant))
		return SD_DB_NOTFOUND;
	if (!sd_auth_may_manage(a, pf->pf_tenant, pf->pf_kind, pf->pf_grants, pf->pf_ngrants))
		return sd_fault(f, SD_E_FORBIDDEN, NULL,
			"Personen har behörigheter som du inte kan ge, eller är en "
			"administratörsidentitet.",
			"The person holds rights you cannot grant, or is an administrator "
			"identity.");
	return SD_DB_OK;
}

struct person_check_arg {
	struct sd_req *ca_req;
	long long ca_id;
	struct sd_person_facts *ca_facts;
	struct sd_fault *ca_fault;
};

static int
person_check_run(struct sd_dbc *c, void *arg)
{
	struct person_check_arg *ca = arg;

	return person_check(c, ca->ca_req, ca->ca_id, ca->ca_facts, ca->ca_fault);
}

int
sd_db_person_facts(
	struct sd_req *r, long long id, struct sd_person_facts *pf, struct sd_fault *f)
{
	struct person_check_arg ca = {r, id, pf, f};
	struct sd_scope sc;

	sd_auth_scope(r->rq_auth, &sc);
	return sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, person_check_run, &ca);
}

/*
 * Resolves department and cost centre codes (NULL: not given) of tenant
 * into ids ("" for none).  A cost centre must belong to the department;
 * given alone, it brings its department along when *dep_id is wanted.
 */
static int
person_units(struct sd_dbc *c, int tenant, const char *dep, const char *cc, char dep_id[24],
	char cc_id[24], char cc_dep[24], struct sd_fault *f)
{
	char tid[16];
	const char *p[3] = {tid, dep ? dep : "", cc ? cc : ""};
	PGresult *res;
	int rc;

	dep_id[0] = cc_id[0] = cc_dep[0] = '\0';
	if (dep == NULL && cc == NULL)
		return SD_DB_OK;
	snprintf(tid, sizeof(tid), "%d", tenant);
	if ((rc = people_exec(c, &person_units_get, p, &res)) != SD_DB_OK)
		return rc;
	snprintf(dep_id, 24, "%s", PQgetvalue(res, 0, 0));
	snprintf(cc_id, 24, "%s", PQgetvalue(res, 0, 1));
	snprintf(cc_dep, 24, "%s", PQgetvalue(res, 0, 2));
	PQclear(res);
	if (dep != NULL && dep_id[0] == '\0')
		return sd_fault(f, SD_E_INVALID_FIELD, "department",
			"Förvaltningen finns inte i kommunen.",
			"No such department in the municipality.");
	if (cc != NULL && cc_id[0] == '\0')
		return sd_fault(f, SD_E_INVALID_FIELD, "cost_centre",
			"Kostnadsstället finns inte i kommunen.",
			"No such cost centre in the municipality.");
	if (dep != NULL && cc != NULL && strcmp(dep_id, cc_dep) != 0)
		return sd_fault(f, SD_E_INVALID_FIELD, "cost_centre",
			"Kostnadsstället hör inte till förvaltningen.",
			"The cost centre does not belong to the department.");
	return SD_DB_OK;
}

/* Maps a refused write to the field at fault: taken login or e-mail, bad value. */
static int
person_write_failed(PGresult *res, struct sd_fault *f)
{
	const char *state = sd_db_sqlstate(res);
	const char *cons = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);

	if (strcmp(state, "23505") == 0)
		return cons != NULL && strcmp(cons, "people_email") == 0
			? sd_fault(f, SD_E_CONFLICT, "email",
				  "E-postadressen används redan i kommunen.",
				  "The e-mail address is already in use in the municipality.")
			: sd_fault(f, SD_E_CONFLICT, "login",
				  "Användarnamnet är upptaget i kommunen.",
				  "The login is already taken in the municipality.");
	if (strcmp(state, "23514") == 0)
		return sd_fault(f, SD_E_INVALID_FIELD, NULL, "Värdena bryter mot en regel.",
			"The values break a rule.");
	return SD_DB_FAIL;
}

struct person_create_arg {
	struct sd_req *pa_req;
	const struct sd_person_new *pa_new;
	struct sd_fault *pa_fault;
	json_t *pa_out;
};

static int
person_create_run(struct sd_dbc *c, void *arg)
{
	struct person_create_arg *pa = arg;
	const struct sd_person_new *pn = pa->pa_new;
	char tid[16], dep[24], cc[24], cc_dep[24], object[48];
	const char *p[9];
	PGresult *res;
	long long id;
	int rc;

	if ((rc = person_units(c, pn->pn_tenant, pn->pn_department, pn->pn_cost_centre, dep, cc,
		     cc_dep, pa->pa_fault)) != SD_DB_OK)
		return rc;
	snprintf(tid, sizeof(tid), "%d", pn->pn_tenant);
	p[0] = tid;
	p[1] = pn->pn_kind;
	p[2] = pn->pn_login;
	p[3] = pn->pn_name;
	p[4] = pn->pn_email ? pn->pn_email : "";
	p[5] = pn->pn_department ? dep : cc_dep;
	p[6] = cc;
	p[7] = pn->pn_hash;
	p[8] = pn->pn_expires;
	res = sd_db_exec(c, &person_insert, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_FAIL)
		rc = person_write_failed(res, pa->pa_fault);
	if (rc != SD_DB_OK) {
		PQclear(res);
		return rc;
	}
	id = atoll(PQgetvalue(res, 0, 0));
	PQclear(res);
	snprintf(object, sizeof(object), "person:%lld", id);
	if ((rc = sd_audit_req(c, pa->pa_req, pn->pn_tenant, "person.create", object,
		     json_pack("{s:s, s:s, s:s}", "login", pn->pn_login, "kind", pn->pn_kind,
			     "source", "local"))) != SD_DB_OK)
		return rc;
	return person_read(c, id, &pa->pa_out, NULL);
}

int
sd_db_person_create(
	struct sd_req *r, const struct sd_person_new *pn, struct sd_fault *f, json_t **out)
{
	struct person_create_arg pa = {r, pn, f, NULL};
	struct sd_scope sc;
	int rc;

	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, person_create_run, &pa);
	if (rc != SD_DB_OK) {
		json_decref(pa.pa_out);
		return rc;
	}
	*out = pa.pa_out;
	return SD_DB_OK;
}

struct person_update_arg {
	struct sd_req *ua_req;
	const struct sd_person_change *ua_change;
	struct sd_fault *ua_fault;
	struct sd_person_facts ua_facts;
	json_t *ua_out;
};

/*
 * What a change may not do: leave an external user without expiry, or
 * touch what the directory owns of its users (and their password).
 */
static int
person_update_allowed(const struct sd_person_facts *pf, unsigned set, const char *pc_expires,
	struct sd_fault *f)
{
	static const unsigned owned[] = {
		SD_PC_NAME, SD_PC_EMAIL, SD_PC_DEPARTMENT, SD_PC_PASSWORD};
	size_t i;

	if ((set & SD_PC_EXPIRES) && pc_expires[0] == '\0' &&
		strcmp(pf->pf_kind, "external") == 0)
		return sd_fault(f, SD_E_INVALID_FIELD, "expires_at",
			"Externa användare har alltid ett slutdatum.",
			"External users always have an expiry date.");
	if (strcmp(pf->pf_source, "directory") != 0)
		return SD_DB_OK;
	for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++) {
		if (!(set & owned[i]))
			continue;
		if (owned[i] == SD_PC_PASSWORD)
			return sd_fault(f, SD_E_INVALID_FIELD, "password",
				"Personen loggar in via kommunens katalog; lösenordet byts "
				"där.",
				"The person logs in through the municipality's directory; "
				"change the password there.");
		return sd_fault(f, SD_E_INVALID_FIELD,
			owned[i] == SD_PC_NAME            ? "name"
				: owned[i] == SD_PC_EMAIL ? "email"
							  : "department",
			"Uppgiften kommer från kommunens katalog och ändras där.",
			"The directory owns this value; change it there.");
	}
	return SD_DB_OK;
}

/* Applies the change; the person is locked and checked. */
static int
person_update_apply(struct sd_dbc *c, struct person_update_arg *ua)
{
	const struct sd_person_change *pc = ua->ua_change;
	char pid[24], mask[16], dep[24], cc[24], cc_dep[24];
	const char *p[9];
	PGresult *res;
	int rc, consistent;

	if ((rc = person_units(c, ua->ua_facts.pf_tenant,
		     (pc->pc_set & SD_PC_DEPARTMENT) ? pc->pc_department : NULL,
		     (pc->pc_set & SD_PC_COST_CENTRE) ? pc->pc_cost_centre : NULL, dep, cc,
		     cc_dep, ua->ua_fault)) != SD_DB_OK)
		return rc;
	snprintf(pid, sizeof(pid), "%lld", pc->pc_id);
	snprintf(mask, sizeof(mask), "%u", pc->pc_set);
	p[0] = pid;
	p[1] = mask;
	p[2] = pc->pc_name ? pc->pc_name : "";
	p[3] = pc->pc_email ? pc->pc_email : "";
	p[4] = pc->pc_active ? "true" : "false";
	p[5] = pc->pc_expires;
	p[6] = dep;
	p[7] = cc;
	p[8] = pc->pc_hash;
	res = sd_db_exec(c, &person_update, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_FAIL)
		rc = person_write_failed(res, ua->ua_fault);
	consistent = rc == SD_DB_OK && PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (rc != SD_DB_OK)
		return rc;
	if (!consistent)
		return sd_fault(ua->ua_fault, SD_E_INVALID_FIELD, "cost_centre",
			"Kostnadsstället hör inte till personens förvaltning.",
			"The cost centre does not belong to the person's department.");
	/* Deactivated, or a new password set by someone else: their sessions end. */
	if (((pc->pc_set & SD_PC_ACTIVE) && !pc->pc_active) || (pc->pc_set & SD_PC_PASSWORD)) {
		p[0] = pid;
		if ((rc = people_exec(c, &person_sessions_revoke, p, &res)) != SD_DB_OK)
			return rc;
		PQclear(res);
	}
	return SD_DB_OK;
}

static int
person_update_run(struct sd_dbc *c, void *arg)
{
	struct person_update_arg *ua = arg;
	const struct sd_person_change *pc = ua->ua_change;
	char object[48];
	json_t *fields;
	size_t i;
	int rc;

	if ((rc = person_check(c, ua->ua_req, pc->pc_id, &ua->ua_facts, ua->ua_fault)) !=
			SD_DB_OK ||
		(rc = person_update_allowed(
			 &ua->ua_facts, pc->pc_set, pc->pc_expires, ua->ua_fault)) != SD_DB_OK)
		return rc;
	if (pc->pc_set != 0) {
		if ((rc = person_update_apply(c, ua)) != SD_DB_OK)
			return rc;
		if ((fields = json_array()) == NULL)
			return SD_DB_FAIL;
		for (i = 0; i < sizeof(person_change_names) / sizeof(person_change_names[0]);
			i++)
			if (pc->pc_set & (1u << i))
				json_array_append_new(
					fields, json_string(person_change_names[i]));
		snprintf(object, sizeof(object), "person:%lld", pc->pc_id);
		if ((rc = sd_audit_req(c, ua->ua_req, ua->ua_facts.pf_tenant, "person.update",
			     object, json_pack("{s:o}", "fields", fields))) != SD_DB_OK)
			return rc;
	}
	return person_read(c, pc->pc_id, &ua->ua_out, NULL);
}

int
sd_db_person_update(
	struct sd_req *r, const struct sd_person_change *pc, struct sd_fault *f, json_t **out)
{
	struct person_update_arg ua;
	struct sd_scope sc;
	int rc;

	memset(&ua, 0, sizeof(ua));
	ua.ua_req = r;
	ua.ua_change = pc;
	ua.ua_fault = f;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, person_update_run, &ua);
	sd_person_facts_clear(&ua.ua_facts);
	if (rc != SD_DB_OK) {
		json_decref(ua.ua_out);
		return rc;
	}
	*out = ua.ua_out;
	return SD_DB_OK;
}

struct person_unlock_arg {
	struct sd_req *la_req;
	long long la_id;
	struct sd_fault *la_fault;
	struct sd_person_facts la_facts;
	int la_was_locked;
};

static int
person_unlock_run(struct sd_dbc *c, void *arg)
{
	struct person_unlock_arg *la = arg;
	char key[200], object[48];
	const char *p[1] = {key};
	PGresult *res;
	int rc;

	if ((rc = person_check(c, la->la_req, la->la_id, &la->la_facts, la->la_fault)) !=
		SD_DB_OK)
		return rc;
	/* The key login.c counts failures under (sd_login_keys). */
	snprintf(key, sizeof(key), "account:%s/%s", la->la_facts.pf_tenant_code,
		la->la_facts.pf_login);
	if ((rc = people_exec(c, &person_unlock, p, &res)) != SD_DB_OK)
		return rc;
	la->la_was_locked = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	snprintf(object, sizeof(object), "person:%lld", la->la_id);
	return sd_audit_req(c, la->la_req, la->la_facts.pf_tenant, "auth.unlock", object,
		json_pack("{s:b}", "was_locked", la->la_was_locked));
}

int
sd_db_person_unlock(struct sd_req *r, long long id, struct sd_fault *f, int *was_locked)
{
	struct person_unlock_arg la;
	struct sd_scope sc;
	int rc;

	memset(&la, 0, sizeof(la));
	la.la_req = r;
	la.la_id = id;
	la.la_fault = f;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, person_unlock_run, &la);
	sd_person_facts_clear(&la.la_facts);
	*was_locked = la.la_was_locked;
	return rc;
}
