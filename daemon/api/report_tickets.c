/*
 * api/report_tickets.c: GET /api/v1/reports/tickets: tickets in and out, backlog,
 * first-contact resolution (against the 80% target) and satisfaction per
 * municipality and month, for the chief's dashboard and the local IT
 * councils.  Only the municipalities where the caller reads reports are
 * in it (an IT contact sees their own).
 */
#include <stdio.h>
#include <string.h>

#include "sdesk.h"

/* The longest span one request may ask for. */
#define REPORT_MAX_MONTHS 36

/* "2026-03" into "2026-03-01" and a month count; -1 when malformed. */
static int
report_month(const char *v, char out[16], long *months)
{
	int y, m;
	char tail;

	if (v == NULL || strlen(v) != 7 || sscanf(v, "%4d-%2d%c", &y, &m, &tail) != 2 ||
		y < 2000 || y > 2200 || m < 1 || m > 12)
		return -1;
	snprintf(out, 16, "%04d-%02d-01", y, m);
	*months = (long)y * 12 + m - 1;
	return 0;
}

enum MHD_Result
sd_api_report_tickets(struct sd_req *r)
{
	const char *from = sd_req_query(r, "from"), *to = sd_req_query(r, "to");
	const char *tenant = sd_req_query(r, "tenant");
	char f[16], t[16];
	long mf = 0, mt = 0;
	struct sd_tenant tn;
	struct sd_scope sc;
	json_t *body;
	int rc;

	if (from != NULL && report_month(from, f, &mf) < 0)
		return sd_reply_error(r, SD_E_INVALID_FIELD, "from", "YYYY-MM");
	if (to != NULL && report_month(to, t, &mt) < 0)
		return sd_reply_error(r, SD_E_INVALID_FIELD, "to", "YYYY-MM");
	if ((from == NULL) != (to == NULL))
		return sd_reply_error(r, SD_E_MISSING_FIELD, from ? "to" : "from", NULL);
	if (from != NULL && (mt < mf || mt - mf >= REPORT_MAX_MONTHS))
		return sd_reply_error(r, SD_E_INVALID_FIELD, "to",
			r->rq_lang_en ? "From 1 to %d months, from before to."
				      : "Från 1 till %d månader, från före till.",
			REPORT_MAX_MONTHS);
	if (tenant != NULL && *tenant != '\0' && sd_tenant_get(r->rq_app, 0, tenant, &tn) < 0)
		return sd_reply_error(r, SD_E_INVALID_FIELD, "tenant", NULL);
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_report_tickets(
		r->rq_app->ap_db, &sc, from ? f : NULL, to ? t : NULL, tenant, &body);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	return sd_reply_json(r, 200, body);
}
