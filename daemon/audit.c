/*
 * audit.c: the append-only audit trail with a hash chain.
 *
 * Each row's hash is BLAKE2b-256 (libsodium generichash) over a canonical,
 * length-prefixed encoding of its fields and the previous row's hash, so
 * changing, removing or reordering any row breaks every later link.  The
 * daemon's role may only INSERT; sdesk_audit_prepare serialises appenders
 * and hands out the id and the previous hash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sdesk.h"

static const struct sd_stmt audit_prepare = {"audit_prepare",
	"SELECT next_id, encode(prev_hash, 'hex') FROM sdesk_audit_prepare()", 0};

static const struct sd_stmt audit_insert = {"audit_insert",
	"INSERT INTO audit_log (id, at_us, tenant_id, actor_id, actor, action, object, "
	"address, "
	"request_id, details, prev_hash, hash) VALUES ($1, $2, nullif($3, '0')::integer, "
	"nullif($4, '0')::bigint, $5, $6, $7, $8, $9, $10, decode($11, 'hex'), decode($12, "
	"'hex'))",
	12};

/* Feeds one field as "<length>:<bytes>\n" so no value can pose as two. */
static void
audit_feed(crypto_generichash_state *st, const char *s)
{
	char len[24];
	int n = snprintf(len, sizeof(len), "%zu:", strlen(s));

	crypto_generichash_update(st, (const unsigned char *)len, (unsigned long long)n);
	crypto_generichash_update(st, (const unsigned char *)s, strlen(s));
	crypto_generichash_update(st, (const unsigned char *)"\n", 1);
}

void
sd_audit_hash(const struct sd_audit_row *row, char out[65])
{
	crypto_generichash_state st;
	unsigned char h[32];
	char num[32];

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	audit_feed(&st, "sdesk-audit-v1");
	snprintf(num, sizeof(num), "%lld", row->ar_id);
	audit_feed(&st, num);
	snprintf(num, sizeof(num), "%lld", row->ar_at_us);
	audit_feed(&st, num);
	snprintf(num, sizeof(num), "%d", row->ar_tenant);
	audit_feed(&st, num);
	snprintf(num, sizeof(num), "%lld", row->ar_actor_id);
	audit_feed(&st, num);
	audit_feed(&st, row->ar_actor);
	audit_feed(&st, row->ar_action);
	audit_feed(&st, row->ar_object);
	audit_feed(&st, row->ar_address);
	audit_feed(&st, row->ar_request_id);
	audit_feed(&st, row->ar_details);
	audit_feed(&st, row->ar_prev_hash);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int
sd_audit_append(struct sd_dbc *c, const struct sd_audit_row *in)
{
	struct sd_audit_row row = *in;
	char id[24], at[24], tenant[16], actor_id[24], hash[65], prev[65];
	const char *params[12];
	struct timespec ts;
	PGresult *res;
	int rc;

	res = sd_db_exec(c, &audit_prepare, NULL);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK || PQntuples(res) != 1) {
		PQclear(res);
		return rc != SD_DB_OK ? rc : SD_DB_FAIL;
	}
	row.ar_id = atoll(PQgetvalue(res, 0, 0));
	snprintf(prev, sizeof(prev), "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	clock_gettime(CLOCK_REALTIME, &ts);
	row.ar_at_us = (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
	row.ar_prev_hash = prev;
	row.ar_object = row.ar_object ? row.ar_object : "";
	row.ar_address = row.ar_address ? row.ar_address : "";
	row.ar_request_id = row.ar_request_id ? row.ar_request_id : "";
	row.ar_details = row.ar_details ? row.ar_details : "{}";
	sd_audit_hash(&row, hash);
	snprintf(id, sizeof(id), "%lld", row.ar_id);
	snprintf(at, sizeof(at), "%lld", row.ar_at_us);
	snprintf(tenant, sizeof(tenant), "%d", row.ar_tenant);
	snprintf(actor_id, sizeof(actor_id), "%lld", row.ar_actor_id);
	params[0] = id;
	params[1] = at;
	params[2] = tenant;
	params[3] = actor_id;
	params[4] = row.ar_actor;
	params[5] = row.ar_action;
	params[6] = row.ar_object;
	params[7] = row.ar_address;
	params[8] = row.ar_request_id;
	params[9] = row.ar_details;
	params[10] = prev;
	params[11] = hash;
	res = sd_db_exec(c, &audit_insert, params);
	rc = sd_db_result_rc(c, res);
	if (rc == SD_DB_FAIL)
		sd_log(SD_LOG_ERROR, "audit", "append failed: %s", PQresultErrorMessage(res));
	PQclear(res);
	return rc;
}

int
sd_audit_req(struct sd_dbc *c, struct sd_req *r, int tenant, const char *action,
	const char *object, json_t *details)
{
	/*
	 * Whatever is audited (logout, MFA, roles, accounts, tokens) can change
	 * who someone is; reads, logins and orders cannot.
	 */
	if (strncmp(action, "ticket.read", 11) != 0 && strncmp(action, "login.", 6) != 0 &&
		strncmp(action, "order.", 6) != 0)
		sd_db_auth_changed(c);
	struct sd_audit_row row;
	char actor[160];
	char *text = NULL;
	int rc;

	memset(&row, 0, sizeof(row));
	row.ar_tenant = tenant;
	if (r->rq_auth != NULL) {
		row.ar_actor_id = r->rq_auth->au_person;
		if (r->rq_auth->au_kind == SD_AUTH_TOKEN)
			snprintf(actor, sizeof(actor), "token:%lld", r->rq_auth->au_session);
		else
			snprintf(actor, sizeof(actor), "%s/%s", r->rq_auth->au_tenant_code,
				r->rq_auth->au_login);
	} else {
		snprintf(actor, sizeof(actor), "anonymous");
	}
	row.ar_actor = actor;
	row.ar_action = action;
	row.ar_object = object;
	row.ar_address = r->rq_addr;
	row.ar_request_id = r->rq_id;
	/* details is stolen, so callers can pass json_pack(...) straight in. */
	if (details != NULL) {
		text = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(details);
		if (text == NULL)
			return SD_DB_FAIL;
	}
	row.ar_details = text;
	rc = sd_audit_append(c, &row);
	free(text);
	return rc;
}

/* Checks one row read by sd_audit_verify; 0 when its links hold. */
static int
audit_check_row(PGresult *res, int i, char *expect_prev, long long *id)
{
	struct sd_audit_row row;
	char hash[65];

	memset(&row, 0, sizeof(row));
	row.ar_id = atoll(PQgetvalue(res, i, 0));
	row.ar_at_us = atoll(PQgetvalue(res, i, 1));
	row.ar_tenant = atoi(PQgetvalue(res, i, 2));
	row.ar_actor_id = atoll(PQgetvalue(res, i, 3));
	row.ar_actor = PQgetvalue(res, i, 4);
	row.ar_action = PQgetvalue(res, i, 5);
	row.ar_object = PQgetvalue(res, i, 6);
	row.ar_address = PQgetvalue(res, i, 7);
	row.ar_request_id = PQgetvalue(res, i, 8);
	row.ar_details = PQgetvalue(res, i, 9);
	row.ar_prev_hash = PQgetvalue(res, i, 10);
	*id = row.ar_id;
	if (strcmp(row.ar_prev_hash, expect_prev) != 0)
		return -1;
	sd_audit_hash(&row, hash);
	if (strcmp(hash, PQgetvalue(res, i, 11)) != 0)
		return -1;
	memcpy(expect_prev, hash, 65);
	return 0;
}

int
sd_audit_verify(PGconn *pg, long long *rows, long long *bad_id, char *err, size_t errlen)
{
	static const char *const sql =
		"SELECT id, at_us, coalesce(tenant_id, 0), coalesce(actor_id, 0), actor, "
		"action, "
		"object, address, request_id, details, encode(prev_hash, 'hex'), encode(hash, "
		"'hex') FROM audit_log WHERE id > $1 ORDER BY id LIMIT 10000";
	char prev[65], after[24] = "0";
	const char *params[1] = {after};
	PGresult *res;
	long long id = 0;
	int i, n;

	memset(prev, '0', 64);
	prev[64] = '\0';
	*rows = 0;
	*bad_id = 0;
	do {
		res = PQexecParams(pg, sql, 1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			snprintf(err, errlen, "%s", PQresultErrorMessage(res));
			PQclear(res);
			return -1;
		}
		n = PQntuples(res);
		for (i = 0; i < n; i++) {
			if (audit_check_row(res, i, prev, &id) < 0) {
				*bad_id = id;
				PQclear(res);
				snprintf(err, errlen, "the chain breaks at row %lld", id);
				return 1;
			}
			(*rows)++;
		}
		snprintf(after, sizeof(after), "%lld", id);
		PQclear(res);
	} while (n > 0);
	return 0;
}
