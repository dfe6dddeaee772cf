/*
 * reply.c: every response leaves through here, so every response carries
 * the request id and the same security headers, and every error has the
 * same shape: {"error":{"code":..,"message":..,"field":..}}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

static void
reply_headers(struct sd_req *r, struct MHD_Response *resp, const char *type)
{
	unsigned i;

	for (i = 0; i < r->rq_nhdr; i++)
		MHD_add_response_header(resp, r->rq_hdr_names[i], r->rq_hdr_values[i]);
	MHD_add_response_header(resp, "X-Request-Id", r->rq_id);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

/* Queues resp and records what the access log needs. */
static enum MHD_Result
reply_queue(struct sd_req *r, unsigned status, struct MHD_Response *resp, size_t len)
{
	enum MHD_Result ret;

	if (atomic_load(&r->rq_app->ap_stopping))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(r->rq_conn, status, resp);
	MHD_destroy_response(resp);
	r->rq_replied = 1;
	r->rq_status = status;
	r->rq_resp_bytes = len;
	return ret;
}

enum MHD_Result
sd_reply_buf(struct sd_req *r, unsigned status, const char *type, const void *buf, size_t len)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(
		len, (void *)(uintptr_t)buf, MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	reply_headers(r, resp, type);
	return reply_queue(r, status, resp, len);
}

enum MHD_Result
sd_reply_file(struct sd_req *r, unsigned status, struct MHD_Response *resp, const char *type,
	size_t len)
{
	reply_headers(r, resp, type);
	/* Files are revalidated (static.c sets their caching), not never stored. */
	MHD_del_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	return reply_queue(r, status, resp, len);
}

enum MHD_Result
sd_reply_json(struct sd_req *r, unsigned status, json_t *body)
{
	struct MHD_Response *resp;
	char *text;
	size_t len;

	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (text == NULL)
		return MHD_NO;
	len = strlen(text);
	resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(text);
		return MHD_NO;
	}
	reply_headers(r, resp, "application/json");
	return reply_queue(r, status, resp, len);
}

enum MHD_Result
sd_reply_error(
	struct sd_req *r, enum sd_error_code code, const char *field, const char *detail, ...)
{
	const struct sd_error_info *ei = sd_error_info(code);
	char msg[1024];
	json_t *body;
	int n;

	n = snprintf(msg, sizeof(msg), "%s", r->rq_lang_en ? ei->ei_msg_en : ei->ei_msg_sv);
	if (detail != NULL && n > 0 && (size_t)n < sizeof(msg) - 3) {
		va_list ap;

		/* "Message." + " detail" reads as one sentence and a clause. */
		msg[n++] = ' ';
		va_start(ap, detail);
		vsnprintf(msg + n, sizeof(msg) - (size_t)n, detail, ap);
		va_end(ap);
	}
	body = json_pack("{s:{s:s, s:s, s:o}}", "error", "code", ei->ei_code, "message", msg,
		"field", field ? json_string(field) : json_null());
	if (body == NULL)
		return MHD_NO;
	return sd_reply_json(r, ei->ei_status, body);
}

enum MHD_Result
sd_reply_db_error(struct sd_req *r, int rc)
{
	switch (rc) {
	case SD_DB_DOWN:
		return sd_reply_error(r, SD_E_DB_UNAVAILABLE, NULL, NULL);
	case SD_DB_BUSY:
		return sd_reply_error(r, SD_E_DB_BUSY, NULL, NULL);
	default:
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	}
}

enum MHD_Result
sd_reply_not_allowed(struct sd_req *r, unsigned mask)
{
	const struct sd_error_info *ei = sd_error_info(SD_E_METHOD_NOT_ALLOWED);
	struct MHD_Response *resp;
	char allow[128], *text;
	json_t *body;
	size_t len;

	sd_route_allow_string(mask, allow, sizeof(allow));
	body = json_pack("{s:{s:s, s:s, s:n}}", "error", "code", ei->ei_code, "message",
		r->rq_lang_en ? ei->ei_msg_en : ei->ei_msg_sv, "field");
	if (body == NULL)
		return MHD_NO;
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (text == NULL)
		return MHD_NO;
	len = strlen(text);
	if ((resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE)) ==
		NULL) {
		free(text);
		return MHD_NO;
	}
	reply_headers(r, resp, "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	return reply_queue(r, ei->ei_status, resp, len);
}

int
sd_fault(struct sd_fault *f, enum sd_error_code code, const char *field, const char *sv,
	const char *en)
{
	f->ft_set = 1;
	f->ft_code = code;
	f->ft_field = field;
	f->ft_sv = sv;
	f->ft_en = en;
	return SD_DB_CONFLICT;
}

enum MHD_Result
sd_reply_outcome(struct sd_req *r, int rc, const struct sd_fault *f)
{
	const char *detail;

	if (f != NULL && f->ft_set) {
		detail = r->rq_lang_en ? f->ft_en : f->ft_sv;
		if (detail == NULL)
			return sd_reply_error(r, f->ft_code, f->ft_field, NULL);
		return sd_reply_error(r, f->ft_code, f->ft_field, "%s", detail);
	}
	if (rc == SD_DB_NOTFOUND)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	if (rc == SD_DB_CONFLICT)
		return sd_reply_error(r, SD_E_CONFLICT, NULL, NULL);
	return sd_reply_db_error(r, rc);
}
