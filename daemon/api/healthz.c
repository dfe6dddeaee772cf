/*
 * api/healthz.c: GET /healthz, 200 when the database answers a query,
 * 503 otherwise.  Load balancers and `make run` poll it.
 */
#include "sdesk.h"

static const struct sd_stmt healthz_ping = {"healthz_ping", "SELECT 1", 0};

enum MHD_Result
sd_api_healthz(struct sd_req *r)
{
	struct sd_dbc *c;
	PGresult *res;
	int rc;

	if ((c = sd_db_acquire(r->rq_app->ap_db, &rc)) == NULL)
		return sd_reply_db_error(r, rc);
	res = sd_db_exec(c, &healthz_ping, NULL);
	rc = sd_db_result_rc(c, res);
	PQclear(res);
	if (rc == SD_DB_DOWN && !sd_db_fresh(c)) {
		/* The pooled connection predates a server restart: try once more. */
		sd_db_release(c);
		if ((c = sd_db_acquire(r->rq_app->ap_db, &rc)) == NULL)
			return sd_reply_db_error(r, rc);
		res = sd_db_exec(c, &healthz_ping, NULL);
		rc = sd_db_result_rc(c, res);
		PQclear(res);
	}
	sd_db_release(c);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc == SD_DB_FAIL ? SD_DB_DOWN : rc);
	return sd_reply_json(r, 200, json_pack("{s:s, s:s}", "status", "ok", "database", "ok"));
}
