/*
 * db/audit.c: reading the audit trail, newest first.  Row-level security
 * already limits a reader to the tenants where they hold audit.read (rows
 * about no tenant only for those who may read the whole trail); the query
 * names the tenants as well, so the two checks stand independently.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

#define AUDIT_JSON                                                                             \
	"json_build_object('id', a.id, 'at', to_char(a.at AT TIME ZONE 'UTC', "                \
	"'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), 'tenant', t.code, 'actor', a.actor, 'action', " \
	"a.action, 'object', a.object, 'address', a.address, 'request_id', a.request_id, "     \
	"'details', a.details::json)"

/* $1: tenants (NULL: every row the scope sees); $2: action ('' any); $3: before (0 none). */
static const struct sd_stmt audit_list = {"audit_list",
	"SELECT " AUDIT_JSON ", a.id FROM audit_log a LEFT JOIN sdesk_public_tenants() t ON "
	"t.id = a.tenant_id WHERE ($1::integer[] IS NULL OR a.tenant_id = ANY "
	"($1::integer[])) AND ($2 = '' OR a.action = $2) AND ($3::bigint = 0 OR a.id < "
	"$3::bigint) ORDER BY a.id DESC LIMIT $4::integer + 1",
	4};

struct audit_list_arg {
	const struct sd_audit_query *la_q;
	json_t *la_out;
	long long la_next;
};

static int
audit_list_run(struct sd_dbc *c, void *arg)
{
	struct audit_list_arg *la = arg;
	const struct sd_audit_query *q = la->la_q;
	char before[24], limit[16];
	const char *p[4] = {q->aq_tenants, q->aq_action ? q->aq_action : "", before, limit};
	PGresult *res;
	int rc, i, n;

	json_array_clear(la->la_out); /* a retried transaction starts over */
	la->la_next = 0;
	snprintf(before, sizeof(before), "%lld", q->aq_before);
	snprintf(limit, sizeof(limit), "%lld", q->aq_limit);
	res = sd_db_exec(c, &audit_list, p);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK) {
		PQclear(res);
		return rc;
	}
	n = PQntuples(res);
	if (n > q->aq_limit) {
		n = (int)q->aq_limit;
		la->la_next = atoll(PQgetvalue(res, n - 1, 1));
	}
	for (i = 0; i < n; i++)
		json_array_append_new(la->la_out, json_loads(PQgetvalue(res, i, 0), 0, NULL));
	PQclear(res);
	return SD_DB_OK;
}

int
sd_db_audit_list(struct sd_db *db, const struct sd_scope *scope, const struct sd_audit_query *q,
	json_t **out, long long *next)
{
	struct audit_list_arg la = {q, json_array(), 0};
	int rc;

	if (la.la_out == NULL)
		return SD_DB_FAIL;
	rc = sd_db_txn(db, scope, SD_ISO_READ_COMMITTED, audit_list_run, &la);
	if (rc != SD_DB_OK) {
		json_decref(la.la_out);
		return rc;
	}
	*out = la.la_out;
	*next = la.la_next;
	return SD_DB_OK;
}
