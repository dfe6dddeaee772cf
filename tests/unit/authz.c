/*
 * authz.c: who may administer whom, grant what where, and which
 * permissions a token may name; plus the ISO 8601 times the API takes.
 * Plain structs, no server.
 */
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"
#include "tap.h"

enum { AMA = 1, BEN = 2, MEL = 3 };

/* A caller of home tenant with grants "role@tenant" (tenant 0: every tenant). */
static void
caller(struct sd_auth *a, struct sd_grant *g, int home, size_t n, const char *const *roles,
	const int *tenants)
{
	size_t i;

	memset(a, 0, sizeof(*a));
	memset(g, 0, n * sizeof(*g));
	for (i = 0; i < n; i++) {
		strcpy(g[i].g_role, roles[i]);
		g[i].g_tenant = tenants[i];
	}
	a->au_kind = SD_AUTH_SESSION;
	a->au_tenant = home;
	a->au_grants = g;
	a->au_ngrants = n;
}

static void
check_perms(void)
{
	tap_ok(sd_perm_known("person.read"), "person.read is a permission");
	tap_ok(sd_perm_known("audit.read"), "audit.read is a permission");
	tap_ok(!sd_perm_known("session"), "session is not one a token can carry");
	tap_ok(!sd_perm_known("root"), "root is no permission");
	tap_ok(!sd_perm_known(""), "nor is nothing");
}

static void
check_grants(void)
{
	static const char *const admin_all[] = {"admin"}, *const admin_ben[] = {"admin"},
				 *const itk[] = {"it_contact"};
	static const int all[] = {0}, ben[] = {BEN};
	struct sd_auth a;
	struct sd_grant g[1];

	caller(&a, g, AMA, 1, admin_all, all);
	tap_ok(sd_auth_can_all(&a, "audit.read"),
		"admin over every tenant reads the whole trail");
	tap_ok(sd_auth_may_grant_all(&a, "tech1"), "and grants roles over every tenant");
	caller(&a, g, BEN, 1, admin_ben, ben);
	tap_ok(!sd_auth_can_all(&a, "audit.read"), "a Bengtsfors admin does not");
	tap_ok(!sd_auth_may_grant_all(&a, "tech1"), "nor grants over every tenant");
	tap_ok(sd_auth_may_grant(&a, "tech1", BEN), "but grants anything in Bengtsfors");
	caller(&a, g, BEN, 1, itk, ben);
	tap_ok(sd_auth_may_grant(&a, "manager", BEN), "an IT contact grants manager at home");
	tap_ok(!sd_auth_may_grant(&a, "tech1", BEN), "but no staff role");
	tap_ok(!sd_auth_may_grant(&a, "manager", MEL), "and nothing in Mellerud");
	tap_ok(!sd_auth_may_grant_all(&a, "employee"), "nor anything everywhere");
	a.au_kind = SD_AUTH_TOKEN;
	tap_ok(!sd_auth_can_all(&a, "audit.read"), "a token never holds anything everywhere");
}

static void
check_tenants_with(void)
{
	static const char *const roles[] = {"tech1", "it_contact"};
	static const int tenants[] = {0, BEN};
	int visible[] = {AMA, BEN, MEL};
	struct sd_grant g[2];
	struct sd_auth a;
	char *s;

	caller(&a, g, BEN, 2, roles, tenants);
	a.au_visible = visible;
	a.au_nvisible = 3;
	s = sd_auth_tenants_with(&a, "person.read", 0);
	TAP_IS_STR(s, "{1,2,3}", "person.read: every tenant seen");
	free(s);
	s = sd_auth_tenants_with(&a, "audit.read", 0);
	TAP_IS_STR(s, "{2}", "audit.read: Bengtsfors only");
	free(s);
	s = sd_auth_tenants_with(&a, "audit.read", MEL);
	TAP_IS_STR(s, "{}", "audit.read in Mellerud: none");
	free(s);
}

static void
check_manage(void)
{
	static const char *const itk[] = {"it_contact"}, *const admin[] = {"admin"};
	static const int ben[] = {BEN}, all[] = {0};
	struct sd_grant g[1], t[2];
	struct sd_auth a;

	caller(&a, g, BEN, 1, itk, ben);
	memset(t, 0, sizeof(t));
	tap_ok(sd_auth_may_manage(&a, BEN, "employee", NULL, 0),
		"an IT contact manages a Bengtsfors employee");
	tap_ok(!sd_auth_may_manage(&a, MEL, "employee", NULL, 0), "not a Mellerud one");
	tap_ok(!sd_auth_may_manage(&a, BEN, "privileged", NULL, 0),
		"nor a privileged identity");
	strcpy(t[0].g_role, "manager");
	t[0].g_tenant = BEN;
	tap_ok(sd_auth_may_manage(&a, BEN, "employee", t, 1), "a manager (a role they grant)");
	strcpy(t[1].g_role, "finance");
	t[1].g_tenant = BEN;
	tap_ok(!sd_auth_may_manage(&a, BEN, "employee", t, 2),
		"but not someone with a role they cannot grant");
	caller(&a, g, AMA, 1, admin, all);
	tap_ok(sd_auth_may_manage(&a, MEL, "privileged", t, 2),
		"an administrator manages anyone");
	t[0].g_tenant = 0;
	caller(&a, g, BEN, 1, admin, ben);
	tap_ok(!sd_auth_may_manage(&a, BEN, "employee", t, 1),
		"a Bengtsfors admin not someone with a role everywhere");
}

static void
check_times(void)
{
	char buf[32];
	time_t t;

	tap_ok(sd_time_parse("2026-06-30", &t) == 0, "a date");
	sd_time_format(t, buf, sizeof(buf));
	TAP_IS_STR(buf, "2026-06-30T00:00:00Z", "is midnight UTC");
	tap_ok(sd_time_parse("2026-06-30T17:00:00+02:00", &t) == 0, "a time with an offset");
	sd_time_format(t, buf, sizeof(buf));
	TAP_IS_STR(buf, "2026-06-30T15:00:00Z", "in UTC");
	tap_ok(sd_time_parse("2026-06-30T15:00:00.250Z", &t) == 0, "fractions and Z");
	tap_ok(sd_time_parse("2024-02-29T08:30Z", &t) == 0, "a leap day, no seconds");
	tap_ok(sd_time_parse("2026-02-29", &t) < 0, "29 February 2026 does not exist");
	tap_ok(sd_time_parse("2026-13-01", &t) < 0, "month 13");
	tap_ok(sd_time_parse("2026-06-30T24:00:00Z", &t) < 0, "hour 24");
	tap_ok(sd_time_parse("2026-06-30T12:00:00", &t) < 0, "a time without a zone");
	tap_ok(sd_time_parse("2026-06-30 12:00:00Z", &t) < 0, "a space for the T");
	tap_ok(sd_time_parse("tomorrow", &t) < 0, "words");
	tap_ok(sd_time_parse("2026-06-30Z", &t) < 0, "a zone on a date");
	tap_ok(sd_time_parse("+2026-06-30", &t) < 0, "a sign");
}

int
main(void)
{
	check_perms();
	check_grants();
	check_tenants_with();
	check_manage();
	check_times();
	return tap_done();
}
