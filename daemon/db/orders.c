/*
 * db/orders.c: placing an order (avrop) and what follows from it.
 *
 * An order is checked against the catalogue as the database holds it now
 * (offered to the orderer, ordering rights for the cost centre, the form)
 * and keeps what it was placed with: the service version, the answers and
 * the prices of that day.  When every approval step the service asks for
 * is approved, the order is fulfilled: a service-request ticket in the
 * service's queue and one sub-task ticket per team the service names, all
 * in one transaction with the decision.  Resolving the ticket delivers the
 * order and starts its subscription for the cost centre at the monthly
 * price valid that day: the consumption record chargeback bills.
 *
 * Every function runs inside the caller's transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "sdesk.h"

/* The service as the orderer's municipality offers it to them today. */
static const struct sd_stmt order_service = {"order_service",
	"SELECT s.id, s.version, s.order_rule, array_to_json(s.approvals), s.form::text, "
	"s.name_sv, o.service_id IS NOT NULL AND (cardinality(o.roles) = 0 OR o.roles && "
	"ARRAY(SELECT json_array_elements_text($3::json))) AND (cardinality(o.departments) = 0 "
	"OR (SELECT d.code FROM people p JOIN departments d ON d.id = p.department_id WHERE "
	"p.id "
	"= $4::bigint) = ANY (o.departments)), sdesk_price_on(s.id, 'monthly', $2::integer, "
	"sdesk_today()), sdesk_price_on(s.id, 'one_time', $2::integer, sdesk_today()), "
	"extract(year FROM now() AT TIME ZONE 'Europe/Stockholm')::int FROM services s LEFT "
	"JOIN "
	"service_offerings o ON o.service_id = s.id AND o.tenant_id = $2::integer WHERE s.code "
	"= "
	"$1 AND s.active",
	4};

/* The cost centre ordered for ('' = the orderer's own) and the orderer's rights there. */
static const struct sd_stmt order_cost_centre = {"order_cost_centre",
	"SELECT c.id, c.active, sdesk_manages(p.id, c.id), p.cost_centre_id IS NOT DISTINCT "
	"FROM c.id, c.code || ' ' || c.name FROM people p JOIN cost_centres c ON c.tenant_id = "
	"p.tenant_id AND CASE WHEN $2 = '' THEN c.id = p.cost_centre_id ELSE c.code = "
	"upper($2) "
	"END WHERE p.id = $1",
	2};

static const struct sd_stmt order_person = {"order_person",
	"SELECT json_build_object('id', p.id, 'name', p.display_name, 'login', p.login) FROM "
	"people p WHERE p.tenant_id = $1 AND p.active AND (p.login = lower($2) OR p.id::text = "
	"$2)",
	2};

static const struct sd_stmt order_cc_field = {"order_cc_field",
	"SELECT code FROM cost_centres WHERE tenant_id = $1 AND code = upper($2) AND active",
	2};

static const struct sd_stmt order_insert = {"order_insert",
	"WITH n AS (SELECT sdesk_order_number($1, $2) AS last) INSERT INTO orders (tenant_id, "
	"number, service_id, service_version, ordered_by, cost_centre_id, quantity, answers, "
	"summary, monthly_ore, one_time_ore, approvals_needed, status, decided_at) SELECT $1, "
	"$3 "
	"|| '-B' || $2::text || '-' || CASE WHEN n.last < 1000000 THEN lpad(n.last::text, 6, "
	"'0') ELSE n.last::text END, $4, $5, $6, $7, $8, $9::jsonb, $10, nullif($11, "
	"'')::bigint, "
	"nullif($12, '')::bigint, ARRAY(SELECT json_array_elements_text($13::json)), $14, CASE "
	"WHEN $14 = 'in_fulfilment' THEN now() END FROM n RETURNING id, number",
	14};

static const struct sd_stmt order_approval_add = {"order_approval_add",
	"INSERT INTO order_approvals (tenant_id, order_id, step, decision, reason, decided_by) "
	"VALUES ($1, $2, $3, $4, $5, $6)",
	6};

static const struct sd_stmt order_for_fulfil = {"order_for_fulfil",
	"SELECT o.number, o.tenant_id, o.ordered_by, o.service_id, s.name_sv, s.queue, "
	"s.subtasks::text, o.cost_centre_id, o.summary FROM orders o JOIN services s ON s.id = "
	"o.service_id WHERE o.id = $1",
	1};

static const struct sd_stmt order_scope = {"order_scope",
	"SELECT set_config('sdesk.user_id', $1, true), set_config('sdesk.tenants', $2, true), "
	"set_config('sdesk.perms', $3, true)",
	3};

static const struct sd_stmt order_ticket_id = {
	"order_ticket_id", "SELECT id FROM tickets WHERE number = $1", 1};

static const struct sd_stmt order_link = {"order_link",
	"INSERT INTO ticket_links (tenant_id, ticket_id, other_id, kind) VALUES ($1, $2, $3, "
	"'parent_of')",
	3};

static const struct sd_stmt order_set_ticket = {"order_set_ticket",
	"UPDATE orders SET ticket_id = $2, ticket_number = $3 WHERE id = $1", 3};

static const struct sd_stmt order_doc = {
	"order_doc", "SELECT doc, id, tenant_id FROM order_cards WHERE number = $1", 1};

/* The order a ticket fulfils, locked, and its sub-tasks still open. */
static const struct sd_stmt order_of_ticket = {"order_of_ticket",
	"SELECT o.id, o.status, o.number, o.tenant_id, (SELECT count(*) FROM tickets t WHERE "
	"t.order_id = o.id AND t.id <> o.ticket_id AND t.status NOT IN ('resolved', 'closed')) "
	"FROM orders o WHERE o.ticket_id = $1 FOR UPDATE OF o",
	1};

/*
 * Delivered: the subscription starts today at today's monthly price, the
 * one-time fee is charged as quoted when ordered.
 */
static const struct sd_stmt order_deliver = {"order_deliver",
	"WITH o AS (UPDATE orders SET status = 'delivered', delivered_at = now() WHERE id = $1 "
	"AND status = 'in_fulfilment' RETURNING *), s AS (INSERT INTO subscriptions "
	"(tenant_id, "
	"cost_centre_id, service_id, order_id, quantity, monthly_ore_at_start, start_date) "
	"SELECT o.tenant_id, o.cost_centre_id, o.service_id, o.id, o.quantity, p.price, "
	"sdesk_today() FROM o, LATERAL (SELECT sdesk_price_on(o.service_id, 'monthly', "
	"o.tenant_id, sdesk_today()) AS price) p WHERE p.price IS NOT NULL ON CONFLICT DO "
	"NOTHING RETURNING monthly_ore_at_start, start_date), ch AS (INSERT INTO "
	"one_time_charges (tenant_id, cost_centre_id, service_id, order_id, quantity, "
	"amount_ore, charged_on) SELECT o.tenant_id, o.cost_centre_id, o.service_id, o.id, "
	"o.quantity, o.one_time_ore, sdesk_today() FROM o WHERE o.one_time_ore IS NOT NULL ON "
	"CONFLICT DO NOTHING RETURNING amount_ore) SELECT (SELECT monthly_ore_at_start FROM "
	"s), "
	"(SELECT start_date::text FROM s), (SELECT amount_ore FROM ch)",
	1};

static const struct sd_stmt order_cancel_fulfil = {"order_cancel_fulfil",
	"UPDATE orders SET status = 'cancelled' WHERE id = $1 AND status = 'in_fulfilment'", 1};

int
sd_order_why(struct sd_order_why *w, enum sd_error_code code, const char *field, const char *sv,
	const char *en)
{
	w->ow_set = 1;
	w->ow_code = code;
	snprintf(w->ow_field, sizeof(w->ow_field), "%s", field ? field : "");
	snprintf(w->ow_sv, sizeof(w->ow_sv), "%s", sv ? sv : "");
	snprintf(w->ow_en, sizeof(w->ow_en), "%s", en ? en : "");
	return SD_DB_CONFLICT;
}

/* Runs a statement; *out (when not NULL) keeps the result. */
static int
order_exec(struct sd_dbc *c, const struct sd_stmt *st, const char *const *p, PGresult **out)
{
	PGresult *res = sd_db_exec(c, st, p);
	int rc = sd_db_result_rc(c, res);

	if (rc != SD_DB_OK || out == NULL)
		PQclear(res);
	else
		*out = res;
	return rc;
}

/* One answer of the form as text for the library, or -1 for a wrong JSON type. */
static int
order_answer_text(json_t *v, char *buf, size_t len, const char **out)
{
	if (json_is_string(v)) {
		*out = json_string_value(v);
	} else if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		*out = buf;
	} else if (json_is_boolean(v)) {
		*out = json_is_true(v) ? "true" : "false";
	} else {
		return -1;
	}
	return 0;
}

/*
 * Checks the answers against the form (the library), then that people and
 * cost centres named exist in the orderer's municipality.  Builds the
 * stored answers (people as {id, name, login}) and a readable summary.
 */
static int
order_check_form(struct sd_dbc *c, struct sd_order_new *on, const struct cat_service *svc,
	json_t *stored, json_t *summary)
{
	size_t n = json_object_size(on->on_answers), i = 0, k;
	struct cat_answer *ans = calloc(n + 1, sizeof(*ans));
	char(*bufs)[32] = calloc(n + 1, sizeof(*bufs)), tid[16], field[80];
	struct cat_form_error fe;
	const char *key;
	json_t *v;
	int rc = SD_DB_FAIL;

	if (ans == NULL || bufs == NULL)
		goto out;
	json_object_foreach(on->on_answers, key, v)
	{
		if (json_is_null(v))
			continue;
		snprintf(field, sizeof(field), "answers.%s", key);
		if (order_answer_text(v, bufs[i], sizeof(bufs[i]), &ans[i].an_value) < 0) {
			rc = sd_order_why(&on->on_why, SD_E_INVALID_FIELD, field,
				"Svaret ska vara text, ett heltal eller sant/falskt.",
				"The answer must be text, a whole number or true/false.");
			goto out;
		}
		ans[i++].an_name = key;
	}
	memset(&fe, 0, sizeof(fe));
	if (cat_form_check(svc, ans, i, &fe) < 0) {
		int missing = json_object_get(on->on_answers, fe.fe_field) == NULL;

		snprintf(field, sizeof(field), "answers.%s", fe.fe_field);
		rc = sd_order_why(&on->on_why,
			missing ? SD_E_MISSING_FIELD : SD_E_INVALID_FIELD, field, fe.fe_msg_sv,
			fe.fe_msg_en);
		goto out;
	}
	snprintf(tid, sizeof(tid), "%d", on->on_tenant);
	for (k = 0; k < svc->s_nfields; k++) {
		const struct cat_field *f = &svc->s_fields[k];
		const char *val = NULL, *p[2];
		PGresult *res = NULL;
		size_t j;

		for (j = 0; j < i; j++)
			if (strcmp(ans[j].an_name, f->f_name) == 0)
				val = ans[j].an_value;
		if (val == NULL)
			continue;
		p[0] = tid;
		p[1] = val;
		snprintf(field, sizeof(field), "answers.%s", f->f_name);
		if (f->f_type == CAT_FIELD_PERSON || f->f_type == CAT_FIELD_COST_CENTRE) {
			rc = order_exec(c,
				f->f_type == CAT_FIELD_PERSON ? &order_person : &order_cc_field,
				p, &res);
			if (rc != SD_DB_OK)
				goto out;
			if (PQntuples(res) != 1) {
				PQclear(res);
				rc = sd_order_why(&on->on_why, SD_E_INVALID_FIELD, field,
					f->f_type == CAT_FIELD_PERSON
						? "Ingen aktiv person med den inloggningen "
						  "finns i "
						  "kommunen."
						: "Kostnadsstället finns inte i kommunen.",
					f->f_type == CAT_FIELD_PERSON
						? "No active person with that login in the "
						  "municipality."
						: "No such cost centre in the municipality.");
				goto out;
			}
			json_object_set_new(stored, f->f_name,
				f->f_type == CAT_FIELD_PERSON
					? json_loads(PQgetvalue(res, 0, 0), 0, NULL)
					: json_string(PQgetvalue(res, 0, 0)));
			PQclear(res);
		} else {
			json_object_set(
				stored, f->f_name, json_object_get(on->on_answers, f->f_name));
		}
		json_array_append_new(summary,
			json_pack("{s:s, s:O}", "label", f->f_label, "value",
				json_object_get(stored, f->f_name)));
	}
	rc = SD_DB_OK;
out:
	free(ans);
	free(bufs);
	return rc;
}

/* The readable description of an order, for its tickets. */
static char *
order_summary_text(
	const struct sd_order_new *on, const char *service, const char *cc, json_t *summary)
{
	char *buf = NULL, line[600];
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);
	json_t *row;

	if (f == NULL)
		return NULL;
	fprintf(f, "%s\nBeställd av %s för kostnadsställe %s.\nAntal: %d\n", service,
		on->on_orderer_name, cc, on->on_quantity);
	json_array_foreach(summary, i, row)
	{
		json_t *v = json_object_get(row, "value");

		if (json_is_object(v))
			snprintf(line, sizeof(line), "%s (%s)",
				json_string_value(json_object_get(v, "name")),
				json_string_value(json_object_get(v, "login")));
		else if (json_is_string(v))
			snprintf(line, sizeof(line), "%s", json_string_value(v));
		else if (json_is_integer(v))
			snprintf(line, sizeof(line), "%lld", (long long)json_integer_value(v));
		else
			snprintf(line, sizeof(line), "%s", json_is_true(v) ? "ja" : "nej");
		fprintf(f, "%s%s: %s\n", i == 0 ? "\n" : "",
			json_string_value(json_object_get(row, "label")), line);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Frees the form fields sd_cat_form_from_json gave a service. */
static void
order_fields_free(struct cat_service *s)
{
	size_t i, j;

	for (i = 0; i < s->s_nfields; i++) {
		for (j = 0; j < s->s_fields[i].f_nchoices; j++)
			free(s->s_fields[i].f_choices[j]);
		free(s->s_fields[i].f_choices);
	}
	free(s->s_fields);
	s->s_fields = NULL;
	s->s_nfields = 0;
}

/* Sets the transaction's scope (who it runs as) to sc. */
static int
order_set_scope(struct sd_dbc *c, const char *user, const char *tenants, const char *perms)
{
	const char *p[3] = {user, tenants, perms};

	return order_exec(c, &order_scope, p, NULL);
}

/* Files one ticket of an order; its number into number, its id into *id. */
static int
order_ticket(struct sd_dbc *c, struct sd_ticket_new *tn, long long *id)
{
	const char *p[1] = {tn->tn_number};
	PGresult *res = NULL;
	int rc;

	if ((rc = sd_db_ticket_prepare(c, tn)) != SD_DB_OK ||
		(rc = sd_db_ticket_insert(c, tn)) != SD_DB_OK ||
		(rc = order_exec(c, &order_ticket_id, p, &res)) != SD_DB_OK)
		return rc;
	*id = PQntuples(res) == 1 ? atoll(PQgetvalue(res, 0, 0)) : 0;
	PQclear(res);
	return *id ? SD_DB_OK : SD_DB_FAIL;
}

/*
 * The tickets of an order: filed by the appliance itself (the approver
 * may not file tickets for others), in the order's municipality only.
 */
static int
order_fulfil_tickets(
	struct sd_dbc *c, PGresult *o, long long order_id, long long actor, json_t *tickets)
{
	json_t *subs = json_loads(PQgetvalue(o, 0, 6), 0, NULL), *st;
	char subject[256], ids[3][24];
	const char *p[3];
	struct sd_ticket_new tn;
	long long main_id = 0, sub_id;
	size_t i;
	int rc;

	memset(&tn, 0, sizeof(tn));
	tn.tn_requester = atoll(PQgetvalue(o, 0, 2));
	tn.tn_actor = actor;
	tn.tn_type = "request";
	tn.tn_channel = "portal";
	tn.tn_description = PQgetvalue(o, 0, 8);
	tn.tn_impact = 3;
	tn.tn_urgency = 2;
	tn.tn_classification = "open";
	tn.tn_queue = PQgetvalue(o, 0, 5);
	tn.tn_service = atoll(PQgetvalue(o, 0, 3));
	tn.tn_order = order_id;
	tn.tn_cost_centre = atoll(PQgetvalue(o, 0, 7));
	snprintf(subject, sizeof(subject), "Beställning %s: %s", PQgetvalue(o, 0, 0),
		PQgetvalue(o, 0, 4));
	tn.tn_subject = subject;
	if ((rc = order_ticket(c, &tn, &main_id)) != SD_DB_OK)
		goto out;
	json_array_append_new(tickets, json_string(tn.tn_number));
	snprintf(ids[0], sizeof(ids[0]), "%lld", order_id);
	snprintf(ids[1], sizeof(ids[1]), "%lld", main_id);
	p[0] = ids[0];
	p[1] = ids[1];
	p[2] = tn.tn_number;
	if ((rc = order_exec(c, &order_set_ticket, p, NULL)) != SD_DB_OK)
		goto out;
	json_array_foreach(subs, i, st)
	{
		tn.tn_queue = json_string_value(json_object_get(st, "queue"));
		snprintf(subject, sizeof(subject), "%s (%s)",
			json_string_value(json_object_get(st, "title")), PQgetvalue(o, 0, 0));
		if ((rc = order_ticket(c, &tn, &sub_id)) != SD_DB_OK)
			goto out;
		json_array_append_new(tickets, json_string(tn.tn_number));
		snprintf(ids[0], sizeof(ids[0]), "%s", PQgetvalue(o, 0, 1));
		snprintf(ids[2], sizeof(ids[2]), "%lld", sub_id);
		p[0] = ids[0];
		p[1] = ids[1];
		p[2] = ids[2];
		if ((rc = order_exec(c, &order_link, p, NULL)) != SD_DB_OK)
			goto out;
	}
out:
	json_decref(subs);
	return rc;
}

int
sd_db_order_fulfil(struct sd_dbc *c, const struct sd_scope *sc, long long order_id,
	long long actor, json_t *tickets)
{
	char id[24], user[24], tenants[24], perms[160];
	const char *p[1] = {id};
	PGresult *o = NULL;
	int rc, t;

	snprintf(id, sizeof(id), "%lld", order_id);
	if ((rc = order_exec(c, &order_for_fulfil, p, &o)) != SD_DB_OK)
		return rc;
	if (PQntuples(o) != 1) {
		PQclear(o);
		return SD_DB_NOTFOUND;
	}
	t = atoi(PQgetvalue(o, 0, 1));
	snprintf(tenants, sizeof(tenants), "{%d}", t);
	snprintf(perms, sizeof(perms), "ticket.create_for:%d,ticket.read:%d,ticket.work:%d", t,
		t, t);
	rc = order_set_scope(c, "0", tenants, perms);
	if (rc == SD_DB_OK)
		rc = order_fulfil_tickets(c, o, order_id, actor, tickets);
	PQclear(o);
	if (rc != SD_DB_OK)
		return rc;
	/* Back to the caller's own rights for the rest of the transaction. */
	snprintf(user, sizeof(user), "%lld", sc->sp_user_id);
	return order_set_scope(c, user, sc->sp_tenants, sc->sp_perms);
}

/* Reads the service and the cost centre, checks rights and form. */
static int
order_check(struct sd_dbc *c, struct sd_order_new *on, PGresult **svc_out, PGresult **cc_out,
	json_t *stored, json_t *summary)
{
	char tid[16], pid[24];
	const char *p[4] = {on->on_service, tid, on->on_roles, pid};
	struct cat_service svc;
	json_t *form;
	int rc, manages, own;

	snprintf(tid, sizeof(tid), "%d", on->on_tenant);
	snprintf(pid, sizeof(pid), "%lld", on->on_orderer);
	if ((rc = order_exec(c, &order_service, p, svc_out)) != SD_DB_OK)
		return rc;
	if (PQntuples(*svc_out) != 1 || PQgetvalue(*svc_out, 0, 6)[0] != 't')
		return sd_order_why(&on->on_why, SD_E_NOT_FOUND, "service",
			"Tjänsten finns inte i din kommuns katalog.",
			"The service is not in your municipality's catalogue.");
	p[0] = pid;
	p[1] = on->on_cost_centre;
	if ((rc = order_exec(c, &order_cost_centre, p, cc_out)) != SD_DB_OK)
		return rc;
	if (PQntuples(*cc_out) != 1 || PQgetvalue(*cc_out, 0, 1)[0] != 't')
		return sd_order_why(&on->on_why,
			on->on_cost_centre[0] ? SD_E_INVALID_FIELD : SD_E_MISSING_FIELD,
			"cost_centre",
			on->on_cost_centre[0] ? "Kostnadsstället finns inte eller är stängt."
					      : "Du har inget kostnadsställe; ange vilket.",
			on->on_cost_centre[0] ? "No such open cost centre."
					      : "You have no cost centre; name one.");
	manages = PQgetvalue(*cc_out, 0, 2)[0] == 't';
	own = PQgetvalue(*cc_out, 0, 3)[0] == 't';
	if (strcmp(PQgetvalue(*svc_out, 0, 2), "manager") == 0 ? !manages : !(manages || own))
		return sd_order_why(&on->on_why, SD_E_ORDER_NOT_ALLOWED, "cost_centre",
			manages || own ? "Den här tjänsten beställs av kostnadsställets chef."
				       : "Du kan beställa till ditt eget kostnadsställe eller "
					 "till dem du är chef för.",
			manages || own ? "This service is ordered by the cost centre's manager."
				       : "You may order for your own cost centre or those you "
					 "manage.");
	memset(&svc, 0, sizeof(svc));
	snprintf(svc.s_code, sizeof(svc.s_code), "%s", on->on_service);
	form = json_loads(PQgetvalue(*svc_out, 0, 4), 0, NULL);
	rc = sd_cat_form_from_json(form, &svc) < 0
		? SD_DB_FAIL
		: order_check_form(c, on, &svc, stored, summary);
	json_decref(form);
	order_fields_free(&svc);
	return rc;
}

/* The approval steps a service asks for; the manager's is done when the orderer is it. */
static int
order_approvals(
	struct sd_dbc *c, struct sd_order_new *on, long long id, json_t *needed, int manages)
{
	char tid[16], oid[24], pid[24];
	const char *p[6] = {tid, oid, "manager", "approved", NULL, pid};
	size_t i;
	json_t *st;

	snprintf(tid, sizeof(tid), "%d", on->on_tenant);
	snprintf(oid, sizeof(oid), "%lld", id);
	snprintf(pid, sizeof(pid), "%lld", on->on_orderer);
	json_array_foreach(needed, i, st)
	{
		int rc;

		if (strcmp(json_string_value(st), "manager") != 0 || !manages)
			continue;
		p[4] = "Beställaren är kostnadsställets chef.";
		if ((rc = order_exec(c, &order_approval_add, p, NULL)) != SD_DB_OK)
			return rc;
	}
	return SD_DB_OK;
}

/* Whether every step in needed is the manager's and the orderer is that manager. */
static int
order_all_approved(json_t *needed, int manages)
{
	size_t i;
	json_t *st;

	json_array_foreach(needed, i, st)
	{
		if (strcmp(json_string_value(st), "manager") != 0 || !manages)
			return 0;
	}
	return 1;
}

static int
order_insert_row(struct sd_dbc *c, struct sd_order_new *on, PGresult *svc, PGresult *cc,
	json_t *stored, const char *summary_text, const char *status, long long *id)
{
	char tid[16], pid[24], qty[16], *ans = json_dumps(stored, JSON_COMPACT);
	const char *p[14];
	PGresult *res = NULL;
	int rc;

	if (ans == NULL)
		return SD_DB_FAIL;
	snprintf(tid, sizeof(tid), "%d", on->on_tenant);
	snprintf(pid, sizeof(pid), "%lld", on->on_orderer);
	snprintf(qty, sizeof(qty), "%d", on->on_quantity);
	p[0] = tid;
	p[1] = PQgetvalue(svc, 0, 9);
	p[2] = on->on_tenant_code;
	p[3] = PQgetvalue(svc, 0, 0);
	p[4] = PQgetvalue(svc, 0, 1);
	p[5] = pid;
	p[6] = PQgetvalue(cc, 0, 0);
	p[7] = qty;
	p[8] = ans;
	p[9] = summary_text;
	p[10] = PQgetvalue(svc, 0, 7);
	p[11] = PQgetvalue(svc, 0, 8);
	p[12] = PQgetvalue(svc, 0, 3);
	p[13] = status;
	rc = order_exec(c, &order_insert, p, &res);
	free(ans);
	if (rc != SD_DB_OK)
		return rc;
	*id = atoll(PQgetvalue(res, 0, 0));
	snprintf(on->on_number, sizeof(on->on_number), "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	return SD_DB_OK;
}

int
sd_db_order_create(struct sd_dbc *c, struct sd_req *r, struct sd_order_new *on)
{
	PGresult *svc = NULL, *cc = NULL;
	json_t *stored = json_object(), *summary = json_array(), *needed = NULL;
	char *text = NULL, object[48];
	struct sd_scope sc;
	const char *status;
	long long id = 0;
	int rc, manages;

	json_array_clear(on->on_tickets);
	on->on_why.ow_set = 0;
	if ((rc = order_check(c, on, &svc, &cc, stored, summary)) != SD_DB_OK)
		goto out;
	manages = PQgetvalue(cc, 0, 2)[0] == 't';
	needed = json_loads(PQgetvalue(svc, 0, 3), 0, NULL);
	status = order_all_approved(needed, manages) ? "in_fulfilment" : "pending_approval";
	rc = SD_DB_FAIL;
	if ((text = order_summary_text(
		     on, PQgetvalue(svc, 0, 5), PQgetvalue(cc, 0, 4), summary)) == NULL)
		goto out;
	if ((rc = order_insert_row(c, on, svc, cc, stored, text, status, &id)) != SD_DB_OK ||
		(rc = order_approvals(c, on, id, needed, manages)) != SD_DB_OK)
		goto out;
	sd_auth_scope(r->rq_auth, &sc);
	if (strcmp(status, "in_fulfilment") == 0 &&
		(rc = sd_db_order_fulfil(c, &sc, id, on->on_orderer, on->on_tickets)) !=
			SD_DB_OK)
		goto out;
	snprintf(object, sizeof(object), "order:%s", on->on_number);
	rc = sd_audit_req(c, r, on->on_tenant, "order.create", object,
		json_pack("{s:s, s:s, s:i, s:O, s:s, s:O}", "service", on->on_service,
			"cost_centre", PQgetvalue(cc, 0, 4), "quantity", on->on_quantity,
			"answers", stored, "status", status, "tickets", on->on_tickets));
out:
	PQclear(svc);
	PQclear(cc);
	json_decref(stored);
	json_decref(summary);
	json_decref(needed);
	free(text);
	return rc;
}

int
sd_db_order_read(struct sd_dbc *c, const char *number, json_t **doc, long long *id, int *tenant)
{
	const char *p[1] = {number};
	PGresult *res = NULL;
	int rc;

	*doc = NULL;
	if ((rc = order_exec(c, &order_doc, p, &res)) != SD_DB_OK)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return SD_DB_NOTFOUND;
	}
	*doc = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	if (id != NULL)
		*id = atoll(PQgetvalue(res, 0, 1));
	if (tenant != NULL)
		*tenant = atoi(PQgetvalue(res, 0, 2));
	PQclear(res);
	return *doc ? SD_DB_OK : SD_DB_FAIL;
}

/* What a delivery started, for the audit row. */
static json_t *
order_delivery_json(PGresult *res)
{
	json_t *o = json_object();

	if (PQntuples(res) != 1)
		return o;
	if (!PQgetisnull(res, 0, 0)) {
		json_object_set_new(
			o, "monthly_ore", json_integer(atoll(PQgetvalue(res, 0, 0))));
		json_object_set_new(o, "start_date", json_string(PQgetvalue(res, 0, 1)));
	}
	if (!PQgetisnull(res, 0, 2))
		json_object_set_new(
			o, "one_time_ore", json_integer(atoll(PQgetvalue(res, 0, 2))));
	return o;
}

int
sd_db_order_ticket_done(struct sd_dbc *c, struct sd_req *r, long long ticket,
	const char *resolution, struct sd_order_why *why)
{
	char tid[24], object[48];
	const char *p[1] = {tid};
	PGresult *res = NULL, *sub = NULL;
	int rc, delivered, tenant;

	snprintf(tid, sizeof(tid), "%lld", ticket);
	if ((rc = order_exec(c, &order_of_ticket, p, &res)) != SD_DB_OK)
		return rc;
	if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 1), "in_fulfilment") != 0) {
		PQclear(res);
		return SD_DB_OK; /* not an order's ticket, or the order is settled */
	}
	/* Solved means delivered; anything else (withdrawn, a duplicate) cancels. */
	delivered = resolution != NULL &&
		(strcmp(resolution, "solved") == 0 || strcmp(resolution, "workaround") == 0);
	if (delivered && atoll(PQgetvalue(res, 0, 4)) > 0) {
		PQclear(res);
		return sd_order_why(why, SD_E_SUBTASKS_OPEN, "status",
			"Beställningens deluppgifter är inte klara än.",
			"The order's sub-tasks are not finished yet.");
	}
	snprintf(tid, sizeof(tid), "%s", PQgetvalue(res, 0, 0));
	snprintf(object, sizeof(object), "order:%s", PQgetvalue(res, 0, 2));
	tenant = atoi(PQgetvalue(res, 0, 3));
	PQclear(res);
	rc = order_exec(c, delivered ? &order_deliver : &order_cancel_fulfil, p, &sub);
	if (rc != SD_DB_OK)
		return rc;
	rc = sd_audit_req(c, r, tenant, delivered ? "order.delivered" : "order.cancelled",
		object, delivered ? order_delivery_json(sub) : NULL);
	PQclear(sub);
	return rc;
}
