/*
 * ldap.c: the LDAP identity plugin (kind identity).
 *
 * Authenticate is search-then-bind: the service account finds exactly one
 * entry for the login, then a fresh connection binds as that entry's DN
 * with the password, then the service account reads the person's groups.
 * Lookup is the same without the password bind.  Unknown user, disabled
 * user and wrong password all give SDESK_ID_DENIED with the same text; a
 * directory that does not answer gives SDESK_ID_UNAVAILABLE within the
 * caller's timeout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ldapid.h"

/*
 * A login is bounded and has no control characters: anything else is
 * refused before the network, so it is never logged or searched for.
 */
static int
ldapid_login_ok(const char *login)
{
	size_t i;

	if (login == NULL || login[0] == '\0')
		return 0;
	for (i = 0; login[i] != '\0'; i++)
		if ((unsigned char)login[i] < 0x20 || login[i] == 0x7f ||
			i + 1 >= LDAPID_MAX_LOGIN)
			return 0;
	return 1;
}

/* Fills c for a call; a status other than SDESK_ID_OK ends the call. */
static int
ldapid_call_begin(struct ldapid_call *c, const struct ldapid *li, const char *realm,
	const char *login, unsigned timeout_ms, struct sdesk_identity_result *res)
{
	memset(c, 0, sizeof(*c));
	c->c_li = li;
	c->c_res = res;
	c->c_denied_text = LDAPID_TEXT_DENIED;
	ldapid_res_clear(res, 0);
	if ((c->c_realm = ldapid_realm_find(li, realm)) == NULL)
		return ldapid_res_fail(c, SDESK_ID_ERROR, "okänd organisation",
			"the realm is not one of realms =");
	if (c->c_realm->rl_problem[0] != '\0')
		return ldapid_res_fail(c, SDESK_ID_ERROR, "katalogtjänsten är felinställd",
			c->c_realm->rl_problem);
	if (!ldapid_login_ok(login))
		return ldapid_res_fail(c, SDESK_ID_DENIED, LDAPID_TEXT_DENIED,
			"login empty, too long or with control characters; not searched");
	c->c_login = login;
	if (timeout_ms == 0)
		timeout_ms = LDAPID_DEFAULT_TIMEOUT_MS;
	clock_gettime(CLOCK_MONOTONIC, &c->c_deadline);
	c->c_deadline.tv_sec += (time_t)(timeout_ms / 1000);
	c->c_deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (c->c_deadline.tv_nsec >= 1000000000L) {
		c->c_deadline.tv_sec++;
		c->c_deadline.tv_nsec -= 1000000000L;
	}
	return SDESK_ID_OK;
}

/* Binds as the person on a connection of its own, then lets it go. */
static int
ldapid_check_password(
	struct ldapid_call *c, LDAP *svc, LDAPMessage *entry, const char *password, char **dnp)
{
	LDAP *ld;
	int st;

	if ((*dnp = ldap_get_dn(svc, entry)) == NULL || (*dnp)[0] == '\0')
		return ldapid_res_fail(
			c, SDESK_ID_ERROR, "katalogtjänsten gav ett fel", "entry without a DN");
	if (password == NULL)
		return SDESK_ID_OK;
	if ((st = ldapid_dir_open(c, &ld)) != SDESK_ID_OK)
		return st;
	st = ldapid_dir_bind_user(c, ld, *dnp, password);
	ldap_unbind_ext_s(ld, NULL, NULL);
	return st;
}

/*
 * The common path of authenticate (password set) and lookup (password
 * NULL).
 */
static int
ldapid_identify(const struct ldapid *li, const char *realm, const char *login,
	const char *password, unsigned timeout_ms, struct sdesk_identity_result *res)
{
	struct ldapid_call c;
	LDAPMessage *msg = NULL, *entry = NULL;
	LDAP *svc = NULL;
	char *dn = NULL;
	int st;

	if (!ldapid_res_usable(res))
		return SDESK_ID_ERROR;
	if ((st = ldapid_call_begin(&c, li, realm, login, timeout_ms, res)) != SDESK_ID_OK)
		return st;
	if (password == NULL)
		c.c_denied_text = LDAPID_TEXT_NOT_FOUND;
	if (password != NULL && password[0] == '\0')
		return ldapid_res_fail(&c, SDESK_ID_DENIED, LDAPID_TEXT_DENIED,
			"empty password; not sent to the directory");
	if ((st = ldapid_dir_open(&c, &svc)) != SDESK_ID_OK ||
		(st = ldapid_dir_bind_service(&c, svc)) != SDESK_ID_OK)
		goto done;
	if ((st = ldapid_dir_find_user(&c, svc, &msg, &entry)) != SDESK_ID_OK)
		goto done;
	if ((st = ldapid_check_password(&c, svc, entry, password, &dn)) != SDESK_ID_OK)
		goto done;
	ldapid_res_fill_entry(&c, svc, entry);
	if ((st = ldapid_dir_find_groups(&c, svc, dn)) != SDESK_ID_OK)
		goto done;
	li->li_host->sh_log(li->li_host, SDESK_LOG_DEBUG, li->li_name, "realm %s: %s %s as %s",
		c.c_realm->rl_code, login, password != NULL ? "authenticated" : "found", dn);
done:
	/* What a failed call leaves behind is only ir_error. */
	if (st != SDESK_ID_OK)
		ldapid_res_clear(res, 1);
	ldap_memfree(dn);
	ldap_msgfree(msg);
	if (svc != NULL)
		ldap_unbind_ext_s(svc, NULL, NULL);
	return st;
}

static int
ldapid_authenticate(void *self, const char *realm, const char *login, const char *password,
	unsigned timeout_ms, struct sdesk_identity_result *res)
{
	return ldapid_identify(
		self, realm, login, password != NULL ? password : "", timeout_ms, res);
}

static int
ldapid_lookup(void *self, const char *realm, const char *login, unsigned timeout_ms,
	struct sdesk_identity_result *res)
{
	return ldapid_identify(self, realm, login, NULL, timeout_ms, res);
}

static int
ldapid_preflight(void *self, char *err, size_t errlen)
{
	const struct ldapid *li = self;
	size_t i;

	if (li->li_problem[0] != '\0') {
		snprintf(err, errlen, "%s", li->li_problem);
		return -1;
	}
	for (i = 0; i < li->li_nrealms; i++)
		if (ldapid_realm_check(&li->li_realms[i], err, errlen) < 0)
			return -1;
	return 0;
}

static void
ldapid_free(void *self)
{
	struct ldapid *li = self;

	if (li == NULL)
		return;
	free(li->li_realms);
	free(li);
}

const struct sdesk_plugin *
sdesk_plugin_init(const struct sdesk_host *host, const char *name)
{
	struct ldapid *li;
	int v;

	if (host == NULL || host->sh_abi_major != SDESK_PLUGIN_ABI_MAJOR ||
		host->sh_size < offsetof(struct sdesk_host, sh_config_get) +
				sizeof(host->sh_config_get))
		return NULL;
	if ((li = calloc(1, sizeof(*li))) == NULL)
		goto oom;
	li->li_host = host;
	snprintf(li->li_name, sizeof(li->li_name), "%s", name);
	if (ldapid_realms_load(li) < 0)
		goto oom;
	/* libldap sets up its global defaults on first use: do it now, on one thread. */
	ldap_get_option(NULL, LDAP_OPT_PROTOCOL_VERSION, &v);
	li->li_ops.io_size = sizeof(li->li_ops);
	li->li_ops.io_authenticate = ldapid_authenticate;
	li->li_ops.io_lookup = ldapid_lookup;
	li->li_plugin.sp_size = sizeof(li->li_plugin);
	li->li_plugin.sp_abi_major = SDESK_PLUGIN_ABI_MAJOR;
	li->li_plugin.sp_abi_minor = SDESK_PLUGIN_ABI_MINOR;
	li->li_plugin.sp_kind = SDESK_PLUGIN_IDENTITY;
	li->li_plugin.sp_name = "ldap";
	li->li_plugin.sp_version = LDAPID_VERSION;
	li->li_plugin.sp_self = li;
	li->li_plugin.sp_preflight = ldapid_preflight;
	li->li_plugin.sp_free = ldapid_free;
	li->li_plugin.sp_ops = &li->li_ops;
	host->sh_log(host, SDESK_LOG_INFO, li->li_name, "%zu realm(s), libldap %d",
		li->li_nrealms, LDAP_VENDOR_VERSION);
	return &li->li_plugin;
oom:
	host->sh_log(host, SDESK_LOG_ERROR, name, "out of memory");
	ldapid_free(li);
	return NULL;
}
