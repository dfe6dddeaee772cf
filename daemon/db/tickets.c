/*
 * db/tickets.c: creating and reading tickets.  Every function runs inside
 * the caller's transaction (sd_db_txn), whose scope row-level security
 * checks: a ticket the caller may not see is simply not found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

/*
 * The requester as they are now, the priority matrix, the routing, and
 * what the new ticket's clocks are computed from: the transaction's now()
 * (the ticket's created_at), each queue's line and the SLA rules' stamp.
 */
static const struct sd_stmt ticket_prepare = {"ticket_prepare",
	"SELECT p.tenant_id, p.active, EXISTS (SELECT 1 FROM vip_people v WHERE v.person_id = "
	"p.id), (SELECT json_agg(json_build_array(impact, urgency, priority)) FROM "
	"priority_matrix), coalesce((SELECT queue FROM categories WHERE code = $2 AND active), "
	"'first_line'), EXISTS (SELECT 1 FROM categories WHERE code = $2 AND active), "
	"extract(year "
	"FROM now() AT TIME ZONE 'Europe/Stockholm')::int, (SELECT code FROM "
	"sdesk_public_tenants() x WHERE x.id = p.tenant_id), (SELECT s.id FROM services s "
	"WHERE s.code = $3 AND s.active AND EXISTS (SELECT 1 FROM service_offerings o WHERE "
	"o.service_id = s.id AND o.tenant_id = p.tenant_id)), (SELECT s.queue FROM services s "
	"WHERE s.code = $3), floor(extract(epoch FROM now()))::bigint, (SELECT "
	"json_object_agg(code, line) FROM queues), (SELECT n FROM sla_config_stamp) FROM "
	"people p WHERE p.id = $1",
	3};

/*
 * Case number, ticket (with its nearest SLA deadline) and its first event
 * in one round trip.
 */
static const struct sd_stmt ticket_insert = {"ticket_insert",
	"WITH n AS (SELECT sdesk_case_number($1::integer, $17::integer) AS last), t AS (INSERT "
	"INTO tickets "
	"(tenant_id, number, type, personal_data_breach, requester_id, registered_by, channel, "
	"department_id, cost_centre_id, category, subject, description, impact, urgency, "
	"priority, "
	"vip, classification, queue, service_id, order_id, sla_due) SELECT $1, $2 || '-' || "
	"$17::text "
	"|| "
	"'-' || CASE WHEN "
	"n.last < "
	"1000000 THEN lpad(n.last::text, 6, '0') ELSE n.last::text END, $3, $4::boolean, $5, "
	"nullif($6, '0')::bigint, $7, p.department_id, coalesce(nullif($21, '0')::bigint, "
	"p.cost_centre_id), $8, $9, $10, $11, $12, $13, $14::boolean, $15, $16, nullif($19, "
	"'0')::bigint, nullif($20, '0')::bigint, to_timestamp($22::bigint) FROM n, people p "
	"WHERE p.id = $5 RETURNING *), "
	"e AS "
	"(INSERT "
	"INTO ticket_events (tenant_id, ticket_id, actor_id, kind, public, data) SELECT "
	"t.tenant_id, t.id, nullif($18, '0')::bigint, 'created', true, json_build_object("
	"'channel', t.channel, 'priority', t.priority, 'queue', t.queue) FROM t) SELECT t.id, "
	"t.number FROM t",
	22};

static const struct sd_stmt ticket_idem_get = {"ticket_idem_get",
	"SELECT t.number, k.request_hash FROM idempotency_keys k JOIN tickets t ON t.id = "
	"k.ticket_id WHERE k.actor = $1 AND k.key = $2",
	2};

static const struct sd_stmt ticket_idem_put = {"ticket_idem_put",
	"INSERT INTO idempotency_keys (actor, key, tenant_id, request_hash, ticket_id) VALUES "
	"($1, "
	"$2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1",
	5};

/*
 * The stored document (009_ticket_doc.sql), what the handlers check, and
 * the requester's rating: one plan over one row.  With its SLA clocks, or
 * (_plain) for a caller whom the clocks' policy shows none.
 */
#define TICKET_JSON(doc) TICKET_SELECT(doc, "")
#define TICKET_SELECT(doc, more)                                                               \
	"SELECT " doc ", t.id, t.tenant_id, t.classification, t.status, t.requester_id = "     \
	"sdesk_user_id(), t.version, coalesce(floor(extract(epoch FROM "                       \
	"t.resolved_at))::bigint, "                                                            \
	"0), (SELECT json_build_object('score', r.score, 'comment', r.comment, 'rated_at', "   \
	"to_char(r.updated_at AT TIME ZONE 'UTC', " SD_SQL_RFC3339 ")) FROM ticket_ratings r " \
	"WHERE r.ticket_id = t.id)" more " FROM tickets t WHERE t.number = $1"

static const struct sd_stmt ticket_json = {
	"ticket_json", TICKET_JSON("sdesk_with_sla(t.doc, t.id)"), 1};

/* For sd_db_ticket_get: the document and the clocks' stored figures apart. */
static const struct sd_stmt ticket_doc = {
	"ticket_doc", TICKET_SELECT("t.doc", ", sdesk_sla_raw(t.id)"), 1};
static const struct sd_stmt ticket_doc_plain = {"ticket_doc_plain", TICKET_JSON("t.doc"), 1};

/* Parses the priority matrix JSON [[impact, urgency, priority], ...]. */
static void
tickets_matrix(const char *text, struct sd_priority_matrix *m)
{
	json_t *arr = json_loads(text, 0, NULL), *cell;
	size_t i;

	sd_priority_matrix_default(m);
	json_array_foreach(arr, i, cell)
	{
		json_int_t im = json_integer_value(json_array_get(cell, 0));
		json_int_t ur = json_integer_value(json_array_get(cell, 1));
		json_int_t pr = json_integer_value(json_array_get(cell, 2));

		if (im >= 1 && im <= 3 && ur >= 1 && ur <= 3 && pr >= 1 && pr <= 4)
			m->pm_priority[im - 1][ur - 1] = (unsigned char)pr;
	}
	json_decref(arr);
}

/* The line of queue in {"code": line, ...}; 1 (first line) when not there. */
static int
tickets_line(const char *lines, const char *queue)
{
	json_t *map = json_loads(lines, 0, NULL);
	json_int_t line = json_integer_value(json_object_get(map, queue));

	json_decref(map);
	return line >= 1 && line <= 3 ? (int)line : 1;
}

/* Checks the requester and works out priority, VIP, queue and line. */
static int
tickets_prepare(struct sd_dbc *c, struct sd_ticket_new *tn, int *year)
{
	char rid[24];
	const char *p[3] = {rid, tn->tn_category ? tn->tn_category : "",
		tn->tn_service_code ? tn->tn_service_code : ""};
	struct sd_priority_matrix m;
	PGresult *res;
	int rc;

	snprintf(rid, sizeof(rid), "%lld", tn->tn_requester);
	res = sd_db_exec(c, &ticket_prepare, p);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK)
		goto out;
	if (PQntuples(res) != 1 || PQgetvalue(res, 0, 1)[0] != 't') {
		tn->tn_error = "requester";
		rc = SD_DB_NOTFOUND;
		goto out;
	}
	if (tn->tn_category != NULL && PQgetvalue(res, 0, 5)[0] != 't') {
		tn->tn_error = "category";
		rc = SD_DB_NOTFOUND;
		goto out;
	}
	/* A service of the catalogue that the requester's municipality offers. */
	if (tn->tn_service_code != NULL) {
		if (PQgetisnull(res, 0, 8)) {
			tn->tn_error = "service";
			rc = SD_DB_NOTFOUND;
			goto out;
		}
		tn->tn_service = atoll(PQgetvalue(res, 0, 8));
	}
	/* The ticket belongs to the requester's municipality. */
	tn->tn_tenant = atoi(PQgetvalue(res, 0, 0));
	snprintf(tn->tn_tenant_code, sizeof(tn->tn_tenant_code), "%s", PQgetvalue(res, 0, 7));
	tn->tn_vip = PQgetvalue(res, 0, 2)[0] == 't';
	tickets_matrix(PQgetvalue(res, 0, 3), &m);
	tn->tn_priority = sd_ticket_priority(&m, tn->tn_impact, tn->tn_urgency, tn->tn_vip);
	/* Routing: the queue asked for, else the service's, else the category's. */
	if (tn->tn_queue == NULL && tn->tn_service_code != NULL)
		snprintf(tn->tn_queue_buf, sizeof(tn->tn_queue_buf), "%s",
			PQgetvalue(res, 0, 9));
	else if (tn->tn_queue == NULL)
		snprintf(tn->tn_queue_buf, sizeof(tn->tn_queue_buf), "%s",
			PQgetvalue(res, 0, 4));
	else
		snprintf(tn->tn_queue_buf, sizeof(tn->tn_queue_buf), "%s", tn->tn_queue);
	*year = atoi(PQgetvalue(res, 0, 6));
	tn->tn_created = atoll(PQgetvalue(res, 0, 10));
	tn->tn_line = tickets_line(PQgetvalue(res, 0, 11), tn->tn_queue_buf);
	tn->tn_sla_stamp = atoll(PQgetvalue(res, 0, 12));
out:
	PQclear(res);
	return rc;
}

/* A retried create: the ticket of the first attempt, or a conflict. */
static int
tickets_idem_lookup(struct sd_dbc *c, struct sd_ticket_new *tn)
{
	const char *p[2] = {tn->tn_idem_actor, tn->tn_idem_key};
	PGresult *res;
	int rc;

	if (tn->tn_idem_key == NULL)
		return SD_DB_NOTFOUND;
	res = sd_db_exec(c, &ticket_idem_get, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK) {
		if (PQntuples(res) == 0) {
			rc = SD_DB_NOTFOUND;
		} else if (strcmp(PQgetvalue(res, 0, 1), tn->tn_idem_hash) != 0) {
			tn->tn_error = "Idempotency-Key";
			rc = SD_DB_CONFLICT;
		} else {
			snprintf(tn->tn_number, sizeof(tn->tn_number), "%s",
				PQgetvalue(res, 0, 0));
			tn->tn_replayed = 1;
		}
	}
	PQclear(res);
	return rc;
}

int
sd_db_ticket_prepare(struct sd_dbc *c, struct sd_ticket_new *tn)
{
	int rc;

	tn->tn_replayed = 0;
	if ((rc = tickets_idem_lookup(c, tn)) != SD_DB_NOTFOUND)
		return rc;
	return tickets_prepare(c, tn, &tn->tn_year);
}

int
sd_db_ticket_insert(struct sd_dbc *c, struct sd_ticket_new *tn)
{
	char tid[16], pdb[2], reg[24], rid[24], imp[4], urg[4], prio[4], vip[2], year[8],
		actor[24], id[24], svc[24], ord[24], cc[24], due_at[24];
	const char *p[22];
	json_t *clocks;
	PGresult *res;
	int64_t due;
	int rc, y = tn->tn_year;

	/* The clocks first: the deadline goes in with the ticket. */
	if ((rc = sd_db_sla_fresh(c, tn, &due, &clocks)) != SD_DB_OK)
		return rc;
	snprintf(due_at, sizeof(due_at), "%lld", (long long)due);
	p[21] = due != SLA_TIME_NEVER ? due_at : NULL;
	snprintf(tid, sizeof(tid), "%d", tn->tn_tenant);
	snprintf(pdb, sizeof(pdb), "%d", tn->tn_pdb ? 1 : 0);
	snprintf(rid, sizeof(rid), "%lld", tn->tn_requester);
	snprintf(reg, sizeof(reg), "%lld", tn->tn_registered_by);
	snprintf(imp, sizeof(imp), "%d", tn->tn_impact);
	snprintf(urg, sizeof(urg), "%d", tn->tn_urgency);
	snprintf(prio, sizeof(prio), "%d", tn->tn_priority);
	snprintf(vip, sizeof(vip), "%d", tn->tn_vip);
	snprintf(year, sizeof(year), "%d", y);
	snprintf(actor, sizeof(actor), "%lld", tn->tn_actor);
	p[0] = tid;
	p[1] = tn->tn_tenant_code; /* filled by tickets_prepare */
	p[2] = tn->tn_type;
	p[3] = pdb;
	p[4] = rid;
	p[5] = reg;
	p[6] = tn->tn_channel;
	p[7] = tn->tn_category;
	p[8] = tn->tn_subject;
	p[9] = tn->tn_description;
	p[10] = imp;
	p[11] = urg;
	p[12] = prio;
	p[13] = vip;
	p[14] = tn->tn_classification;
	p[15] = tn->tn_queue_buf;
	p[16] = year;
	p[17] = actor;
	snprintf(svc, sizeof(svc), "%lld", tn->tn_service);
	snprintf(ord, sizeof(ord), "%lld", tn->tn_order);
	snprintf(cc, sizeof(cc), "%lld", tn->tn_cost_centre);
	p[18] = svc;
	p[19] = ord;
	p[20] = cc;
	res = sd_db_exec(c, &ticket_insert, p);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK || PQntuples(res) != 1) {
		PQclear(res);
		json_decref(clocks);
		return rc != SD_DB_OK ? rc : SD_DB_FAIL;
	}
	snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
	snprintf(tn->tn_number, sizeof(tn->tn_number), "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	if (tn->tn_idem_key != NULL) {
		const char *q[5] = {
			tn->tn_idem_actor, tn->tn_idem_key, tid, tn->tn_idem_hash, id};

		res = sd_db_exec(c, &ticket_idem_put, q);
		rc = sd_db_result_rc(c, res);
		if (rc == SD_DB_OK && PQntuples(res) == 0)
			rc = SD_DB_RETRY; /* a twin request won the race: answer with its ticket */
		PQclear(res);
	}
	if (rc != SD_DB_OK || clocks == NULL) {
		json_decref(clocks);
		return rc;
	}
	json_object_set_new(clocks, "ticket", json_integer(atoll(id)));
	return sd_db_sla_store(c, clocks, 1);
}

/* The columns after the document, which every ticket_json row has. */
static int
ticket_row_meta(PGresult *res, struct sd_ticket_row *out)
{
	if (PQntuples(res) != 1)
		return SD_DB_NOTFOUND;
	out->tr_id = atoll(PQgetvalue(res, 0, 1));
	out->tr_tenant = atoi(PQgetvalue(res, 0, 2));
	snprintf(out->tr_class, sizeof(out->tr_class), "%s", PQgetvalue(res, 0, 3));
	out->tr_status = sd_ticket_status_parse(PQgetvalue(res, 0, 4));
	out->tr_is_requester = PQgetvalue(res, 0, 5)[0] == 't';
	out->tr_version = atoi(PQgetvalue(res, 0, 6));
	out->tr_resolved_at = atoll(PQgetvalue(res, 0, 7));
	return SD_DB_OK;
}

/* Fills out from ticket_json's one row; the SLA clocks are decorated after. */
static int
ticket_row(PGresult *res, struct sd_ticket_row *out)
{
	json_t *rating;
	int rc;

	if ((rc = ticket_row_meta(res, out)) != SD_DB_OK)
		return rc;
	if ((out->tr_json = json_loads(PQgetvalue(res, 0, 0), 0, NULL)) == NULL)
		return SD_DB_FAIL;
	rating = PQgetisnull(res, 0, 8) ? json_null()
					: json_loads(PQgetvalue(res, 0, 8), 0, NULL);
	if (rating == NULL)
		return SD_DB_FAIL;
	json_object_set_new(out->tr_json, "rating", rating);
	return SD_DB_OK;
}

int
sd_db_ticket_read_as(
	struct sd_dbc *c, const char *number, int clocks, struct sd_ticket_row *out)
{
	const char *p[1] = {number};
	PGresult *res;
	int rc;

	memset(out, 0, sizeof(*out));
	res = sd_db_exec(c, clocks ? &ticket_json : &ticket_doc_plain, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK)
		rc = ticket_row(res, out);
	PQclear(res);
	if (rc == SD_DB_OK && clocks)
		sd_db_sla_decorate(c, out->tr_json);
	return rc;
}

int
sd_db_ticket_read(struct sd_dbc *c, const char *number, struct sd_ticket_row *out)
{
	return sd_db_ticket_read_as(c, number, 1, out);
}

/* The stored clocks (JSON text), finished for now. */
static json_t *
ticket_sla(struct sd_db *db, const struct sd_scope *scope, const char *raw)
{
	json_t *w = json_object(), *sla;

	if (w == NULL || json_object_set_new(w, "sla", json_loads(raw, 0, NULL)) < 0) {
		json_decref(w);
		return NULL;
	}
	sd_sla_decorate_db(db, scope, w);
	sla = json_incref(json_object_get(w, "sla"));
	json_decref(w);
	return sla;
}

int
sd_db_ticket_get(struct sd_db *db, const struct sd_scope *scope, const char *number, int clocks,
	struct sd_ticket_row *out)
{
	const char *p[1] = {number};
	PGresult *res;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = sd_db_read(db, scope, clocks ? &ticket_doc : &ticket_doc_plain, p, &res);
	if (rc == SD_DB_OK && (rc = ticket_row_meta(res, out)) == SD_DB_OK) {
		out->tr_doc = strdup(PQgetvalue(res, 0, 0));
		out->tr_rating = PQgetisnull(res, 0, 8) ? NULL : strdup(PQgetvalue(res, 0, 8));
		if (out->tr_doc == NULL || (!PQgetisnull(res, 0, 8) && out->tr_rating == NULL))
			rc = SD_DB_FAIL;
		else if (clocks && !PQgetisnull(res, 0, 9) &&
			(out->tr_sla = ticket_sla(db, scope, PQgetvalue(res, 0, 9))) == NULL)
			rc = SD_DB_FAIL;
	}
	PQclear(res);
	if (rc != SD_DB_OK)
		sd_ticket_row_clear(out);
	return rc;
}

void
sd_ticket_row_clear(struct sd_ticket_row *row)
{
	json_decref(row->tr_json);
	json_decref(row->tr_sla);
	free(row->tr_doc);
	free(row->tr_rating);
	row->tr_json = row->tr_sla = NULL;
	row->tr_doc = row->tr_rating = NULL;
}
