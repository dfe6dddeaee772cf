/*
 * api/approvals.c: the approver's side of orders.
 *
 *   GET  /api/v1/approvals                  orders waiting for the caller's decision
 *   POST /api/v1/orders/{number}/decision   {decision: approve|reject, reason, step?}
 *
 * A manager decides for the cost centres they manage; an IT architect for
 * the municipalities they are architect in, never on their own orders.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

/* $1 the caller, $2 tenants where the caller is an architect. */
static const struct sd_stmt approvals_inbox = {"approvals_inbox",
	"SELECT coalesce(json_agg(c.doc ORDER BY c.created_at, c.id), '[]') FROM order_cards c "
	"WHERE c.status = 'pending_approval' AND (('manager' = ANY (c.approvals_needed) AND "
	"NOT "
	"EXISTS (SELECT 1 FROM order_approvals a WHERE a.order_id = c.id AND a.step = "
	"'manager') AND sdesk_manages($1, c.cost_centre_id)) OR ('architect' = ANY "
	"(c.approvals_needed) AND NOT EXISTS (SELECT 1 FROM order_approvals a WHERE a.order_id "
	"= "
	"c.id AND a.step = 'architect') AND c.ordered_by <> $1 AND c.tenant_id = ANY "
	"($2::integer[])))",
	2};

static const struct sd_field decision_fields[] = {
	{"decision", SD_FT_STRING, SD_FF_REQUIRED, 1, 16},
	{"reason", SD_FT_STRING, 0, 0, 2000},
	{"step", SD_FT_STRING, 0, 1, 16},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

enum MHD_Result
sd_api_approvals_list(struct sd_req *r)
{
	char pid[24], *arch = sd_auth_tenants_with(r->rq_auth, "order.approve_architect", 0);
	const char *p[2] = {pid, arch};
	struct sd_scope sc;
	PGresult *res = NULL;
	json_t *list;
	int rc;

	if (arch == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	snprintf(pid, sizeof(pid), "%lld", r->rq_auth->au_person);
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_read(r->rq_app->ap_db, &sc, &approvals_inbox, p, &res);
	free(arch);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	list = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	if (list == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	return sd_reply_json(r, 200, json_pack("{s:o}", "orders", list));
}

struct decision_op {
	struct sd_req *dp_req;
	struct sd_order_decision dp_dec;
	json_t *dp_doc;
};

static int
decision_run(struct sd_dbc *c, void *arg)
{
	struct decision_op *op = arg;
	int rc;

	json_decref(op->dp_doc);
	op->dp_doc = NULL;
	if ((rc = sd_db_order_decide(c, op->dp_req, &op->dp_dec)) != SD_DB_OK)
		return rc;
	return sd_db_order_read(c, op->dp_dec.od_number, &op->dp_doc, NULL, NULL);
}

enum MHD_Result
sd_api_order_decision(struct sd_req *r)
{
	const char *decision = sd_input_str(r, "decision"), *reason = sd_input_str(r, "reason"),
		   *step = sd_input_str(r, "step");
	struct decision_op op;
	struct sd_scope sc;
	enum MHD_Result ret;
	int rc;

	if (sd_input_check(r, decision_fields, &ret) < 0)
		return ret;
	if (strcmp(decision, "approve") != 0 && strcmp(decision, "reject") != 0)
		return sd_reply_error(r, SD_E_INVALID_FIELD, "decision",
			r->rq_lang_en ? "Use approve or reject."
				      : "Ange approve eller reject.");
	if (step != NULL && strcmp(step, "manager") != 0 && strcmp(step, "architect") != 0)
		return sd_reply_error(r, SD_E_INVALID_FIELD, "step", NULL);
	if (strcmp(decision, "reject") == 0 && (reason == NULL || reason[0] == '\0'))
		return sd_reply_error(r, SD_E_MISSING_FIELD, "reason",
			r->rq_lang_en ? "A rejection needs a reason for the orderer."
				      : "Ett avslag behöver en motivering till beställaren.");
	memset(&op, 0, sizeof(op));
	op.dp_req = r;
	op.dp_dec.od_number = r->rq_params[0];
	op.dp_dec.od_reject = strcmp(decision, "reject") == 0;
	op.dp_dec.od_reason = reason;
	op.dp_dec.od_step = step;
	op.dp_dec.od_tickets = json_array();
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, decision_run, &op);
	json_decref(op.dp_dec.od_tickets);
	if (rc == SD_DB_OK)
		return sd_reply_json(r, 200, op.dp_doc);
	json_decref(op.dp_doc);
	if (op.dp_dec.od_why.ow_set)
		return sd_reply_order_why(r, &op.dp_dec.od_why);
	if (rc == SD_DB_NOTFOUND)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	return sd_reply_db_error(r, rc);
}
