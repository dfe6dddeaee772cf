/*
 * api/audit.c: GET /api/v1/audit, the audit trail, newest first.
 *
 * Whoever reads the whole trail (audit.read over every tenant) also sees
 * rows about no tenant; an IT contact sees their own municipality's rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

enum MHD_Result
sd_api_audit_list(struct sd_req *r)
{
	struct sd_audit_query q = {NULL, NULL, 0, 50};
	const char *code = sd_req_query(r, "tenant");
	struct sd_tenant t = {0};
	enum MHD_Result ret;
	struct sd_scope sc;
	json_t *list = NULL;
	char *tenants = NULL;
	long long next = 0;
	int rc;

	if ((code != NULL && sd_input_tenant(r, code, "tenant", &t, &ret) < 0) ||
		sd_input_query_int(r, "limit", 1, 200, &q.aq_limit, &ret) < 0 ||
		sd_input_query_int(r, "before", 1, 1LL << 62, &q.aq_before, &ret) < 0)
		return ret;
	q.aq_action = sd_req_query(r, "action");
	if (q.aq_action != NULL && strlen(q.aq_action) > 64)
		return sd_reply_error(r, SD_E_INVALID_FIELD, "action",
			r->rq_lang_en ? "At most 64 characters." : "Högst 64 tecken.");
	/* The whole trail, or one tenant of it, for readers over every tenant. */
	if (!sd_auth_can_all(r->rq_auth, "audit.read") || code != NULL) {
		if ((tenants = sd_auth_tenants_with(r->rq_auth, "audit.read", t.t_id)) == NULL)
			return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
		q.aq_tenants = tenants;
	}
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_audit_list(r->rq_app->ap_db, &sc, &q, &list, &next);
	free(tenants);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	return sd_reply_json(r, 200,
		json_pack("{s:o, s:o}", "entries", list, "next",
			next ? json_integer(next) : json_null()));
}
