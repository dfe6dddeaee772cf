/*
 * api/ticket_admin.c: what shapes new tickets.
 *
 *   GET  /api/v1/categories           the categories a ticket can have
 *   GET  /api/v1/priority-matrix      impact × urgency → priority
 *   PUT  /api/v1/priority-matrix      (administrators)
 *   GET  /api/v1/vip                  the common VIP list of the four municipalities
 *   POST /api/v1/vip, DELETE /api/v1/vip/{person}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_stmt categories_all = {"categories_all",
	"SELECT coalesce(json_agg(json_build_object('code', code, 'name', CASE WHEN $1 THEN "
	"name_en ELSE name_sv END, 'queue', queue) ORDER BY code), '[]') FROM categories WHERE "
	"active",
	1};

static const struct sd_stmt matrix_get = {"matrix_get",
	"SELECT json_agg(row ORDER BY impact) FROM (SELECT impact, json_agg(priority ORDER BY "
	"urgency) AS row FROM priority_matrix GROUP BY impact) m",
	0};

static const struct sd_stmt matrix_set = {"matrix_set",
	"UPDATE priority_matrix SET priority = $3 WHERE impact = $1 AND urgency = $2", 3};

static const struct sd_stmt vip_all = {"vip_all",
	"SELECT coalesce(json_agg(json_build_object('person', (SELECT card FROM person_cards "
	"WHERE id = v.person_id), "
	"'reason', v.reason, 'added_by', (SELECT card FROM person_cards WHERE id = "
	"v.added_by), 'added_at', v.added_at) "
	"ORDER BY v.added_at), '[]') FROM vip_people v",
	0};

static const struct sd_stmt vip_add = {"vip_add",
	"INSERT INTO vip_people (person_id, tenant_id, reason, added_by) SELECT p.id, "
	"p.tenant_id, "
	"$2, $3 FROM people p WHERE p.id = $1 ON CONFLICT (person_id) DO UPDATE SET reason = "
	"EXCLUDED.reason RETURNING tenant_id",
	3};

static const struct sd_stmt vip_drop = {
	"vip_drop", "DELETE FROM vip_people WHERE person_id = $1 RETURNING tenant_id", 1};

/* One statement, one JSON text back. */
struct admin_op {
	struct sd_req *ad_req;
	const struct sd_stmt *ad_st;
	const char *ad_p[3];
	char *ad_text;
	int ad_tenant;
};

static int
admin_read_run(struct sd_dbc *c, void *arg)
{
	struct admin_op *op = arg;
	PGresult *res = sd_db_exec(c, op->ad_st, op->ad_p);
	int rc = sd_db_result_rc(c, res);

	if (rc == SD_DB_OK && PQntuples(res) == 1)
		op->ad_text = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

static enum MHD_Result
admin_read(struct sd_req *r, const struct sd_stmt *st, const char *p0, const char *key)
{
	struct admin_op op;
	struct sd_scope sc;
	json_t *v;
	int rc;

	memset(&op, 0, sizeof(op));
	op.ad_st = st;
	op.ad_p[0] = p0;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, admin_read_run, &op);
	v = op.ad_text ? json_loads(op.ad_text, 0, NULL) : NULL;
	free(op.ad_text);
	if (rc != SD_DB_OK || v == NULL)
		return sd_reply_db_error(r, rc == SD_DB_OK ? SD_DB_FAIL : rc);
	return sd_reply_json(r, 200, json_pack("{s:o}", key, v));
}

enum MHD_Result
sd_api_categories(struct sd_req *r)
{
	return admin_read(r, &categories_all, r->rq_lang_en ? "true" : "false", "categories");
}

enum MHD_Result
sd_api_matrix_get(struct sd_req *r)
{
	return admin_read(r, &matrix_get, NULL, "matrix");
}

static int
matrix_set_run(struct sd_dbc *c, void *arg)
{
	struct admin_op *op = arg;
	json_t *m = json_object_get(op->ad_req->rq_json, "matrix");
	char i[4], u[4], p[4];
	const char *params[3] = {i, u, p};
	size_t a, b;
	PGresult *res;
	int rc = SD_DB_OK;

	for (a = 0; a < 3 && rc == SD_DB_OK; a++) {
		for (b = 0; b < 3 && rc == SD_DB_OK; b++) {
			snprintf(i, sizeof(i), "%zu", a + 1);
			snprintf(u, sizeof(u), "%zu", b + 1);
			snprintf(p, sizeof(p), "%lld",
				(long long)json_integer_value(
					json_array_get(json_array_get(m, a), b)));
			res = sd_db_exec(c, &matrix_set, params);
			rc = sd_db_result_rc(c, res);
			PQclear(res);
		}
	}
	if (rc == SD_DB_OK)
		rc = sd_audit_req(c, op->ad_req, 0, "ticket.priority_matrix", "priority_matrix",
			json_pack("{s:O}", "matrix", m));
	return rc;
}

/* 3 rows of 3 priorities 1..4. */
static int
matrix_valid(json_t *m)
{
	size_t a, b;

	if (!json_is_array(m) || json_array_size(m) != 3)
		return 0;
	for (a = 0; a < 3; a++) {
		json_t *row = json_array_get(m, a);

		if (!json_is_array(row) || json_array_size(row) != 3)
			return 0;
		for (b = 0; b < 3; b++) {
			json_t *v = json_array_get(row, b);

			if (!json_is_integer(v) || json_integer_value(v) < 1 ||
				json_integer_value(v) > 4)
				return 0;
		}
	}
	return 1;
}

enum MHD_Result
sd_api_matrix_put(struct sd_req *r)
{
	static const struct sd_field fields[] = {
		{"matrix", SD_FT_ARRAY, SD_FF_REQUIRED, 0, 3},
		{NULL, SD_FT_ANY, 0, 0, 0},
	};
	struct admin_op op;
	struct sd_scope sc;
	enum MHD_Result ret;
	int rc;

	if (sd_input_check(r, fields, &ret) < 0)
		return ret;
	if (!matrix_valid(json_object_get(r->rq_json, "matrix")))
		return sd_reply_error(r, SD_E_INVALID_FIELD, "matrix",
			r->rq_lang_en
				? "Three rows (impact) of three priorities 1-4 (urgency)."
				: "Tre rader (påverkan) med tre prioriteter 1-4 (brådska).");
	memset(&op, 0, sizeof(op));
	op.ad_req = r;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, matrix_set_run, &op);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	return sd_api_matrix_get(r);
}

enum MHD_Result
sd_api_vip_list(struct sd_req *r)
{
	return admin_read(r, &vip_all, NULL, "vip");
}

static int
vip_change_run(struct sd_dbc *c, void *arg)
{
	struct admin_op *op = arg;
	PGresult *res = sd_db_exec(c, op->ad_st, op->ad_p);
	char object[48];
	int rc = sd_db_result_rc(c, res);

	if (rc == SD_DB_OK && PQntuples(res) != 1)
		rc = SD_DB_NOTFOUND;
	if (rc == SD_DB_OK)
		op->ad_tenant = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (rc != SD_DB_OK)
		return rc;
	if (!sd_auth_can(op->ad_req->rq_auth, "vip.admin", op->ad_tenant))
		return SD_DB_NOTFOUND;
	snprintf(object, sizeof(object), "person:%s", op->ad_p[0]);
	return sd_audit_req(c, op->ad_req, op->ad_tenant,
		op->ad_st == &vip_add ? "vip.add" : "vip.remove", object,
		op->ad_st == &vip_add ? json_pack("{s:s}", "reason", op->ad_p[1]) : NULL);
}

static enum MHD_Result
vip_change(struct sd_req *r, const struct sd_stmt *st, const char *person, const char *reason)
{
	struct admin_op op;
	struct sd_scope sc;
	char by[24];
	int rc;

	memset(&op, 0, sizeof(op));
	snprintf(by, sizeof(by), "%lld", r->rq_auth->au_person);
	op.ad_req = r;
	op.ad_st = st;
	op.ad_p[0] = person;
	op.ad_p[1] = reason;
	op.ad_p[2] = by;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, vip_change_run, &op);
	if (rc == SD_DB_NOTFOUND)
		return sd_reply_error(r, st == &vip_add ? SD_E_INVALID_FIELD : SD_E_NOT_FOUND,
			st == &vip_add ? "person" : NULL, NULL);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	if (st == &vip_drop)
		return sd_reply_buf(r, 204, "application/json", "", 0);
	return sd_api_vip_list(r);
}

enum MHD_Result
sd_api_vip_add(struct sd_req *r)
{
	static const struct sd_field fields[] = {
		{"person", SD_FT_INT, SD_FF_REQUIRED, 1, 0x7fffffffffffffffLL},
		{"reason", SD_FT_STRING, SD_FF_REQUIRED, 1, 200},
		{NULL, SD_FT_ANY, 0, 0, 0},
	};
	enum MHD_Result ret;
	char person[24];

	if (sd_input_check(r, fields, &ret) < 0)
		return ret;
	snprintf(person, sizeof(person), "%lld",
		(long long)json_integer_value(json_object_get(r->rq_json, "person")));
	return vip_change(r, &vip_add, person, sd_input_str(r, "reason"));
}

enum MHD_Result
sd_api_vip_drop(struct sd_req *r)
{
	if (strspn(r->rq_params[0], "0123456789") != strlen(r->rq_params[0]) ||
		strlen(r->rq_params[0]) > 18)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	return vip_change(r, &vip_drop, r->rq_params[0], NULL);
}
