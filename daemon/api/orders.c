/*
 * api/orders.c: orders (avrop) from the service catalogue.
 *
 *   POST /api/v1/orders                   place an order
 *   GET  /api/v1/orders                   orders the caller may see (?mine, ?status)
 *   GET  /api/v1/orders/{number}          one order and where it stands
 *   POST /api/v1/orders/{number}/cancel   the orderer withdraws it before approval
 *
 * Orders are placed in the orderer's own municipality; what may be ordered
 * and for which cost centre is decided in db/orders.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_field order_fields[] = {
	{"service", SD_FT_STRING, SD_FF_REQUIRED, 2, 47},
	{"cost_centre", SD_FT_STRING, 0, 1, 16},
	{"quantity", SD_FT_INT, 0, 1, 1000},
	{"answers", SD_FT_OBJECT, 0, 0, 0},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

static const struct sd_stmt orders_list = {"orders_list",
	"SELECT coalesce(json_agg(x.doc ORDER BY x.id DESC), '[]'), min(x.id), count(*) FROM "
	"(SELECT c.doc, c.id FROM order_cards c WHERE ($1 = '' OR c.status = $1) AND (NOT "
	"$2::boolean OR c.ordered_by = sdesk_user_id()) AND ($3 = '0' OR c.id < $3::bigint) "
	"ORDER "
	"BY c.id DESC LIMIT $4::integer) x",
	4};

static const struct sd_stmt order_withdraw = {"order_withdraw",
	"UPDATE orders SET status = 'cancelled', decided_at = now() WHERE number = $1 AND "
	"ordered_by = $2 AND status = 'pending_approval' RETURNING tenant_id",
	2};

static const struct sd_stmt order_exists = {
	"order_exists", "SELECT status FROM orders WHERE number = $1", 1};

static const char *const order_statuses[] = {
	"cancelled", "delivered", "in_fulfilment", "pending_approval", "rejected", NULL};

enum MHD_Result
sd_reply_order_why(struct sd_req *r, const struct sd_order_why *w)
{
	const char *msg = r->rq_lang_en ? w->ow_en : w->ow_sv;

	return sd_reply_error(
		r, w->ow_code, w->ow_field[0] ? w->ow_field : NULL, msg[0] ? "%s" : NULL, msg);
}

struct order_op {
	struct sd_req *oo_req;
	struct sd_order_new oo_new;
	json_t *oo_doc;
	const char *oo_number;
	int oo_found; /* cancel: the order exists (visible) but cannot be withdrawn */
};

static int
order_create_run(struct sd_dbc *c, void *arg)
{
	struct order_op *op = arg;
	int rc;

	json_decref(op->oo_doc);
	op->oo_doc = NULL;
	if ((rc = sd_db_order_create(c, op->oo_req, &op->oo_new)) != SD_DB_OK)
		return rc;
	return sd_db_order_read(c, op->oo_new.on_number, &op->oo_doc, NULL, NULL);
}

/* The caller's roles in their own municipality, as a JSON array; malloc'd. */
static char *
order_roles(const struct sd_auth *a)
{
	json_t *arr = json_array();
	char *s;
	size_t i;

	for (i = 0; i < a->au_ngrants; i++)
		if (a->au_grants[i].g_tenant == 0 || a->au_grants[i].g_tenant == a->au_tenant)
			json_array_append_new(arr, json_string(a->au_grants[i].g_role));
	s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return s;
}

enum MHD_Result
sd_api_order_create(struct sd_req *r)
{
	const struct sd_auth *a = r->rq_auth;
	json_t *answers = json_object_get(r->rq_json, "answers"), *qty;
	const char *cc = sd_input_str(r, "cost_centre");
	struct order_op op;
	struct sd_scope sc;
	enum MHD_Result ret;
	char loc[96], *roles;
	int rc;

	if (sd_input_check(r, order_fields, &ret) < 0)
		return ret;
	if (a->au_kind != SD_AUTH_SESSION)
		return sd_reply_error(r, SD_E_ORDER_NOT_ALLOWED, NULL,
			r->rq_lang_en ? "Orders are placed by people, not by API tokens."
				      : "Beställningar görs av personer, inte av API-nycklar.");
	if ((roles = order_roles(a)) == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	memset(&op, 0, sizeof(op));
	op.oo_req = r;
	op.oo_new.on_service = sd_input_str(r, "service");
	op.oo_new.on_cost_centre = cc ? cc : "";
	qty = json_object_get(r->rq_json, "quantity");
	op.oo_new.on_quantity = qty ? (int)json_integer_value(qty) : 1;
	op.oo_new.on_answers = answers ? answers : json_object();
	op.oo_new.on_orderer = a->au_person;
	op.oo_new.on_orderer_name = a->au_name;
	op.oo_new.on_tenant = a->au_tenant;
	op.oo_new.on_tenant_code = a->au_tenant_code;
	op.oo_new.on_roles = roles;
	op.oo_new.on_tickets = json_array();
	sd_auth_scope(a, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, order_create_run, &op);
	if (answers == NULL)
		json_decref(op.oo_new.on_answers);
	json_decref(op.oo_new.on_tickets);
	free(roles);
	if (rc != SD_DB_OK) {
		json_decref(op.oo_doc);
		if (op.oo_new.on_why.ow_set)
			return sd_reply_order_why(r, &op.oo_new.on_why);
		return sd_reply_db_error(r, rc);
	}
	snprintf(loc, sizeof(loc), "/api/v1/orders/%s", op.oo_new.on_number);
	sd_req_add_header(r, "Location", loc);
	return sd_reply_json(r, 201, op.oo_doc);
}

static int
order_get_run(struct sd_dbc *c, void *arg)
{
	struct order_op *op = arg;

	json_decref(op->oo_doc);
	op->oo_doc = NULL;
	return sd_db_order_read(c, op->oo_number, &op->oo_doc, NULL, NULL);
}

enum MHD_Result
sd_api_order_get(struct sd_req *r)
{
	struct order_op op;
	struct sd_scope sc;
	int rc;

	memset(&op, 0, sizeof(op));
	op.oo_number = r->rq_params[0];
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, order_get_run, &op);
	if (rc == SD_DB_NOTFOUND)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	return sd_reply_json(r, 200, op.oo_doc);
}

enum MHD_Result
sd_api_orders_list(struct sd_req *r)
{
	const char *status = sd_req_query(r, "status"), *mine = sd_req_query(r, "mine");
	long long limit = 50, cursor = 0;
	char lim[16], cur[24];
	const char *p[4];
	struct sd_scope sc;
	enum MHD_Result ret;
	PGresult *res = NULL;
	json_t *body;
	int rc;

	if (sd_input_query_int(r, "limit", 1, 200, &limit, &ret) < 0 ||
		sd_input_query_int(r, "cursor", 1, 0x7fffffffffffffffLL, &cursor, &ret) < 0)
		return ret;
	if (status != NULL && !sd_ticket_enum_ok(order_statuses, status))
		return sd_reply_error(r, SD_E_INVALID_FIELD, "status", NULL);
	if (mine != NULL && strcmp(mine, "true") != 0 && strcmp(mine, "false") != 0)
		return sd_reply_error(r, SD_E_INVALID_FIELD, "mine", NULL);
	snprintf(lim, sizeof(lim), "%lld", limit);
	snprintf(cur, sizeof(cur), "%lld", cursor);
	p[0] = status ? status : "";
	p[1] = mine && strcmp(mine, "true") == 0 ? "true" : "false";
	p[2] = cur;
	p[3] = lim;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_read(r->rq_app->ap_db, &sc, &orders_list, p, &res);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	body = json_pack("{s:o}", "orders", json_loads(PQgetvalue(res, 0, 0), 0, NULL));
	if (body != NULL && atoll(PQgetvalue(res, 0, 2)) == limit)
		json_object_set_new(body, "next_cursor", json_string(PQgetvalue(res, 0, 1)));
	PQclear(res);
	if (body == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	return sd_reply_json(r, 200, body);
}

static int
order_cancel_run(struct sd_dbc *c, void *arg)
{
	struct order_op *op = arg;
	char pid[24], object[48];
	const char *p[2] = {op->oo_number, pid};
	PGresult *res;
	int rc, tenant;

	json_decref(op->oo_doc);
	op->oo_doc = NULL;
	op->oo_found = 0;
	snprintf(pid, sizeof(pid), "%lld", op->oo_req->rq_auth->au_person);
	res = sd_db_exec(c, &order_withdraw, p);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK || PQntuples(res) != 1) {
		PQclear(res);
		if (rc != SD_DB_OK)
			return rc;
		res = sd_db_exec(c, &order_exists, p);
		if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK)
			op->oo_found = PQntuples(res) == 1;
		PQclear(res);
		return rc == SD_DB_OK ? SD_DB_NOTFOUND : rc;
	}
	tenant = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	snprintf(object, sizeof(object), "order:%s", op->oo_number);
	if ((rc = sd_audit_req(c, op->oo_req, tenant, "order.cancel", object, NULL)) !=
		SD_DB_OK)
		return rc;
	return sd_db_order_read(c, op->oo_number, &op->oo_doc, NULL, NULL);
}

enum MHD_Result
sd_api_order_cancel(struct sd_req *r)
{
	struct order_op op;
	struct sd_scope sc;
	int rc;

	memset(&op, 0, sizeof(op));
	op.oo_req = r;
	op.oo_number = r->rq_params[0];
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, order_cancel_run, &op);
	if (rc == SD_DB_NOTFOUND && op.oo_found)
		return sd_reply_error(r, SD_E_ORDER_STATE, NULL,
			r->rq_lang_en ? "Only the orderer can withdraw an order, and only "
					"before it is decided."
				      : "Bara beställaren kan återkalla en beställning, och "
					"bara innan den är beslutad.");
	if (rc == SD_DB_NOTFOUND)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	return sd_reply_json(r, 200, op.oo_doc);
}
