/*
 * api/tokens.c: API tokens for other systems (an integration platform, a
 * reporting job), each bound to one tenant and a list of permissions.
 *
 *   GET    /api/v1/tokens       the tokens of the tenants the caller manages
 *   POST   /api/v1/tokens       a new token; its secret is shown this once
 *   DELETE /api/v1/tokens/{id}  revoke
 *
 * A token never carries a permission that makes more rights (token.admin,
 * role.grant, person.admin), nor one its creator does not hold there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sdesk.h"

#define TOKEN_MAX_PERMS 32

static const struct sd_field token_fields[] = {
	{"tenant", SD_FT_STRING, SD_FF_REQUIRED, 3, 3},
	{"name", SD_FT_STRING, SD_FF_REQUIRED, 1, 200},
	{"permissions", SD_FT_ARRAY, SD_FF_REQUIRED, 0, TOKEN_MAX_PERMS},
	{"expires_at", SD_FT_STRING, SD_FF_REQUIRED, 10, 40},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

/* Permissions that would let a token make more rights than it has. */
static const char *const token_never[] = {"person.admin", "role.grant", "token.admin", NULL};

enum MHD_Result
sd_api_tokens_list(struct sd_req *r)
{
	const char *code = sd_req_query(r, "tenant");
	struct sd_tenant t = {0};
	enum MHD_Result ret;
	struct sd_scope sc;
	json_t *list = NULL;
	char *tenants;
	int rc;

	if (code != NULL && sd_input_tenant(r, code, "tenant", &t, &ret) < 0)
		return ret;
	if ((tenants = sd_auth_tenants_with(r->rq_auth, "token.admin", t.t_id)) == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_tokens_list(r->rq_app->ap_db, &sc, tenants, &list);
	free(tenants);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	return sd_reply_json(r, 200, json_pack("{s:o}", "tokens", list));
}

/*
 * Checks the permissions a token is to carry in tenant and writes them as
 * a PostgreSQL array "{a,b}" (without repeats) into out; -1 after replying.
 */
static int
token_perms(struct sd_req *r, int tenant, char *out, size_t len, enum MHD_Result *ret)
{
	json_t *arr = json_object_get(r->rq_json, "permissions"), *v;
	size_t i, k, off = 0;

	if (json_array_size(arr) == 0) {
		*ret = sd_reply_error(r, SD_E_INVALID_FIELD, "permissions",
			r->rq_lang_en ? "Give at least one permission."
				      : "Ange minst en behörighet.");
		return -1;
	}
	out[off++] = '{';
	json_array_foreach(arr, i, v)
	{
		const char *p = json_string_value(v);

		for (k = 0; p != NULL && token_never[k] != NULL; k++)
			if (strcmp(token_never[k], p) == 0)
				break;
		if (p == NULL || !sd_perm_known(p) || token_never[k] != NULL ||
			!sd_auth_can(r->rq_auth, p, tenant)) {
			*ret = sd_reply_error(r, SD_E_INVALID_FIELD, "permissions",
				r->rq_lang_en
					? "'%s' is not a permission a token of yours may "
					  "carry there."
					: "'%s' är inte en behörighet som din nyckel får ha "
					  "där.",
				p ? p : "?");
			return -1;
		}
		for (k = 0; k < i; k++)
			if (strcmp(json_string_value(json_array_get(arr, k)), p) == 0)
				break;
		if (k < i) /* said twice */
			continue;
		if (off + strlen(p) + 3 > len) {
			*ret = sd_reply_error(r, SD_E_INVALID_FIELD, "permissions", NULL);
			return -1;
		}
		off += (size_t)snprintf(out + off, len - off, "%s%s", off > 1 ? "," : "", p);
	}
	snprintf(out + off, len - off, "}");
	return 0;
}

enum MHD_Result
sd_api_token_create(struct sd_req *r)
{
	struct sd_token_new tn;
	char perms[TOKEN_MAX_PERMS * 48 + 4], secret[64];
	struct sd_tenant t;
	enum MHD_Result ret;
	json_t *out = NULL;
	int rc;

	memset(&tn, 0, sizeof(tn));
	perms[0] = '\0';
	if (sd_input_check(r, token_fields, &ret) < 0 ||
		sd_input_tenant(r, sd_input_str(r, "tenant"), "tenant", &t, &ret) < 0)
		return ret;
	if (!sd_auth_sees_tenant(r->rq_auth, t.t_id) ||
		!sd_auth_can(r->rq_auth, "token.admin", t.t_id))
		return sd_reply_error(r, SD_E_FORBIDDEN, "tenant", NULL);
	if (token_perms(r, t.t_id, perms, sizeof(perms), &ret) < 0 ||
		sd_input_time(r, "expires_at", 1, tn.tn_expires, &ret) < 0)
		return ret;
	tn.tn_tenant = t.t_id;
	tn.tn_name = sd_input_str(r, "name");
	tn.tn_perms = perms;
	if (sd_token_new("sdk_", secret, sizeof(secret), tn.tn_hash) < 0)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	rc = sd_db_token_create(r, &tn, &out);
	if (rc != SD_DB_OK) {
		sodium_memzero(secret, sizeof(secret));
		return sd_reply_db_error(r, rc);
	}
	ret = sd_reply_json(r, 201, json_pack("{s:o, s:s}", "token", out, "secret", secret));
	sodium_memzero(secret, sizeof(secret));
	return ret;
}

enum MHD_Result
sd_api_token_revoke(struct sd_req *r)
{
	long long id = sd_api_path_id(r->rq_params[0]);
	struct sd_fault f = {0};
	int rc;

	if (id == 0)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	if ((rc = sd_db_token_revoke(r, id, &f)) != SD_DB_OK)
		return sd_reply_outcome(r, rc, &f);
	return sd_reply_buf(r, 204, "application/json", "", 0);
}
