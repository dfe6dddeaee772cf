/*
 * api/ratings.c: POST /api/v1/tickets/{number}/rating: the requester rates
 * the help (1-5 and a comment) once the ticket is resolved.
 *
 * One rating per ticket: the first answers 201, a change 200.  It can be
 * changed while the ticket is resolved (also after a reopen and a new
 * resolution); once closed, a ticket that was never rated may still be
 * rated (satisfaction counts for every ticket), but a rating stays as it
 * was.  The rating is a public history event and part of the ticket.
 */
#include <stdio.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_field rating_fields[] = {
	{"score", SD_FT_INT, SD_FF_REQUIRED, 1, 5},
	{"comment", SD_FT_STRING, 0, 0, 2000},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

struct rating_op {
	struct sd_req *ro_req;
	int ro_score;
	const char *ro_comment;
	struct sd_fault ro_fault;
	int ro_fresh;
	json_t *ro_rating;
};

/* Refuses what the requester may not rate now; SD_DB_OK to go on. */
static int
rating_allowed(struct sd_dbc *c, struct rating_op *op, const struct sd_ticket_state *t)
{
	struct sd_req *r = op->ro_req;
	json_t *old = NULL;
	int rc;

	if (t->ts_requester != r->rq_auth->au_person)
		return sd_fault(&op->ro_fault, SD_E_FORBIDDEN, NULL,
			"Bara den som anmälde ärendet kan betygsätta hjälpen.",
			"Only the requester can rate the help.");
	if (t->ts_status != SD_TS_RESOLVED && t->ts_status != SD_TS_CLOSED)
		return sd_fault(&op->ro_fault, SD_E_CONFLICT, "score",
			"Betyget kan ges när ärendet är löst.",
			"The help can be rated once the ticket is resolved.");
	if (t->ts_status == SD_TS_CLOSED) {
		if ((rc = sd_db_rating_get(c, t->ts_id, &old)) != SD_DB_OK)
			return rc;
		if (old != NULL) {
			json_decref(old);
			return sd_fault(&op->ro_fault, SD_E_CONFLICT, "score",
				"Ärendet är stängt; betyget kan inte längre ändras.",
				"The ticket is closed; the rating can no longer be changed.");
		}
	}
	return SD_DB_OK;
}

static int
rating_run(struct sd_dbc *c, void *arg)
{
	struct rating_op *op = arg;
	struct sd_req *r = op->ro_req;
	struct sd_ticket_state t;
	json_t *events;
	int rc;

	json_decref(op->ro_rating);
	op->ro_rating = NULL;
	memset(&op->ro_fault, 0, sizeof(op->ro_fault));
	if ((rc = sd_db_ticket_lock(c, r->rq_params[0], &t)) != SD_DB_OK)
		return rc;
	if ((rc = rating_allowed(c, op, &t)) == SD_DB_OK)
		rc = sd_db_rating_put(c, &t, r->rq_auth->au_person, op->ro_score,
			op->ro_comment, &op->ro_fresh, &op->ro_rating);
	if (rc == SD_DB_OK) {
		events = json_array();
		sd_ticket_event(events, "rated", 1,
			json_pack(
				"{s:i, s:b}", "score", op->ro_score, "changed", !op->ro_fresh));
		rc = sd_db_ticket_events(
			c, t.ts_tenant, t.ts_id, r->rq_auth->au_person, events);
		json_decref(events);
	}
	sd_ticket_state_free(&t);
	return rc;
}

enum MHD_Result
sd_api_ticket_rating(struct sd_req *r)
{
	struct rating_op op;
	struct sd_scope sc;
	enum MHD_Result ret;
	int rc;

	if (sd_input_check(r, rating_fields, &ret) < 0)
		return ret;
	memset(&op, 0, sizeof(op));
	op.ro_req = r;
	op.ro_score = (int)json_integer_value(json_object_get(r->rq_json, "score"));
	op.ro_comment = sd_input_str(r, "comment") ? sd_input_str(r, "comment") : "";
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, rating_run, &op);
	if (rc != SD_DB_OK) {
		json_decref(op.ro_rating);
		return sd_reply_outcome(r, rc, &op.ro_fault);
	}
	return sd_reply_json(r, op.ro_fresh ? 201 : 200, op.ro_rating);
}
