/*
 * api/directory_groups.c: a municipality's mapping from directory groups
 * to roles, used at every directory login (db/login.c).
 *
 *   GET    /api/v1/tenants/{code}/directory-groups
 *   POST   /api/v1/tenants/{code}/directory-groups       {group_dn, role, team?, all_tenants?}
 *   DELETE /api/v1/tenants/{code}/directory-groups/{id}
 *
 * A mapping hands its role to everyone in the group, so making one needs
 * the right to grant that role: administrators any, an IT contact the
 * local roles (sd_auth_may_grant).  Roles over every tenant (all_tenants)
 * come only from the host's directory and only an administrator maps them.
 */
#include <stdio.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_field group_fields[] = {
	{"group_dn", SD_FT_STRING, SD_FF_REQUIRED, 3, 1024},
	{"role", SD_FT_STRING, SD_FF_REQUIRED, 1, 16},
	{"team", SD_FT_STRING, SD_FF_NULLABLE, 1, 24},
	{"all_tenants", SD_FT_BOOL, 0, 0, 0},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

enum MHD_Result
sd_api_directory_groups_list(struct sd_req *r)
{
	struct sd_tenant t;
	enum MHD_Result ret;
	struct sd_scope sc;
	json_t *list = NULL;
	int rc;

	if (sd_api_tenant_param(r, "tenant.settings", &t, &ret) < 0)
		return ret;
	sd_auth_scope(r->rq_auth, &sc);
	if ((rc = sd_db_directory_groups_list(r->rq_app->ap_db, &sc, t.t_id, &list)) !=
		SD_DB_OK)
		return sd_reply_db_error(r, rc);
	return sd_reply_json(r, 200, json_pack("{s:o}", "groups", list));
}

/* May the caller map a group of tenant t to the role (over every tenant)? */
static int
group_may(struct sd_req *r, const struct sd_tenant *t, const struct sd_group_new *gn,
	enum MHD_Result *ret)
{
	if (gn->gn_all && !t->t_host) {
		*ret = sd_reply_error(r, SD_E_INVALID_FIELD, "all_tenants",
			r->rq_lang_en
				? "Only the host municipality's groups give roles in "
				  "every municipality."
				: "Bara värdkommunens grupper ger roller i alla kommuner.");
		return -1;
	}
	if (gn->gn_all ? !sd_auth_may_grant_all(r->rq_auth, gn->gn_role)
		       : !sd_auth_may_grant(r->rq_auth, gn->gn_role, t->t_id)) {
		*ret = sd_reply_error(r, SD_E_FORBIDDEN, gn->gn_all ? "all_tenants" : "role",
			r->rq_lang_en ? "You cannot give that role through a group."
				      : "Du kan inte ge den rollen via en grupp.");
		return -1;
	}
	return 0;
}

enum MHD_Result
sd_api_directory_group_add(struct sd_req *r)
{
	struct sd_group_new gn;
	struct sd_fault f = {0};
	struct sd_tenant t;
	enum MHD_Result ret;
	json_t *out = NULL;
	int rc;

	memset(&gn, 0, sizeof(gn));
	if (sd_api_tenant_param(r, "tenant.settings", &t, &ret) < 0 ||
		sd_input_check(r, group_fields, &ret) < 0)
		return ret;
	gn.gn_tenant = t.t_id;
	gn.gn_dn = sd_input_str(r, "group_dn");
	gn.gn_role = sd_input_str(r, "role");
	gn.gn_team = sd_input_str(r, "team");
	gn.gn_all = json_is_true(json_object_get(r->rq_json, "all_tenants"));
	if (sd_api_role_team_check(r, gn.gn_role, gn.gn_team, &ret) < 0 ||
		group_may(r, &t, &gn, &ret) < 0)
		return ret;
	if ((rc = sd_db_directory_group_add(r, &gn, &f, &out)) != SD_DB_OK)
		return sd_reply_outcome(r, rc, &f);
	return sd_reply_json(r, 201, out);
}

enum MHD_Result
sd_api_directory_group_remove(struct sd_req *r)
{
	long long id = sd_api_path_id(r->rq_params[1]);
	struct sd_fault f = {0};
	struct sd_tenant t;
	enum MHD_Result ret;
	int rc;

	if (sd_api_tenant_param(r, "tenant.settings", &t, &ret) < 0)
		return ret;
	if (id == 0)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	if ((rc = sd_db_directory_group_remove(r, t.t_id, id, &f)) != SD_DB_OK)
		return sd_reply_outcome(r, rc, &f);
	return sd_reply_buf(r, 204, "application/json", "", 0);
}
