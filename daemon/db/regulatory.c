/*
 * db/regulatory.c: recording that a security incident was reported to an
 * authority (NIS2 to the CSIRT, a personal-data breach to IMY).  The
 * deadlines themselves are computed with the clocks (db/sla_clocks.c);
 * recording the NIS2 notification moves the final report's deadline to a
 * month after it, so the clocks are recomputed in the same transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_stmt regulatory_aware = {"regulatory_aware",
	"SELECT floor(extract(epoch FROM aware_at))::bigint FROM regulatory_reports WHERE "
	"ticket_id = $1 AND kind = $2",
	2};

static const struct sd_stmt regulatory_set = {"regulatory_set",
	"UPDATE regulatory_reports SET reported_at = to_timestamp($3::bigint), reported_by = "
	"$4 WHERE ticket_id = $1 AND kind = $2 RETURNING 1",
	4};

/* When the organisation became aware, per the stored deadline; 0 if none. */
static int
regulatory_aware_at(struct sd_dbc *c, const char *tid, const char *kind, int64_t *aware)
{
	const char *p[2] = {tid, kind};
	PGresult *res = sd_db_exec(c, &regulatory_aware, p);
	int rc = sd_db_result_rc(c, res);

	*aware = 0;
	if (rc == SD_DB_OK && PQntuples(res) == 1)
		*aware = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return rc;
}

struct regulatory_op {
	struct sd_req *ro_req;
	const char *ro_kind;
	int64_t ro_at;
	struct sd_fault *ro_fault;
	json_t *ro_out;
};

/* What may refuse the report: who asks, and what kind of ticket it is. */
static int
regulatory_check(struct regulatory_op *op, const struct sd_ticket_state *t)
{
	if (!sd_auth_can(op->ro_req->rq_auth, "ticket.work", t->ts_tenant))
		return sd_fault(op->ro_fault, SD_E_FORBIDDEN, NULL, NULL, NULL);
	if (strcmp(t->ts_type, "security_incident") != 0)
		return sd_fault(op->ro_fault, SD_E_CONFLICT, "kind",
			"ärendet är ingen informationssäkerhetsincident",
			"the ticket is not a security incident");
	if (strcmp(op->ro_kind, "gdpr_imy") == 0 && !t->ts_pdb)
		return sd_fault(op->ro_fault, SD_E_CONFLICT, "kind",
			"ärendet är ingen personuppgiftsincident",
			"the ticket is not a personal-data breach");
	return SD_DB_OK;
}

static int
regulatory_run(struct sd_dbc *c, void *arg)
{
	struct regulatory_op *op = arg;
	struct sd_ticket_state t;
	char tid[24], at[24], by[24], when[32];
	const char *p[4] = {tid, op->ro_kind, at, by};
	PGresult *res;
	int64_t aware;
	json_t *ev;
	int rc;

	json_decref(op->ro_out);
	op->ro_out = NULL;
	if ((rc = sd_db_ticket_lock(c, op->ro_req->rq_params[0], &t)) != SD_DB_OK)
		return rc;
	snprintf(tid, sizeof(tid), "%lld", t.ts_id);
	snprintf(at, sizeof(at), "%lld", (long long)op->ro_at);
	snprintf(by, sizeof(by), "%lld", op->ro_req->rq_auth->au_person);
	/* The deadlines are made with the clocks: bring them up to date first. */
	if ((rc = regulatory_check(op, &t)) != SD_DB_OK ||
		(rc = sd_db_sla_recompute(c, t.ts_id)) != SD_DB_OK ||
		(rc = regulatory_aware_at(c, tid, op->ro_kind, &aware)) != SD_DB_OK)
		goto out;
	if (aware == 0 || op->ro_at < aware) {
		rc = sd_fault(op->ro_fault, SD_E_INVALID_FIELD, "reported_at",
			"före tidpunkten då incidenten blev känd",
			"before the incident became known");
		goto out;
	}
	res = sd_db_exec(c, &regulatory_set, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK && PQntuples(res) != 1)
		rc = SD_DB_FAIL;
	PQclear(res);
	if (rc != SD_DB_OK)
		goto out;
	sd_time_format((time_t)op->ro_at, when, sizeof(when));
	ev = json_array();
	sd_ticket_event(ev, "regulatory_report", 0,
		json_pack("{s:s, s:s}", "kind", op->ro_kind, "reported_at", when));
	rc = sd_db_ticket_events(c, t.ts_tenant, t.ts_id, op->ro_req->rq_auth->au_person, ev);
	json_decref(ev);
	if (rc == SD_DB_OK && (rc = sd_db_sla_recompute(c, t.ts_id)) == SD_DB_OK)
		rc = sd_db_sla_live(c, t.ts_id, t.ts_number, &op->ro_out);
out:
	sd_ticket_state_free(&t);
	return rc;
}

int
sd_db_regulatory_report(
	struct sd_req *r, const char *kind, int64_t at, struct sd_fault *f, json_t **out)
{
	struct regulatory_op op = {r, kind, at, f, NULL};
	struct sd_scope sc;
	int rc;

	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, regulatory_run, &op);
	*out = op.ro_out;
	return rc;
}
