/*
 * db/ticket_update.c: changing a ticket.  The row is locked and read into a
 * struct; the caller (api/ticket_*.c) decides with the rules in
 * ticket_rules.c what the new state is; sd_db_ticket_save writes it back
 * with its history events, only if nobody changed the ticket since it was
 * read (the version), and recomputes its SLA clocks in the same transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_stmt ticket_lock = {"ticket_lock",
	"SELECT t.id, t.tenant_id, t.version, t.status, t.requester_id, "
	"coalesce(t.assignee_id, "
	"0), t.queue, q.line, t.escalated, t.impact, t.urgency, t.priority, t.vip, "
	"coalesce(t.category, ''), t.classification, t.subject, t.description, "
	"t.personal_data_breach, t.type, coalesce(t.resolution_code, ''), "
	"coalesce(t.resolution_text, ''), coalesce(t.first_contact_resolution, false), "
	"coalesce(t.resolved_by, 0), coalesce(floor(extract(epoch FROM "
	"t.resolved_at))::bigint, 0), "
	"t.reopen_count, t.first_response_at IS NOT NULL, t.number, coalesce((SELECT s.code "
	"FROM services s WHERE s.id = t.service_id), '') FROM tickets t JOIN queues "
	"q "
	"ON q.code = t.queue WHERE t.number = $1 FOR UPDATE OF t",
	1};

static const struct sd_stmt ticket_save = {"ticket_save",
	"UPDATE tickets SET version = version + 1, updated_at = now(), status = $3, "
	"assignee_id = "
	"nullif($4, '0')::bigint, queue = $5, escalated = $6::boolean, impact = $7, urgency = "
	"$8, "
	"priority = $9, category = nullif($10, ''), classification = $11, subject = $12, "
	"description = $13, personal_data_breach = $14::boolean, resolution_code = nullif($15, "
	"''), resolution_text = nullif($16, ''), first_contact_resolution = CASE WHEN $15 = '' "
	"THEN NULL ELSE $17::boolean END, resolved_by = nullif($18, '0')::bigint, resolved_at "
	"= "
	"CASE WHEN $3 IN ('resolved', 'closed') THEN coalesce(resolved_at, now()) END, "
	"closed_at = "
	"CASE WHEN $3 = 'closed' THEN coalesce(closed_at, now()) END, reopen_count = $19, "
	"first_response_at = CASE WHEN $20::boolean THEN coalesce(first_response_at, now()) "
	"ELSE "
	"first_response_at END, service_id = (SELECT s.id FROM services s WHERE s.code = $21) "
	"WHERE id = $1 AND version = $2 RETURNING version",
	21};

static const struct sd_stmt ticket_events_add = {"ticket_events_add",
	"INSERT INTO ticket_events (tenant_id, ticket_id, actor_id, kind, public, data) SELECT "
	"$1, "
	"$2, nullif($3, '0')::bigint, e->>'kind', (e->>'public')::boolean, coalesce(e->'data', "
	"'{}') FROM json_array_elements($4::json) e",
	4};

void
sd_ticket_state_free(struct sd_ticket_state *t)
{
	free(t->ts_subject);
	free(t->ts_description);
	free(t->ts_res_text);
	memset(t, 0, sizeof(*t));
}

int
sd_ticket_state_copy(struct sd_ticket_state *dst, const struct sd_ticket_state *src)
{
	*dst = *src;
	dst->ts_subject = strdup(src->ts_subject);
	dst->ts_description = strdup(src->ts_description);
	dst->ts_res_text = strdup(src->ts_res_text);
	if (dst->ts_subject == NULL || dst->ts_description == NULL ||
		dst->ts_res_text == NULL) {
		sd_ticket_state_free(dst);
		return -1;
	}
	return 0;
}

/* Copies the text columns of the locked row into t. */
static int
ticket_lock_text(PGresult *res, struct sd_ticket_state *t)
{
	snprintf(t->ts_queue, sizeof(t->ts_queue), "%s", PQgetvalue(res, 0, 6));
	snprintf(t->ts_category, sizeof(t->ts_category), "%s", PQgetvalue(res, 0, 13));
	snprintf(t->ts_class, sizeof(t->ts_class), "%s", PQgetvalue(res, 0, 14));
	snprintf(t->ts_type, sizeof(t->ts_type), "%s", PQgetvalue(res, 0, 18));
	snprintf(t->ts_res_code, sizeof(t->ts_res_code), "%s", PQgetvalue(res, 0, 19));
	snprintf(t->ts_number, sizeof(t->ts_number), "%s", PQgetvalue(res, 0, 26));
	snprintf(t->ts_service, sizeof(t->ts_service), "%s", PQgetvalue(res, 0, 27));
	t->ts_subject = strdup(PQgetvalue(res, 0, 15));
	t->ts_description = strdup(PQgetvalue(res, 0, 16));
	t->ts_res_text = strdup(PQgetvalue(res, 0, 20));
	return t->ts_subject && t->ts_description && t->ts_res_text ? 0 : -1;
}

int
sd_db_ticket_lock(struct sd_dbc *c, const char *number, struct sd_ticket_state *t)
{
	const char *p[1] = {number};
	PGresult *res;
	int rc;

	memset(t, 0, sizeof(*t));
	res = sd_db_exec(c, &ticket_lock, p);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK || PQntuples(res) != 1) {
		PQclear(res);
		return rc != SD_DB_OK ? rc : SD_DB_NOTFOUND;
	}
	t->ts_id = atoll(PQgetvalue(res, 0, 0));
	t->ts_tenant = atoi(PQgetvalue(res, 0, 1));
	t->ts_version = atoi(PQgetvalue(res, 0, 2));
	t->ts_status = sd_ticket_status_parse(PQgetvalue(res, 0, 3));
	t->ts_requester = atoll(PQgetvalue(res, 0, 4));
	t->ts_assignee = atoll(PQgetvalue(res, 0, 5));
	t->ts_line = atoi(PQgetvalue(res, 0, 7));
	t->ts_escalated = PQgetvalue(res, 0, 8)[0] == 't';
	t->ts_impact = atoi(PQgetvalue(res, 0, 9));
	t->ts_urgency = atoi(PQgetvalue(res, 0, 10));
	t->ts_priority = atoi(PQgetvalue(res, 0, 11));
	t->ts_vip = PQgetvalue(res, 0, 12)[0] == 't';
	t->ts_pdb = PQgetvalue(res, 0, 17)[0] == 't';
	t->ts_fcr = PQgetvalue(res, 0, 21)[0] == 't';
	t->ts_resolved_by = atoll(PQgetvalue(res, 0, 22));
	t->ts_resolved_at = atoll(PQgetvalue(res, 0, 23));
	t->ts_reopen_count = atoi(PQgetvalue(res, 0, 24));
	t->ts_first_response = PQgetvalue(res, 0, 25)[0] == 't';
	rc = ticket_lock_text(res, t);
	PQclear(res);
	if (rc < 0) {
		sd_ticket_state_free(t);
		return SD_DB_FAIL;
	}
	return SD_DB_OK;
}

/* Formats the numeric columns of n for ticket_save. */
struct save_nums {
	char sn_id[24], sn_version[16], sn_assignee[24], sn_escalated[2], sn_impact[4],
		sn_urgency[4], sn_priority[4], sn_pdb[2], sn_fcr[2], sn_resolved_by[24],
		sn_reopen[16], sn_first[2];
};

static void
save_format(
	const struct sd_ticket_state *old, const struct sd_ticket_state *n, struct save_nums *f)
{
	snprintf(f->sn_id, sizeof(f->sn_id), "%lld", old->ts_id);
	snprintf(f->sn_version, sizeof(f->sn_version), "%d", old->ts_version);
	snprintf(f->sn_assignee, sizeof(f->sn_assignee), "%lld", n->ts_assignee);
	snprintf(f->sn_escalated, sizeof(f->sn_escalated), "%d", n->ts_escalated ? 1 : 0);
	snprintf(f->sn_impact, sizeof(f->sn_impact), "%d", n->ts_impact);
	snprintf(f->sn_urgency, sizeof(f->sn_urgency), "%d", n->ts_urgency);
	snprintf(f->sn_priority, sizeof(f->sn_priority), "%d", n->ts_priority);
	snprintf(f->sn_pdb, sizeof(f->sn_pdb), "%d", n->ts_pdb ? 1 : 0);
	snprintf(f->sn_fcr, sizeof(f->sn_fcr), "%d", n->ts_fcr ? 1 : 0);
	snprintf(f->sn_resolved_by, sizeof(f->sn_resolved_by), "%lld", n->ts_resolved_by);
	snprintf(f->sn_reopen, sizeof(f->sn_reopen), "%d", n->ts_reopen_count);
	snprintf(f->sn_first, sizeof(f->sn_first), "%d",
		n->ts_first_response && !old->ts_first_response ? 1 : 0);
}

int
sd_db_ticket_save(struct sd_dbc *c, const struct sd_ticket_state *old,
	const struct sd_ticket_state *n, json_t *events, long long actor)
{
	struct save_nums f;
	const char *p[21];

	memset(&f, 0, sizeof(f));
	PGresult *res;
	int rc;

	save_format(old, n, &f);
	p[0] = f.sn_id;
	p[1] = f.sn_version;
	p[2] = sd_ticket_status_name(n->ts_status);
	p[3] = f.sn_assignee;
	p[4] = n->ts_queue;
	p[5] = f.sn_escalated;
	p[6] = f.sn_impact;
	p[7] = f.sn_urgency;
	p[8] = f.sn_priority;
	p[9] = n->ts_category;
	p[10] = n->ts_class;
	p[11] = n->ts_subject;
	p[12] = n->ts_description;
	p[13] = f.sn_pdb;
	p[14] = n->ts_res_code;
	p[15] = n->ts_res_text;
	p[16] = f.sn_fcr;
	p[17] = f.sn_resolved_by;
	p[18] = f.sn_reopen;
	p[19] = f.sn_first;
	p[20] = n->ts_service;
	res = sd_db_exec(c, &ticket_save, p);
	rc = sd_db_result_rc(c, res);
	if (rc == SD_DB_OK && PQntuples(res) != 1)
		rc = SD_DB_CONFLICT; /* someone else saved first */
	PQclear(res);
	if (rc == SD_DB_OK && events != NULL && json_array_size(events) > 0)
		rc = sd_db_ticket_events(c, old->ts_tenant, old->ts_id, actor, events);
	/* The clocks follow every change, from the events just written. */
	return rc == SD_DB_OK ? sd_db_sla_recompute(c, old->ts_id) : rc;
}

int
sd_db_ticket_events(
	struct sd_dbc *c, int tenant, long long ticket, long long actor, json_t *events)
{
	char tid[16], id[24], act[24], *text;
	const char *p[4] = {tid, id, act, NULL};
	PGresult *res;
	int rc;

	if ((text = json_dumps(events, JSON_COMPACT)) == NULL)
		return SD_DB_FAIL;
	snprintf(tid, sizeof(tid), "%d", tenant);
	snprintf(id, sizeof(id), "%lld", ticket);
	snprintf(act, sizeof(act), "%lld", actor);
	p[3] = text;
	res = sd_db_exec(c, &ticket_events_add, p);
	rc = sd_db_result_rc(c, res);
	PQclear(res);
	free(text);
	return rc;
}

void
sd_ticket_event(json_t *events, const char *kind, int public, json_t *data)
{
	json_array_append_new(events,
		json_pack("{s:s, s:b, s:o}", "kind", kind, "public", public, "data",
			data ? data : json_object()));
}
