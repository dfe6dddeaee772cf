/*
 * api/ticket_entries.c: what is said and logged on a ticket.
 *
 *   GET/POST /api/v1/tickets/{number}/entries   public replies, internal notes, time
 *   GET      /api/v1/tickets/{number}/history   every change (requesters: the public part)
 *   GET/POST /api/v1/tickets/{number}/links     parent/child, duplicate-of, caused-by
 *   DELETE   /api/v1/tickets/{number}/links/{id}
 *
 * A requester's reply to a ticket waiting for them puts it back to work; a
 * technician's first public reply is the first response.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_field entry_fields[] = {
	{"kind", SD_FT_STRING, 0, 4, 5},
	{"body", SD_FT_STRING, SD_FF_REQUIRED, 1, 20000},
	{"minutes", SD_FT_INT, 0, 0, 1440},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

static const struct sd_stmt entry_add = {"entry_add",
	"INSERT INTO ticket_entries (tenant_id, ticket_id, author_id, kind, body, minutes) "
	"VALUES "
	"($1, $2, $3, $4, $5, $6) RETURNING json_build_object('id', id, 'kind', kind, 'body', "
	"body, "
	"'minutes', minutes, 'author', (SELECT card FROM person_cards WHERE id = author_id), "
	"'created_at', created_at)",
	6};

static const struct sd_stmt entries_list = {"entries_list",
	"SELECT coalesce(json_agg(json_build_object('id', e.id, 'kind', e.kind, 'body', "
	"e.body, "
	"'minutes', e.minutes, 'author', (SELECT card FROM person_cards WHERE id = "
	"e.author_id), 'created_at', e.created_at) "
	"ORDER BY e.id), '[]') FROM ticket_entries e WHERE e.ticket_id = $1",
	1};

static const struct sd_stmt history_list = {"history_list",
	"SELECT coalesce(json_agg(json_build_object('at', e.at, 'kind', e.kind, 'public', "
	"e.public, 'actor', (SELECT card FROM person_cards WHERE id = e.actor_id), 'data', "
	"e.data) ORDER BY e.id), '[]') "
	"FROM ticket_events e WHERE e.ticket_id = $1",
	1};

static const struct sd_stmt links_list = {"links_list",
	"SELECT coalesce(json_agg(x ORDER BY x->>'ticket'), '[]') FROM (SELECT "
	"json_build_object('id', l.id, 'kind', l.kind, 'ticket', o.number, 'subject', "
	"o.subject, "
	"'status', o.status) AS x FROM ticket_links l JOIN tickets o ON o.id = l.other_id "
	"WHERE "
	"l.ticket_id = $1 UNION ALL SELECT json_build_object('id', l.id, 'kind', CASE l.kind "
	"WHEN "
	"'parent_of' THEN 'child_of' WHEN 'child_of' THEN 'parent_of' WHEN 'duplicate_of' THEN "
	"'duplicated_by' ELSE 'causes' END, 'ticket', o.number, 'subject', o.subject, "
	"'status', "
	"o.status) FROM ticket_links l JOIN tickets o ON o.id = l.ticket_id WHERE l.other_id = "
	"$1) "
	"y",
	1};

static const struct sd_stmt link_add = {"link_add",
	"INSERT INTO ticket_links (tenant_id, ticket_id, other_id, kind, created_by) SELECT "
	"$1, $2, "
	"o.id, $4, $5 FROM tickets o WHERE o.number = $3 ON CONFLICT DO NOTHING RETURNING id",
	5};

static const struct sd_stmt link_drop = {"link_drop",
	"DELETE FROM ticket_links WHERE id = $1 AND (ticket_id = $2 OR other_id = $2) "
	"RETURNING "
	"kind",
	2};

/* A request on one ticket, and what it produced. */
struct entry_op {
	struct sd_req *eo_req;
	const struct sd_stmt *eo_list; /* for GET: which list */
	char *eo_text;                 /* the JSON to answer with */
	enum sd_error_code eo_err;
	const char *eo_field;
};

/* Runs st with (ticket id) and keeps its one JSON value. */
static int
entry_fetch(struct sd_dbc *c, const struct sd_stmt *st, long long id, char **out)
{
	char tid[24];
	const char *p[1] = {tid};
	PGresult *res;
	int rc;

	snprintf(tid, sizeof(tid), "%lld", id);
	res = sd_db_exec(c, st, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK) {
		free(*out);
		*out = strdup(PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	return rc == SD_DB_OK && *out == NULL ? SD_DB_FAIL : rc;
}

static int
entry_list_run(struct sd_dbc *c, void *arg)
{
	struct entry_op *op = arg;
	struct sd_ticket_row row;
	int rc;

	if ((rc = sd_db_ticket_read(c, op->eo_req->rq_params[0], &row)) != SD_DB_OK)
		return rc;
	json_decref(row.tr_json);
	return entry_fetch(c, op->eo_list, row.tr_id, &op->eo_text);
}

static enum MHD_Result
entry_reply(struct sd_req *r, struct entry_op *op, int rc, unsigned status, const char *key)
{
	json_t *v;

	if (rc != SD_DB_OK) {
		free(op->eo_text);
		if (rc == SD_DB_NOTFOUND)
			return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
		if (rc == SD_DB_CONFLICT)
			return sd_reply_error(r, op->eo_err, op->eo_field, NULL);
		return sd_reply_db_error(r, rc);
	}
	v = json_loads(op->eo_text, 0, NULL);
	free(op->eo_text);
	if (v == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	return sd_reply_json(r, status, key ? json_pack("{s:o}", key, v) : v);
}

static enum MHD_Result
entry_list(struct sd_req *r, const struct sd_stmt *st, const char *key)
{
	struct entry_op op;
	struct sd_scope sc;
	int rc;

	memset(&op, 0, sizeof(op));
	op.eo_req = r;
	op.eo_list = st;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, entry_list_run, &op);
	return entry_reply(r, &op, rc, 200, key);
}

enum MHD_Result
sd_api_ticket_entries(struct sd_req *r)
{
	return entry_list(r, &entries_list, "entries");
}

enum MHD_Result
sd_api_ticket_history(struct sd_req *r)
{
	return entry_list(r, &history_list, "history");
}

enum MHD_Result
sd_api_ticket_links(struct sd_req *r)
{
	return entry_list(r, &links_list, "links");
}

static int
entry_refuse(struct entry_op *op, enum sd_error_code code, const char *field)
{
	op->eo_err = code;
	op->eo_field = field;
	return SD_DB_CONFLICT;
}

/* The reply moves the ticket on: back to work, or first response. */
static int
entry_follow_up(
	struct sd_dbc *c, struct sd_ticket_state *old, int staff, int public, long long actor)
{
	struct sd_ticket_state n;
	json_t *events;
	int rc;

	if (sd_ticket_state_copy(&n, old) < 0)
		return SD_DB_FAIL;
	events = json_array();
	if (!staff && old->ts_status == SD_TS_WAITING_REQUESTER) {
		n.ts_status = SD_TS_IN_PROGRESS;
		sd_ticket_event(events, "status", 1,
			json_pack("{s:s, s:s}", "from", "waiting_requester", "to",
				"in_progress"));
	}
	if (staff && public && !old->ts_first_response)
		n.ts_first_response = 1;
	rc = sd_db_ticket_save(c, old, &n, events, actor);
	json_decref(events);
	sd_ticket_state_free(&n);
	return rc;
}

static int
entry_add_run(struct sd_dbc *c, void *arg)
{
	struct entry_op *op = arg;
	struct sd_req *r = op->eo_req;
	const char *kind = sd_input_str(r, "kind") ? sd_input_str(r, "kind") : "reply";
	json_t *mj = json_object_get(r->rq_json, "minutes");
	char tid[16], id[24], author[24], minutes[8];
	const char *p[6] = {tid, id, author, kind, sd_input_str(r, "body"), minutes};
	struct sd_ticket_state t;
	PGresult *res;
	int rc, staff;

	if ((rc = sd_db_ticket_lock(c, r->rq_params[0], &t)) != SD_DB_OK)
		return rc;
	staff = sd_auth_can(r->rq_auth, "ticket.work", t.ts_tenant);
	if (t.ts_status == SD_TS_CLOSED)
		rc = entry_refuse(op, SD_E_CONFLICT, NULL);
	else if (!staff && (strcmp(kind, "note") == 0 || json_integer_value(mj) > 0))
		rc = entry_refuse(
			op, SD_E_FORBIDDEN, strcmp(kind, "note") == 0 ? "kind" : "minutes");
	if (rc == SD_DB_OK) {
		snprintf(tid, sizeof(tid), "%d", t.ts_tenant);
		snprintf(id, sizeof(id), "%lld", t.ts_id);
		snprintf(author, sizeof(author), "%lld", r->rq_auth->au_person);
		snprintf(minutes, sizeof(minutes), "%lld", (long long)json_integer_value(mj));
		res = sd_db_exec(c, &entry_add, p);
		if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK)
			op->eo_text = strdup(PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	if (rc == SD_DB_OK) {
		json_t *ev = json_array();

		sd_ticket_event(ev, kind, strcmp(kind, "reply") == 0,
			json_pack("{s:I}", "minutes", (json_int_t)json_integer_value(mj)));
		rc = sd_db_ticket_events(c, t.ts_tenant, t.ts_id, r->rq_auth->au_person, ev);
		json_decref(ev);
	}
	if (rc == SD_DB_OK)
		rc = entry_follow_up(
			c, &t, staff, strcmp(kind, "reply") == 0, r->rq_auth->au_person);
	sd_ticket_state_free(&t);
	return rc;
}

enum MHD_Result
sd_api_ticket_entry_add(struct sd_req *r)
{
	struct entry_op op;
	struct sd_scope sc;
	enum MHD_Result ret;
	const char *kind;
	int rc;

	if (sd_input_check(r, entry_fields, &ret) < 0)
		return ret;
	kind = sd_input_str(r, "kind");
	if (kind != NULL && strcmp(kind, "reply") != 0 && strcmp(kind, "note") != 0)
		return sd_reply_error(r, SD_E_INVALID_FIELD, "kind", NULL);
	memset(&op, 0, sizeof(op));
	op.eo_req = r;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, entry_add_run, &op);
	return entry_reply(r, &op, rc, 201, NULL);
}

static const struct sd_field link_fields[] = {
	{"kind", SD_FT_STRING, SD_FF_REQUIRED, 1, 16},
	{"ticket", SD_FT_STRING, SD_FF_REQUIRED, 1, 32},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

static int
link_add_run(struct sd_dbc *c, void *arg)
{
	struct entry_op *op = arg;
	struct sd_req *r = op->eo_req;
	char tid[16], id[24], by[24];
	const char *p[5] = {tid, id, sd_input_str(r, "ticket"), sd_input_str(r, "kind"), by};
	struct sd_ticket_row other;
	struct sd_ticket_state t;
	json_t *ev;
	PGresult *res;
	int rc;

	if ((rc = sd_db_ticket_lock(c, r->rq_params[0], &t)) != SD_DB_OK)
		return rc;
	if (!sd_auth_can(r->rq_auth, "ticket.work", t.ts_tenant))
		rc = entry_refuse(op, SD_E_FORBIDDEN, NULL);
	else if ((rc = sd_db_ticket_read(c, p[2], &other)) == SD_DB_NOTFOUND)
		rc = entry_refuse(op, SD_E_INVALID_FIELD, "ticket");
	if (rc == SD_DB_OK) {
		json_decref(other.tr_json);
		if (other.tr_id == t.ts_id)
			rc = entry_refuse(op, SD_E_INVALID_FIELD, "ticket");
	}
	if (rc == SD_DB_OK) {
		snprintf(tid, sizeof(tid), "%d", t.ts_tenant);
		snprintf(id, sizeof(id), "%lld", t.ts_id);
		snprintf(by, sizeof(by), "%lld", r->rq_auth->au_person);
		res = sd_db_exec(c, &link_add, p);
		if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK && PQntuples(res) == 0)
			rc = entry_refuse(op, SD_E_CONFLICT, "ticket");
		PQclear(res);
	}
	if (rc == SD_DB_OK) {
		ev = json_array();
		sd_ticket_event(
			ev, "link", 0, json_pack("{s:s, s:s}", "kind", p[3], "ticket", p[2]));
		rc = sd_db_ticket_events(c, t.ts_tenant, t.ts_id, r->rq_auth->au_person, ev);
		json_decref(ev);
	}
	if (rc == SD_DB_OK)
		rc = entry_fetch(c, &links_list, t.ts_id, &op->eo_text);
	sd_ticket_state_free(&t);
	return rc;
}

enum MHD_Result
sd_api_ticket_link_add(struct sd_req *r)
{
	static const char *const kinds[] = {
		"caused_by", "child_of", "duplicate_of", "parent_of", NULL};
	struct entry_op op;
	struct sd_scope sc;
	enum MHD_Result ret;
	int rc;

	if (sd_input_check(r, link_fields, &ret) < 0)
		return ret;
	if (!sd_ticket_enum_ok(kinds, sd_input_str(r, "kind")))
		return sd_reply_error(r, SD_E_INVALID_FIELD, "kind", NULL);
	memset(&op, 0, sizeof(op));
	op.eo_req = r;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, link_add_run, &op);
	return entry_reply(r, &op, rc, 201, "links");
}

static int
link_drop_run(struct sd_dbc *c, void *arg)
{
	struct entry_op *op = arg;
	struct sd_req *r = op->eo_req;
	char id[24], tid[24];
	const char *p[2] = {r->rq_params[1], tid};
	struct sd_ticket_state t;
	PGresult *res;
	int rc;

	if ((rc = sd_db_ticket_lock(c, r->rq_params[0], &t)) != SD_DB_OK)
		return rc;
	snprintf(tid, sizeof(tid), "%lld", t.ts_id);
	snprintf(id, sizeof(id), "%s", r->rq_params[1]);
	if (strspn(id, "0123456789") != strlen(id) ||
		!sd_auth_can(r->rq_auth, "ticket.work", t.ts_tenant)) {
		sd_ticket_state_free(&t);
		return SD_DB_NOTFOUND;
	}
	res = sd_db_exec(c, &link_drop, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK && PQntuples(res) == 0)
		rc = SD_DB_NOTFOUND;
	PQclear(res);
	if (rc == SD_DB_OK) {
		json_t *ev = json_array();

		sd_ticket_event(ev, "unlink", 0, json_pack("{s:s}", "link", id));
		rc = sd_db_ticket_events(c, t.ts_tenant, t.ts_id, r->rq_auth->au_person, ev);
		json_decref(ev);
	}
	sd_ticket_state_free(&t);
	return rc;
}

enum MHD_Result
sd_api_ticket_link_drop(struct sd_req *r)
{
	struct entry_op op;
	struct sd_scope sc;
	int rc;

	memset(&op, 0, sizeof(op));
	op.eo_req = r;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, link_drop_run, &op);
	if (rc != SD_DB_OK)
		return entry_reply(r, &op, rc, 204, NULL);
	return sd_reply_buf(r, 204, "application/json", "", 0);
}
