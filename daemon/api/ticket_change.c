/*
 * api/ticket_change.c: PATCH /api/v1/tickets/{number} and
 * POST /api/v1/tickets/{number}/escalate.
 *
 * A change names the version it was made on; if someone saved in between
 * the answer is 409 and nothing is written.  Status moves follow the
 * machine in ticket_rules.c: an invalid one is 409 with the moves that are
 * allowed.  Technicians change everything; the requester can only reopen
 * (within the window), confirm a resolution, or withdraw an untouched
 * ticket.  Every change becomes a history event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_field patch_fields[] = {
	{"version", SD_FT_INT, SD_FF_REQUIRED, 1, 0x7fffffff},
	{"status", SD_FT_STRING, 0, 1, 32},
	{"assignee", SD_FT_INT, SD_FF_NULLABLE, 1, 0x7fffffffffffffffLL},
	{"impact", SD_FT_INT, 0, 1, 3},
	{"urgency", SD_FT_INT, 0, 1, 3},
	{"category", SD_FT_STRING, SD_FF_NULLABLE, 1, 40},
	{"service", SD_FT_STRING, SD_FF_NULLABLE, 2, 47},
	{"classification", SD_FT_STRING, 0, 1, 16},
	{"subject", SD_FT_STRING, 0, 1, 200},
	{"description", SD_FT_STRING, 0, 0, 20000},
	{"personal_data_breach", SD_FT_BOOL, 0, 0, 0},
	{"resolution_code", SD_FT_STRING, 0, 1, 24},
	{"resolution_text", SD_FT_STRING, 0, 1, 5000},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

static const char *const resolution_codes[] = {
	"cancelled", "duplicate", "no_fault_found", "referred", "solved", "workaround", NULL};

/* Whether a person may have tickets of tenant assigned to them. */
static const struct sd_stmt change_assignable = {"change_assignable",
	"SELECT EXISTS (SELECT 1 FROM role_grants g JOIN people p ON p.id = g.person_id WHERE "
	"g.person_id = $1 AND p.active AND g.role IN ('tech1', 'tech2', 'specialist', "
	"'team_lead') "
	"AND (g.scope_tenant_id IS NULL OR g.scope_tenant_id = $2))",
	2};

static const struct sd_stmt change_matrix = {"change_matrix",
	"SELECT priority FROM priority_matrix WHERE impact = $1 AND urgency = $2", 2};

static const struct sd_stmt change_category = {
	"change_category", "SELECT 1 FROM categories WHERE code = $1 AND active", 1};

/* A service of the catalogue that the ticket's municipality offers. */
static const struct sd_stmt change_service = {"change_service",
	"SELECT 1 FROM services s WHERE s.code = $1 AND s.active AND EXISTS (SELECT 1 FROM "
	"service_offerings o WHERE o.service_id = s.id AND o.tenant_id = $2::integer)",
	2};

/* Why a change was refused: an error code, the field, and a message. */
struct change_why {
	enum sd_error_code cw_code;
	const char *cw_field;
	char cw_msg[256];
	json_t *cw_allowed; /* for a refused move */
};

struct change_op {
	struct sd_req *co_req;
	const char *co_number;
	struct change_why co_why;
	struct sd_ticket_row co_row;
	int co_escalate;
	const char *co_queue, *co_reason;
};

static int
change_refuse(struct change_why *w, enum sd_error_code code, const char *field, const char *msg)
{
	w->cw_code = code;
	w->cw_field = field;
	snprintf(w->cw_msg, sizeof(w->cw_msg), "%s", msg ? msg : "");
	return SD_DB_CONFLICT;
}

static int
change_exists(struct sd_dbc *c, const struct sd_stmt *st, const char *a, const char *b)
{
	const char *p[2] = {a, b};
	PGresult *res = sd_db_exec(c, st, p);
	int rc = sd_db_result_rc(c, res);

	if (rc == SD_DB_OK)
		rc = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] != 'f' ? SD_DB_OK
									    : SD_DB_NOTFOUND;
	PQclear(res);
	return rc;
}

/* A status move; fills resolution and reopen bookkeeping. */
static int
change_status(struct change_op *op, const struct sd_ticket_state *old,
	struct sd_ticket_state *n, int staff, json_t *events)
{
	struct sd_req *r = op->co_req;
	json_t *body = r->rq_json;
	const char *moves[SD_TS__COUNT];
	int to = sd_ticket_status_parse(json_string_value(json_object_get(body, "status")));
	size_t i, k;

	if (to < 0)
		return change_refuse(&op->co_why, SD_E_INVALID_FIELD, "status", "");
	if (to == old->ts_status)
		return SD_DB_OK;
	if (!sd_ticket_may_move(old->ts_status, to, staff)) {
		k = sd_ticket_moves(old->ts_status, staff, moves, SD_TS__COUNT);
		op->co_why.cw_allowed = json_array();
		for (i = 0; i < k; i++)
			json_array_append_new(op->co_why.cw_allowed, json_string(moves[i]));
		return change_refuse(&op->co_why, SD_E_CONFLICT, "status",
			r->rq_lang_en ? "That status change is not allowed from here."
				      : "Den statusändringen är inte tillåten härifrån.");
	}
	if (old->ts_status == SD_TS_RESOLVED && to == SD_TS_IN_PROGRESS) {
		if (!staff &&
			!sd_ticket_reopen_allowed(old->ts_resolved_at, (long long)time(NULL),
				r->rq_app->ap_conf->sc_tickets_reopen_days))
			return change_refuse(&op->co_why, SD_E_CONFLICT, "status",
				r->rq_lang_en ? "The time to reopen has passed; please file a "
						"new ticket."
					      : "Tiden för att återöppna har gått ut; gör en "
						"ny anmälan.");
		/* Back to whoever had it, or to the queue. */
		to = old->ts_assignee ? SD_TS_IN_PROGRESS : SD_TS_NEW;
		n->ts_reopen_count++;
		n->ts_res_code[0] = '\0';
		n->ts_res_text[0] = '\0';
		n->ts_fcr = 0;
		n->ts_resolved_by = 0;
		sd_ticket_event(events, "reopened", 1, NULL);
	}
	if (to == SD_TS_RESOLVED) {
		const char *code = json_string_value(json_object_get(body, "resolution_code"));
		const char *text = json_string_value(json_object_get(body, "resolution_text"));

		if (!staff && code == NULL) {
			code = "cancelled";
			text = r->rq_lang_en ? "Withdrawn by the requester."
					     : "Återkallat av anmälaren.";
		}
		if (code == NULL || !sd_ticket_enum_ok(resolution_codes, code))
			return change_refuse(&op->co_why, SD_E_MISSING_FIELD, "resolution_code",
				r->rq_lang_en ? "Resolving needs a resolution code."
					      : "En lösning behöver en lösningskod.");
		if (text == NULL)
			return change_refuse(&op->co_why, SD_E_MISSING_FIELD, "resolution_text",
				r->rq_lang_en ? "Resolving needs a text for the requester."
					      : "En lösning behöver en text till anmälaren.");
		snprintf(n->ts_res_code, sizeof(n->ts_res_code), "%s", code);
		free(n->ts_res_text);
		n->ts_res_text = strdup(text);
		n->ts_resolved_by = r->rq_auth->au_person;
		n->ts_fcr = sd_ticket_first_contact(old->ts_line == 1 && staff &&
				sd_auth_can(r->rq_auth, "queue.first_line", 0),
			old->ts_escalated);
		sd_ticket_event(events, "resolved", 1,
			json_pack("{s:s, s:s, s:b}", "code", code, "text", text,
				"first_contact", n->ts_fcr));
	} else if (to == SD_TS_CLOSED) {
		sd_ticket_event(events, "closed", 1, NULL);
	}
	n->ts_status = to;
	if (staff)
		n->ts_first_response = 1;
	sd_ticket_event(events, "status", 1,
		json_pack("{s:s, s:s}", "from", sd_ticket_status_name(old->ts_status), "to",
			sd_ticket_status_name(to)));
	return n->ts_res_text ? SD_DB_OK : SD_DB_FAIL;
}

/* Assignee: a technician who serves the ticket's tenant, or nobody. */
static int
change_assignee(struct sd_dbc *c, struct change_op *op, const struct sd_ticket_state *old,
	struct sd_ticket_state *n, json_t *events)
{
	json_t *v = json_object_get(op->co_req->rq_json, "assignee");
	long long who = json_is_null(v) ? 0 : (long long)json_integer_value(v);
	char a[24], t[16];
	int rc;

	if (who == old->ts_assignee)
		return SD_DB_OK;
	snprintf(a, sizeof(a), "%lld", who);
	snprintf(t, sizeof(t), "%d", old->ts_tenant);
	if (who != 0 && (rc = change_exists(c, &change_assignable, a, t)) != SD_DB_OK)
		return rc == SD_DB_NOTFOUND
			? change_refuse(&op->co_why, SD_E_INVALID_FIELD, "assignee",
				  op->co_req->rq_lang_en
					  ? "Not a technician for this municipality."
					  : "Inte tekniker för den här kommunen.")
			: rc;
	n->ts_assignee = who;
	if (!sd_input_has(op->co_req, "status")) {
		if (who != 0 && n->ts_status == SD_TS_NEW)
			n->ts_status = SD_TS_ASSIGNED;
		else if (who == 0 && n->ts_status == SD_TS_ASSIGNED)
			n->ts_status = SD_TS_NEW;
	}
	n->ts_first_response = 1;
	sd_ticket_event(events, "assigned", 1,
		json_pack("{s:o, s:o}", "from",
			old->ts_assignee ? json_integer(old->ts_assignee) : json_null(), "to",
			who ? json_integer(who) : json_null()));
	return SD_DB_OK;
}

/* Impact and urgency give the priority again, VIP step included. */
static int
change_priority(struct sd_dbc *c, struct change_op *op, const struct sd_ticket_state *old,
	struct sd_ticket_state *n, json_t *events)
{
	json_t *body = op->co_req->rq_json;
	struct sd_priority_matrix m;
	char i[4], u[4];
	const char *p[2] = {i, u};
	PGresult *res;
	int rc;

	if (json_object_get(body, "impact"))
		n->ts_impact = (int)json_integer_value(json_object_get(body, "impact"));
	if (json_object_get(body, "urgency"))
		n->ts_urgency = (int)json_integer_value(json_object_get(body, "urgency"));
	if (n->ts_impact == old->ts_impact && n->ts_urgency == old->ts_urgency)
		return SD_DB_OK;
	snprintf(i, sizeof(i), "%d", n->ts_impact);
	snprintf(u, sizeof(u), "%d", n->ts_urgency);
	res = sd_db_exec(c, &change_matrix, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK && PQntuples(res) == 1) {
		sd_priority_matrix_default(&m);
		m.pm_priority[n->ts_impact - 1][n->ts_urgency - 1] =
			(unsigned char)atoi(PQgetvalue(res, 0, 0));
		n->ts_priority = sd_ticket_priority(&m, n->ts_impact, n->ts_urgency, n->ts_vip);
	}
	PQclear(res);
	if (n->ts_priority != old->ts_priority)
		sd_ticket_event(events, "priority", 0,
			json_pack(
				"{s:i, s:i}", "from", old->ts_priority, "to", n->ts_priority));
	return rc;
}

/* The plain fields a technician may edit. */
static int
change_fields(struct sd_dbc *c, struct change_op *op, const struct sd_ticket_state *old,
	struct sd_ticket_state *n, json_t *events)
{
	struct sd_req *r = op->co_req;
	const char *v;
	int rc;

	if ((v = sd_input_str(r, "classification")) != NULL && strcmp(v, old->ts_class) != 0) {
		if (!sd_ticket_enum_ok(sd_ticket_enum("classification"), v))
			return change_refuse(
				&op->co_why, SD_E_INVALID_FIELD, "classification", "");
		snprintf(n->ts_class, sizeof(n->ts_class), "%s", v);
		sd_ticket_event(events, "classification", 0,
			json_pack("{s:s, s:s}", "from", old->ts_class, "to", v));
	}
	if (sd_input_has(r, "category")) {
		v = sd_input_str(r, "category");
		if (v != NULL && (rc = change_exists(c, &change_category, v, NULL)) != SD_DB_OK)
			return rc == SD_DB_NOTFOUND
				? change_refuse(&op->co_why, SD_E_INVALID_FIELD, "category", "")
				: rc;
		snprintf(n->ts_category, sizeof(n->ts_category), "%s", v ? v : "");
	}
	if (sd_input_has(r, "service") &&
		strcmp(v = sd_input_str(r, "service") ? sd_input_str(r, "service") : "",
			old->ts_service) != 0) {
		char tid[16];

		snprintf(tid, sizeof(tid), "%d", old->ts_tenant);
		if (*v != '\0' && (rc = change_exists(c, &change_service, v, tid)) != SD_DB_OK)
			return rc == SD_DB_NOTFOUND
				? change_refuse(&op->co_why, SD_E_INVALID_FIELD, "service", "")
				: rc;
		snprintf(n->ts_service, sizeof(n->ts_service), "%s", v);
		sd_ticket_event(events, "service", 0,
			json_pack("{s:s?, s:s?}", "from",
				old->ts_service[0] ? old->ts_service : NULL, "to",
				*v ? v : NULL));
	}
	if ((v = sd_input_str(r, "subject")) != NULL) {
		free(n->ts_subject);
		n->ts_subject = strdup(v);
	}
	if ((v = sd_input_str(r, "description")) != NULL) {
		free(n->ts_description);
		n->ts_description = strdup(v);
	}
	if (sd_input_has(r, "personal_data_breach")) {
		n->ts_pdb = json_is_true(json_object_get(r->rq_json, "personal_data_breach"));
		if (n->ts_pdb && strcmp(old->ts_type, "security_incident") != 0)
			return change_refuse(
				&op->co_why, SD_E_INVALID_FIELD, "personal_data_breach", "");
	}
	return n->ts_subject && n->ts_description ? SD_DB_OK : SD_DB_FAIL;
}

/* The requester may only touch the status. */
static int
change_requester_fields_ok(struct sd_req *r)
{
	const char *key;
	json_t *v;

	json_object_foreach(r->rq_json, key, v)
	{
		(void)v;
		if (strcmp(key, "version") != 0 && strcmp(key, "status") != 0 &&
			strcmp(key, "resolution_code") != 0 &&
			strcmp(key, "resolution_text") != 0)
			return 0;
	}
	return 1;
}

static int
change_apply(struct sd_dbc *c, struct change_op *op, const struct sd_ticket_state *old,
	struct sd_ticket_state *n, json_t *events)
{
	struct sd_req *r = op->co_req;
	int staff = sd_auth_can(r->rq_auth, "ticket.work", old->ts_tenant), rc = SD_DB_OK;

	if (!staff && !change_requester_fields_ok(r))
		return change_refuse(&op->co_why, SD_E_FORBIDDEN, NULL, NULL);
	if (staff && sd_input_has(r, "assignee") &&
		(rc = change_assignee(c, op, old, n, events)) != SD_DB_OK)
		return rc;
	if (staff && (rc = change_priority(c, op, old, n, events)) != SD_DB_OK)
		return rc;
	if (staff && (rc = change_fields(c, op, old, n, events)) != SD_DB_OK)
		return rc;
	if (sd_input_has(r, "status"))
		rc = change_status(op, old, n, staff, events);
	return rc;
}

/* Escalation: to another queue (up a line, or across teams), who and why. */
static int
change_escalate(struct change_op *op, const struct sd_ticket_state *old,
	struct sd_ticket_state *n, json_t *events)
{
	/* The support line of each queue (as in 003_tickets.sql). */
	static const struct {
		const char *q;
		int line;
	} lines[] = {{"business_systems", 2}, {"first_line", 1}, {"identity", 2},
		{"network", 2}, {"telephony", 2}, {"third_line", 3}};
	int to_line = 0;
	size_t i;

	if (!sd_auth_can(op->co_req->rq_auth, "ticket.work", old->ts_tenant))
		return change_refuse(&op->co_why, SD_E_FORBIDDEN, NULL, "");
	if (!sd_ticket_is_open(old->ts_status))
		return change_refuse(&op->co_why, SD_E_CONFLICT, "queue",
			op->co_req->rq_lang_en ? "The ticket is resolved."
					       : "Ärendet är löst.");
	if (strcmp(op->co_queue, old->ts_queue) == 0)
		return change_refuse(&op->co_why, SD_E_INVALID_FIELD, "queue",
			op->co_req->rq_lang_en ? "The ticket is already there."
					       : "Ärendet ligger redan där.");
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (strcmp(lines[i].q, op->co_queue) == 0)
			to_line = lines[i].line;
	snprintf(n->ts_queue, sizeof(n->ts_queue), "%s", op->co_queue);
	if (to_line > old->ts_line)
		n->ts_escalated = 1;
	n->ts_assignee = 0;
	n->ts_status = SD_TS_NEW;
	n->ts_first_response = 1;
	sd_ticket_event(events, "escalated", 0,
		json_pack("{s:s, s:s, s:s, s:i, s:i}", "from", old->ts_queue, "to",
			op->co_queue, "reason", op->co_reason, "from_line", old->ts_line,
			"to_line", to_line));
	sd_ticket_event(events, "forwarded", 1, json_pack("{s:s}", "queue", op->co_queue));
	return SD_DB_OK;
}

/* A ticket that fulfils an order delivers or cancels it when it is done. */
static int
change_order(struct sd_dbc *c, struct change_op *op, const struct sd_ticket_state *old,
	const struct sd_ticket_state *n)
{
	struct sd_order_why why;
	int rc;

	if (n->ts_status == old->ts_status || !sd_ticket_is_open(old->ts_status) ||
		sd_ticket_is_open(n->ts_status))
		return SD_DB_OK;
	memset(&why, 0, sizeof(why));
	rc = sd_db_order_ticket_done(c, op->co_req, old->ts_id, n->ts_res_code, &why);
	if (rc != SD_DB_OK && why.ow_set)
		return change_refuse(&op->co_why, why.ow_code, "status",
			op->co_req->rq_lang_en ? why.ow_en : why.ow_sv);
	return rc;
}

static int
change_run(struct sd_dbc *c, void *arg)
{
	struct change_op *op = arg;
	struct sd_ticket_state old, n;
	json_t *events = json_array();
	int rc;

	json_decref(op->co_row.tr_json);
	op->co_row.tr_json = NULL;
	if ((rc = sd_db_ticket_lock(c, op->co_number, &old)) != SD_DB_OK) {
		json_decref(events);
		return rc;
	}
	if (sd_ticket_state_copy(&n, &old) < 0) {
		rc = SD_DB_FAIL;
	} else if (!op->co_escalate &&
		json_integer_value(json_object_get(op->co_req->rq_json, "version")) !=
			old.ts_version) {
		rc = change_refuse(&op->co_why, SD_E_CONFLICT, "version",
			op->co_req->rq_lang_en
				? "Someone else changed the ticket; reload it."
				: "Någon annan har ändrat ärendet; ladda om det.");
	} else {
		rc = op->co_escalate ? change_escalate(op, &old, &n, events)
				     : change_apply(c, op, &old, &n, events);
		if (rc == SD_DB_OK && !op->co_escalate)
			rc = change_order(c, op, &old, &n);
		if (rc == SD_DB_OK && json_array_size(events) > 0)
			rc = sd_db_ticket_save(
				c, &old, &n, events, op->co_req->rq_auth->au_person);
		if (rc == SD_DB_OK)
			rc = sd_db_ticket_read(c, op->co_number, &op->co_row);
	}
	json_decref(events);
	sd_ticket_state_free(&old);
	sd_ticket_state_free(&n);
	return rc;
}

static enum MHD_Result
change_reply(struct sd_req *r, struct change_op *op, int rc)
{
	if (rc == SD_DB_OK) {
		sd_ticket_json_moves(op->co_row.tr_json, r->rq_auth, op->co_row.tr_tenant,
			op->co_row.tr_status, op->co_row.tr_is_requester);
		return sd_reply_json(r, 200, op->co_row.tr_json);
	}
	json_decref(op->co_row.tr_json);
	if (rc == SD_DB_NOTFOUND)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	if (rc == SD_DB_CONFLICT && op->co_why.cw_allowed != NULL) {
		const struct sd_error_info *ei = sd_error_info(SD_E_CONFLICT);

		return sd_reply_json(r, ei->ei_status,
			json_pack("{s:{s:s, s:s, s:s, s:o}}", "error", "code", ei->ei_code,
				"message", op->co_why.cw_msg, "field", "status", "allowed",
				op->co_why.cw_allowed));
	}
	if (rc == SD_DB_CONFLICT)
		return sd_reply_error(r, op->co_why.cw_code, op->co_why.cw_field,
			op->co_why.cw_msg[0] ? "%s" : NULL, op->co_why.cw_msg);
	return sd_reply_db_error(r, rc);
}

enum MHD_Result
sd_api_ticket_patch(struct sd_req *r)
{
	struct change_op op;
	struct sd_scope sc;
	enum MHD_Result ret;
	int rc;

	if (sd_input_check(r, patch_fields, &ret) < 0)
		return ret;
	memset(&op, 0, sizeof(op));
	op.co_req = r;
	op.co_number = r->rq_params[0];
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, change_run, &op);
	return change_reply(r, &op, rc);
}

static const struct sd_field escalate_fields[] = {
	{"queue", SD_FT_STRING, SD_FF_REQUIRED, 1, 32},
	{"reason", SD_FT_STRING, SD_FF_REQUIRED, 1, 2000},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

enum MHD_Result
sd_api_ticket_escalate(struct sd_req *r)
{
	struct change_op op;
	struct sd_scope sc;
	enum MHD_Result ret;
	int rc;

	if (sd_input_check(r, escalate_fields, &ret) < 0)
		return ret;
	if (!sd_ticket_enum_ok(sd_ticket_enum("queue"), sd_input_str(r, "queue")))
		return sd_reply_error(r, SD_E_INVALID_FIELD, "queue", NULL);
	memset(&op, 0, sizeof(op));
	op.co_req = r;
	op.co_number = r->rq_params[0];
	op.co_escalate = 1;
	op.co_queue = sd_input_str(r, "queue");
	op.co_reason = sd_input_str(r, "reason");
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, change_run, &op);
	return change_reply(r, &op, rc);
}
