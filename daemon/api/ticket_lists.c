/*
 * api/ticket_lists.c: finding tickets.
 *
 *   GET /api/v1/tickets                 search and filters, newest first
 *   GET /api/v1/queues                  queues with counts per status, members
 *   GET /api/v1/queues/{code}/tickets   a queue's open tickets, most urgent first
 *   GET /api/v1/me/tickets              my tickets: requested by me, assigned to me
 *
 * Lists use keyset pagination (an opaque "next" cursor), so the thousandth
 * page costs what the first does.  Row-level security decides what is in
 * them: a requester finds only their own tickets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

#define LIST_MAX_PARAMS 16

/* A query put together from the filters a request gives. */
struct list_query {
	char lq_sql[4096];
	size_t lq_len;
	const char *lq_params[LIST_MAX_PARAMS];
	const struct sd_stmt *lq_stmt; /* a named statement instead of lq_sql */
	char lq_bufs[LIST_MAX_PARAMS][256];
	int lq_n;
	char *lq_tsquery; /* the search words made a text-search query (list_words) */
	char *lq_ids;     /* ... and the few tickets it matches, or NULL */
};

static void list_add(struct list_query *q, const char *fmt, ...) SD_PRINTF(2, 3);

/* Appends SQL text; "$#" in fmt... is written by the caller via list_param. */
static void
list_add(struct list_query *q, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(q->lq_sql + q->lq_len, sizeof(q->lq_sql) - q->lq_len, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(q->lq_sql) - q->lq_len)
		q->lq_len += (size_t)n;
}

/* Adds a parameter (copied) and returns its $ number. */
static int
list_param(struct list_query *q, const char *value)
{
	if (q->lq_n == LIST_MAX_PARAMS)
		return q->lq_n;
	snprintf(q->lq_bufs[q->lq_n], sizeof(q->lq_bufs[0]), "%s", value);
	q->lq_params[q->lq_n] = q->lq_bufs[q->lq_n];
	return ++q->lq_n;
}

/* Adds a parameter the caller keeps alive; returns its $ number. */
static int
list_param_ref(struct list_query *q, const char *value)
{
	if (q->lq_n == LIST_MAX_PARAMS)
		return q->lq_n;
	q->lq_params[q->lq_n] = value;
	return ++q->lq_n;
}

/* A whole number parameter: "me" is the caller. */
static int
list_id(struct sd_req *r, const char *v, char *out, size_t len)
{
	char *end;
	long long x;

	if (strcmp(v, "me") == 0) {
		snprintf(out, len, "%lld", r->rq_auth->au_person);
		return 0;
	}
	x = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || x <= 0)
		return -1;
	snprintf(out, len, "%lld", x);
	return 0;
}

static int
list_date(const char *v)
{
	int y, m, d;
	char tail;

	return sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && strlen(v) == 10 &&
		m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* Checks each status in a comma list ("open" is every unresolved one). */
static int
list_statuses(const char *v)
{
	char buf[200], *tok, *save = NULL;

	if (strlen(v) >= sizeof(buf))
		return 0;
	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (sd_ticket_status_parse(tok) < 0 && strcmp(tok, "open") != 0)
			return 0;
	return 1;
}

/* One filter: its parameter name, what it must look like, the SQL. */
static int
list_filter(struct sd_req *r, struct list_query *q, const char *name)
{
	const char *v = sd_req_query(r, name);
	char id[24];
	int n;

	if (v == NULL || *v == '\0')
		return 0;
	if (strcmp(name, "q") == 0) {
		if (strlen(v) > 200 || q->lq_tsquery == NULL)
			return -1;
		/* Few matches: those tickets by id; else the words (list_words). */
		if (q->lq_ids != NULL)
			list_add(q, " AND t.id = ANY ($%d::bigint[])",
				list_param_ref(q, q->lq_ids));
		else
			list_add(q, " AND t.search @@ $%d::tsquery",
				list_param_ref(q, q->lq_tsquery));
	} else if (strcmp(name, "tenant") == 0) {
		list_add(q,
			" AND t.tenant_id = (SELECT id FROM sdesk_public_tenants() WHERE code "
			"= $%d)",
			list_param(q, v));
	} else if (strcmp(name, "status") == 0) {
		if (!list_statuses(v))
			return -1;
		n = list_param(q, v);
		list_add(q,
			" AND (t.status = ANY (string_to_array($%d, ',')) OR ('open' = ANY "
			"(string_to_array($%d, ',')) AND t.status NOT IN ('resolved', "
			"'closed')))",
			n, n);
	} else if (strcmp(name, "assignee") == 0 && strcmp(v, "none") == 0) {
		list_add(q, " AND t.assignee_id IS NULL");
	} else if (strcmp(name, "assignee") == 0 || strcmp(name, "requester") == 0) {
		if (list_id(r, v, id, sizeof(id)) < 0)
			return -1;
		list_add(q, " AND t.%s_id = $%d", name, list_param(q, id));
	} else if (strcmp(name, "priority") == 0) {
		if (strlen(v) != 1 || v[0] < '1' || v[0] > '4')
			return -1;
		list_add(q, " AND t.priority = $%d", list_param(q, v));
	} else if (strcmp(name, "created_from") == 0 || strcmp(name, "created_to") == 0) {
		if (!list_date(v))
			return -1;
		list_add(q,
			" AND t.created_at %s ($%d::date%s) AT TIME ZONE 'Europe/Stockholm'",
			name[8] == 'f' ? ">=" : "<", list_param(q, v),
			name[8] == 'f' ? "" : " + 1");
	} else if (strcmp(name, "service") == 0) {
		if (strlen(v) > 47)
			return -1;
		list_add(q,
			" AND t.service_id = (SELECT s.id FROM services s WHERE s.code = $%d)",
			list_param(q, v));
	} else {
		/* queue, category, type: plain equality on the column of that name. */
		if (strlen(v) > 40)
			return -1;
		list_add(q, " AND t.%s = $%d", name, list_param(q, v));
	}
	return 0;
}

/* Exactly n whole numbers joined by '_' into cur; -1 for anything else. */
static int
list_cursor(const char *s, long long cur[4], int n)
{
	char *end;
	int i;

	for (i = 0; i < n; i++) {
		if (*s == '\0' || *s == '_')
			return -1;
		cur[i] = strtoll(s, &end, 10);
		if (end == s || *end != (i == n - 1 ? '\0' : '_'))
			return -1;
		s = end + (i < n - 1);
	}
	return 0;
}

/*
 * limit (1..100) and the cursor of nparts numbers (each -1 when there is
 * none); -1 names the bad parameter in *bad.
 */
static int
list_page(struct sd_req *r, int *limit, long long cur[4], int nparts, const char **bad)
{
	const char *l = sd_req_query(r, "limit"), *after = sd_req_query(r, "after");
	char tail;

	*limit = 25;
	if (l != NULL && (sscanf(l, "%d%c", limit, &tail) != 1 || *limit < 1 || *limit > 100)) {
		*bad = "limit";
		return -1;
	}
	cur[0] = cur[1] = cur[2] = cur[3] = -1;
	if (after != NULL && list_cursor(after, cur, nparts) < 0) {
		*bad = "after";
		return -1;
	}
	return 0;
}

struct list_op {
	struct list_query *lo_q;
	int lo_limit;
	json_t *lo_items;
	char lo_next[80];
};

static const struct sd_stmt list_words_stmt = {"list_words",
	"SELECT q::text, sdesk_ticket_matches(q, 5000)::text FROM "
	"websearch_to_tsquery('swedish', "
	"$1) q",
	1};

/*
 * The search words v as the query they make, and the tickets the caller
 * may see that they match when they match few (at most 5,000 in all),
 * into q.  A rare word then takes those tickets by id; a common one walks
 * the newest tickets, which soon gives a page.  The text index itself
 * cannot serve a query under the tickets' row policy (the @@ operator is
 * not leakproof), so sdesk_ticket_matches (011_ticket_speed.sql) asks it
 * and checks what the policy checks.  Passed as values, the planner also
 * sees which words they are and how common.
 */
static int
list_words(struct sd_req *r, const char *v, struct list_query *q)
{
	const char *p[1] = {v};
	struct sd_scope sc;
	PGresult *res;
	int rc;

	sd_auth_scope(r->rq_auth, &sc);
	if ((rc = sd_db_read(r->rq_app->ap_db, &sc, &list_words_stmt, p, &res)) == SD_DB_OK) {
		q->lq_tsquery = strdup(PQgetvalue(res, 0, 0));
		q->lq_ids = PQgetisnull(res, 0, 1) ? NULL : strdup(PQgetvalue(res, 0, 1));
		if (q->lq_tsquery == NULL || (!PQgetisnull(res, 0, 1) && q->lq_ids == NULL))
			rc = SD_DB_FAIL;
	}
	PQclear(res);
	return rc;
}

/*
 * Words that match many tickets: the newest soon fill a page, so walk them
 * in order.  Knowing how many match, the planner would rather read them
 * all and sort, under the policy, which is a row at a time.
 */
static const struct sd_stmt list_walk = {"list_walk",
	"SELECT set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', "
	"'off', true)",
	0};

/* Runs the query; rows are (summary json, the cursor's parts). */
static int
list_run(struct sd_dbc *c, void *arg)
{
	struct list_op *op = arg;
	PGresult *res;
	size_t off;
	int rc, i, n, f;

	if (op->lo_q->lq_tsquery != NULL && op->lo_q->lq_ids == NULL) { /* common words */
		res = sd_db_exec(c, &list_walk, NULL);
		rc = sd_db_result_rc(c, res);
		PQclear(res);
		if (rc != SD_DB_OK)
			return rc;
	}

	res = op->lo_q->lq_stmt != NULL
		? sd_db_exec(c, op->lo_q->lq_stmt, op->lo_q->lq_params)
		: sd_db_exec_dynamic(c, op->lo_q->lq_sql, op->lo_q->lq_n, op->lo_q->lq_params);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK) {
		PQclear(res);
		return rc;
	}
	n = PQntuples(res);
	op->lo_items = json_array();
	for (i = 0; i < n && i < op->lo_limit; i++)
		json_array_append_new(op->lo_items, json_loads(PQgetvalue(res, i, 0), 0, NULL));
	op->lo_next[0] = '\0';
	for (f = 1, off = 0; n > op->lo_limit && f < PQnfields(res); f++)
		off += (size_t)snprintf(op->lo_next + off, sizeof(op->lo_next) - off, "%s%s",
			f > 1 ? "_" : "", PQgetvalue(res, op->lo_limit - 1, f));
	PQclear(res);
	sd_db_sla_decorate(c, op->lo_items);
	return SD_DB_OK;
}

static enum MHD_Result
list_reply(struct sd_req *r, struct list_query *q, int limit, const char *key)
{
	struct list_op op;
	struct sd_scope sc;
	int rc;

	memset(&op, 0, sizeof(op));
	op.lo_q = q;
	op.lo_limit = limit;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, list_run, &op);
	if (rc != SD_DB_OK) {
		json_decref(op.lo_items);
		return sd_reply_db_error(r, rc);
	}
	return sd_reply_json(r, 200,
		json_pack("{s:o, s:s?}", key, op.lo_items, "next",
			op.lo_next[0] ? op.lo_next : NULL));
}

enum MHD_Result
sd_api_tickets_search(struct sd_req *r)
{
	static const char *const filters[] = {"q", "tenant", "status", "queue", "assignee",
		"requester", "priority", "category", "service", "type", "created_from",
		"created_to"};
	const char *words = sd_req_query(r, "q");
	struct list_query q;
	const char *bad = NULL;
	enum MHD_Result ret;
	long long cur[4];
	size_t i;
	int limit, rc;

	memset(&q, 0, sizeof(q));
	if (words != NULL && *words != '\0' && strlen(words) <= 200 &&
		(rc = list_words(r, words, &q)) != SD_DB_OK) {
		ret = sd_reply_db_error(r, rc);
		goto out;
	}
	/* The page is picked from tickets; only its rows are dressed as JSON. */
	list_add(&q,
		"SELECT sdesk_with_sla((SELECT c.summary FROM ticket_cards c WHERE c.id = "
		"x.id), "
		"x.id), 0, "
		"(extract(epoch FROM x.created_at) * 1000000)::bigint, "
		"x.id FROM (SELECT t.id, t.created_at FROM tickets t WHERE true");
	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		if (list_filter(r, &q, filters[i]) < 0) {
			ret = sd_reply_error(r, SD_E_INVALID_FIELD, filters[i], NULL);
			goto out;
		}
	if (list_page(r, &limit, cur, 3, &bad) < 0) {
		ret = sd_reply_error(r, SD_E_INVALID_FIELD, bad, NULL);
		goto out;
	}
	if (cur[1] >= 0) {
		char ts[24], id[24];

		snprintf(ts, sizeof(ts), "%lld", cur[1]);
		snprintf(id, sizeof(id), "%lld", cur[2]);
		list_add(&q,
			" AND (t.created_at, t.id) < (to_timestamp($%d::bigint / 1000000.0), "
			"$%d::bigint)",
			list_param(&q, ts), list_param(&q, id));
	}
	list_add(&q,
		" ORDER BY t.created_at DESC, t.id DESC LIMIT %d) x ORDER BY x.created_at "
		"DESC, x.id DESC",
		limit + 1);
	ret = list_reply(r, &q, limit, "tickets");
out:
	free(q.lq_tsquery);
	free(q.lq_ids);
	return ret;
}

/*
 * Nearest deadline first; the cursor is (due, priority, created, id) in
 * microseconds, INT64_MAX for "no running clock" (sorted last).
 */
static const struct sd_stmt queue_page = {"queue_page",
	"SELECT summary, CASE WHEN due = 'infinity' THEN 9223372036854775807 ELSE "
	"(extract(epoch FROM due) * 1000000)::bigint END, priority, (extract(epoch FROM "
	"created_at) * 1000000)::bigint, id FROM sdesk_queue_page($1, $2::integer, $3::text[], "
	"CASE WHEN $4::bigint = 9223372036854775807 THEN 'infinity'::timestamptz WHEN "
	"$4::bigint < -(1::bigint << 60) THEN '-infinity'::timestamptz ELSE "
	"to_timestamp($4::bigint / 1000000.0) END, $5::smallint, to_timestamp($6::bigint / "
	"1000000.0), $7::bigint, $8::integer)",
	8};

enum MHD_Result
sd_api_queue_tickets(struct sd_req *r)
{
	const char *tenant = sd_req_query(r, "tenant"), *status = sd_req_query(r, "status");
	char tid[16], statuses[220], due[24], pr[24], ts[24], id[24], lim[16];
	const char *p[8] = {r->rq_params[0], NULL, NULL, due, pr, ts, id, lim};
	struct list_query q;
	struct sd_tenant t;
	const char *bad = NULL;
	long long cur[4];
	int limit;

	if (!sd_ticket_enum_ok(sd_ticket_enum("queue"), r->rq_params[0]))
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	if (tenant != NULL && *tenant != '\0') {
		if (sd_tenant_get(r->rq_app, 0, tenant, &t) < 0)
			return sd_reply_error(r, SD_E_INVALID_FIELD, "tenant", NULL);
		snprintf(tid, sizeof(tid), "%d", t.t_id);
		p[1] = tid;
	}
	if (status != NULL && *status != '\0') {
		if (!list_statuses(status) || strstr(status, "open") != NULL ||
			strlen(status) > 200)
			return sd_reply_error(r, SD_E_INVALID_FIELD, "status", NULL);
		snprintf(statuses, sizeof(statuses), "{%s}", status);
		p[2] = statuses;
	}
	if (list_page(r, &limit, cur, 4, &bad) < 0)
		return sd_reply_error(r, SD_E_INVALID_FIELD, bad, NULL);
	/* No cursor: start before the most urgent ticket there can be. */
	snprintf(due, sizeof(due), "%lld", cur[1] >= 0 ? cur[0] : -(1LL << 62));
	snprintf(pr, sizeof(pr), "%lld", cur[1] >= 0 ? cur[1] : 0);
	snprintf(ts, sizeof(ts), "%lld", cur[1] >= 0 ? cur[2] : -(1LL << 53));
	snprintf(id, sizeof(id), "%lld", cur[1] >= 0 ? cur[3] : 0);
	snprintf(lim, sizeof(lim), "%d", limit + 1);
	memset(&q, 0, sizeof(q));
	q.lq_stmt = &queue_page;
	memcpy(q.lq_params, p, sizeof(p));
	q.lq_n = 8;
	return list_reply(r, &q, limit, "tickets");
}

static const struct sd_stmt queues_all = {"queues_all",
	"SELECT json_agg(json_build_object('code', q.code, 'line', q.line, 'team', q.team, "
	"'name', CASE WHEN $1 THEN q.name_en ELSE q.name_sv END, 'counts', coalesce((SELECT "
	"json_object_agg(s.status, s.n) FROM (SELECT t.status, count(*) AS n FROM tickets t "
	"WHERE "
	"t.queue = q.code AND t.status NOT IN ('resolved', 'closed') GROUP BY t.status) s), "
	"'{}'::json), 'members', coalesce((SELECT json_agg((SELECT card FROM person_cards "
	"WHERE id = m.person_id) ORDER BY "
	"m.person_id) FROM (SELECT DISTINCT g.person_id FROM role_grants g WHERE (q.line = 1 "
	"AND "
	"g.role IN ('tech1', 'team_lead')) OR (q.team IS NOT NULL AND g.role = 'tech2' AND "
	"g.team "
	"= q.team) OR (q.line = 3 AND g.role = 'specialist')) m), '[]'::json)) ORDER BY "
	"q.position) FROM queues q",
	1};

static const struct sd_stmt me_tickets = {"me_tickets",
	"SELECT coalesce((SELECT json_agg(sdesk_with_sla(t.summary, t.id) ORDER BY t.status IN "
	"('resolved', 'closed'), t.created_at DESC) FROM (SELECT * FROM ticket_cards WHERE "
	"requester_id = $1 ORDER BY created_at DESC LIMIT 100) t), '[]'), coalesce((SELECT "
	"json_agg(sdesk_with_sla(t.summary, t.id) ORDER "
	"BY t.priority, t.created_at) FROM ticket_cards t WHERE t.assignee_id = $1 AND "
	"t.status "
	"NOT IN ('resolved', 'closed')), '[]')",
	1};

struct one_op {
	const struct sd_stmt *oo_st;
	const char *oo_params[2];
	char *oo_text[2];
};

/* Runs a statement whose one row holds up to two JSON texts. */
static int
one_run(struct sd_dbc *c, void *arg)
{
	struct one_op *op = arg;
	PGresult *res = sd_db_exec(c, op->oo_st, op->oo_params);
	int rc = sd_db_result_rc(c, res), i;

	for (i = 0; rc == SD_DB_OK && i < PQnfields(res) && i < 2; i++) {
		free(op->oo_text[i]);
		op->oo_text[i] = strdup(PQgetvalue(res, 0, i));
	}
	PQclear(res);
	return rc;
}

enum MHD_Result
sd_api_queues_list(struct sd_req *r)
{
	struct one_op op = {
		&queues_all, {r->rq_lang_en ? "true" : "false", NULL}, {NULL, NULL}};
	struct sd_scope sc;
	json_t *list;
	int rc;

	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, one_run, &op);
	list = rc == SD_DB_OK ? json_loads(op.oo_text[0], 0, NULL) : NULL;
	free(op.oo_text[0]);
	if (rc != SD_DB_OK || list == NULL)
		return sd_reply_db_error(r, rc == SD_DB_OK ? SD_DB_FAIL : rc);
	return sd_reply_json(r, 200, json_pack("{s:o}", "queues", list));
}

enum MHD_Result
sd_api_me_tickets(struct sd_req *r)
{
	struct one_op op;
	struct sd_scope sc;
	char me[24];
	json_t *body;
	int rc;

	memset(&op, 0, sizeof(op));
	snprintf(me, sizeof(me), "%lld", r->rq_auth->au_person);
	op.oo_st = &me_tickets;
	op.oo_params[0] = me;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, one_run, &op);
	body = rc != SD_DB_OK
		? NULL
		: json_pack("{s:o?, s:o?}", "requested", json_loads(op.oo_text[0], 0, NULL),
			  "assigned", json_loads(op.oo_text[1], 0, NULL));
	free(op.oo_text[0]);
	free(op.oo_text[1]);
	if (body == NULL)
		return sd_reply_db_error(r, rc == SD_DB_OK ? SD_DB_FAIL : rc);
	sd_sla_decorate_db(r->rq_app->ap_db, &sc, json_object_get(body, "requested"));
	sd_sla_decorate_db(r->rq_app->ap_db, &sc, json_object_get(body, "assigned"));
	return sd_reply_json(r, 200, body);
}
