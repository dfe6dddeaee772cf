/*
 * api/people.c: the people of the municipalities.
 *
 *   GET   /api/v1/people              search (tenants where the caller has person.read)
 *   GET   /api/v1/people/{id}         one person with their roles (oneself always)
 *   POST  /api/v1/people              a local account (external users, break-glass)
 *   PATCH /api/v1/people/{id}         change a person
 *   POST  /api/v1/people/{id}/unlock  lift a login lock
 *
 * A new password is checked against the policy and hashed on a worker
 * thread (Argon2id and cracklib block), as logging in does; the request
 * comes back to this thread for the transaction.  Passwords are never
 * logged, audited or kept longer than the request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sdesk.h"

#define PEOPLE_CURSOR_MAX 1100

static const struct sd_field person_create_fields[] = {
	{"tenant", SD_FT_STRING, SD_FF_REQUIRED, 3, 3},
	{"login", SD_FT_STRING, SD_FF_REQUIRED, 1, 128},
	{"name", SD_FT_STRING, SD_FF_REQUIRED, 1, 200},
	{"email", SD_FT_STRING, SD_FF_NULLABLE, 3, 254},
	{"kind", SD_FT_STRING, SD_FF_REQUIRED, 1, 16},
	{"expires_at", SD_FT_STRING, SD_FF_NULLABLE, 10, 40},
	{"password", SD_FT_STRING, SD_FF_REQUIRED, 1, 1024},
	{"department", SD_FT_STRING, SD_FF_NULLABLE, 1, 16},
	{"cost_centre", SD_FT_STRING, SD_FF_NULLABLE, 1, 16},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

static const struct sd_field person_update_fields[] = {
	{"name", SD_FT_STRING, 0, 1, 200},
	{"email", SD_FT_STRING, SD_FF_NULLABLE, 3, 254},
	{"active", SD_FT_BOOL, 0, 0, 0},
	{"expires_at", SD_FT_STRING, SD_FF_NULLABLE, 10, 40},
	{"department", SD_FT_STRING, SD_FF_NULLABLE, 1, 16},
	{"cost_centre", SD_FT_STRING, SD_FF_NULLABLE, 1, 16},
	{"password", SD_FT_STRING, 0, 1, 1024},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

static const char *const person_kinds[] = {"employee", "external", "privileged", NULL};

/* A create or change waiting for its password to be checked and hashed. */
struct person_job {
	struct sd_person_new pj_new;
	struct sd_person_change pj_change;
	char pj_login[136];
	char pj_policy_login[136]; /* what the password must not be built on */
	char pj_policy_name[208];
	char *pj_password; /* wiped and freed with the request */
	char *pj_hash;     /* where the hash goes: pn_hash or pc_hash */
	int pj_en;
	int pj_weak;
	int pj_failed;
	char pj_why[256];
};

long long
sd_api_path_id(const char *s)
{
	long long v = 0;
	int n = 0;

	for (; s != NULL && *s >= '0' && *s <= '9' && n < 18; s++, n++)
		v = v * 10 + (*s - '0');
	return s != NULL && *s == '\0' && n > 0 ? v : 0;
}

static void
person_job_free(void *ctx)
{
	struct person_job *pj = ctx;

	if (pj == NULL)
		return;
	if (pj->pj_password != NULL) {
		sodium_memzero(pj->pj_password, strlen(pj->pj_password));
		free(pj->pj_password);
	}
	sodium_memzero(pj, sizeof(*pj));
	free(pj);
}

/* Worker thread: policy and hash.  Touches nothing but the job. */
static void
person_job_work(struct sd_req *r)
{
	struct person_job *pj = r->rq_ctx;

	if (sd_password_policy(pj->pj_password, pj->pj_policy_login, pj->pj_policy_name,
		    pj->pj_en, pj->pj_why, sizeof(pj->pj_why)) < 0)
		pj->pj_weak = 1;
	else if (sd_password_hash(pj->pj_password, pj->pj_hash) < 0)
		pj->pj_failed = 1;
	sodium_memzero(pj->pj_password, strlen(pj->pj_password));
}

/* Replies 400 weak_password or 500 when the worker refused; 0 to go on. */
static int
person_job_refused(struct sd_req *r, struct person_job *pj, enum MHD_Result *ret)
{
	if (pj->pj_weak)
		*ret = sd_reply_error(r, SD_E_WEAK_PASSWORD, "password", "%s", pj->pj_why);
	else if (pj->pj_failed)
		*ret = sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	else
		return 0;
	return -1;
}

static struct person_job *
person_job_new(struct sd_req *r)
{
	struct person_job *pj = calloc(1, sizeof(*pj));

	if (pj == NULL)
		return NULL;
	r->rq_ctx = pj;
	r->rq_ctx_free = person_job_free;
	pj->pj_en = r->rq_lang_en;
	return pj;
}

/* Copies a login lowercased; 0 when it has the form people.login allows. */
static int
person_login_ok(const char *in, char out[136])
{
	size_t i;

	for (i = 0; i < 135 && in[i] != '\0'; i++) {
		char ch = (in[i] >= 'A' && in[i] <= 'Z') ? (char)(in[i] + 32) : in[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
			    (i > 0 && strchr("._@-", ch) != NULL)))
			return -1;
		out[i] = ch;
	}
	out[i] = '\0';
	return in[i] == '\0' && i > 0 ? 0 : -1;
}

/* One @ with something on both sides and no spaces, as the table checks. */
static int
person_email_ok(const char *s)
{
	const char *at = strchr(s, '@');

	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return 0;
	return strpbrk(s, " \t\r\n") == NULL;
}

static enum MHD_Result
person_bad(struct sd_req *r, const char *field, const char *sv, const char *en)
{
	return sd_reply_error(r, SD_E_INVALID_FIELD, field, "%s", r->rq_lang_en ? en : sv);
}

/* The kind of a new account and its name go together: adm-<login> is privileged. */
static int
person_kind_check(struct sd_req *r, const char *kind, const char *login, enum MHD_Result *ret)
{
	size_t i;
	int privileged = strncmp(login, "adm-", 4) == 0;

	for (i = 0; person_kinds[i] != NULL && strcmp(person_kinds[i], kind) != 0; i++)
		;
	if (person_kinds[i] == NULL)
		*ret = person_bad(r, "kind", "Ska vara employee, external eller privileged.",
			"Must be employee, external or privileged.");
	else if (privileged != (strcmp(kind, "privileged") == 0))
		*ret = person_bad(r, privileged ? "kind" : "login",
			"En administratörsidentitet är av typen privileged och heter "
			"adm-<namn>; inga andra.",
			"An administrator identity is of kind privileged and named "
			"adm-<login>; no other is.");
	else
		return 0;
	return -1;
}

/* Checks a new account's fields into pj->pj_new; -1 after replying. */
static int
person_create_parse(struct sd_req *r, struct person_job *pj, enum MHD_Result *ret)
{
	struct sd_person_new *pn = &pj->pj_new;
	const char *kind, *email, *password;
	struct sd_tenant t;

	if (sd_input_check(r, person_create_fields, ret) < 0 ||
		sd_input_tenant(r, sd_input_str(r, "tenant"), "tenant", &t, ret) < 0)
		return -1;
	kind = sd_input_str(r, "kind");
	if (person_login_ok(sd_input_str(r, "login"), pj->pj_login) < 0) {
		*ret = person_bad(r, "login",
			"Användarnamnet får innehålla a-z, 0-9 och . _ @ - (inte först).",
			"A login may hold a-z, 0-9 and . _ @ - (not first).");
		return -1;
	}
	if (person_kind_check(r, kind, pj->pj_login, ret) < 0)
		return -1;
	/* Only administrators make privileged identities; IT contacts work at home. */
	if (!sd_auth_sees_tenant(r->rq_auth, t.t_id) ||
		!sd_auth_may_manage(r->rq_auth, t.t_id, kind, NULL, 0)) {
		*ret = sd_reply_error(r, SD_E_FORBIDDEN,
			strcmp(kind, "privileged") == 0 &&
					sd_auth_can(r->rq_auth, "person.admin", t.t_id)
				? "kind"
				: "tenant",
			NULL);
		return -1;
	}
	email = sd_input_str(r, "email");
	if (email != NULL && !person_email_ok(email)) {
		*ret = person_bad(
			r, "email", "Ogiltig e-postadress.", "Not an e-mail address.");
		return -1;
	}
	if (strcmp(kind, "external") == 0 && sd_input_str(r, "expires_at") == NULL) {
		*ret = sd_reply_error(r, SD_E_MISSING_FIELD, "expires_at",
			r->rq_lang_en ? "External users always have an expiry date."
				      : "Externa användare har alltid ett slutdatum.");
		return -1;
	}
	if (sd_input_str(r, "expires_at") != NULL &&
		sd_input_time(r, "expires_at", 1, pn->pn_expires, ret) < 0)
		return -1;
	pn->pn_tenant = t.t_id;
	pn->pn_login = pj->pj_login;
	pn->pn_name = sd_input_str(r, "name");
	pn->pn_email = email;
	pn->pn_kind = kind;
	pn->pn_department = sd_input_str(r, "department");
	pn->pn_cost_centre = sd_input_str(r, "cost_centre");
	password = sd_input_str(r, "password");
	snprintf(pj->pj_policy_login, sizeof(pj->pj_policy_login), "%s", pj->pj_login);
	snprintf(pj->pj_policy_name, sizeof(pj->pj_policy_name), "%s", pn->pn_name);
	pj->pj_hash = pn->pn_hash;
	if ((pj->pj_password = strdup(password)) == NULL) {
		*ret = sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
		return -1;
	}
	return 0;
}

static enum MHD_Result
person_create_finish(struct sd_req *r)
{
	struct person_job *pj = r->rq_ctx;
	struct sd_fault f = {0};
	enum MHD_Result ret;
	json_t *out = NULL;
	int rc;

	if (person_job_refused(r, pj, &ret) < 0)
		return ret;
	if ((rc = sd_db_person_create(r, &pj->pj_new, &f, &out)) != SD_DB_OK)
		return sd_reply_outcome(r, rc, &f);
	return sd_reply_json(r, 201, out);
}

enum MHD_Result
sd_api_person_create(struct sd_req *r)
{
	struct person_job *pj;
	enum MHD_Result ret;

	if ((pj = person_job_new(r)) == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	if (person_create_parse(r, pj, &ret) < 0)
		return ret;
	return sd_req_defer(r, person_job_work, person_create_finish);
}

/* Checks a change's fields into pj->pj_change; -1 after replying. */
static int
person_update_parse(struct sd_req *r, struct person_job *pj, enum MHD_Result *ret)
{
	struct sd_person_change *pc = &pj->pj_change;
	const char *email;

	if (sd_input_check(r, person_update_fields, ret) < 0)
		return -1;
	email = sd_input_str(r, "email");
	if (email != NULL && !person_email_ok(email)) {
		*ret = person_bad(
			r, "email", "Ogiltig e-postadress.", "Not an e-mail address.");
		return -1;
	}
	if (sd_input_str(r, "expires_at") != NULL &&
		sd_input_time(r, "expires_at", 1, pc->pc_expires, ret) < 0)
		return -1;
	pc->pc_set = (sd_input_has(r, "name") ? SD_PC_NAME : 0) |
		(sd_input_has(r, "email") ? SD_PC_EMAIL : 0) |
		(sd_input_has(r, "active") ? SD_PC_ACTIVE : 0) |
		(sd_input_has(r, "expires_at") ? SD_PC_EXPIRES : 0) |
		(sd_input_has(r, "department") ? SD_PC_DEPARTMENT : 0) |
		(sd_input_has(r, "cost_centre") ? SD_PC_COST_CENTRE : 0) |
		(sd_input_has(r, "password") ? SD_PC_PASSWORD : 0);
	pc->pc_name = sd_input_str(r, "name");
	pc->pc_email = email;
	pc->pc_active = json_is_true(json_object_get(r->rq_json, "active"));
	pc->pc_department = sd_input_str(r, "department");
	pc->pc_cost_centre = sd_input_str(r, "cost_centre");
	pj->pj_hash = pc->pc_hash;
	return 0;
}

static enum MHD_Result
person_update_finish(struct sd_req *r)
{
	struct person_job *pj = r->rq_ctx;
	struct sd_fault f = {0};
	enum MHD_Result ret;
	json_t *out = NULL;
	int rc;

	if (person_job_refused(r, pj, &ret) < 0)
		return ret;
	if ((rc = sd_db_person_update(r, &pj->pj_change, &f, &out)) != SD_DB_OK)
		return sd_reply_outcome(r, rc, &f);
	return sd_reply_json(r, 200, out);
}

/* A new password: find whose it is (and may we), then check and hash it on a worker. */
static enum MHD_Result
person_update_password(struct sd_req *r, struct person_job *pj)
{
	struct sd_person_facts pf;
	struct sd_fault f = {0};
	const char *name = pj->pj_change.pc_name;
	int rc, local;

	memset(&pf, 0, sizeof(pf));
	rc = sd_db_person_facts(r, pj->pj_change.pc_id, &pf, &f);
	local = strcmp(pf.pf_source, "local") == 0;
	snprintf(pj->pj_policy_login, sizeof(pj->pj_policy_login), "%s", pf.pf_login);
	snprintf(
		pj->pj_policy_name, sizeof(pj->pj_policy_name), "%s", name ? name : pf.pf_name);
	sd_person_facts_clear(&pf);
	if (rc != SD_DB_OK)
		return sd_reply_outcome(r, rc, &f);
	if (!local)
		return person_bad(r, "password",
			"Personen loggar in via kommunens katalog; lösenordet byts där.",
			"The person logs in through the municipality's directory; change the "
			"password there.");
	if ((pj->pj_password = strdup(sd_input_str(r, "password"))) == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	return sd_req_defer(r, person_job_work, person_update_finish);
}

enum MHD_Result
sd_api_person_update(struct sd_req *r)
{
	struct person_job *pj;
	enum MHD_Result ret;

	if ((pj = person_job_new(r)) == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	if ((pj->pj_change.pc_id = sd_api_path_id(r->rq_params[0])) == 0)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	if (person_update_parse(r, pj, &ret) < 0)
		return ret;
	if (pj->pj_change.pc_set & SD_PC_PASSWORD)
		return person_update_password(r, pj);
	return person_update_finish(r);
}

enum MHD_Result
sd_api_person_get(struct sd_req *r)
{
	const struct sd_auth *a = r->rq_auth;
	long long id = sd_api_path_id(r->rq_params[0]);
	struct sd_scope sc;
	json_t *out = NULL;
	int rc, tenant = 0;

	if (id == 0)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	sd_auth_scope(a, &sc);
	if ((rc = sd_db_person_get(r->rq_app->ap_db, &sc, id, &out, &tenant)) != SD_DB_OK)
		return sd_reply_outcome(r, rc, NULL);
	/* Oneself always; anyone else with person.read in their tenant, else not there. */
	if (!(a->au_kind == SD_AUTH_SESSION && a->au_person == id) &&
		!sd_auth_can(a, "person.read", tenant)) {
		json_decref(out);
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	}
	return sd_reply_json(r, 200, out);
}

enum MHD_Result
sd_api_person_unlock(struct sd_req *r)
{
	long long id = sd_api_path_id(r->rq_params[0]);
	struct sd_fault f = {0};
	int rc, was_locked = 0;

	if (id == 0)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	if ((rc = sd_db_person_unlock(r, id, &f, &was_locked)) != SD_DB_OK)
		return sd_reply_outcome(r, rc, &f);
	return sd_reply_json(r, 200, json_pack("{s:b}", "was_locked", was_locked));
}

/* The opaque cursor after a person: base64url of "<id>:<name>". */
static json_t *
people_cursor(json_t *last)
{
	char raw[PEOPLE_CURSOR_MAX],
		b64[sodium_base64_ENCODED_LEN(
			PEOPLE_CURSOR_MAX, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	int n;

	n = snprintf(raw, sizeof(raw), "%lld:%s",
		(long long)json_integer_value(json_object_get(last, "id")),
		json_string_value(json_object_get(last, "name")));
	if (n < 0 || (size_t)n >= sizeof(raw))
		return json_null();
	sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)raw, (size_t)n,
		sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return json_string(b64);
}

/* Decodes a cursor into q (name into name); 0 or -1. */
static int
people_cursor_read(const char *s, struct sd_people_query *q, char name[PEOPLE_CURSOR_MAX])
{
	size_t len = 0;
	char *p;

	if (sodium_base642bin((unsigned char *)name, PEOPLE_CURSOR_MAX - 1, s, strlen(s), NULL,
		    &len, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	name[len] = '\0';
	if (strlen(name) != len || (p = strchr(name, ':')) == NULL)
		return -1;
	*p = '\0';
	if ((q->pq_after_id = sd_api_path_id(name)) == 0)
		return -1;
	q->pq_after_name = p + 1;
	return 0;
}

enum MHD_Result
sd_api_people_list(struct sd_req *r)
{
	struct sd_people_query q = {NULL, "", 25, 0, ""};
	const char *code = sd_req_query(r, "tenant"), *after = sd_req_query(r, "after");
	char name[PEOPLE_CURSOR_MAX], *tenants;
	struct sd_tenant t = {0};
	enum MHD_Result ret;
	struct sd_scope sc;
	json_t *list = NULL;
	int rc, more = 0;

	if ((code != NULL && sd_input_tenant(r, code, "tenant", &t, &ret) < 0) ||
		sd_input_query_int(r, "limit", 1, 100, &q.pq_limit, &ret) < 0)
		return ret;
	if (sd_req_query(r, "q") != NULL)
		q.pq_q = sd_req_query(r, "q");
	if (strlen(q.pq_q) > 200)
		return person_bad(r, "q", "Högst 200 tecken.", "At most 200 characters.");
	if (after != NULL && people_cursor_read(after, &q, name) < 0)
		return person_bad(r, "after", "Ogiltig markör; börja om från första sidan.",
			"Not a cursor of this list; start again from the first page.");
	if ((tenants = sd_auth_tenants_with(r->rq_auth, "person.read", t.t_id)) == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	q.pq_tenants = tenants;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_people_search(r->rq_app->ap_db, &sc, &q, &list, &more);
	free(tenants);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	return sd_reply_json(r, 200,
		json_pack("{s:o, s:o}", "people", list, "next",
			more ? people_cursor(json_array_get(list, json_array_size(list) - 1))
			     : json_null()));
}
