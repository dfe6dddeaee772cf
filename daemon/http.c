/*
 * http.c: the libmicrohttpd server: one request context per request,
 * created on the first callback and freed in the completion callback, which
 * also writes the access log line and counts the request for /metrics.
 *
 * Order of checks for every request: route (404/405), size (413), body
 * (415/400), then the handler, which authorises and does its work.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sdesk.h"

#define HTTP_MAX_URI 2048

static void
req_free(struct sd_req *r)
{
	unsigned i;

	if (r == NULL)
		return;
	if (r->rq_ctx_free != NULL)
		r->rq_ctx_free(r->rq_ctx);
	for (i = 0; i < r->rq_nhdr; i++)
		free(r->rq_hdr_values[i]);
	sd_auth_free(r->rq_auth);
	json_decref(r->rq_json);
	free(r->rq_body);
	free(r->rq_path);
	free(r->rq_pbuf);
	free(r);
}

/* Picks Swedish unless the client ranks English higher. */
static int
req_prefers_english(const char *al)
{
	double best_sv = -1, best_en = -1;
	const char *p = al;

	if (al == NULL)
		return 0;
	while (*p != '\0') {
		const char *end = strchr(p, ','), *semi;
		size_t len;
		double q = 1.0;

		if (end == NULL)
			end = p + strlen(p);
		while (*p == ' ')
			p++;
		semi = memchr(p, ';', (size_t)(end - p));
		len = (size_t)((semi ? semi : end) - p);
		if (semi != NULL) {
			const char *qs = strstr(semi, "q=");

			if (qs != NULL && qs < end)
				q = strtod(qs + 2, NULL);
		}
		if (len >= 2 && strncmp(p, "sv", 2) == 0 && q > best_sv)
			best_sv = q;
		else if (len >= 2 && strncmp(p, "en", 2) == 0 && q > best_en)
			best_en = q;
		p = *end ? end + 1 : end;
	}
	return best_en > best_sv;
}

static void
req_address(struct MHD_Connection *conn, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	snprintf(buf, len, "unknown");
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			buf, (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			buf, (socklen_t)len);
}

static struct sd_req *
req_new(struct sd_app *app, struct MHD_Connection *conn, const char *url, const char *method)
{
	struct sd_req *r;
	size_t len = strlen(url);

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &r->rq_start);
	r->rq_app = app;
	r->rq_conn = conn;
	r->rq_route = -1;
	r->rq_method = sd_route_method(method);
	r->rq_method_name = method;
	sd_random_hex(r->rq_id, 16);
	r->rq_path = strdup(url);
	r->rq_pbuf = malloc(len + 1);
	if (r->rq_path == NULL || r->rq_pbuf == NULL) {
		req_free(r);
		return NULL;
	}
	r->rq_lang_en = req_prefers_english(MHD_lookup_connection_value(
		conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
	req_address(conn, r->rq_addr, sizeof(r->rq_addr));
	atomic_fetch_add(&app->ap_inflight, 1);
	return r;
}

/* Attachments may be larger than the JSON every other route takes. */
static size_t
req_max_body(const struct sd_req *r)
{
	size_t n;
	const struct sd_route *rt = sd_route_table(&n);

	if (r->rq_route >= 0 && (rt[r->rq_route].rt_flags & SD_RT_UPLOAD))
		return r->rq_app->ap_conf->sc_tickets_attachment_max;
	return r->rq_app->ap_conf->sc_http_max_body;
}

/* True for valid UTF-8 (jansson refuses anything else as a string). */
static int
req_utf8_ok(const char *s)
{
	json_t *t = json_string(s);

	json_decref(t);
	return t != NULL;
}

struct req_bad_arg {
	const char *ba_key; /* the first query argument that is not UTF-8 */
};

static enum MHD_Result
req_check_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct req_bad_arg *ba = cls;

	(void)kind;
	if ((key != NULL && !req_utf8_ok(key)) || (value != NULL && !req_utf8_ok(value))) {
		ba->ba_key = key != NULL && req_utf8_ok(key) ? key : "";
		return MHD_NO;
	}
	return MHD_YES;
}

/* First callback: everything that can be decided before the body arrives. */
static enum MHD_Result
req_begin(struct sd_req *r)
{
	struct req_bad_arg ba = {NULL};
	const char *cl;
	unsigned allow;
	int idx;

	if (strlen(r->rq_path) > HTTP_MAX_URI)
		return sd_reply_error(r, SD_E_URI_TOO_LONG, NULL, NULL);
	/* Text goes to the database as UTF-8: anything else is the client's error. */
	(void)MHD_get_connection_values(r->rq_conn, MHD_GET_ARGUMENT_KIND, req_check_arg, &ba);
	if (!req_utf8_ok(r->rq_path) || ba.ba_key != NULL)
		return sd_reply_error(r, SD_E_INVALID_FIELD,
			ba.ba_key && ba.ba_key[0] ? ba.ba_key : NULL,
			r->rq_lang_en ? "The address is not valid UTF-8."
				      : "Adressen är inte giltig UTF-8.");
	/* An unknown method (0) matches no row, so it gets 405 or 404. */
	idx = sd_route_match(r->rq_method, r->rq_path, r->rq_pbuf, strlen(r->rq_path) + 1,
		r->rq_params, &r->rq_nparams, &allow);
	if (idx == -1)
		return sd_static_serve(r); /* the web pages; JSON 404 when none */
	if (idx < 0)
		return sd_reply_not_allowed(r, allow);
	r->rq_route = idx;
	cl = MHD_lookup_connection_value(
		r->rq_conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && strtoull(cl, NULL, 10) > req_max_body(r))
		return sd_reply_error(
			r, SD_E_BODY_TOO_LARGE, NULL, "max %zu bytes", req_max_body(r));
	return MHD_YES;
}

static void
req_append(struct sd_req *r, const char *data, size_t len)
{
	size_t max = req_max_body(r);

	if (r->rq_body_too_large)
		return;
	if (r->rq_body_len + len > max) {
		r->rq_body_too_large = 1;
		return;
	}
	if (r->rq_body_len + len + 1 > r->rq_body_cap) {
		size_t cap = r->rq_body_cap ? r->rq_body_cap : 1024;
		char *p;

		while (cap < r->rq_body_len + len + 1)
			cap *= 2;
		if ((p = realloc(r->rq_body, cap)) == NULL) {
			r->rq_body_too_large = 1;
			return;
		}
		r->rq_body = p;
		r->rq_body_cap = cap;
	}
	memcpy(r->rq_body + r->rq_body_len, data, len);
	r->rq_body_len += len;
	r->rq_body[r->rq_body_len] = '\0';
}

/* Parses the body of an SD_RT_JSON route into rq_json. */
static enum MHD_Result
req_parse_json(struct sd_req *r)
{
	const char *ct;
	json_error_t jerr;

	if (r->rq_body_len == 0)
		return sd_reply_error(r, SD_E_BAD_JSON, NULL,
			r->rq_lang_en ? "the body is empty" : "kroppen är tom");
	ct = MHD_lookup_connection_value(
		r->rq_conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0 ||
		(ct[16] != '\0' && ct[16] != ';' && ct[16] != ' '))
		return sd_reply_error(r, SD_E_UNSUPPORTED_MEDIA_TYPE, NULL, NULL);
	r->rq_json = json_loadb(r->rq_body, r->rq_body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (r->rq_json == NULL)
		return sd_reply_error(r, SD_E_BAD_JSON, NULL,
			r->rq_lang_en ? "line %d, column %d (byte %d): %s"
				      : "rad %d, kolumn %d (byte %d): %s",
			jerr.line, jerr.column, jerr.position, jerr.text);
	if (!json_is_object(r->rq_json))
		return sd_reply_error(r, SD_E_BAD_JSON, NULL,
			r->rq_lang_en ? "the body must be a JSON object"
				      : "kroppen måste vara ett JSON-objekt");
	return MHD_YES;
}

static enum MHD_Result
req_dispatch(struct sd_req *r)
{
	size_t n;
	const struct sd_route *rt = &sd_route_table(&n)[r->rq_route];
	enum MHD_Result ret;

	if (r->rq_body_too_large)
		return sd_reply_error(
			r, SD_E_BODY_TOO_LARGE, NULL, "max %zu bytes", req_max_body(r));
	/* Who is asking comes first: no body is looked at for a stranger. */
	if (rt->rt_perm != NULL) {
		ret = sd_auth_check(r, rt);
		if (r->rq_replied || ret != MHD_YES)
			return ret;
	}
	if ((rt->rt_flags & SD_RT_JSON) &&
		(r->rq_method & (SD_M_POST | SD_M_PUT | SD_M_PATCH))) {
		ret = req_parse_json(r);
		if (r->rq_replied || ret != MHD_YES)
			return ret;
	}
	ret = rt->rt_handler(r);
	if (!r->rq_replied && ret == MHD_YES && r->rq_finish == NULL) {
		sd_log(SD_LOG_ERROR, "http", "handler for %s replied nothing", rt->rt_path);
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	}
	return ret;
}

static enum MHD_Result
http_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct sd_app *app = cls;
	struct sd_req *r = *con_cls;

	(void)version;
	if (r == NULL) {
		if ((r = req_new(app, conn, url, method)) == NULL)
			return MHD_NO;
		*con_cls = r;
		return req_begin(r);
	}
	if (r->rq_replied) {
		/* An early reply (404, 413) is queued; drop what still arrives. */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		req_append(r, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->rq_finish != NULL) {
		/* Resumed after a deferred job: reply on this thread. */
		sd_handler finish = r->rq_finish;

		r->rq_finish = NULL;
		return finish(r);
	}
	return req_dispatch(r);
}

static void
http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	enum MHD_RequestTerminationCode toe)
{
	struct sd_app *app = cls;
	struct sd_req *r = *con_cls;
	struct timespec now;
	double secs;

	(void)conn;
	if (r == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = sd_elapsed(&r->rq_start, &now);
	if (!r->rq_replied)
		r->rq_status = 499; /* the client went away before an answer */
	sd_metrics_observe(app->ap_metrics, r->rq_route, r->rq_status, secs);
	if (app->ap_conf->sc_http_access_log)
		sd_log(SD_LOG_INFO, "access", "\"%s %s\" %u %zu %.6fs id=%s%s",
			r->rq_method_name, r->rq_path, r->rq_status, r->rq_resp_bytes, secs,
			r->rq_id, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
	*con_cls = NULL;
	req_free(r);
	atomic_fetch_sub(&app->ap_inflight, 1);
}

static void http_mhd_log(void *cls, const char *fmt, va_list ap) SD_PRINTF(2, 0);

static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];
	size_t n;

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	sd_log(SD_LOG_WARN, "mhd", "%s", buf);
}

static int
http_sockaddr(const char *address, unsigned port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, address, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, address, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*sin6);
		return 1;
	}
	return -1;
}

static int
http_write_port_file(const char *path, unsigned port)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return -1;
	return 0;
}

int
sd_http_start(struct sd_app *app, char *err, size_t errlen)
{
	const struct sd_conf *conf = app->ap_conf;
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	unsigned flags;
	socklen_t slen;
	int v6;

	v6 = http_sockaddr(conf->sc_http_address, conf->sc_http_port, &ss, &slen);
	if (v6 < 0) {
		snprintf(err, errlen, "[http] address '%s' is not an IP address",
			conf->sc_http_address);
		return -1;
	}
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
		MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
	/* The logger goes first so that option errors reach our log too. */
	app->ap_mhd = MHD_start_daemon(flags, (uint16_t)conf->sc_http_port, NULL, NULL,
		http_access, app, MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, app,
		MHD_OPTION_THREAD_POOL_SIZE, conf->sc_http_threads, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED, http_completed, app,
		MHD_OPTION_CONNECTION_TIMEOUT, conf->sc_http_timeout,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 511, MHD_OPTION_END);
	if (app->ap_mhd == NULL) {
		snprintf(err, errlen, "cannot listen on %s port %u: %s", conf->sc_http_address,
			conf->sc_http_port, errno ? strerror(errno) : "libmicrohttpd refused");
		return -1;
	}
	info = MHD_get_daemon_info(app->ap_mhd, MHD_DAEMON_INFO_BIND_PORT);
	app->ap_port = info ? info->port : conf->sc_http_port;
	if (conf->sc_http_port_file != NULL &&
		http_write_port_file(conf->sc_http_port_file, app->ap_port) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", conf->sc_http_port_file,
			strerror(errno));
		MHD_stop_daemon(app->ap_mhd);
		app->ap_mhd = NULL;
		return -1;
	}
	return 0;
}

void
sd_http_drain_and_stop(struct sd_app *app, unsigned timeout_s)
{
	struct timespec start, now;
	MHD_socket fd;
	int left;

	if (app->ap_mhd == NULL)
		return;
	atomic_store(&app->ap_stopping, 1);
	fd = MHD_quiesce_daemon(app->ap_mhd);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while ((left = atomic_load(&app->ap_inflight)) > 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (sd_elapsed(&start, &now) > timeout_s) {
			sd_log(SD_LOG_WARN, "http", "drain timeout: %d requests still running",
				left);
			break;
		}
		usleep(10000);
	}
	MHD_stop_daemon(app->ap_mhd);
	app->ap_mhd = NULL;
}

const char *
sd_req_header(struct sd_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->rq_conn, MHD_HEADER_KIND, name);
}

const char *
sd_req_query(struct sd_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->rq_conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
sd_req_cookie(struct sd_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->rq_conn, MHD_COOKIE_KIND, name);
}

int
sd_req_add_header(struct sd_req *r, const char *name, const char *value)
{
	if (r->rq_nhdr == SD_MAX_EXTRA_HEADERS)
		return -1;
	if ((r->rq_hdr_values[r->rq_nhdr] = strdup(value)) == NULL)
		return -1;
	r->rq_hdr_names[r->rq_nhdr++] = name;
	return 0;
}

/* Runs on a worker thread; the request is suspended meanwhile. */
static void
req_deferred_job(void *arg)
{
	struct sd_req *r = arg;

	r->rq_work(r);
	MHD_resume_connection(r->rq_conn);
}

enum MHD_Result
sd_req_defer(struct sd_req *r, void (*work)(struct sd_req *r), sd_handler finish)
{
	r->rq_work = work;
	r->rq_finish = finish;
	MHD_suspend_connection(r->rq_conn);
	if (sd_workers_submit(r->rq_app->ap_workers, req_deferred_job, r) < 0) {
		/* No worker will run: do the work here rather than hang. */
		MHD_resume_connection(r->rq_conn);
		r->rq_finish = NULL;
		work(r);
		return finish(r);
	}
	return MHD_YES;
}
