/*
 * static.c: which paths the web-page server may look up, and the type
 * table (sorted, so that the binary search finds every row).
 */
#include <string.h>

#include "sdesk.h"
#include "tap.h"

static void
check_paths(void)
{
	static const char *const good[] = {
		"/", "/index.html", "/js/app.js", "/css/site.css", "/docs/", "/a-b_c.1.svg"};
	static const char *const bad[] = {"", "index.html", "/..", "/../etc/passwd",
		"/css/../index.html", "/.git/config", "/.hidden", "/js/.x.js", "//index.html",
		"/js//app.js", "/api/", "/api", "/api/v1/x", "/a b.html", "/a\\b.html",
		"/%2e.html", "/a?b", "/ä.html"};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		tap_ok(sd_static_path_ok(good[i]), "path ok: %s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(!sd_static_path_ok(bad[i]), "path refused: '%s'", bad[i]);
}

static void
check_types(void)
{
	static const char *const exts[] = {"css", "html", "ico", "js", "json", "mjs", "png",
		"svg", "txt", "webmanifest", "woff2"};
	size_t i;

	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		char name[32];

		strcpy(name, "/x.");
		strcat(name, exts[i]);
		tap_ok(sd_static_type(name) != NULL, "type for .%s", exts[i]);
	}
	TAP_IS_STR(sd_static_type("/index.html"), "text/html; charset=utf-8", "HTML is UTF-8");
	TAP_IS_STR(sd_static_type("/js/app.js"), "text/javascript; charset=utf-8", "JS");
	tap_ok(sd_static_type("/x.bak") == NULL, "unknown extension: not served");
	tap_ok(sd_static_type("/x") == NULL, "no extension: not served");
	tap_ok(sd_static_type("/a.d/x") == NULL, "a dot in a folder is no extension");
	tap_ok(sd_static_type("/x.HTML") == NULL, "extensions are lower case");
}

int
main(void)
{
	check_paths();
	check_types();
	return tap_done();
}
