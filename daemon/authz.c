/*
 * authz.c: who may do what.  Roles map to permissions in one sorted table;
 * a grant gives its role's permissions in one tenant or (host staff) in
 * every tenant.  Every route names the permission it needs and http.c
 * checks it here, in one place; handlers then ask sd_auth_can for the
 * tenant an object belongs to.  The same grants become the per-transaction
 * settings that row-level security checks again in the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

/* Sorted by role name. */
static const struct {
	const char *rp_role;
	const char *const *rp_perms;
} role_perms[] = {
	{"admin",
		(const char *const[]){"audit.read", "catalogue.browse_all", "person.admin",
			"person.read", "role.grant", "sla.admin", "tenant.read",
			"tenant.settings", "ticket.admin", "token.admin", "vip.admin", NULL}},
	{"architect",
		(const char *const[]){"catalogue.browse_all", "order.approve_architect",
			"person.read", "tenant.read", NULL}},
	{"chief",
		(const char *const[]){"catalogue.browse_all", "person.read", "report.read",
			"tenant.read", NULL}},
	{"employee", (const char *const[]){"tenant.read", "ticket.create", NULL}},
	{"finance",
		(const char *const[]){"catalogue.browse_all", "person.read", "report.read",
			"tenant.read", NULL}},
	{"it_contact",
		(const char *const[]){"audit.read", "person.admin", "person.read",
			"report.read", "role.grant", "tenant.read", "tenant.settings", NULL}},
	{"manager",
		(const char *const[]){
			"order.approve", "person.read", "tenant.read", "ticket.create", NULL}},
	{"specialist",
		(const char *const[]){"catalogue.browse_all", "person.read", "queue.third_line",
			"tenant.read", "ticket.create", "ticket.create_for", "ticket.read",
			"ticket.read_confidential", "ticket.work", NULL}},
	{"team_lead",
		(const char *const[]){"catalogue.browse_all", "person.read", "queue.first_line",
			"report.read", "tenant.read", "ticket.create", "ticket.create_for",
			"ticket.read", "ticket.read_confidential", "ticket.read_secret",
			"ticket.work", "vip.admin", NULL}},
	{"tech1",
		(const char *const[]){"catalogue.browse_all", "person.read", "queue.first_line",
			"tenant.read", "ticket.create", "ticket.create_for", "ticket.read",
			"ticket.work", NULL}},
	{"tech2",
		(const char *const[]){"catalogue.browse_all", "person.read", "tenant.read",
			"ticket.create", "ticket.create_for", "ticket.read", "ticket.work",
			NULL}},
};

/* Roles a granter may hand out: local governance for the IT contact. */
static const char *const it_contact_grantable[] = {
	"architect", "employee", "it_contact", "manager", NULL};

/* Roles that count as staff for the default MFA policy. */
static const char *const staff_roles[] = {"admin", "architect", "chief", "finance",
	"it_contact", "specialist", "team_lead", "tech1", "tech2", NULL};

static const char *const *
authz_role_perms(const char *role)
{
	size_t lo = 0, hi = sizeof(role_perms) / sizeof(role_perms[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(role, role_perms[mid].rp_role);

		if (c == 0)
			return role_perms[mid].rp_perms;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int
authz_in_list(const char *const *list, const char *s)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

int
sd_role_valid(const char *role)
{
	return authz_role_perms(role) != NULL;
}

int
sd_role_is_staff(const char *role)
{
	return authz_in_list(staff_roles, role);
}

void
sd_auth_free(struct sd_auth *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->au_ntoken_perms; i++)
		free(a->au_token_perms[i]);
	free(a->au_token_perms);
	free(a->au_grants);
	free(a->au_visible);
	free(a->au_scope_tenants);
	free(a->au_scope_perms);
	free(a);
}

int
sd_auth_can(const struct sd_auth *a, const char *perm, int tenant)
{
	size_t i;

	if (a == NULL)
		return 0;
	if (a->au_kind == SD_AUTH_TOKEN) {
		if (tenant != 0 && tenant != a->au_tenant)
			return 0;
		for (i = 0; i < a->au_ntoken_perms; i++)
			if (strcmp(a->au_token_perms[i], perm) == 0)
				return 1;
		return 0;
	}
	for (i = 0; i < a->au_ngrants; i++) {
		const struct sd_grant *g = &a->au_grants[i];

		if (g->g_tenant != 0 && tenant != 0 && g->g_tenant != tenant)
			continue;
		if (authz_in_list(authz_role_perms(g->g_role), perm))
			return 1;
	}
	return 0;
}

int
sd_auth_sees_tenant(const struct sd_auth *a, int tenant)
{
	size_t i;

	for (i = 0; a != NULL && i < a->au_nvisible; i++)
		if (a->au_visible[i] == tenant)
			return 1;
	return 0;
}

int
sd_auth_has_role(const struct sd_auth *a, const char *role, int tenant)
{
	size_t i;

	for (i = 0; a != NULL && i < a->au_ngrants; i++)
		if (strcmp(a->au_grants[i].g_role, role) == 0 &&
			(tenant == 0 || a->au_grants[i].g_tenant == 0 ||
				a->au_grants[i].g_tenant == tenant))
			return 1;
	return 0;
}

int
sd_auth_may_grant(const struct sd_auth *a, const char *role, int tenant)
{
	if (!sd_auth_can(a, "role.grant", tenant))
		return 0;
	if (sd_auth_has_role(a, "admin", tenant))
		return 1;
	return authz_in_list(it_contact_grantable, role);
}

int
sd_auth_sees_clocks(const struct sd_auth *a)
{
	return sd_auth_can(a, "ticket.read", 0) || sd_auth_can(a, "report.read", 0);
}

int
sd_auth_can_all(const struct sd_auth *a, const char *perm)
{
	size_t i;

	for (i = 0; a != NULL && a->au_kind == SD_AUTH_SESSION && i < a->au_ngrants; i++)
		if (a->au_grants[i].g_tenant == 0 &&
			authz_in_list(authz_role_perms(a->au_grants[i].g_role), perm))
			return 1;
	return 0;
}

int
sd_auth_may_grant_all(const struct sd_auth *a, const char *role)
{
	size_t i;

	/* sd_auth_may_grant's tenant 0 means "somewhere"; this means "everywhere". */
	(void)role;
	for (i = 0; a != NULL && a->au_kind == SD_AUTH_SESSION && i < a->au_ngrants; i++)
		if (a->au_grants[i].g_tenant == 0 &&
			strcmp(a->au_grants[i].g_role, "admin") == 0)
			return 1;
	return 0;
}

int
sd_auth_may_manage(const struct sd_auth *a, int tenant, const char *kind,
	const struct sd_grant *grants, size_t n)
{
	int admin = sd_auth_has_role(a, "admin", tenant);
	size_t i;

	if (!sd_auth_can(a, "person.admin", tenant))
		return 0;
	/* An IT contact governs their own municipality only. */
	if (!admin && (a->au_kind != SD_AUTH_SESSION || a->au_tenant != tenant))
		return 0;
	if (strcmp(kind, "privileged") == 0 && !admin)
		return 0;
	/* Taking over an account must not give more than one could grant. */
	for (i = 0; i < n; i++)
		if (grants[i].g_tenant == 0
				? !sd_auth_may_grant_all(a, grants[i].g_role)
				: !sd_auth_may_grant(a, grants[i].g_role, grants[i].g_tenant))
			return 0;
	return 1;
}

int
sd_perm_known(const char *perm)
{
	size_t i;

	for (i = 0; i < sizeof(role_perms) / sizeof(role_perms[0]); i++)
		if (authz_in_list(role_perms[i].rp_perms, perm))
			return 1;
	return 0;
}

char *
sd_auth_tenants_with(const struct sd_auth *a, const char *perm, int only)
{
	char *s = malloc(a->au_nvisible * 12 + 3);
	size_t i, off = 0;

	if (s == NULL)
		return NULL;
	s[off++] = '{';
	for (i = 0; i < a->au_nvisible; i++) {
		int t = a->au_visible[i];

		if ((only == 0 || t == only) && sd_auth_can(a, perm, t))
			off += (size_t)sprintf(s + off, "%s%d", off > 1 ? "," : "", t);
	}
	s[off++] = '}';
	s[off] = '\0';
	return s;
}

/* Appends s to a growing comma-separated list unless already there. */
static int
authz_list_add(char **list, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);
	const char *p = *list;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ',');
		size_t l = end ? (size_t)(end - p) : strlen(p);

		if (l == n && memcmp(p, s, n) == 0)
			return 0;
		p = end ? end + 1 : p + l;
	}
	if (*len + n + 2 > *cap) {
		size_t c = (*cap ? *cap * 2 : 256) + n;
		char *q = realloc(*list, c);

		if (q == NULL)
			return -1;
		*list = q;
		*cap = c;
	}
	if (*len > 0)
		(*list)[(*len)++] = ',';
	memcpy(*list + *len, s, n + 1);
	*len += n;
	return 0;
}

/*
 * Builds the strings db_begin turns into sdesk.tenants and sdesk.perms:
 * "{1,2}" and "perm,perm:3".
 */
int
sd_auth_build_scope(struct sd_auth *a)
{
	size_t len = 0, cap = 0, i, off = 0;
	char buf[96];

	free(a->au_scope_perms);
	a->au_scope_perms = NULL;
	if (a->au_kind == SD_AUTH_TOKEN) {
		for (i = 0; i < a->au_ntoken_perms; i++) {
			snprintf(buf, sizeof(buf), "%s:%d", a->au_token_perms[i], a->au_tenant);
			if (authz_list_add(&a->au_scope_perms, &len, &cap, buf) < 0)
				return -1;
		}
	}
	for (i = 0; a->au_kind != SD_AUTH_TOKEN && i < a->au_ngrants; i++) {
		const char *const *p = authz_role_perms(a->au_grants[i].g_role);

		for (; p != NULL && *p != NULL; p++) {
			if (a->au_grants[i].g_tenant == 0)
				snprintf(buf, sizeof(buf), "%s", *p);
			else
				snprintf(buf, sizeof(buf), "%s:%d", *p,
					a->au_grants[i].g_tenant);
			if (authz_list_add(&a->au_scope_perms, &len, &cap, buf) < 0)
				return -1;
		}
		/* A second-line technician works the team's own queue. */
		if (a->au_grants[i].g_team[0] != '\0') {
			snprintf(buf, sizeof(buf), "queue.%s", a->au_grants[i].g_team);
			if (authz_list_add(&a->au_scope_perms, &len, &cap, buf) < 0)
				return -1;
		}
	}
	if (a->au_scope_perms == NULL && (a->au_scope_perms = strdup("")) == NULL)
		return -1;
	free(a->au_scope_tenants);
	if ((a->au_scope_tenants = malloc(a->au_nvisible * 12 + 3)) == NULL)
		return -1;
	a->au_scope_tenants[off++] = '{';
	for (i = 0; i < a->au_nvisible; i++)
		off += (size_t)sprintf(
			a->au_scope_tenants + off, "%s%d", i ? "," : "", a->au_visible[i]);
	a->au_scope_tenants[off++] = '}';
	a->au_scope_tenants[off] = '\0';
	return 0;
}

void
sd_auth_scope(const struct sd_auth *a, struct sd_scope *scope)
{
	scope->sp_user_id = a ? a->au_person : 0;
	scope->sp_tenants = a ? a->au_scope_tenants : NULL;
	scope->sp_perms = a ? a->au_scope_perms : NULL;
}

int
sd_auth_needs_mfa(const struct sd_grant *grants, size_t n, char *const *mfa_roles)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (mfa_roles != NULL && mfa_roles[0] != NULL) {
			size_t k;

			for (k = 0; mfa_roles[k] != NULL; k++)
				if (strcmp(mfa_roles[k], grants[i].g_role) == 0)
					return 1;
		} else if (sd_role_is_staff(grants[i].g_role)) {
			return 1;
		}
	}
	return 0;
}

int
sd_grants_from_json(const char *text, struct sd_grant **out, size_t *n)
{
	json_t *arr, *g;
	size_t i;

	*out = NULL;
	*n = 0;
	if ((arr = json_loads(text, 0, NULL)) == NULL || !json_is_array(arr))
		goto fail;
	if (json_array_size(arr) > 0 &&
		(*out = calloc(json_array_size(arr), sizeof(**out))) == NULL)
		goto fail;
	json_array_foreach(arr, i, g)
	{
		struct sd_grant *x = &(*out)[i];
		const char *role = json_string_value(json_object_get(g, "role"));
		const char *team = json_string_value(json_object_get(g, "team"));

		if (role == NULL)
			goto fail;
		snprintf(x->g_role, sizeof(x->g_role), "%s", role);
		snprintf(x->g_team, sizeof(x->g_team), "%s", team ? team : "");
		x->g_tenant = (int)json_integer_value(json_object_get(g, "tenant"));
		x->g_cost_centre = json_integer_value(json_object_get(g, "cost_centre"));
		(*n)++;
	}
	json_decref(arr);
	return 0;
fail:
	json_decref(arr);
	free(*out);
	*out = NULL;
	*n = 0;
	return -1;
}
