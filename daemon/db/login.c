/*
 * db/login.c: the database side of logging in: throttling, the person,
 * refreshing a directory user's attributes and roles, the session, and the
 * audit rows.  Every transaction runs in the scope of the tenant the
 * person logs in to.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_stmt login_throttle = {"login_throttle",
	"SELECT coalesce(max(greatest(0, ceil(extract(epoch FROM next_allowed_at - "
	"now()))))::int, "
	"0), coalesce(bool_or(locked_at IS NOT NULL), false) FROM auth_throttle WHERE key IN "
	"($1, "
	"$2)",
	2};

static const struct sd_stmt login_person = {"login_person",
	"SELECT id, kind, source, coalesce(password_hash, ''), active, expires_at IS NOT NULL "
	"AND "
	"expires_at <= now(), mfa_enrolled_at IS NOT NULL FROM people WHERE tenant_id = $1 AND "
	"login = $2",
	2};

/* $3: failures before delays; $4: failures before a lock (0: never). */
static const struct sd_stmt login_fail = {"login_fail",
	"INSERT INTO auth_throttle AS t (key, tenant_id, failures, last_failure_at) VALUES "
	"($1, "
	"nullif($2, '0')::integer, 1, now()) ON CONFLICT (key) DO UPDATE SET failures = "
	"t.failures + 1, last_failure_at = now(), next_allowed_at = CASE WHEN t.failures + 1 "
	">= "
	"$3::integer THEN now() + make_interval(secs => least(900, 2 ^ (t.failures + 1 - "
	"$3::integer))) END, locked_at = CASE WHEN $4::integer > 0 AND t.failures + 1 >= "
	"$4::integer THEN coalesce(t.locked_at, now()) ELSE t.locked_at END RETURNING "
	"failures, "
	"locked_at IS NOT NULL",
	4};

static const struct sd_stmt login_clear = {
	"login_clear", "DELETE FROM auth_throttle WHERE key = $1 AND locked_at IS NULL", 1};

static const struct sd_stmt login_upsert_dir = {"login_upsert_dir",
	"INSERT INTO people AS p (tenant_id, kind, login, display_name, email, department_id, "
	"cost_centre_id, source, directory_dn) SELECT $1, $2, $3, $4, nullif($5, ''), d.id, "
	"(SELECT "
	"c.id FROM cost_centres c WHERE c.department_id = d.id AND c.active ORDER BY c.code "
	"LIMIT "
	"1), 'directory', $7 FROM (SELECT 1) x LEFT JOIN departments d ON d.tenant_id = $1 AND "
	"d.code = upper($6) ON CONFLICT (tenant_id, login) DO UPDATE SET display_name = "
	"EXCLUDED.display_name, email = EXCLUDED.email, department_id = coalesce("
	"EXCLUDED.department_id, p.department_id), cost_centre_id = CASE WHEN "
	"EXCLUDED.department_id "
	"IS NOT NULL AND EXCLUDED.department_id IS DISTINCT FROM p.department_id THEN "
	"EXCLUDED.cost_centre_id ELSE p.cost_centre_id END, directory_dn = "
	"EXCLUDED.directory_dn, "
	"updated_at = now() WHERE p.source = 'directory' RETURNING id, active, expires_at IS "
	"NOT "
	"NULL AND expires_at <= now(), mfa_enrolled_at IS NOT NULL",
	7};

/* The roles the directory groups give, as (role, scope, team, cost centre). */
#define LOGIN_DESIRED                                                                          \
	"WITH me AS (SELECT id, tenant_id, kind, cost_centre_id FROM people WHERE id = $1), "  \
	"desired AS (SELECT DISTINCT g.role, CASE WHEN g.all_tenants THEN NULL ELSE "          \
	"me.tenant_id "                                                                        \
	"END AS scope, g.team, CASE WHEN g.role = 'manager' THEN me.cost_centre_id END AS cc " \
	"FROM directory_groups g, me WHERE g.tenant_id = me.tenant_id AND lower(g.group_dn) "  \
	"IN "                                                                                  \
	"(SELECT lower(value) FROM json_array_elements_text($2::json)) AND (g.role = "         \
	"'admin') = "                                                                          \
	"(me.kind = 'privileged') UNION SELECT 'employee', me.tenant_id, NULL, NULL FROM me "  \
	"WHERE me.kind <> 'privileged') "

static const struct sd_stmt login_roles_drop = {"login_roles_drop",
	LOGIN_DESIRED
	"DELETE FROM role_grants r WHERE r.person_id = $1 AND r.source = 'directory' "
	"AND NOT EXISTS (SELECT 1 FROM desired d WHERE d.role = r.role AND d.scope IS "
	"NOT DISTINCT FROM r.scope_tenant_id AND d.team IS NOT DISTINCT FROM r.team AND "
	"d.cc IS NOT DISTINCT FROM r.cost_centre_id)",
	2};

static const struct sd_stmt login_roles_add = {"login_roles_add",
	LOGIN_DESIRED
	"INSERT INTO role_grants (tenant_id, person_id, role, scope_tenant_id, team, "
	"cost_centre_id, source) SELECT me.tenant_id, me.id, d.role, d.scope, d.team, "
	"d.cc, 'directory' FROM desired d, me WHERE NOT EXISTS (SELECT 1 FROM "
	"role_grants r WHERE r.person_id = $1 AND r.role = d.role AND r.scope_tenant_id "
	"IS NOT DISTINCT FROM d.scope AND r.team IS NOT DISTINCT FROM d.team AND "
	"r.cost_centre_id IS NOT DISTINCT FROM d.cc) ON CONFLICT DO NOTHING",
	2};

static const struct sd_stmt login_needs = {"login_needs",
	"SELECT coalesce((SELECT json_agg(json_build_object('role', role, 'tenant', "
	"coalesce(scope_tenant_id, 0))) FROM role_grants WHERE person_id = $1), '[]'), "
	"coalesce((SELECT mfa_all_users FROM tenant_settings WHERE tenant_id = $2), false)",
	2};

static const struct sd_stmt login_session = {"login_session",
	"INSERT INTO sessions (tenant_id, person_id, token_hash, csrf_token, mfa_state, "
	"expires_at, idle_seconds, address) VALUES ($1, $2, decode($3, 'hex'), $4, $5, now() + "
	"make_interval(secs => $6::integer), $7::integer, $8)",
	8};

static const struct sd_stmt login_touch = {
	"login_touch", "UPDATE people SET last_login_at = now() WHERE id = $1", 1};

void
sd_login_keys(const struct sd_login *lg, char *acct, size_t alen, char *addr, size_t dlen)
{
	snprintf(acct, alen, "account:%s/%s", lg->lg_tenant_code, lg->lg_login);
	snprintf(addr, dlen, "address:%s", lg->lg_addr);
}

static void
login_scope(const struct sd_login *lg, struct sd_scope *sc, char *buf, size_t len)
{
	snprintf(buf, len, "{%d}", lg->lg_tenant);
	sc->sp_user_id = lg->lg_person;
	sc->sp_tenants = buf;
	sc->sp_perms = "";
}

static int
login_prepare_run(struct sd_dbc *c, void *arg)
{
	struct sd_login *lg = arg;
	char acct[200], addr[80], tid[16];
	const char *p[2];
	PGresult *res;
	int rc;

	sd_login_keys(lg, acct, sizeof(acct), addr, sizeof(addr));
	p[0] = acct;
	p[1] = addr;
	res = sd_db_exec(c, &login_throttle, p);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK)
		goto out;
	lg->lg_wait = atoi(PQgetvalue(res, 0, 0));
	lg->lg_locked = PQgetvalue(res, 0, 1)[0] == 't';
	PQclear(res);
	snprintf(tid, sizeof(tid), "%d", lg->lg_tenant);
	p[0] = tid;
	p[1] = lg->lg_login;
	res = sd_db_exec(c, &login_person, p);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK || PQntuples(res) == 0)
		goto out;
	lg->lg_person = atoll(PQgetvalue(res, 0, 0));
	snprintf(lg->lg_kind, sizeof(lg->lg_kind), "%s", PQgetvalue(res, 0, 1));
	snprintf(lg->lg_source, sizeof(lg->lg_source), "%s", PQgetvalue(res, 0, 2));
	snprintf(lg->lg_hash, sizeof(lg->lg_hash), "%s", PQgetvalue(res, 0, 3));
	lg->lg_active = PQgetvalue(res, 0, 4)[0] == 't';
	lg->lg_expired = PQgetvalue(res, 0, 5)[0] == 't';
	lg->lg_enrolled = PQgetvalue(res, 0, 6)[0] == 't';
out:
	PQclear(res);
	return rc;
}

int
sd_db_login_prepare(struct sd_db *db, struct sd_login *lg)
{
	struct sd_scope sc;
	char buf[16];

	login_scope(lg, &sc, buf, sizeof(buf));
	sc.sp_user_id = 0;
	return sd_db_txn(db, &sc, SD_ISO_READ_COMMITTED, login_prepare_run, lg);
}

struct login_fail_arg {
	struct sd_req *lf_req;
	struct sd_login *lf_login;
	const char *lf_reason;
	unsigned lf_delay, lf_lock;
};

static int
login_count_failure(struct sd_dbc *c, const char *key, int tenant, unsigned delay,
	unsigned lock, int *locked)
{
	char tid[16], d[16], l[16];
	const char *p[4] = {key, tid, d, l};
	PGresult *res;
	int rc;

	snprintf(tid, sizeof(tid), "%d", tenant);
	snprintf(d, sizeof(d), "%u", delay);
	snprintf(l, sizeof(l), "%u", lock);
	res = sd_db_exec(c, &login_fail, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK && locked != NULL)
		*locked = PQgetvalue(res, 0, 1)[0] == 't';
	PQclear(res);
	return rc;
}

static int
login_failed_run(struct sd_dbc *c, void *arg)
{
	struct login_fail_arg *a = arg;
	struct sd_login *lg = a->lf_login;
	char acct[200], addr[80], object[200];
	int rc, locked = 0;

	sd_login_keys(lg, acct, sizeof(acct), addr, sizeof(addr));
	if ((rc = login_count_failure(
		     c, acct, lg->lg_tenant, a->lf_delay, a->lf_lock, &locked)) != SD_DB_OK)
		return rc;
	/* Addresses are slowed down later than accounts and never locked. */
	if ((rc = login_count_failure(c, addr, 0, a->lf_delay * 5, 0, NULL)) != SD_DB_OK)
		return rc;
	snprintf(object, sizeof(object), "login:%s/%s", lg->lg_tenant_code, lg->lg_login);
	return sd_audit_req(c, a->lf_req, lg->lg_tenant,
		locked ? "login.locked" : "login.failure", object,
		json_pack("{s:s}", "reason", a->lf_reason));
}

int
sd_db_login_failed(struct sd_db *db, struct sd_req *r, struct sd_login *lg, const char *reason)
{
	struct login_fail_arg a = {r, lg, reason, r->rq_app->ap_conf->sc_auth_delay_after,
		r->rq_app->ap_conf->sc_auth_lock_after};
	struct sd_scope sc;
	char buf[16];

	login_scope(lg, &sc, buf, sizeof(buf));
	return sd_db_txn(db, &sc, SD_ISO_READ_COMMITTED, login_failed_run, &a);
}

struct login_note_arg {
	struct sd_req *ln_req;
	struct sd_login *ln_login;
	const char *ln_action;
	const char *ln_reason;
};

static int
login_note_run(struct sd_dbc *c, void *arg)
{
	struct login_note_arg *a = arg;
	char object[200];

	snprintf(object, sizeof(object), "login:%s/%s", a->ln_login->lg_tenant_code,
		a->ln_login->lg_login);
	return sd_audit_req(c, a->ln_req, a->ln_login->lg_tenant, a->ln_action, object,
		json_pack("{s:s}", "reason", a->ln_reason));
}

int
sd_db_login_note(struct sd_db *db, struct sd_req *r, struct sd_login *lg, const char *action,
	const char *reason)
{
	struct login_note_arg a = {r, lg, action, reason};
	struct sd_scope sc;
	char buf[16];

	login_scope(lg, &sc, buf, sizeof(buf));
	return sd_db_txn(db, &sc, SD_ISO_READ_COMMITTED, login_note_run, &a);
}

/* Creates or refreshes a directory user and the roles its groups give. */
static int
login_sync_directory(struct sd_dbc *c, struct sd_login *lg)
{
	const struct sdesk_identity_result *d = lg->lg_dir;
	char tid[16], pid[24], *groups;
	const char *p[7];
	json_t *arr = json_array();
	const char *g;
	PGresult *res;
	int rc;

	for (g = d->ir_groups; arr != NULL && *g != '\0'; g += strlen(g) + 1)
		json_array_append_new(arr, json_string(g));
	groups = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
	json_decref(arr);
	if (groups == NULL)
		return SD_DB_FAIL;
	snprintf(tid, sizeof(tid), "%d", lg->lg_tenant);
	p[0] = tid;
	p[1] = strncmp(lg->lg_login, "adm-", 4) == 0 ? "privileged" : "employee";
	p[2] = lg->lg_login;
	p[3] = d->ir_name[0] ? d->ir_name : lg->lg_login;
	p[4] = d->ir_mail;
	p[5] = d->ir_department;
	p[6] = d->ir_uid;
	res = sd_db_exec(c, &login_upsert_dir, p);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK || PQntuples(res) != 1) {
		if (rc == SD_DB_OK)
			rc = SD_DB_NOTFOUND; /* a local account of that name exists */
		goto out;
	}
	lg->lg_person = atoll(PQgetvalue(res, 0, 0));
	lg->lg_active = PQgetvalue(res, 0, 1)[0] == 't';
	lg->lg_expired = PQgetvalue(res, 0, 2)[0] == 't';
	lg->lg_enrolled = PQgetvalue(res, 0, 3)[0] == 't';
	snprintf(lg->lg_kind, sizeof(lg->lg_kind), "%s", p[1]);
	PQclear(res);
	snprintf(pid, sizeof(pid), "%lld", lg->lg_person);
	p[0] = pid;
	p[1] = groups;
	res = sd_db_exec(c, &login_roles_drop, p);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK)
		goto out;
	PQclear(res);
	res = sd_db_exec(c, &login_roles_add, p);
	rc = sd_db_result_rc(c, res);
out:
	PQclear(res);
	free(groups);
	return rc;
}

/* 'ok', 'enrol' or 'challenge' for this person now. */
static int
login_mfa_state(
	struct sd_dbc *c, struct sd_login *lg, char *const *mfa_roles, const char **state)
{
	char pid[24], tid[16];
	const char *p[2] = {pid, tid};
	struct sd_grant *grants = NULL;
	size_t n = 0;
	PGresult *res;
	int rc, required;

	snprintf(pid, sizeof(pid), "%lld", lg->lg_person);
	snprintf(tid, sizeof(tid), "%d", lg->lg_tenant);
	res = sd_db_exec(c, &login_needs, p);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK) {
		PQclear(res);
		return rc;
	}
	if (sd_grants_from_json(PQgetvalue(res, 0, 0), &grants, &n) < 0) {
		PQclear(res);
		return SD_DB_FAIL;
	}
	required = sd_auth_needs_mfa(grants, n, mfa_roles) || PQgetvalue(res, 0, 1)[0] == 't';
	free(grants);
	PQclear(res);
	/* Whoever has enrolled uses it, required or not. */
	*state = lg->lg_enrolled ? "challenge" : required ? "enrol" : "ok";
	return SD_DB_OK;
}

struct login_ok_arg {
	struct sd_req *lo_req;
	struct sd_login *lo_login;
	const char *lo_method;
};

static int
login_create_session(struct sd_dbc *c, struct sd_req *r, struct sd_login *lg, const char *mfa)
{
	const struct sd_conf *conf = r->rq_app->ap_conf;
	char tid[16], pid[24], csrf[44], hash[65], idle[16], max[16];
	const char *p[8] = {tid, pid, hash, csrf, mfa, max, idle, r->rq_addr};
	PGresult *res;
	int rc;

	if (sd_token_new("", lg->lg_token, sizeof(lg->lg_token), hash) < 0)
		return SD_DB_FAIL;
	snprintf(lg->lg_token_hash, sizeof(lg->lg_token_hash), "%s", hash);
	sd_random_hex(csrf, 20);
	snprintf(tid, sizeof(tid), "%d", lg->lg_tenant);
	snprintf(pid, sizeof(pid), "%lld", lg->lg_person);
	snprintf(idle, sizeof(idle), "%u", conf->sc_auth_session_idle);
	snprintf(max, sizeof(max), "%u", conf->sc_auth_session_max);
	res = sd_db_exec(c, &login_session, p);
	rc = sd_db_result_rc(c, res);
	PQclear(res);
	if (rc != SD_DB_OK)
		return rc;
	p[0] = pid;
	res = sd_db_exec(c, &login_touch, p);
	rc = sd_db_result_rc(c, res);
	PQclear(res);
	return rc;
}

static int
login_ok_run(struct sd_dbc *c, void *arg)
{
	struct login_ok_arg *a = arg;
	struct sd_login *lg = a->lo_login;
	char acct[200], addr[80], object[64];
	const char *mfa = "ok", *p[1] = {acct};
	PGresult *res;
	int rc;

	if (lg->lg_dir != NULL && (rc = login_sync_directory(c, lg)) != SD_DB_OK)
		return rc;
	if (!lg->lg_active || lg->lg_expired)
		return SD_DB_NOTFOUND;
	if ((rc = login_mfa_state(
		     c, lg, a->lo_req->rq_app->ap_conf->sc_auth_mfa_roles, &mfa)) != SD_DB_OK)
		return rc;
	if ((rc = login_create_session(c, a->lo_req, lg, mfa)) != SD_DB_OK)
		return rc;
	sd_login_keys(lg, acct, sizeof(acct), addr, sizeof(addr));
	res = sd_db_exec(c, &login_clear, p);
	rc = sd_db_result_rc(c, res);
	PQclear(res);
	if (rc != SD_DB_OK)
		return rc;
	snprintf(object, sizeof(object), "person:%lld", lg->lg_person);
	return sd_audit_req(c, a->lo_req, lg->lg_tenant, "login.success", object,
		json_pack("{s:s, s:s}", "method", a->lo_method, "mfa", mfa));
}

int
sd_db_login_succeeded(
	struct sd_db *db, struct sd_req *r, struct sd_login *lg, const char *method)
{
	struct login_ok_arg a = {r, lg, method};
	struct sd_scope sc;
	char buf[16];

	login_scope(lg, &sc, buf, sizeof(buf));
	return sd_db_txn(db, &sc, SD_ISO_READ_COMMITTED, login_ok_run, &a);
}
