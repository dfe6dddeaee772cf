/*
 * api/session.c: POST, GET and DELETE /api/v1/session: logging in, who am
 * I, logging out.
 *
 * Logging in checks the throttle, finds the person, then verifies the
 * password off the request thread (Argon2id locally, a bind against the
 * municipality's directory otherwise) and comes back to open the session.
 * An unknown login and a wrong password get the same answer after about
 * the same time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sdesk.h"

static const struct sd_field login_fields[] = {
	{"tenant", SD_FT_STRING, SD_FF_REQUIRED, 3, 3},
	{"login", SD_FT_STRING, SD_FF_REQUIRED, 1, 128},
	{"password", SD_FT_STRING, SD_FF_REQUIRED, 1, 1024},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

static const struct sd_stmt session_revoke = {"session_revoke",
	"UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", 1};

static const char *const mfa_names[] = {"ok", "enrol", "challenge"};

json_t *
sd_session_json(struct sd_app *app, const struct sd_auth *a)
{
	json_t *roles = json_array(), *tenants = json_array(), *perms = json_array();
	char code[8];
	const char *p, *end;
	size_t i;

	for (i = 0; i < a->au_ngrants; i++) {
		const struct sd_grant *g = &a->au_grants[i];

		json_array_append_new(roles,
			json_pack("{s:s, s:s, s:s?}", "role", g->g_role, "tenant",
				sd_tenant_code(app, g->g_tenant, code), "team",
				g->g_team[0] ? g->g_team : NULL));
	}
	for (i = 0; i < a->au_nvisible; i++)
		json_array_append_new(
			tenants, json_string(sd_tenant_code(app, a->au_visible[i], code)));
	for (p = a->au_scope_perms; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
		end = strchrnul(p, ',');
		json_array_append_new(perms, json_stringn(p, (size_t)(end - p)));
	}
	return json_pack("{s:{s:I, s:s, s:s, s:s, s:s}, s:o, s:o, s:o, s:s, s:s}", "person",
		"id", (json_int_t)a->au_person, "login", a->au_login, "name", a->au_name,
		"tenant", a->au_tenant_code, "kind", a->au_person_kind, "roles", roles,
		"tenants", tenants, "permissions", perms, "mfa", mfa_names[a->au_mfa],
		"csrf_token", a->au_csrf);
}

static void
login_free(void *ctx)
{
	struct sd_login *lg = ctx;

	if (lg == NULL)
		return;
	if (lg->lg_password != NULL) {
		sodium_memzero(lg->lg_password, strlen(lg->lg_password));
		free(lg->lg_password);
	}
	free(lg->lg_dir);
	sodium_memzero(lg, sizeof(*lg));
	free(lg);
}

/* Worker thread: the blocking check.  Touches nothing but lg. */
static void
login_work(struct sd_req *r)
{
	struct sd_login *lg = r->rq_ctx;
	const struct sd_conf *conf = r->rq_app->ap_conf;
	const struct sdesk_plugin *p;
	const struct sdesk_identity_ops *ops;

	lg->lg_result = SDESK_ID_DENIED;
	if (lg->lg_person != 0 && strcmp(lg->lg_source, "local") == 0) {
		if (lg->lg_hash[0] != '\0' &&
			sd_password_verify(lg->lg_hash, lg->lg_password) == 0)
			lg->lg_result = SDESK_ID_OK;
		return;
	}
	p = sd_plugins_identity_for(r->rq_app->ap_plugins, conf, lg->lg_tenant_code);
	ops = p ? p->sp_ops : NULL;
	if (ops == NULL ||
		ops->io_size < offsetof(struct sdesk_identity_ops, io_authenticate) +
				sizeof(ops->io_authenticate)) {
		/* No directory for this tenant: spend the time a check would. */
		sd_password_verify_dummy(lg->lg_password);
		return;
	}
	if ((lg->lg_dir = calloc(1, sizeof(*lg->lg_dir))) == NULL) {
		lg->lg_result = SDESK_ID_ERROR;
		return;
	}
	lg->lg_dir->ir_size = sizeof(*lg->lg_dir);
	lg->lg_result = ops->io_authenticate(p->sp_self, lg->lg_tenant_code, lg->lg_login,
		lg->lg_password, conf->sc_auth_directory_timeout, lg->lg_dir);
	snprintf(lg->lg_error, sizeof(lg->lg_error), "%s", lg->lg_dir->ir_error);
	if (lg->lg_result != SDESK_ID_OK) {
		free(lg->lg_dir);
		lg->lg_dir = NULL;
	}
}

static enum MHD_Result
login_reply_session(struct sd_req *r, struct sd_login *lg)
{
	struct sd_auth *a = NULL;
	int rc;

	rc = sd_auth_session_by_hash(r->rq_app, lg->lg_token_hash, &a);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc == SD_DB_NOTFOUND ? SD_DB_FAIL : rc);
	sd_auth_set_cookie(r, lg->lg_token);
	r->rq_auth = a;
	return sd_reply_json(r, 201, sd_session_json(r->rq_app, a));
}

/* Request thread again: record the outcome and answer. */
static enum MHD_Result
login_finish(struct sd_req *r)
{
	struct sd_login *lg = r->rq_ctx;
	struct sd_db *db = r->rq_app->ap_db;
	int rc;

	if (lg->lg_result == SDESK_ID_UNAVAILABLE || lg->lg_result == SDESK_ID_ERROR) {
		sd_log(SD_LOG_WARN, "auth", "directory of %s: %s", lg->lg_tenant_code,
			lg->lg_error);
		(void)sd_db_login_note(db, r, lg, "login.directory_unavailable", lg->lg_error);
		return sd_reply_error(r, SD_E_DIRECTORY_UNAVAILABLE, NULL, NULL);
	}
	if (lg->lg_result == SDESK_ID_OK) {
		rc = sd_db_login_succeeded(db, r, lg, lg->lg_dir ? "directory" : "password");
		if (rc == SD_DB_OK)
			return login_reply_session(r, lg);
		if (rc != SD_DB_NOTFOUND)
			return sd_reply_db_error(r, rc);
	}
	rc = sd_db_login_failed(db, r, lg,
		lg->lg_result == SDESK_ID_OK ? "inactive"
			: lg->lg_person      ? "password"
					     : "unknown");
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	return sd_reply_error(r, SD_E_INVALID_CREDENTIALS, NULL, NULL);
}

/* Fills lg from the body; replies 400 and returns -1 on bad input. */
static int
login_parse(struct sd_req *r, struct sd_login *lg, enum MHD_Result *ret)
{
	struct sd_tenant t;
	const char *login;
	size_t i;

	if (sd_input_check(r, login_fields, ret) < 0)
		return -1;
	if (sd_tenant_get(r->rq_app, 0, sd_input_str(r, "tenant"), &t) < 0) {
		*ret = sd_reply_error(r, SD_E_INVALID_FIELD, "tenant",
			r->rq_lang_en ? "No such municipality." : "Kommunen finns inte.");
		return -1;
	}
	lg->lg_tenant = t.t_id;
	snprintf(lg->lg_tenant_code, sizeof(lg->lg_tenant_code), "%s", t.t_code);
	login = sd_input_str(r, "login");
	/* Logins compare without case, as directories do. */
	for (i = 0; i < sizeof(lg->lg_login) - 1 && login[i] != '\0'; i++)
		lg->lg_login[i] =
			(char)((login[i] >= 'A' && login[i] <= 'Z') ? login[i] + 32 : login[i]);
	lg->lg_login[i] = '\0';
	lg->lg_addr = r->rq_addr;
	if ((lg->lg_password = strdup(sd_input_str(r, "password"))) == NULL) {
		*ret = sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
		return -1;
	}
	return 0;
}

enum MHD_Result
sd_api_session_create(struct sd_req *r)
{
	struct sd_login *lg;
	enum MHD_Result ret;
	char wait[16];
	int rc;

	if ((lg = calloc(1, sizeof(*lg))) == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	r->rq_ctx = lg;
	r->rq_ctx_free = login_free;
	if (login_parse(r, lg, &ret) < 0)
		return ret;
	if ((rc = sd_db_login_prepare(r->rq_app->ap_db, lg)) != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	if (lg->lg_locked) {
		(void)sd_db_login_note(r->rq_app->ap_db, r, lg, "login.refused", "locked");
		return sd_reply_error(r, SD_E_ACCOUNT_LOCKED, NULL, NULL);
	}
	if (lg->lg_wait > 0) {
		(void)sd_db_login_note(r->rq_app->ap_db, r, lg, "login.refused", "throttled");
		snprintf(wait, sizeof(wait), "%d", lg->lg_wait);
		sd_req_add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, wait);
		return sd_reply_error(r, SD_E_TOO_MANY_ATTEMPTS, NULL,
			r->rq_lang_en ? "Try again in %d seconds."
				      : "Försök igen om %d sekunder.",
			lg->lg_wait);
	}
	return sd_req_defer(r, login_work, login_finish);
}

enum MHD_Result
sd_api_session_get(struct sd_req *r)
{
	return sd_reply_json(r, 200, sd_session_json(r->rq_app, r->rq_auth));
}

static int
session_delete_run(struct sd_dbc *c, void *arg)
{
	struct sd_req *r = arg;
	char id[24], object[48];
	const char *p[1] = {id};
	PGresult *res;
	int rc;

	snprintf(id, sizeof(id), "%lld", r->rq_auth->au_session);
	res = sd_db_exec(c, &session_revoke, p);
	rc = sd_db_result_rc(c, res);
	PQclear(res);
	if (rc != SD_DB_OK)
		return rc;
	snprintf(object, sizeof(object), "person:%lld", r->rq_auth->au_person);
	return sd_audit_req(c, r, r->rq_auth->au_tenant, "logout", object, NULL);
}

enum MHD_Result
sd_api_session_delete(struct sd_req *r)
{
	struct sd_scope sc;
	int rc;

	if (r->rq_auth->au_kind != SD_AUTH_SESSION)
		return sd_reply_error(r, SD_E_FORBIDDEN, NULL, NULL);
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, session_delete_run, r);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	sd_auth_clear_cookie(r);
	return sd_reply_buf(r, 204, "application/json", "", 0);
}
