/*
 * api/tickets.c: POST /api/v1/tickets (one way in for every case) and
 * GET /api/v1/tickets/{number}.
 *
 * An employee files for themselves; a technician registers a ticket for a
 * caller or a visitor (requester and channel); an integration with an API
 * token names the requester.  The case number is the ticket's name in every
 * URL; the internal id never leaves the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sdesk.h"

static const struct sd_field create_fields[] = {
	{"type", SD_FT_STRING, SD_FF_REQUIRED, 1, 32},
	{"subject", SD_FT_STRING, SD_FF_REQUIRED, 1, 200},
	{"description", SD_FT_STRING, 0, 0, 20000},
	{"impact", SD_FT_INT, 0, 1, 3},
	{"urgency", SD_FT_INT, 0, 1, 3},
	{"category", SD_FT_STRING, SD_FF_NULLABLE, 1, 40},
	{"service", SD_FT_STRING, SD_FF_NULLABLE, 2, 47},
	{"requester", SD_FT_INT, 0, 1, 0x7fffffffffffffffLL},
	{"channel", SD_FT_STRING, 0, 1, 16},
	{"classification", SD_FT_STRING, 0, 1, 16},
	{"personal_data_breach", SD_FT_BOOL, 0, 0, 0},
	{"queue", SD_FT_STRING, 0, 1, 32},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

/* Sorted value lists for the enumerated fields. */
static const char *const ticket_types[] = {
	"incident", "question", "request", "security_incident", NULL};
static const char *const ticket_channels[] = {
	"api", "chat", "email", "phone", "portal", "visit", NULL};
static const char *const ticket_classes[] = {
	"confidential", "internal", "open", "secret", NULL};
static const char *const ticket_queues[] = {"business_systems", "first_line", "identity",
	"network", "telephony", "third_line", NULL};

int
sd_ticket_enum_ok(const char *const *list, const char *v)
{
	for (; v != NULL && *list != NULL; list++)
		if (strcmp(*list, v) == 0)
			return 1;
	return 0;
}

const char *const *
sd_ticket_enum(const char *name)
{
	if (strcmp(name, "type") == 0)
		return ticket_types;
	if (strcmp(name, "channel") == 0)
		return ticket_channels;
	if (strcmp(name, "classification") == 0)
		return ticket_classes;
	return ticket_queues;
}

/* Replies 400 for a value outside its list; 0 when fine or absent. */
static int
create_check_enums(struct sd_req *r, enum MHD_Result *ret)
{
	static const char *const names[] = {"type", "channel", "classification", "queue"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = sd_input_str(r, names[i]);

		if (v != NULL && !sd_ticket_enum_ok(sd_ticket_enum(names[i]), v)) {
			*ret = sd_reply_error(r, SD_E_INVALID_FIELD, names[i],
				r->rq_lang_en ? "'%s' is not a known %s."
					      : "'%s' är inte ett giltigt %s.",
				v, names[i]);
			return -1;
		}
	}
	return 0;
}

/* A hash of the body: a key reused with another body is a conflict. */
static void
create_body_hash(struct sd_req *r, char out[65])
{
	unsigned char h[32];

	crypto_generichash(
		h, sizeof(h), (const unsigned char *)r->rq_body, r->rq_body_len, NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* Fills tn from the body and the caller; replies and returns -1 on bad input. */
static int
create_parse(struct sd_req *r, struct sd_ticket_new *tn, char *actor, size_t alen,
	char hash[65], enum MHD_Result *ret)
{
	const struct sd_auth *a = r->rq_auth;
	const char *key = sd_req_header(r, "Idempotency-Key");
	json_t *body = r->rq_json;

	if (sd_input_check(r, create_fields, ret) < 0 || create_check_enums(r, ret) < 0)
		return -1;
	tn->tn_type = sd_input_str(r, "type");
	tn->tn_subject = sd_input_str(r, "subject");
	tn->tn_description =
		sd_input_str(r, "description") ? sd_input_str(r, "description") : "";
	tn->tn_impact = json_object_get(body, "impact")
		? (int)json_integer_value(json_object_get(body, "impact"))
		: 3;
	tn->tn_urgency = json_object_get(body, "urgency")
		? (int)json_integer_value(json_object_get(body, "urgency"))
		: 2;
	tn->tn_category = sd_input_str(r, "category");
	tn->tn_service_code = sd_input_str(r, "service");
	tn->tn_classification = sd_input_str(r, "classification")
		? sd_input_str(r, "classification")
		: "internal";
	tn->tn_queue = sd_input_str(r, "queue");
	tn->tn_pdb = json_is_true(json_object_get(body, "personal_data_breach"));
	tn->tn_requester = json_object_get(body, "requester")
		? (long long)json_integer_value(json_object_get(body, "requester"))
		: a->au_person;
	tn->tn_channel = sd_input_str(r, "channel");
	if (tn->tn_channel == NULL)
		tn->tn_channel = a->au_kind == SD_AUTH_TOKEN ? "api" : "portal";
	tn->tn_actor = a->au_person;
	tn->tn_registered_by = tn->tn_requester != a->au_person ? a->au_person : 0;
	if (tn->tn_pdb && strcmp(tn->tn_type, "security_incident") != 0) {
		*ret = sd_reply_error(r, SD_E_INVALID_FIELD, "personal_data_breach",
			r->rq_lang_en
				? "Only a security incident can be a personal-data breach."
				: "Bara en informationssäkerhetsincident kan vara en "
				  "personuppgiftsincident.");
		return -1;
	}
	if (key != NULL) {
		if (strlen(key) == 0 || strlen(key) > 200) {
			*ret = sd_reply_error(r, SD_E_INVALID_FIELD, "Idempotency-Key", NULL);
			return -1;
		}
		snprintf(actor, alen, "%s:%lld",
			a->au_kind == SD_AUTH_TOKEN ? "token" : "person",
			a->au_kind == SD_AUTH_TOKEN ? a->au_session : a->au_person);
		create_body_hash(r, hash);
		tn->tn_idem_actor = actor;
		tn->tn_idem_key = key;
		tn->tn_idem_hash = hash;
	}
	return 0;
}

/* Staff-only choices need ticket.create_for in the ticket's tenant. */
static int
create_allowed(const struct sd_auth *a, const struct sd_ticket_new *tn, struct sd_req *r)
{
	int staff = sd_auth_can(a, "ticket.create_for", tn->tn_tenant);

	if (tn->tn_requester != a->au_person && !staff)
		return 0;
	if (!staff && (sd_input_has(r, "channel") || sd_input_has(r, "queue")))
		return 0;
	return sd_auth_can(a, "ticket.create", tn->tn_tenant) || staff;
}

struct create_op {
	struct sd_req *co_req;
	struct sd_ticket_new *co_tn;
	struct sd_ticket_row co_row;
	int co_forbidden;
};

static int
create_run(struct sd_dbc *c, void *arg)
{
	struct create_op *op = arg;
	int rc;

	json_decref(op->co_row.tr_json);
	op->co_row.tr_json = NULL;
	if ((rc = sd_db_ticket_prepare(c, op->co_tn)) != SD_DB_OK)
		return rc;
	if (!op->co_tn->tn_replayed) {
		if (!create_allowed(op->co_req->rq_auth, op->co_tn, op->co_req)) {
			op->co_forbidden = 1;
			return SD_DB_CONFLICT;
		}
		if ((rc = sd_db_ticket_insert(c, op->co_tn)) != SD_DB_OK)
			return rc;
	}
	return sd_db_ticket_read_as(
		c, op->co_tn->tn_number, sd_auth_sees_clocks(op->co_req->rq_auth), &op->co_row);
}

enum MHD_Result
sd_api_ticket_create(struct sd_req *r)
{
	struct sd_ticket_new tn;
	struct create_op op;
	struct sd_scope sc;
	char actor[48], hash[65];
	enum MHD_Result ret;
	int rc;

	memset(&tn, 0, sizeof(tn));
	if (create_parse(r, &tn, actor, sizeof(actor), hash, &ret) < 0)
		return ret;
	memset(&op, 0, sizeof(op));
	op.co_req = r;
	op.co_tn = &tn;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, create_run, &op);
	if (rc == SD_DB_OK) {
		if (tn.tn_replayed)
			sd_req_add_header(r, "Idempotent-Replayed", "true");
		sd_ticket_json_moves(op.co_row.tr_json, r->rq_auth, op.co_row.tr_tenant,
			op.co_row.tr_status, op.co_row.tr_is_requester);
		return sd_reply_json(r, tn.tn_replayed ? 200 : 201, op.co_row.tr_json);
	}
	json_decref(op.co_row.tr_json);
	if (op.co_forbidden)
		return sd_reply_error(r, SD_E_FORBIDDEN, NULL, NULL);
	if (rc == SD_DB_NOTFOUND)
		return sd_reply_error(r, SD_E_INVALID_FIELD, tn.tn_error,
			r->rq_lang_en ? "No such %s." : "Ogiltig %s.", tn.tn_error);
	if (rc == SD_DB_CONFLICT)
		return sd_reply_error(r, SD_E_CONFLICT, "Idempotency-Key",
			r->rq_lang_en ? "The key was used with another request."
				      : "Nyckeln har använts för en annan förfrågan.");
	if (rc == SD_DB_FAIL)
		/* RLS refused the insert: not allowed for that requester's tenant. */
		return sd_reply_error(r, SD_E_INVALID_FIELD, "requester", NULL);
	return sd_reply_db_error(r, rc);
}

/* What the caller may do next (status moves) with a ticket: into moves, how many. */
static size_t
ticket_moves_for(const struct sd_auth *a, int tenant, int status, int requester,
	const char *moves[SD_TS__COUNT])
{
	int staff = sd_auth_can(a, "ticket.work", tenant);

	return (staff || requester) ? sd_ticket_moves(status, staff, moves, SD_TS__COUNT) : 0;
}

/* Adds what the caller may do next (status moves) to a ticket's JSON. */
void
sd_ticket_json_moves(json_t *t, const struct sd_auth *a, int tenant, int status, int requester)
{
	const char *moves[SD_TS__COUNT];
	size_t n = ticket_moves_for(a, tenant, status, requester, moves), i;
	json_t *arr = json_array();

	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_string(moves[i]));
	json_object_set_new(t, "allowed_status", arr);
}

/* Every read of a confidential or secret ticket is audited. */
struct get_op {
	struct sd_req *go_req;
	const struct sd_ticket_row *go_row;
};

static int
get_audit(struct sd_dbc *c, void *arg)
{
	const struct get_op *op = arg;
	char object[48];

	snprintf(object, sizeof(object), "ticket:%s", op->go_req->rq_params[0]);
	return sd_audit_req(c, op->go_req, op->go_row->tr_tenant, "ticket.read_confidential",
		object, json_pack("{s:s}", "classification", op->go_row->tr_class));
}

/*
 * The body of a read: the stored document as PostgreSQL wrote it, with the
 * rating, the caller's next moves and the clocks written in before its
 * closing brace.  NULL when out of memory.
 */
static char *
get_body(const struct sd_ticket_row *row, const struct sd_auth *a, size_t *len)
{
	const char *moves[SD_TS__COUNT], *end = strrchr(row->tr_doc, '}');
	const char *rating = row->tr_rating != NULL ? row->tr_rating : "null";
	size_t n, i, cap, off;
	char *sla = NULL, *out;

	if (end == NULL)
		return NULL;
	n = ticket_moves_for(a, row->tr_tenant, row->tr_status, row->tr_is_requester, moves);
	if (row->tr_sla != NULL && (sla = json_dumps(row->tr_sla, JSON_COMPACT)) == NULL)
		return NULL;
	cap = (size_t)(end - row->tr_doc) + strlen(rating) + (sla ? strlen(sla) : 0) + 64;
	for (i = 0; i < n; i++)
		cap += strlen(moves[i]) + 3;
	if ((out = malloc(cap)) == NULL) {
		free(sla);
		return NULL;
	}
	/* The document always has its number, so a comma follows it. */
	off = (size_t)(end - row->tr_doc);
	memcpy(out, row->tr_doc, off);
	off += (size_t)snprintf(
		out + off, cap - off, ",\"rating\":%s,\"allowed_status\":[", rating);
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(
			out + off, cap - off, "%s\"%s\"", i ? "," : "", moves[i]);
	off += (size_t)snprintf(
		out + off, cap - off, "]%s%s}", sla ? ",\"sla\":" : "", sla ? sla : "");
	free(sla);
	*len = off;
	return out;
}

/*
 * One round trip for an open or internal ticket.  A confidential or secret
 * one is shown only once its read is in the audit log.
 */
enum MHD_Result
sd_api_ticket_get(struct sd_req *r)
{
	struct sd_ticket_row row;
	struct sd_scope sc;
	enum MHD_Result ret;
	char *body;
	size_t len;
	int rc, clocks;

	sd_auth_scope(r->rq_auth, &sc);
	clocks = sd_auth_sees_clocks(r->rq_auth);
	rc = sd_db_ticket_get(r->rq_app->ap_db, &sc, r->rq_params[0], clocks, &row);
	if (rc == SD_DB_OK &&
		(strcmp(row.tr_class, "confidential") == 0 ||
			strcmp(row.tr_class, "secret") == 0)) {
		struct get_op op = {r, &row};

		rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, get_audit, &op);
	}
	if (rc != SD_DB_OK) {
		sd_ticket_row_clear(&row);
		return rc == SD_DB_NOTFOUND ? sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL)
					    : sd_reply_db_error(r, rc);
	}
	body = get_body(&row, r->rq_auth, &len);
	sd_ticket_row_clear(&row);
	if (body == NULL)
		return MHD_NO;
	ret = sd_reply_buf(r, 200, "application/json", body, len);
	free(body);
	return ret;
}
