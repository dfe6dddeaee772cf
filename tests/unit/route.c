/*
 * route.c: the route table is sorted, unambiguous and matches as the
 * handlers expect.
 */
#include <string.h>

#include "sdesk.h"
#include "tap.h"

static void
check_table(void)
{
	const struct sd_route *rt;
	size_t n, i, j;
	int sorted = 1, unambiguous = 1;

	rt = sd_route_table(&n);
	tap_ok(n > 0, "route table has %zu routes", n);
	for (i = 1; i < n; i++) {
		int c = strcmp(rt[i - 1].rt_path, rt[i].rt_path);

		if (c > 0 || (c == 0 && rt[i - 1].rt_method >= rt[i].rt_method)) {
			sorted = 0;
			tap_diag(
				"out of order: %s before %s", rt[i - 1].rt_path, rt[i].rt_path);
		}
	}
	tap_ok(sorted, "route table sorted by path, then method");
	/* Each route's own path (params filled in) must match only that row. */
	for (i = 0; i < n; i++) {
		char path[256], buf[256], *params[SD_MAX_PARAMS];
		const char *p;
		unsigned np, allow;
		size_t o = 0;
		int got;

		for (p = rt[i].rt_path; *p != '\0' && o < sizeof(path) - 8; p++) {
			if (*p == '{') {
				memcpy(path + o, "zz9", 3);
				o += 3;
				p = strchr(p, '}');
			} else {
				path[o++] = *p;
			}
		}
		path[o] = '\0';
		got = sd_route_match(
			rt[i].rt_method, path, buf, sizeof(buf), params, &np, &allow);
		for (j = 0; j < n; j++)
			if (j != i && rt[j].rt_method == rt[i].rt_method &&
				strcmp(rt[j].rt_path, rt[i].rt_path) == 0)
				unambiguous = 0;
		if (got != (int)i) {
			unambiguous = 0;
			tap_diag("%s matched row %d, not %zu", path, got, i);
		}
	}
	tap_ok(unambiguous, "every route matches its own row and no other");
}

static void
check_match(void)
{
	char buf[256], *params[SD_MAX_PARAMS];
	unsigned np = 0, allow = 0;
	int i;

	i = sd_route_match(
		SD_M_GET, "/api/v1/tenants/BEN", buf, sizeof(buf), params, &np, &allow);
	tap_ok(i >= 0, "GET /api/v1/tenants/BEN matches");
	TAP_IS_INT(np, 1, "one parameter");
	TAP_IS_STR(np == 1 ? params[0] : NULL, "BEN", "parameter is the code");
	i = sd_route_match(
		SD_M_DELETE, "/api/v1/tenants/BEN", buf, sizeof(buf), params, &np, &allow);
	TAP_IS_INT(i, -2, "DELETE on a GET path: -2 (405)");
	tap_ok(allow & SD_M_GET, "allow mask has GET");
	TAP_IS_INT(sd_route_match(SD_M_GET, "/api/v1/tenants/BEN/x", buf, sizeof(buf), params,
			   &np, &allow),
		-1, "extra segment: -1 (404)");
	TAP_IS_INT(sd_route_match(SD_M_GET, "/api/v1/tenants//", buf, sizeof(buf), params, &np,
			   &allow),
		-1, "empty parameter: 404");
	TAP_IS_INT(sd_route_match(
			   SD_M_GET, "/api/v1/tenant", buf, sizeof(buf), params, &np, &allow),
		-1, "prefix of a route: 404");
	TAP_IS_INT(sd_route_match(SD_M_GET, "", buf, sizeof(buf), params, &np, &allow), -1,
		"empty path: 404");
	TAP_IS_INT(sd_route_match(0, "/healthz", buf, sizeof(buf), params, &np, &allow), -2,
		"unknown method on a known path: 405");
	TAP_IS_INT(sd_route_method("HEAD"), SD_M_GET, "HEAD is GET");
	TAP_IS_INT(sd_route_method("TRACE"), 0, "TRACE is unknown");
	sd_route_allow_string(SD_M_GET | SD_M_POST, buf, sizeof(buf));
	TAP_IS_STR(buf, "GET, HEAD, POST", "Allow string");
}

int
main(void)
{
	check_table();
	check_match();
	return tap_done();
}
