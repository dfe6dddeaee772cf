/*
 * api/attachments.c: files on a ticket.
 *
 *   POST /api/v1/tickets/{number}/attachments?filename=x[&internal=1]  (raw body)
 *   GET  /api/v1/tickets/{number}/attachments
 *   GET  /api/v1/tickets/{number}/attachments/{id}
 *
 * The type is what libmagic finds in the bytes, never what the client
 * claims; only common document and image types are taken.  Contents are
 * stored once per tenant under their SHA-256 and served as downloads
 * (Content-Disposition: attachment, nosniff), so nothing uploaded is ever
 * rendered by the browser as a page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <magic.h>
#include <sodium.h>

#include "sdesk.h"

/* Sorted: types a municipality's users send; everything else is refused. */
static const char *const attach_types[] = {
	"application/msword",
	"application/pdf",
	"application/vnd.ms-excel",
	"application/vnd.ms-outlook",
	"application/vnd.ms-powerpoint",
	"application/vnd.oasis.opendocument.presentation",
	"application/vnd.oasis.opendocument.spreadsheet",
	"application/vnd.oasis.opendocument.text",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"image/gif",
	"image/jpeg",
	"image/png",
	"image/webp",
	"message/rfc822",
	"text/csv",
	"text/plain",
};

static pthread_mutex_t attach_magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t attach_magic;

static const struct sd_stmt blob_put = {"blob_put",
	"INSERT INTO attachment_blobs (tenant_id, sha256, size, data) VALUES ($1, $2, $3, $4) "
	"ON "
	"CONFLICT DO NOTHING",
	4};

static const struct sd_stmt attach_add = {"attach_add",
	"INSERT INTO ticket_attachments (tenant_id, ticket_id, uploaded_by, filename, "
	"content_type, "
	"size, sha256, internal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::boolean) RETURNING "
	"json_build_object('id', id, 'filename', filename, 'content_type', content_type, "
	"'size', "
	"size, 'sha256', sha256, 'internal', internal, 'uploaded_by', "
	"(SELECT card FROM person_cards WHERE id = uploaded_by), 'created_at', created_at)",
	8};

static const struct sd_stmt attach_list = {"attach_list",
	"SELECT coalesce(json_agg(json_build_object('id', a.id, 'filename', a.filename, "
	"'content_type', a.content_type, 'size', a.size, 'sha256', a.sha256, 'internal', "
	"a.internal, 'uploaded_by', (SELECT card FROM person_cards WHERE id = a.uploaded_by), "
	"'created_at', a.created_at) "
	"ORDER BY a.id), '[]') FROM ticket_attachments a WHERE a.ticket_id = $1",
	1};

static const struct sd_stmt attach_get = {"attach_get",
	"SELECT a.filename, a.content_type, b.data FROM ticket_attachments a JOIN "
	"attachment_blobs b "
	"ON b.tenant_id = a.tenant_id AND b.sha256 = a.sha256 WHERE a.id = $1 AND a.ticket_id "
	"= $2",
	2};

/* The sniffed MIME type of data into out; libmagic is not thread-safe. */
static int
attach_sniff(const char *data, size_t len, char *out, size_t outlen)
{
	const char *t;
	int rc = -1;

	pthread_mutex_lock(&attach_magic_lock);
	if (attach_magic == NULL) {
		attach_magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS);
		if (attach_magic != NULL && magic_load(attach_magic, NULL) != 0) {
			sd_log(SD_LOG_ERROR, "attach", "libmagic: %s",
				magic_error(attach_magic));
			magic_close(attach_magic);
			attach_magic = NULL;
		}
	}
	if (attach_magic != NULL && (t = magic_buffer(attach_magic, data, len)) != NULL) {
		snprintf(out, outlen, "%s", t);
		rc = 0;
	}
	pthread_mutex_unlock(&attach_magic_lock);
	return rc;
}

static int
attach_type_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* A file name a person gave, without paths or control characters. */
static int
attach_name_ok(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;

	if (name == NULL || *name == '\0' || strlen(name) > 255 || strcmp(name, ".") == 0 ||
		strcmp(name, "..") == 0)
		return 0;
	for (; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
			return 0;
	return 1;
}

struct attach_op {
	struct sd_req *ao_req;
	char ao_type[128];
	char ao_sha[65];
	char *ao_text;
	int ao_forbidden;
};

static int
attach_add_run(struct sd_dbc *c, void *arg)
{
	struct attach_op *op = arg;
	struct sd_req *r = op->ao_req;
	const char *internal = sd_req_query(r, "internal");
	char tid[16], id[24], by[24], size[24];
	const char *p[8] = {tid, op->ao_sha, size, r->rq_body};
	int lengths[8] = {0, 0, 0, (int)r->rq_body_len}, formats[8] = {0, 0, 0, 1};
	struct sd_ticket_state t;
	PGresult *res;
	int rc;

	if ((rc = sd_db_ticket_lock(c, r->rq_params[0], &t)) != SD_DB_OK)
		return rc;
	if (t.ts_status == SD_TS_CLOSED ||
		(internal && strcmp(internal, "1") == 0 &&
			!sd_auth_can(r->rq_auth, "ticket.work", t.ts_tenant))) {
		op->ao_forbidden = 1;
		sd_ticket_state_free(&t);
		return SD_DB_CONFLICT;
	}
	snprintf(tid, sizeof(tid), "%d", t.ts_tenant);
	snprintf(id, sizeof(id), "%lld", t.ts_id);
	snprintf(by, sizeof(by), "%lld", r->rq_auth->au_person);
	snprintf(size, sizeof(size), "%zu", r->rq_body_len);
	res = sd_db_exec_binary(c, &blob_put, p, lengths, formats, 0);
	rc = sd_db_result_rc(c, res);
	PQclear(res);
	if (rc == SD_DB_OK) {
		const char *q[8] = {tid, id, by, sd_req_query(r, "filename"), op->ao_type, size,
			op->ao_sha, internal && strcmp(internal, "1") == 0 ? "true" : "false"};

		res = sd_db_exec(c, &attach_add, q);
		if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK)
			op->ao_text = strdup(PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	if (rc == SD_DB_OK) {
		json_t *ev = json_array();

		sd_ticket_event(ev, "attachment", !(internal && strcmp(internal, "1") == 0),
			json_pack("{s:s, s:s}", "filename", sd_req_query(r, "filename"),
				"sha256", op->ao_sha));
		rc = sd_db_ticket_events(c, t.ts_tenant, t.ts_id, r->rq_auth->au_person, ev);
		json_decref(ev);
	}
	sd_ticket_state_free(&t);
	return rc;
}

enum MHD_Result
sd_api_attachment_add(struct sd_req *r)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	struct attach_op op;
	struct sd_scope sc;
	json_t *v;
	int rc;

	if (!attach_name_ok(sd_req_query(r, "filename")))
		return sd_reply_error(r, SD_E_INVALID_FIELD, "filename", NULL);
	if (r->rq_body_len == 0)
		return sd_reply_error(r, SD_E_MISSING_FIELD, "body", NULL);
	memset(&op, 0, sizeof(op));
	op.ao_req = r;
	if (attach_sniff(r->rq_body, r->rq_body_len, op.ao_type, sizeof(op.ao_type)) < 0)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	if (bsearch(op.ao_type, attach_types, sizeof(attach_types) / sizeof(attach_types[0]),
		    sizeof(attach_types[0]), attach_type_cmp) == NULL)
		return sd_reply_error(r, SD_E_UNSUPPORTED_MEDIA_TYPE, "body",
			r->rq_lang_en ? "Files of type %s are not accepted."
				      : "Filer av typen %s tas inte emot.",
			op.ao_type);
	crypto_hash_sha256(h, (const unsigned char *)r->rq_body, r->rq_body_len);
	sodium_bin2hex(op.ao_sha, sizeof(op.ao_sha), h, sizeof(h));
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, attach_add_run, &op);
	if (rc != SD_DB_OK) {
		free(op.ao_text);
		if (rc == SD_DB_NOTFOUND)
			return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
		if (op.ao_forbidden)
			return sd_reply_error(r, SD_E_FORBIDDEN, NULL, NULL);
		return sd_reply_db_error(r, rc);
	}
	v = json_loads(op.ao_text, 0, NULL);
	free(op.ao_text);
	return v ? sd_reply_json(r, 201, v) : sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
}

static int
attach_list_run(struct sd_dbc *c, void *arg)
{
	struct attach_op *op = arg;
	struct sd_ticket_row row;
	const char *p[1];
	char id[24];
	PGresult *res;
	int rc;

	if ((rc = sd_db_ticket_read(c, op->ao_req->rq_params[0], &row)) != SD_DB_OK)
		return rc;
	json_decref(row.tr_json);
	snprintf(id, sizeof(id), "%lld", row.tr_id);
	p[0] = id;
	res = sd_db_exec(c, &attach_list, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK)
		op->ao_text = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

enum MHD_Result
sd_api_attachments_list(struct sd_req *r)
{
	struct attach_op op;
	struct sd_scope sc;
	json_t *v;
	int rc;

	memset(&op, 0, sizeof(op));
	op.ao_req = r;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, attach_list_run, &op);
	if (rc != SD_DB_OK)
		return rc == SD_DB_NOTFOUND ? sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL)
					    : sd_reply_db_error(r, rc);
	v = json_loads(op.ao_text ? op.ao_text : "", 0, NULL);
	free(op.ao_text);
	return v ? sd_reply_json(r, 200, json_pack("{s:o}", "attachments", v))
		 : sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
}

struct attach_file {
	struct sd_req *af_req;
	char af_name[256];
	char af_type[128];
	char *af_data;
	size_t af_len;
};

static int
attach_get_run(struct sd_dbc *c, void *arg)
{
	struct attach_file *f = arg;
	struct sd_req *r = f->af_req;
	struct sd_ticket_row row;
	const char *p[2];
	char id[24];
	PGresult *res;
	int rc;

	if (strspn(r->rq_params[1], "0123456789") != strlen(r->rq_params[1]) ||
		strlen(r->rq_params[1]) > 18)
		return SD_DB_NOTFOUND;
	if ((rc = sd_db_ticket_read(c, r->rq_params[0], &row)) != SD_DB_OK)
		return rc;
	json_decref(row.tr_json);
	snprintf(id, sizeof(id), "%lld", row.tr_id);
	p[0] = r->rq_params[1];
	p[1] = id;
	res = sd_db_exec_binary(c, &attach_get, p, NULL, NULL, 1);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK && PQntuples(res) != 1)
		rc = SD_DB_NOTFOUND;
	if (rc == SD_DB_OK) {
		snprintf(f->af_name, sizeof(f->af_name), "%.*s", PQgetlength(res, 0, 0),
			PQgetvalue(res, 0, 0));
		snprintf(f->af_type, sizeof(f->af_type), "%.*s", PQgetlength(res, 0, 1),
			PQgetvalue(res, 0, 1));
		f->af_len = (size_t)PQgetlength(res, 0, 2);
		if ((f->af_data = malloc(f->af_len + 1)) == NULL)
			rc = SD_DB_FAIL;
		else
			memcpy(f->af_data, PQgetvalue(res, 0, 2), f->af_len);
	}
	PQclear(res);
	return rc;
}

enum MHD_Result
sd_api_attachment_get(struct sd_req *r)
{
	struct attach_file f;
	struct sd_scope sc;
	enum MHD_Result ret;
	char disp[1024], ascii[256], *enc;
	size_t i;
	int rc;

	memset(&f, 0, sizeof(f));
	f.af_req = r;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, attach_get_run, &f);
	if (rc != SD_DB_OK) {
		free(f.af_data);
		return rc == SD_DB_NOTFOUND ? sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL)
					    : sd_reply_db_error(r, rc);
	}
	/* RFC 6266: an ASCII fallback and the UTF-8 name, percent-encoded. */
	for (i = 0; i < sizeof(ascii) - 1 && f.af_name[i] != '\0'; i++)
		ascii[i] = (f.af_name[i] & 0x80) || f.af_name[i] == '"' ? '_' : f.af_name[i];
	ascii[i] = '\0';
	enc = curl_easy_escape(NULL, f.af_name, 0);
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii,
		enc ? enc : "file");
	curl_free(enc);
	sd_req_add_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disp);
	sd_req_add_header(
		r, MHD_HTTP_HEADER_CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox");
	ret = sd_reply_buf(r, 200, f.af_type, f.af_data, f.af_len);
	free(f.af_data);
	return ret;
}
