/*
 * route.c: the one route table.  A newcomer looking for where a URL is
 * handled starts here: the handler's name says the file (sd_api_tenant_get
 * lives in api/tenants.c).
 *
 * Kept sorted by path, then method; a unit test checks the order and that
 * no two rows can match the same request.
 */
#include <stdio.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_route routes[] = {
	{"/api/v1/session", SD_M_GET, sd_api_session_get, SD_PERM_SESSION, SD_RT_MFA_PENDING},
	{"/api/v1/session", SD_M_POST, sd_api_session_create, NULL, SD_RT_JSON},
	{"/api/v1/session", SD_M_DELETE, sd_api_session_delete, SD_PERM_SESSION,
		SD_RT_MFA_PENDING},
	{"/api/v1/session/mfa", SD_M_POST, sd_api_mfa_verify, SD_PERM_SESSION,
		SD_RT_JSON | SD_RT_MFA_PENDING},
	{"/api/v1/session/mfa/enrolment", SD_M_POST, sd_api_mfa_enrol, SD_PERM_SESSION,
		SD_RT_MFA_PENDING},
	{"/api/v1/session/mfa/enrolment/confirm", SD_M_POST, sd_api_mfa_enrol_confirm,
		SD_PERM_SESSION, SD_RT_JSON | SD_RT_MFA_PENDING},
	{"/api/v1/tenants", SD_M_GET, sd_api_tenants_list, NULL, 0},
	{"/api/v1/tenants/{code}", SD_M_GET, sd_api_tenant_get, "tenant.read", 0},
	{"/healthz", SD_M_GET, sd_api_healthz, NULL, 0},
	{"/metrics", SD_M_GET, sd_api_metrics, NULL, 0},
};

/* Sorted by name. */
static const struct {
	const char *name;
	unsigned method;
} methods[] = {
	{"DELETE", SD_M_DELETE},
	{"GET", SD_M_GET},
	{"HEAD", SD_M_GET},
	{"PATCH", SD_M_PATCH},
	{"POST", SD_M_POST},
	{"PUT", SD_M_PUT},
};

const struct sd_route *
sd_route_table(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}

unsigned
sd_route_method(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(name, methods[i].name) == 0)
			return methods[i].method;
	return 0;
}

void
sd_route_allow_string(unsigned mask, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		int n;

		if (!(mask & methods[i].method))
			continue;
		if (strcmp(methods[i].name, "HEAD") == 0)
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? ", " : "", methods[i].name);
		if (n < 0 || (size_t)n >= len - off)
			return;
		off += (size_t)n;
		if (methods[i].method == SD_M_GET) {
			n = snprintf(buf + off, len - off, ", HEAD");
			if (n < 0 || (size_t)n >= len - off)
				return;
			off += (size_t)n;
		}
	}
}

/*
 * Matches path against pattern segment by segment; on success params point
 * into buf, which holds a copy of path with the parameters NUL-terminated.
 */
static int
route_match_one(const char *pattern, const char *path, char *buf, size_t buflen, char **params,
	unsigned *nparams)
{
	char *ends[SD_MAX_PARAMS];
	const char *p = pattern, *pend;
	size_t len = strlen(path), plen, slen;
	char *s, *send;
	unsigned i;

	if (len + 1 > buflen)
		return 0;
	memcpy(buf, path, len + 1);
	s = buf;
	*nparams = 0;
	for (;;) {
		if (*p != '/' || *s != '/')
			return 0;
		p++;
		s++;
		pend = strchrnul(p, '/');
		send = strchrnul(s, '/');
		plen = (size_t)(pend - p);
		slen = (size_t)(send - s);
		if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
			if (slen == 0 || *nparams == SD_MAX_PARAMS)
				return 0;
			ends[*nparams] = send;
			params[(*nparams)++] = s;
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return 0;
		}
		if (*pend == '\0' || *send == '\0')
			break;
		p = pend;
		s = send;
	}
	if (*pend != '\0' || *send != '\0')
		return 0;
	for (i = 0; i < *nparams; i++)
		*ends[i] = '\0';
	return 1;
}

int
sd_route_match(unsigned method, const char *path, char *buf, size_t buflen, char **params,
	unsigned *nparams, unsigned *allow)
{
	size_t i, n = sizeof(routes) / sizeof(routes[0]);
	int found = -1;

	*allow = 0;
	for (i = 0; i < n; i++) {
		if (!route_match_one(routes[i].rt_path, path, buf, buflen, params, nparams))
			continue;
		*allow |= routes[i].rt_method;
		if (routes[i].rt_method == method) {
			found = (int)i;
			break;
		}
	}
	if (found >= 0)
		return found;
	return *allow ? -2 : -1;
}
