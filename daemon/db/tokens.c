/*
 * db/tokens.c: API tokens.  The database keeps only the token's hash; the
 * secret is shown once, when it is made.  Revoking keeps the row (ids are
 * never reused; the audit trail names them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

/* One token as the API shows it: never the secret or its hash. */
#define TOKEN_JSON                                                                             \
	"json_build_object('id', a.id, 'tenant', t.code, 'name', a.name, 'permissions', "      \
	"to_json(a.permissions), 'created_at', to_char(a.created_at AT TIME ZONE "             \
	"'UTC', " SD_SQL_RFC3339                                                               \
	"), 'expires_at', to_char(a.expires_at AT TIME ZONE 'UTC', " SD_SQL_RFC3339            \
	"), 'revoked_at', to_char(a.revoked_at AT TIME ZONE 'UTC', " SD_SQL_RFC3339            \
	"), 'last_used_at', to_char(a.last_used_at AT TIME ZONE 'UTC', " SD_SQL_RFC3339 "))"

static const struct sd_stmt tokens_list = {"tokens_list",
	"SELECT " TOKEN_JSON " FROM api_tokens a JOIN tenants t ON t.id = a.tenant_id WHERE "
	"a.tenant_id = ANY ($1::integer[]) ORDER BY a.id DESC",
	1};

static const struct sd_stmt token_get = {"token_get",
	"SELECT " TOKEN_JSON " FROM api_tokens a JOIN tenants t ON t.id = a.tenant_id WHERE "
	"a.id = $1",
	1};

static const struct sd_stmt token_insert = {"token_insert",
	"INSERT INTO api_tokens (tenant_id, name, token_hash, permissions, created_by, "
	"expires_at) VALUES ($1, $2, decode($3, 'hex'), $4::text[], $5, $6::timestamptz) "
	"RETURNING id",
	6};

static const struct sd_stmt token_lock = {"token_lock",
	"SELECT tenant_id, revoked_at IS NOT NULL FROM api_tokens WHERE id = $1 FOR UPDATE", 1};

static const struct sd_stmt token_revoke = {
	"token_revoke", "UPDATE api_tokens SET revoked_at = now() WHERE id = $1", 1};

struct tokens_list_arg {
	const char *la_tenants;
	json_t *la_out;
};

static int
tokens_list_run(struct sd_dbc *c, void *arg)
{
	struct tokens_list_arg *la = arg;
	const char *p[1] = {la->la_tenants};
	PGresult *res;
	int rc, i;

	json_array_clear(la->la_out); /* a retried transaction starts over */
	res = sd_db_exec(c, &tokens_list, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK)
		for (i = 0; i < PQntuples(res); i++)
			json_array_append_new(
				la->la_out, json_loads(PQgetvalue(res, i, 0), 0, NULL));
	PQclear(res);
	return rc;
}

int
sd_db_tokens_list(
	struct sd_db *db, const struct sd_scope *scope, const char *tenants, json_t **out)
{
	struct tokens_list_arg la = {tenants, json_array()};
	int rc;

	if (la.la_out == NULL)
		return SD_DB_FAIL;
	rc = sd_db_txn(db, scope, SD_ISO_READ_COMMITTED, tokens_list_run, &la);
	if (rc != SD_DB_OK) {
		json_decref(la.la_out);
		return rc;
	}
	*out = la.la_out;
	return SD_DB_OK;
}

/* Reads token id as JSON into *out. */
static int
token_read(struct sd_dbc *c, const char *id, json_t **out)
{
	const char *p[1] = {id};
	PGresult *res;
	int rc;

	json_decref(*out);
	*out = NULL;
	res = sd_db_exec(c, &token_get, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK && PQntuples(res) == 1)
		*out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	return rc == SD_DB_OK && *out == NULL ? SD_DB_FAIL : rc;
}

struct token_create_arg {
	struct sd_req *ca_req;
	const struct sd_token_new *ca_new;
	json_t *ca_out;
};

static int
token_create_run(struct sd_dbc *c, void *arg)
{
	struct token_create_arg *ca = arg;
	const struct sd_token_new *tn = ca->ca_new;
	char tid[16], by[24], id[24], object[48];
	const char *p[6] = {tid, tn->tn_name, tn->tn_hash, tn->tn_perms, by, tn->tn_expires};
	PGresult *res;
	json_t *perms;
	int rc;

	snprintf(tid, sizeof(tid), "%d", tn->tn_tenant);
	snprintf(by, sizeof(by), "%lld", ca->ca_req->rq_auth->au_person);
	res = sd_db_exec(c, &token_insert, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK)
		snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	if (rc != SD_DB_OK || (rc = token_read(c, id, &ca->ca_out)) != SD_DB_OK)
		return rc;
	perms = json_object_get(ca->ca_out, "permissions");
	snprintf(object, sizeof(object), "token:%s", id);
	return sd_audit_req(c, ca->ca_req, tn->tn_tenant, "token.create", object,
		json_pack("{s:s, s:O, s:s}", "name", tn->tn_name, "permissions", perms,
			"expires_at", tn->tn_expires));
}

int
sd_db_token_create(struct sd_req *r, const struct sd_token_new *tn, json_t **out)
{
	struct token_create_arg ca = {r, tn, NULL};
	struct sd_scope sc;
	int rc;

	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, token_create_run, &ca);
	if (rc != SD_DB_OK) {
		json_decref(ca.ca_out);
		return rc;
	}
	*out = ca.ca_out;
	return SD_DB_OK;
}

struct token_revoke_arg {
	struct sd_req *ra_req;
	long long ra_id;
	struct sd_fault *ra_fault;
};

static int
token_revoke_run(struct sd_dbc *c, void *arg)
{
	struct token_revoke_arg *ra = arg;
	char id[24], object[48];
	const char *p[1] = {id};
	PGresult *res;
	int rc, tenant = 0, revoked = 0;

	snprintf(id, sizeof(id), "%lld", ra->ra_id);
	res = sd_db_exec(c, &token_lock, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK && PQntuples(res) == 1) {
		tenant = atoi(PQgetvalue(res, 0, 0));
		revoked = PQgetvalue(res, 0, 1)[0] == 't';
	}
	PQclear(res);
	if (rc != SD_DB_OK)
		return rc;
	/* A token of a tenant where the caller may not manage tokens is not there. */
	if (tenant == 0 || !sd_auth_can(ra->ra_req->rq_auth, "token.admin", tenant) ||
		!sd_auth_sees_tenant(ra->ra_req->rq_auth, tenant))
		return SD_DB_NOTFOUND;
	if (revoked)
		return sd_fault(ra->ra_fault, SD_E_CONFLICT, NULL,
			"Nyckeln är redan återkallad.", "The token is already revoked.");
	res = sd_db_exec(c, &token_revoke, p);
	rc = sd_db_result_rc(c, res);
	PQclear(res);
	if (rc != SD_DB_OK)
		return rc;
	snprintf(object, sizeof(object), "token:%lld", ra->ra_id);
	return sd_audit_req(c, ra->ra_req, tenant, "token.revoke", object, NULL);
}

int
sd_db_token_revoke(struct sd_req *r, long long id, struct sd_fault *f)
{
	struct token_revoke_arg ra = {r, id, f};
	struct sd_scope sc;

	sd_auth_scope(r->rq_auth, &sc);
	return sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, token_revoke_run, &ra);
}
