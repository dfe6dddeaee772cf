/*
 * db/reports.c: report figures.  The numbers come from SECURITY DEFINER
 * functions (006_web.sql) that count only in tenants where the caller holds
 * report.read, so a chief sees the figures without reading any ticket.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

/* $1, $2: first days of the months, or NULL for the last twelve; $3 a tenant code or "". */
static const struct sd_stmt report_tickets = {"report_tickets",
	"WITH b AS (SELECT coalesce($1::date, (date_trunc('month', now() AT TIME ZONE "
	"'Europe/Stockholm') - interval '11 months')::date) AS f, coalesce($2::date, (now() AT "
	"TIME ZONE 'Europe/Stockholm')::date) AS t) SELECT to_char(b.f, 'YYYY-MM'), "
	"to_char(b.t, 'YYYY-MM'), x.* FROM b LEFT JOIN LATERAL (SELECT * FROM "
	"sdesk_report_tickets(b.f, b.t) y WHERE $3 = '' OR y.tenant = $3) x ON true",
	3};

/* One row of the function as the API shows it. */
static json_t *
report_row(PGresult *res, int i)
{
	long long fcr = atoll(PQgetvalue(res, i, 7)), of = atoll(PQgetvalue(res, i, 8));
	long long n = atoll(PQgetvalue(res, i, 9)), sum = atoll(PQgetvalue(res, i, 10));

	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:{s:I, s:I, s:o}, s:{s:I, s:o}}", "tenant",
		PQgetvalue(res, i, 2), "month", PQgetvalue(res, i, 3), "created",
		(json_int_t)atoll(PQgetvalue(res, i, 4)), "resolved",
		(json_int_t)atoll(PQgetvalue(res, i, 5)), "backlog",
		(json_int_t)atoll(PQgetvalue(res, i, 6)), "first_contact", "resolved",
		(json_int_t)fcr, "of", (json_int_t)of, "rate",
		of > 0 ? json_real((double)fcr / (double)of) : json_null(), "satisfaction",
		"ratings", (json_int_t)n, "average",
		n > 0 ? json_real((double)(sum * 100 / n) / 100.0) : json_null());
}

int
sd_db_report_tickets(struct sd_db *db, const struct sd_scope *scope, const char *from,
	const char *to, const char *tenant, json_t **out)
{
	const char *p[3] = {from, to, tenant ? tenant : ""};
	PGresult *res = NULL;
	json_t *rows;
	int rc, i;

	*out = NULL;
	if ((rc = sd_db_read(db, scope, &report_tickets, p, &res)) != SD_DB_OK)
		return rc;
	rows = json_array();
	for (i = 0; i < PQntuples(res); i++)
		if (!PQgetisnull(res, i, 2))
			json_array_append_new(rows, report_row(res, i));
	*out = json_pack("{s:s, s:s, s:f, s:o}", "from",
		PQntuples(res) ? PQgetvalue(res, 0, 0) : "", "to",
		PQntuples(res) ? PQgetvalue(res, 0, 1) : "", "first_contact_target", 0.8,
		"rows", rows);
	PQclear(res);
	return *out ? SD_DB_OK : SD_DB_FAIL;
}
