/*
 * api/reports.c: GET /api/v1/reports/sla, SLA compliance of closed
 * tickets per tenant, service, priority, type or month, for those who
 * follow up the service levels (report.read: the digitalisation chief,
 * finance, team leads, and each municipality's IT contact for its own).
 *
 *   ?group=tenant|service|priority|type|month  (default tenant)
 *   &from=YYYY-MM-DD&to=YYYY-MM-DD             closing dates, Stockholm time
 *   &tenant=BEN                                one municipality
 */
#include <stdio.h>
#include <string.h>

#include "sdesk.h"

static int
report_date(const char *v)
{
	time_t t;

	return v == NULL || (strlen(v) == 10 && sd_time_parse(v, &t) == 0);
}

enum MHD_Result
sd_api_report_sla(struct sd_req *r)
{
	static const char *const groups[] = {
		"month", "priority", "service", "tenant", "type", NULL};
	struct sd_sla_report_query q;
	const char *tenant = sd_req_query(r, "tenant");
	struct sd_tenant t;
	json_t *rows;
	int rc;

	memset(&q, 0, sizeof(q));
	q.sq_group = sd_req_query(r, "group") ? sd_req_query(r, "group") : "tenant";
	q.sq_from = sd_req_query(r, "from");
	q.sq_to = sd_req_query(r, "to");
	if (!sd_ticket_enum_ok(groups, q.sq_group))
		return sd_reply_error(r, SD_E_INVALID_FIELD, "group",
			"tenant, service, priority, type, month");
	if (!report_date(q.sq_from))
		return sd_reply_error(r, SD_E_INVALID_FIELD, "from", "YYYY-MM-DD");
	if (!report_date(q.sq_to))
		return sd_reply_error(r, SD_E_INVALID_FIELD, "to", "YYYY-MM-DD");
	if (tenant != NULL) {
		if (sd_tenant_get(r->rq_app, 0, tenant, &t) < 0)
			return sd_reply_error(r, SD_E_INVALID_FIELD, "tenant", NULL);
		/* Another municipality's figures are not there at all. */
		if (!sd_auth_sees_tenant(r->rq_auth, t.t_id) ||
			!sd_auth_can(r->rq_auth, "report.read", t.t_id))
			return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
		q.sq_tenant = t.t_id;
	}
	if ((rc = sd_db_sla_compliance(r, &q, &rows)) != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	return sd_reply_json(r, 200,
		json_pack("{s:s, s:s?, s:s?, s:s?, s:o}", "group", q.sq_group, "from",
			q.sq_from, "to", q.sq_to, "tenant", tenant, "rows", rows));
}
