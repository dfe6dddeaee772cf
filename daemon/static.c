/*
 * static.c: the web pages.  Any GET or HEAD that no API route matches is
 * looked up under [paths] webroot; /api/ paths never are, so an unknown API
 * path still gets the JSON 404.
 *
 * Safety: a path is served only when every segment is made of letters,
 * digits, '-', '_' and '.' and does not start with a dot (no "..", no
 * hidden files), its extension is in the type table below (nothing else is
 * served), and realpath() of the file lies inside realpath() of the webroot
 * (no symlink leads out).
 *
 * Caching: every file is "Cache-Control: no-cache" with a strong ETag made
 * of size, mtime and inode, so a browser revalidates each use and gets 304
 * with no body when nothing changed.  The pages are ES modules that import
 * each other by plain URLs; versioned asset URLs would need a build step to
 * rewrite the imports, and on the appliance's LAN a 304 costs next to
 * nothing, while an upgrade is seen at the next load without stale scripts.
 *
 * Every file carries a strict Content-Security-Policy: scripts, styles and
 * connections only from this origin, no inline script or style, no frames,
 * forms only to this origin; images also as data: URIs (the MFA QR code).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sdesk.h"

#define STATIC_CSP                                                                             \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "      \
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "            \
	"frame-ancestors 'none'; form-action 'self'"

/* Sorted by extension; nothing outside this table is served. */
static const struct {
	const char *ct_ext;
	const char *ct_type;
} static_types[] = {
	{"css", "text/css; charset=utf-8"},
	{"html", "text/html; charset=utf-8"},
	{"ico", "image/x-icon"},
	{"js", "text/javascript; charset=utf-8"},
	{"json", "application/json"},
	{"mjs", "text/javascript; charset=utf-8"},
	{"png", "image/png"},
	{"svg", "image/svg+xml"},
	{"txt", "text/plain; charset=utf-8"},
	{"webmanifest", "application/manifest+json"},
	{"woff2", "font/woff2"},
};

const char *
sd_static_type(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	size_t lo = 0, hi = sizeof(static_types) / sizeof(static_types[0]);

	if (dot == NULL || (slash != NULL && dot < slash))
		return NULL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(dot + 1, static_types[mid].ct_ext);

		if (c == 0)
			return static_types[mid].ct_type;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int
sd_static_path_ok(const char *path)
{
	const char *p = path;

	if (*p != '/' || strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0)
		return 0;
	while (*p == '/') {
		const char *seg = ++p;

		if (*seg == '.')
			return 0; /* "..", "." and hidden files */
		while (*p != '\0' && *p != '/') {
			char ch = *p++;

			if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
				    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
				    ch == '.'))
				return 0;
		}
		if (p == seg && *p == '/')
			return 0; /* "//" */
	}
	return *p == '\0';
}

/* True when the If-None-Match list names etag (weak comparison) or is "*". */
static int
static_etag_matches(const char *inm, const char *etag)
{
	size_t elen = strlen(etag);

	while (inm != NULL && *inm != '\0') {
		while (*inm == ' ' || *inm == ',')
			inm++;
		if (*inm == '*')
			return 1;
		if (strncmp(inm, "W/", 2) == 0)
			inm += 2;
		if (strncmp(inm, etag, elen) == 0 &&
			(inm[elen] == '\0' || inm[elen] == ',' || inm[elen] == ' '))
			return 1;
		inm = strchr(inm, ',');
	}
	return 0;
}

/*
 * Opens the file for path under root; the fd (or -1 when there is no such
 * servable file) and its stat.  "/" and ".../" mean index.html.
 */
static int
static_open(const char *root, const char *path, struct stat *st)
{
	char want[PATH_MAX], real[PATH_MAX], rootreal[PATH_MAX];
	size_t rlen;
	int n, fd;

	n = snprintf(want, sizeof(want), "%s%s%s", root, path,
		path[strlen(path) - 1] == '/' ? "index.html" : "");
	if (n < 0 || (size_t)n >= sizeof(want) || sd_static_type(want) == NULL)
		return -1;
	if (realpath(root, rootreal) == NULL || realpath(want, real) == NULL)
		return -1;
	rlen = strlen(rootreal);
	if (strncmp(real, rootreal, rlen) != 0 || real[rlen] != '/')
		return -1;
	if ((fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return -1;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* 304 or the file itself; fd is the response's from here on. */
static enum MHD_Result
static_reply(struct sd_req *r, int fd, const struct stat *st, const char *type)
{
	struct MHD_Response *resp;
	const char *inm = sd_req_header(r, MHD_HTTP_HEADER_IF_NONE_MATCH);
	char etag[80];
	int fresh;

	snprintf(etag, sizeof(etag), "\"%llx-%llx.%lx-%llx\"", (unsigned long long)st->st_size,
		(unsigned long long)st->st_mtim.tv_sec, (unsigned long)st->st_mtim.tv_nsec,
		(unsigned long long)st->st_ino);
	fresh = static_etag_matches(inm, etag);
	if (fresh) {
		close(fd);
		resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	} else {
		resp = MHD_create_response_from_fd((uint64_t)st->st_size, fd);
	}
	if (resp == NULL) {
		if (!fresh)
			close(fd);
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	MHD_add_response_header(resp, "Content-Security-Policy", STATIC_CSP);
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	return sd_reply_file(r, fresh ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK, resp, type,
		fresh ? 0 : (size_t)st->st_size);
}

enum MHD_Result
sd_static_serve(struct sd_req *r)
{
	const char *root = r->rq_app->ap_conf->sc_webroot;
	const char *type;
	struct stat st;
	char path[PATH_MAX];
	int fd;

	if (root == NULL || !sd_static_path_ok(r->rq_path))
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	if ((fd = static_open(root, r->rq_path, &st)) < 0)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	/* A file is there, but only to be read. */
	if (r->rq_method != SD_M_GET) {
		close(fd);
		return sd_reply_not_allowed(r, SD_M_GET);
	}
	snprintf(path, sizeof(path), "%s%s", r->rq_path,
		r->rq_path[strlen(r->rq_path) - 1] == '/' ? "index.html" : "");
	type = sd_static_type(path);
	return static_reply(r, fd, &st, type);
}
