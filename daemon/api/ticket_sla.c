/*
 * api/ticket_sla.c: a ticket's clocks and reporting deadlines.
 *
 *   GET  /api/v1/tickets/{number}/sla                 every clock, evaluated now, with
 *                                                     its warnings; NIS2/GDPR deadlines
 *   POST /api/v1/tickets/{number}/regulatory/{kind}   {reported_at}: the report was made
 *
 * Staff of the ticket's municipality only; another municipality's ticket
 * is not there (404).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

/* How far ahead of our clock a report may be dated (clock skew). */
#define REPORT_SKEW 300

struct sla_get_op {
	struct sd_req *so_req;
	json_t *so_out;
};

static int
sla_get_run(struct sd_dbc *c, void *arg)
{
	struct sla_get_op *op = arg;
	struct sd_ticket_row row;
	int rc;

	json_decref(op->so_out);
	op->so_out = NULL;
	if ((rc = sd_db_ticket_read(c, op->so_req->rq_params[0], &row)) != SD_DB_OK)
		return rc;
	json_decref(row.tr_json);
	/* Clocks are staff's business: a requester's own ticket is not here. */
	if (!sd_auth_can(op->so_req->rq_auth, "ticket.read", row.tr_tenant))
		return SD_DB_NOTFOUND;
	return sd_db_sla_live(c, row.tr_id, op->so_req->rq_params[0], &op->so_out);
}

enum MHD_Result
sd_api_ticket_sla(struct sd_req *r)
{
	struct sla_get_op op = {r, NULL};
	struct sd_scope sc;
	int rc;

	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, sla_get_run, &op);
	if (rc != SD_DB_OK || op.so_out == NULL) {
		json_decref(op.so_out);
		return sd_reply_outcome(r, rc == SD_DB_OK ? SD_DB_FAIL : rc, NULL);
	}
	return sd_reply_json(r, 200, op.so_out);
}

static const struct sd_field report_fields[] = {
	{"reported_at", SD_FT_STRING, SD_FF_REQUIRED, 1, 64},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

enum MHD_Result
sd_api_ticket_regulatory(struct sd_req *r)
{
	const char *kind = r->rq_params[1];
	struct sd_fault f;
	enum MHD_Result ret;
	json_t *out = NULL;
	time_t at;
	int k, rc;

	for (k = 0; k < SD_REG__COUNT; k++)
		if (strcmp(kind, sd_sla_regulatory_name(k)) == 0)
			break;
	if (k == SD_REG__COUNT)
		return sd_reply_error(r, SD_E_INVALID_FIELD, "kind",
			"nis2_early_warning, nis2_notification, nis2_final_report, gdpr_imy");
	if (sd_input_check(r, report_fields, &ret) < 0)
		return ret;
	if (sd_time_parse(sd_input_str(r, "reported_at"), &at) < 0 ||
		strchr(sd_input_str(r, "reported_at"), 'T') == NULL)
		return sd_reply_error(r, SD_E_INVALID_FIELD, "reported_at",
			r->rq_lang_en ? "A date and time with a zone (RFC 3339)."
				      : "Ett datum och en tid med tidszon (RFC 3339).");
	if ((int64_t)at > sd_sla_now() + REPORT_SKEW)
		return sd_reply_error(r, SD_E_INVALID_FIELD, "reported_at",
			r->rq_lang_en ? "In the future." : "Ligger i framtiden.");
	memset(&f, 0, sizeof(f));
	rc = sd_db_regulatory_report(r, kind, (int64_t)at, &f, &out);
	if (rc != SD_DB_OK || out == NULL) {
		json_decref(out);
		return sd_reply_outcome(r, rc == SD_DB_OK ? SD_DB_FAIL : rc, &f);
	}
	return sd_reply_json(r, 200, out);
}
