/*
 * db/order_decision.c: an approver's decision on an order.
 *
 * Each step the service asks for (the cost centre's manager, an IT
 * architect) is decided once, by someone who holds it: the manager of the
 * order's cost centre, or an architect of the order's municipality who is
 * not the orderer.  One rejection rejects the order; the last approval
 * fulfils it in the same transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_stmt decision_lock = {"decision_lock",
	"SELECT o.id, o.tenant_id, o.status, o.ordered_by, array_to_json(o.approvals_needed), "
	"coalesce((SELECT json_agg(a.step) FROM order_approvals a WHERE a.order_id = o.id), "
	"'[]'), sdesk_manages($2, o.cost_centre_id) FROM orders o WHERE o.number = $1 FOR "
	"UPDATE",
	2};

static const struct sd_stmt decision_add = {"decision_add",
	"INSERT INTO order_approvals (tenant_id, order_id, step, decision, reason, decided_by) "
	"VALUES ($1, $2, $3, $4, $5, $6)",
	6};

static const struct sd_stmt decision_status = {"decision_status",
	"UPDATE orders SET status = $2, decided_at = now() WHERE id = $1", 2};

static int
decision_in(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
	{
		if (strcmp(json_string_value(v), s) == 0)
			return 1;
	}
	return 0;
}

/* Whether the caller may decide step of this order. */
static int
decision_may(const struct sd_auth *a, const char *step, PGresult *o)
{
	if (strcmp(step, "manager") == 0)
		return PQgetvalue(o, 0, 6)[0] == 't';
	return sd_auth_can(a, "order.approve_architect", atoi(PQgetvalue(o, 0, 1))) &&
		atoll(PQgetvalue(o, 0, 3)) != a->au_person;
}

/* The steps this decision covers: the one asked for, or every one the caller holds. */
static int
decision_steps(struct sd_req *r, struct sd_order_decision *od, PGresult *o, json_t *steps)
{
	json_t *needed = json_loads(PQgetvalue(o, 0, 4), 0, NULL),
	       *done = json_loads(PQgetvalue(o, 0, 5), 0, NULL), *st;
	size_t i;
	int rc = SD_DB_OK;

	if (od->od_step != NULL && !decision_in(needed, od->od_step)) {
		rc = sd_order_why(&od->od_why, SD_E_INVALID_FIELD, "step",
			"Beställningen har inget sådant godkännandesteg.",
			"The order has no such approval step.");
		goto out;
	}
	if (od->od_step != NULL && decision_in(done, od->od_step)) {
		rc = sd_order_why(&od->od_why, SD_E_ORDER_STATE, "step",
			"Det steget är redan beslutat.", "That step has already been decided.");
		goto out;
	}
	json_array_foreach(needed, i, st)
	{
		const char *s = json_string_value(st);

		if (decision_in(done, s) || (od->od_step && strcmp(od->od_step, s) != 0))
			continue;
		if (decision_may(r->rq_auth, s, o))
			json_array_append_new(steps, json_string(s));
	}
	if (json_array_size(steps) == 0)
		rc = sd_order_why(&od->od_why, SD_E_FORBIDDEN, od->od_step ? "step" : NULL,
			"Du är inte godkännare för den här beställningen.",
			"You are not an approver of this order.");
	/* Approved when every step is decided now (a rejection ends it anyway). */
	od->od_last = json_array_size(needed) == json_array_size(done) + json_array_size(steps);
out:
	json_decref(needed);
	json_decref(done);
	return rc;
}

static int
decision_record(struct sd_dbc *c, struct sd_req *r, struct sd_order_decision *od, PGresult *o,
	json_t *steps)
{
	char pid[24];
	const char *p[6];
	size_t i;
	json_t *st;
	int rc;

	snprintf(pid, sizeof(pid), "%lld", r->rq_auth->au_person);
	p[0] = PQgetvalue(o, 0, 1);
	p[1] = PQgetvalue(o, 0, 0);
	p[3] = od->od_reject ? "rejected" : "approved";
	p[4] = od->od_reason ? od->od_reason : "";
	p[5] = pid;
	json_array_foreach(steps, i, st)
	{
		PGresult *res;

		p[2] = json_string_value(st);
		res = sd_db_exec(c, &decision_add, p);
		rc = sd_db_result_rc(c, res);
		PQclear(res);
		if (rc != SD_DB_OK)
			return rc;
	}
	return SD_DB_OK;
}

static int
decision_settle(struct sd_dbc *c, struct sd_req *r, struct sd_order_decision *od, PGresult *o)
{
	const char *p[2] = {PQgetvalue(o, 0, 0), NULL};
	struct sd_scope sc;
	PGresult *res;
	int rc;

	if (!od->od_reject && !od->od_last)
		return SD_DB_OK;
	p[1] = od->od_reject ? "rejected" : "in_fulfilment";
	res = sd_db_exec(c, &decision_status, p);
	rc = sd_db_result_rc(c, res);
	PQclear(res);
	if (rc != SD_DB_OK || od->od_reject)
		return rc;
	sd_auth_scope(r->rq_auth, &sc);
	return sd_db_order_fulfil(
		c, &sc, atoll(PQgetvalue(o, 0, 0)), r->rq_auth->au_person, od->od_tickets);
}

int
sd_db_order_decide(struct sd_dbc *c, struct sd_req *r, struct sd_order_decision *od)
{
	char pid[24], object[48];
	const char *p[2] = {od->od_number, pid};
	json_t *steps = json_array();
	PGresult *o;
	int rc;

	json_array_clear(od->od_tickets);
	od->od_why.ow_set = 0;
	snprintf(pid, sizeof(pid), "%lld", r->rq_auth->au_person);
	o = sd_db_exec(c, &decision_lock, p);
	if ((rc = sd_db_result_rc(c, o)) != SD_DB_OK)
		goto out;
	if (PQntuples(o) != 1) {
		rc = SD_DB_NOTFOUND;
		goto out;
	}
	if (strcmp(PQgetvalue(o, 0, 2), "pending_approval") != 0) {
		rc = sd_order_why(&od->od_why, SD_E_ORDER_STATE, NULL,
			"Beställningen väntar inte på godkännande.",
			"The order is not waiting for approval.");
		goto out;
	}
	if ((rc = decision_steps(r, od, o, steps)) != SD_DB_OK ||
		(rc = decision_record(c, r, od, o, steps)) != SD_DB_OK ||
		(rc = decision_settle(c, r, od, o)) != SD_DB_OK)
		goto out;
	snprintf(object, sizeof(object), "order:%s", od->od_number);
	rc = sd_audit_req(c, r, atoi(PQgetvalue(o, 0, 1)),
		od->od_reject ? "order.reject" : "order.approve", object,
		json_pack("{s:O, s:s, s:O}", "steps", steps, "reason",
			od->od_reason ? od->od_reason : "", "tickets", od->od_tickets));
out:
	PQclear(o);
	json_decref(steps);
	return rc;
}
