/*
 * auth.c: who is asking.  A request carries either the session cookie or
 * an API token (Authorization: Bearer).  Both are random 256-bit values
 * the database knows only as hashes.  This file also does the checks that
 * every protected route shares: MFA complete, CSRF token on state-changing
 * cookie requests, and the route's permission.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "sdesk.h"

static const struct sd_stmt auth_session_lookup = {"auth_session_lookup",
	"SELECT session_id, person_id, tenant_id, tenant_code, login, display_name, kind, "
	"mfa_state, csrf_token, grants FROM sdesk_session_lookup(decode($1, 'hex'))",
	1};

static const struct sd_stmt auth_token_lookup = {"auth_token_lookup",
	"SELECT token_id, tenant_id, tenant_code, name, permissions, created_by "
	"FROM sdesk_token_lookup(decode($1, 'hex'))",
	1};

void
sd_token_hash(const char *token, char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int
sd_token_new(const char *prefix, char *out, size_t outlen, char hash[65])
{
	unsigned char raw[32];
	char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(
		b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	if ((size_t)snprintf(out, outlen, "%s%s", prefix, b64) >= outlen)
		return -1;
	sd_token_hash(out, hash);
	return 0;
}

/* Parses a text[] literal of simple words "{a,b}" into strings. */
static int
auth_parse_text_array(const char *s, char ***out, size_t *n)
{
	char *copy, *tok, *save = NULL;
	size_t cap = 1;
	const char *p;

	for (p = s; *p != '\0'; p++)
		cap += *p == ',';
	*n = 0;
	if ((*out = calloc(cap, sizeof(**out))) == NULL || (copy = strdup(s)) == NULL)
		return -1;
	for (tok = strtok_r(copy, "{},\"", &save); tok != NULL;
		tok = strtok_r(NULL, "{},\"", &save))
		if (((*out)[(*n)++] = strdup(tok)) == NULL)
			break;
	free(copy);
	return 0;
}

/*
 * The tenants a person sees: their own and those their grants name; every
 * tenant when a grant covers all (host staff).
 */
static int
auth_visible(struct sd_app *app, struct sd_auth *a)
{
	int all[64];
	size_t i, k, n = 0;

	if ((a->au_visible = calloc(64 + a->au_ngrants + 1, sizeof(int))) == NULL)
		return -1;
	for (i = 0; i < a->au_ngrants; i++)
		if (a->au_grants[i].g_tenant == 0)
			break;
	if (i < a->au_ngrants) {
		n = sd_tenants_all_ids(app, all, 64);
		memcpy(a->au_visible, all, n * sizeof(int));
	} else {
		a->au_visible[n++] = a->au_tenant;
		for (i = 0; i < a->au_ngrants; i++) {
			for (k = 0; k < n; k++)
				if (a->au_visible[k] == a->au_grants[i].g_tenant)
					break;
			if (k == n)
				a->au_visible[n++] = a->au_grants[i].g_tenant;
		}
	}
	a->au_nvisible = n;
	return 0;
}

int
sd_auth_from_row(struct sd_app *app, PGresult *res, int row, struct sd_auth **out)
{
	struct sd_auth *a;
	const char *mfa;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return SD_DB_FAIL;
	a->au_kind = SD_AUTH_SESSION;
	a->au_session = atoll(PQgetvalue(res, row, 0));
	a->au_person = atoll(PQgetvalue(res, row, 1));
	a->au_tenant = atoi(PQgetvalue(res, row, 2));
	snprintf(a->au_tenant_code, sizeof(a->au_tenant_code), "%s", PQgetvalue(res, row, 3));
	snprintf(a->au_login, sizeof(a->au_login), "%s", PQgetvalue(res, row, 4));
	snprintf(a->au_name, sizeof(a->au_name), "%s", PQgetvalue(res, row, 5));
	snprintf(a->au_person_kind, sizeof(a->au_person_kind), "%s", PQgetvalue(res, row, 6));
	mfa = PQgetvalue(res, row, 7);
	a->au_mfa = strcmp(mfa, "ok") == 0  ? SD_MFA_OK
		: strcmp(mfa, "enrol") == 0 ? SD_MFA_ENROL
					    : SD_MFA_CHALLENGE;
	snprintf(a->au_csrf, sizeof(a->au_csrf), "%s", PQgetvalue(res, row, 8));
	if (sd_grants_from_json(PQgetvalue(res, row, 9), &a->au_grants, &a->au_ngrants) < 0 ||
		auth_visible(app, a) < 0 || sd_auth_build_scope(a) < 0) {
		sd_auth_free(a);
		return SD_DB_FAIL;
	}
	*out = a;
	return SD_DB_OK;
}

/* One statement outside a transaction: the lookup functions need no scope. */
static int
auth_lookup(struct sd_db *db, const struct sd_stmt *st, const char *hash, PGresult **out)
{
	const char *params[1] = {hash};
	struct sd_dbc *c;
	PGresult *res;
	int rc;

	if ((c = sd_db_acquire(db, &rc)) == NULL)
		return rc;
	res = sd_db_exec(c, st, params);
	rc = sd_db_result_rc(c, res);
	if (rc == SD_DB_DOWN && !sd_db_fresh(c)) {
		/* A connection from before a server restart: once more. */
		PQclear(res);
		sd_db_release(c);
		if ((c = sd_db_acquire(db, &rc)) == NULL)
			return rc;
		res = sd_db_exec(c, st, params);
		rc = sd_db_result_rc(c, res);
	}
	sd_db_release(c);
	if (rc != SD_DB_OK) {
		PQclear(res);
		return rc;
	}
	*out = res;
	return PQntuples(res) == 1 ? SD_DB_OK : SD_DB_NOTFOUND;
}

static int
auth_token_from_row(PGresult *res, struct sd_auth **out)
{
	struct sd_auth *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return SD_DB_FAIL;
	a->au_kind = SD_AUTH_TOKEN;
	a->au_session = atoll(PQgetvalue(res, 0, 0));
	a->au_tenant = atoi(PQgetvalue(res, 0, 1));
	snprintf(a->au_tenant_code, sizeof(a->au_tenant_code), "%s", PQgetvalue(res, 0, 2));
	snprintf(a->au_login, sizeof(a->au_login), "token:%s", PQgetvalue(res, 0, 0));
	snprintf(a->au_name, sizeof(a->au_name), "%s", PQgetvalue(res, 0, 3));
	snprintf(a->au_person_kind, sizeof(a->au_person_kind), "token");
	a->au_person = atoll(PQgetvalue(res, 0, 5));
	a->au_mfa = SD_MFA_OK;
	if (auth_parse_text_array(
		    PQgetvalue(res, 0, 4), &a->au_token_perms, &a->au_ntoken_perms) < 0 ||
		(a->au_visible = calloc(1, sizeof(int))) == NULL) {
		sd_auth_free(a);
		return SD_DB_FAIL;
	}
	a->au_visible[0] = a->au_tenant;
	a->au_nvisible = 1;
	if (sd_auth_build_scope(a) < 0) {
		sd_auth_free(a);
		return SD_DB_FAIL;
	}
	*out = a;
	return SD_DB_OK;
}

int
sd_auth_session_by_hash(struct sd_app *app, const char *hash, struct sd_auth **out)
{
	PGresult *res = NULL;
	int rc;

	rc = auth_lookup(app->ap_db, &auth_session_lookup, hash, &res);
	if (rc == SD_DB_OK)
		rc = sd_auth_from_row(app, res, 0, out);
	PQclear(res);
	return rc;
}

/* Finds the caller from the request's credentials; SD_DB_NOTFOUND if none. */
static int
auth_identify(struct sd_req *r)
{
	const char *bearer = sd_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *cookie = sd_req_cookie(r, SD_SESSION_COOKIE);
	PGresult *res = NULL;
	char hash[65];
	int rc;

	int bearer_ok = bearer != NULL && strncasecmp(bearer, "Bearer ", 7) == 0;

	if (bearer_ok)
		sd_token_hash(bearer + 7, hash);
	else if (cookie != NULL && *cookie != '\0')
		sd_token_hash(cookie, hash);
	else
		return SD_DB_NOTFOUND;
	if ((r->rq_auth = sd_authcache_get(hash)) != NULL)
		return SD_DB_OK;
	if (bearer_ok) {
		rc = auth_lookup(r->rq_app->ap_db, &auth_token_lookup, hash, &res);
		if (rc == SD_DB_OK)
			rc = auth_token_from_row(res, &r->rq_auth);
	} else {
		rc = auth_lookup(r->rq_app->ap_db, &auth_session_lookup, hash, &res);
		if (rc == SD_DB_OK)
			rc = sd_auth_from_row(r->rq_app, res, 0, &r->rq_auth);
	}
	PQclear(res);
	if (rc == SD_DB_OK)
		sd_authcache_put(hash, r->rq_auth, r->rq_app->ap_conf->sc_auth_cache_ms);
	return rc;
}

static int
auth_csrf_ok(struct sd_req *r)
{
	const char *sent = sd_req_header(r, "X-CSRF-Token");
	size_t n = strlen(r->rq_auth->au_csrf);

	if (sent == NULL || strlen(sent) != n || n == 0)
		return 0;
	return sodium_memcmp(sent, r->rq_auth->au_csrf, n) == 0;
}

enum MHD_Result
sd_auth_check(struct sd_req *r, const struct sd_route *rt)
{
	int rc = auth_identify(r);

	if (rc == SD_DB_NOTFOUND) {
		if (sd_req_cookie(r, SD_SESSION_COOKIE) != NULL)
			sd_auth_clear_cookie(r);
		return sd_reply_error(r, SD_E_UNAUTHENTICATED, NULL, NULL);
	}
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	if (r->rq_auth->au_mfa != SD_MFA_OK && !(rt->rt_flags & SD_RT_MFA_PENDING))
		return sd_reply_error(r,
			r->rq_auth->au_mfa == SD_MFA_ENROL ? SD_E_MFA_ENROLMENT_REQUIRED
							   : SD_E_MFA_REQUIRED,
			NULL, NULL);
	if (r->rq_auth->au_kind == SD_AUTH_SESSION && r->rq_method != SD_M_GET &&
		!auth_csrf_ok(r))
		return sd_reply_error(r, SD_E_CSRF_FAILED, NULL, NULL);
	if (strcmp(rt->rt_perm, SD_PERM_SESSION) != 0 &&
		!sd_auth_can(r->rq_auth, rt->rt_perm, 0))
		return sd_reply_error(r, SD_E_FORBIDDEN, NULL, NULL);
	return MHD_YES;
}

/* Secure when configured, or (auto) when a TLS proxy says it terminated TLS. */
static int
auth_cookie_secure(struct sd_req *r)
{
	const char *mode = r->rq_app->ap_conf->sc_auth_cookie_secure;
	const char *proto;

	if (strcmp(mode, "yes") == 0)
		return 1;
	if (strcmp(mode, "no") == 0)
		return 0;
	proto = sd_req_header(r, "X-Forwarded-Proto");
	return proto != NULL && strcasecmp(proto, "https") == 0;
}

void
sd_auth_set_cookie(struct sd_req *r, const char *token)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%u%s",
		SD_SESSION_COOKIE, token, r->rq_app->ap_conf->sc_auth_session_max,
		auth_cookie_secure(r) ? "; Secure" : "");
	sd_req_add_header(r, MHD_HTTP_HEADER_SET_COOKIE, buf);
}

void
sd_auth_clear_cookie(struct sd_req *r)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
		SD_SESSION_COOKIE, auth_cookie_secure(r) ? "; Secure" : "");
	sd_req_add_header(r, MHD_HTTP_HEADER_SET_COOKIE, buf);
}
