/*
 * api/roles.c: a person's roles.
 *
 *   GET    /api/v1/people/{id}/roles          the grants
 *   POST   /api/v1/people/{id}/roles          grant one (role.grant, and
 *                                              sd_auth_may_grant for it)
 *   DELETE /api/v1/people/{id}/roles/{grant}  revoke one
 *
 * Roles that come from a directory group are refreshed at every login, so
 * they are changed in the directory (or the group mapping), not here.
 */
#include <stdio.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_field role_fields[] = {
	{"role", SD_FT_STRING, SD_FF_REQUIRED, 1, 16},
	{"tenant", SD_FT_STRING, SD_FF_REQUIRED, 1, 3},
	{"team", SD_FT_STRING, SD_FF_NULLABLE, 1, 24},
	{"cost_centre", SD_FT_STRING, SD_FF_NULLABLE, 1, 16},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

/* The second-line teams (role_grants.team). */
static const char *const role_teams[] = {
	"business_systems", "identity", "network", "telephony", NULL};

int
sd_api_role_team_check(
	struct sd_req *r, const char *role, const char *team, enum MHD_Result *ret)
{
	size_t i;

	if (!sd_role_valid(role)) {
		*ret = sd_reply_error(r, SD_E_INVALID_FIELD, "role",
			r->rq_lang_en ? "No such role." : "Rollen finns inte.");
		return -1;
	}
	if (strcmp(role, "tech2") == 0 && team == NULL) {
		*ret = sd_reply_error(r, SD_E_MISSING_FIELD, "team",
			r->rq_lang_en ? "A second-line technician belongs to a team."
				      : "En andralinjetekniker tillhör ett team.");
		return -1;
	}
	for (i = 0; team != NULL && role_teams[i] != NULL; i++)
		if (strcmp(role_teams[i], team) == 0)
			break;
	if (team != NULL && (role_teams[i] == NULL || strcmp(role, "tech2") != 0)) {
		*ret = sd_reply_error(r, SD_E_INVALID_FIELD, "team",
			r->rq_lang_en ? "Only tech2 has a team: network, identity, "
					"business_systems or telephony."
				      : "Bara tech2 har ett team: network, identity, "
					"business_systems eller telephony.");
		return -1;
	}
	return 0;
}

enum MHD_Result
sd_api_roles_list(struct sd_req *r)
{
	long long id = sd_api_path_id(r->rq_params[0]);
	struct sd_scope sc;
	json_t *person = NULL, *roles;
	int rc, tenant = 0;

	if (id == 0)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	sd_auth_scope(r->rq_auth, &sc);
	if ((rc = sd_db_person_get(r->rq_app->ap_db, &sc, id, &person, &tenant)) != SD_DB_OK)
		return sd_reply_outcome(r, rc, NULL);
	if (!sd_auth_can(r->rq_auth, "person.read", tenant)) {
		json_decref(person);
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	}
	roles = json_incref(json_object_get(person, "roles"));
	json_decref(person);
	return sd_reply_json(r, 200, json_pack("{s:o}", "roles", roles));
}

enum MHD_Result
sd_api_role_grant(struct sd_req *r)
{
	struct sd_role_new rn;
	struct sd_fault f = {0};
	struct sd_tenant t;
	enum MHD_Result ret;
	const char *scope;
	json_t *out = NULL;
	int rc;

	memset(&rn, 0, sizeof(rn));
	if ((rn.rn_person = sd_api_path_id(r->rq_params[0])) == 0)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	if (sd_input_check(r, role_fields, &ret) < 0)
		return ret;
	rn.rn_role = sd_input_str(r, "role");
	rn.rn_team = sd_input_str(r, "team");
	rn.rn_cost_centre = sd_input_str(r, "cost_centre");
	if (sd_api_role_team_check(r, rn.rn_role, rn.rn_team, &ret) < 0)
		return ret;
	scope = sd_input_str(r, "tenant");
	rn.rn_scope_code = scope;
	if (strcmp(scope, "*") != 0) {
		if (sd_input_tenant(r, scope, "tenant", &t, &ret) < 0)
			return ret;
		rn.rn_scope = t.t_id;
	}
	if ((rc = sd_db_role_grant(r, &rn, &f, &out)) != SD_DB_OK)
		return sd_reply_outcome(r, rc, &f);
	return sd_reply_json(r, 201, out);
}

enum MHD_Result
sd_api_role_revoke(struct sd_req *r)
{
	long long person = sd_api_path_id(r->rq_params[0]);
	long long grant = sd_api_path_id(r->rq_params[1]);
	struct sd_fault f = {0};
	int rc;

	if (person == 0 || grant == 0)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	if ((rc = sd_db_role_revoke(r, person, grant, &f)) != SD_DB_OK)
		return sd_reply_outcome(r, rc, &f);
	return sd_reply_buf(r, 204, "application/json", "", 0);
}
