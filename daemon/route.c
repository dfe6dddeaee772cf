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
	{"/api/v1/approvals", SD_M_GET, sd_api_approvals_list, SD_PERM_SESSION, 0},
	{"/api/v1/audit", SD_M_GET, sd_api_audit_list, "audit.read", 0},
	{"/api/v1/catalogue", SD_M_GET, sd_api_catalogue, SD_PERM_SESSION, 0},
	{"/api/v1/catalogue/services/{code}", SD_M_GET, sd_api_catalogue_service,
		SD_PERM_SESSION, 0},
	{"/api/v1/catalogue/versions", SD_M_GET, sd_api_catalogue_versions,
		"catalogue.browse_all", 0},
	{"/api/v1/categories", SD_M_GET, sd_api_categories, SD_PERM_SESSION, 0},
	{"/api/v1/me/tickets", SD_M_GET, sd_api_me_tickets, SD_PERM_SESSION, 0},
	{"/api/v1/orders", SD_M_GET, sd_api_orders_list, SD_PERM_SESSION, 0},
	{"/api/v1/orders", SD_M_POST, sd_api_order_create, SD_PERM_SESSION, SD_RT_JSON},
	{"/api/v1/orders/{number}", SD_M_GET, sd_api_order_get, SD_PERM_SESSION, 0},
	{"/api/v1/orders/{number}/cancel", SD_M_POST, sd_api_order_cancel, SD_PERM_SESSION, 0},
	{"/api/v1/orders/{number}/decision", SD_M_POST, sd_api_order_decision, SD_PERM_SESSION,
		SD_RT_JSON},
	{"/api/v1/people", SD_M_GET, sd_api_people_list, "person.read", 0},
	{"/api/v1/people", SD_M_POST, sd_api_person_create, "person.admin", SD_RT_JSON},
	{"/api/v1/people/{id}", SD_M_GET, sd_api_person_get, SD_PERM_SESSION, 0},
	{"/api/v1/people/{id}", SD_M_PATCH, sd_api_person_update, "person.admin", SD_RT_JSON},
	{"/api/v1/people/{id}/roles", SD_M_GET, sd_api_roles_list, "person.read", 0},
	{"/api/v1/people/{id}/roles", SD_M_POST, sd_api_role_grant, "role.grant", SD_RT_JSON},
	{"/api/v1/people/{id}/roles/{grant}", SD_M_DELETE, sd_api_role_revoke, "role.grant", 0},
	{"/api/v1/people/{id}/unlock", SD_M_POST, sd_api_person_unlock, "person.admin", 0},
	{"/api/v1/priority-matrix", SD_M_GET, sd_api_matrix_get, SD_PERM_SESSION, 0},
	{"/api/v1/priority-matrix", SD_M_PUT, sd_api_matrix_put, "ticket.admin", SD_RT_JSON},
	{"/api/v1/queues", SD_M_GET, sd_api_queues_list, "ticket.read", 0},
	{"/api/v1/queues/{code}/tickets", SD_M_GET, sd_api_queue_tickets, "ticket.read", 0},
	{"/api/v1/reports/sla", SD_M_GET, sd_api_report_sla, "report.read", 0},
	{"/api/v1/reports/tickets", SD_M_GET, sd_api_report_tickets, "report.read", 0},
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
	{"/api/v1/sla/calendars", SD_M_GET, sd_api_sla_calendars_list, "sla.admin", 0},
	{"/api/v1/sla/calendars/{code}", SD_M_PUT, sd_api_sla_calendar_put, "sla.admin",
		SD_RT_JSON},
	{"/api/v1/sla/ola-targets", SD_M_GET, sd_api_ola_targets_get, "sla.admin", 0},
	{"/api/v1/sla/ola-targets", SD_M_PUT, sd_api_ola_targets_put, "sla.admin", SD_RT_JSON},
	{"/api/v1/sla/policies", SD_M_GET, sd_api_sla_policies_get, "sla.admin", 0},
	{"/api/v1/sla/policies", SD_M_PUT, sd_api_sla_policies_put, "sla.admin", SD_RT_JSON},
	{"/api/v1/subscriptions", SD_M_GET, sd_api_subscriptions_list, SD_PERM_SESSION, 0},
	{"/api/v1/tenants", SD_M_GET, sd_api_tenants_list, NULL, 0},
	{"/api/v1/tenants/{code}", SD_M_GET, sd_api_tenant_get, "tenant.read", 0},
	{"/api/v1/tenants/{code}/directory-groups", SD_M_GET, sd_api_directory_groups_list,
		"tenant.settings", 0},
	{"/api/v1/tenants/{code}/directory-groups", SD_M_POST, sd_api_directory_group_add,
		"tenant.settings", SD_RT_JSON},
	{"/api/v1/tenants/{code}/directory-groups/{id}", SD_M_DELETE,
		sd_api_directory_group_remove, "tenant.settings", 0},
	{"/api/v1/tenants/{code}/settings", SD_M_GET, sd_api_tenant_settings_get,
		"tenant.settings", 0},
	{"/api/v1/tenants/{code}/settings", SD_M_PUT, sd_api_tenant_settings_put,
		"tenant.settings", SD_RT_JSON},
	{"/api/v1/tickets", SD_M_GET, sd_api_tickets_search, SD_PERM_SESSION, 0},
	{"/api/v1/tickets", SD_M_POST, sd_api_ticket_create, SD_PERM_SESSION, SD_RT_JSON},
	{"/api/v1/tickets/{number}", SD_M_GET, sd_api_ticket_get, SD_PERM_SESSION, 0},
	{"/api/v1/tickets/{number}", SD_M_PATCH, sd_api_ticket_patch, SD_PERM_SESSION,
		SD_RT_JSON},
	{"/api/v1/tickets/{number}/attachments", SD_M_GET, sd_api_attachments_list,
		SD_PERM_SESSION, 0},
	{"/api/v1/tickets/{number}/attachments", SD_M_POST, sd_api_attachment_add,
		SD_PERM_SESSION, SD_RT_UPLOAD},
	{"/api/v1/tickets/{number}/attachments/{id}", SD_M_GET, sd_api_attachment_get,
		SD_PERM_SESSION, 0},
	{"/api/v1/tickets/{number}/entries", SD_M_GET, sd_api_ticket_entries, SD_PERM_SESSION,
		0},
	{"/api/v1/tickets/{number}/entries", SD_M_POST, sd_api_ticket_entry_add,
		SD_PERM_SESSION, SD_RT_JSON},
	{"/api/v1/tickets/{number}/escalate", SD_M_POST, sd_api_ticket_escalate, "ticket.work",
		SD_RT_JSON},
	{"/api/v1/tickets/{number}/history", SD_M_GET, sd_api_ticket_history, SD_PERM_SESSION,
		0},
	{"/api/v1/tickets/{number}/links", SD_M_GET, sd_api_ticket_links, SD_PERM_SESSION, 0},
	{"/api/v1/tickets/{number}/links", SD_M_POST, sd_api_ticket_link_add, "ticket.work",
		SD_RT_JSON},
	{"/api/v1/tickets/{number}/links/{id}", SD_M_DELETE, sd_api_ticket_link_drop,
		"ticket.work", 0},
	{"/api/v1/tickets/{number}/rating", SD_M_POST, sd_api_ticket_rating, SD_PERM_SESSION,
		SD_RT_JSON},
	{"/api/v1/tickets/{number}/regulatory/{kind}", SD_M_POST, sd_api_ticket_regulatory,
		"ticket.work", SD_RT_JSON},
	{"/api/v1/tickets/{number}/sla", SD_M_GET, sd_api_ticket_sla, "ticket.read", 0},
	{"/api/v1/tokens", SD_M_GET, sd_api_tokens_list, "token.admin", 0},
	{"/api/v1/tokens", SD_M_POST, sd_api_token_create, "token.admin", SD_RT_JSON},
	{"/api/v1/tokens/{id}", SD_M_DELETE, sd_api_token_revoke, "token.admin", 0},
	{"/api/v1/vip", SD_M_GET, sd_api_vip_list, "vip.admin", 0},
	{"/api/v1/vip", SD_M_POST, sd_api_vip_add, "vip.admin", SD_RT_JSON},
	{"/api/v1/vip/{person}", SD_M_DELETE, sd_api_vip_drop, "vip.admin", 0},
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
