/*
 * db/sla_reports.c: SLA compliance: of the clocks of closed tickets, how
 * many met their target and how many were breached, grouped by tenant,
 * service, priority, ticket type or month (Stockholm time) of closing.
 * Row-level security decides whose tickets count: an IT contact sees only
 * their own municipality.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_stmt sla_compliance = {"sla_compliance",
	"SELECT coalesce(json_agg(json_build_object('key', x.key, 'clock', x.kind, 'total', "
	"x.total, 'met', x.met, 'breached', x.total - x.met, 'percent', round(100.0 * x.met / "
	"x.total, 1)::float8) ORDER BY x.key NULLS LAST, x.kind), '[]') FROM (SELECT CASE $1 "
	"WHEN 'tenant' THEN t.code WHEN 'service' THEN sv.code WHEN 'priority' THEN "
	"s.priority::text WHEN 'type' THEN s.type ELSE to_char(s.closed_at AT TIME ZONE "
	"'Europe/Stockholm', 'YYYY-MM') END AS key, s.kind, count(*) AS total, count(*) FILTER "
	"(WHERE s.met) AS met FROM sla_clocks s JOIN sdesk_public_tenants() t ON t.id = "
	"s.tenant_id LEFT JOIN services sv ON sv.id = s.service_id WHERE s.closed_at IS NOT "
	"NULL AND ($2::date IS NULL OR s.closed_at >= "
	"$2::date::timestamp AT TIME ZONE 'Europe/Stockholm') AND ($3::date IS NULL OR "
	"s.closed_at < ($3::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm') AND "
	"($4::integer IS NULL OR s.tenant_id = $4::integer) GROUP BY 1, 2) x",
	4};

int
sd_db_sla_compliance(struct sd_req *r, const struct sd_sla_report_query *q, json_t **out)
{
	const char *p[4] = {q->sq_group, q->sq_from, q->sq_to, NULL};
	struct sd_scope sc;
	char tid[16];
	PGresult *res;
	int rc;

	*out = NULL;
	if (q->sq_tenant != 0) {
		snprintf(tid, sizeof(tid), "%d", q->sq_tenant);
		p[3] = tid;
	}
	sd_auth_scope(r->rq_auth, &sc);
	if ((rc = sd_db_read(r->rq_app->ap_db, &sc, &sla_compliance, p, &res)) != SD_DB_OK)
		return rc;
	*out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	return *out != NULL ? SD_DB_OK : SD_DB_FAIL;
}
