/*
 * dir.c: one conversation with a realm's directory.
 *
 * Each call opens its own handles (libldap 2.5 is thread-safe per handle),
 * and every step is given only what is left of the call's time, so the
 * whole call ends near its timeout however many round trips it needs.
 * Values from people are escaped with ldap_bv2escaped_filter_value before
 * they go into a filter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ldapid.h"

/* What is left of the call's time; 0 when it has run out. */
static int
dir_remaining(const struct ldapid_call *c, struct timeval *tv)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(c->c_deadline.tv_sec - now.tv_sec) * 1000 +
		(c->c_deadline.tv_nsec - now.tv_nsec) / 1000000;
	if (ms <= 0)
		return 0;
	tv->tv_sec = (time_t)(ms / 1000);
	tv->tv_usec = (suseconds_t)(ms % 1000) * 1000;
	return 1;
}

/*
 * Sets the handle's connect and result timeouts to what is left before
 * the next blocking step; fails the call when nothing is left.
 */
static int
dir_arm(struct ldapid_call *c, LDAP *ld, struct timeval *tv, const char *what)
{
	if (!dir_remaining(c, tv))
		return ldapid_res_fail_ldap(c, NULL, LDAP_TIMEOUT, what);
	if (ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, tv) != LDAP_OPT_SUCCESS ||
		ldap_set_option(ld, LDAP_OPT_TIMEOUT, tv) != LDAP_OPT_SUCCESS)
		return ldapid_res_fail(c, SDESK_ID_ERROR, "katalogtjänsten gav ett fel",
			"cannot set timeouts");
	return SDESK_ID_OK;
}

/* Options every handle gets before it connects. */
static int
dir_set_options(struct ldapid_call *c, LDAP *ld)
{
	const struct ldapid_realm *r = c->c_realm;
	int v3 = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND, client = 0;

	if (ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3) != LDAP_OPT_SUCCESS ||
		ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) != LDAP_OPT_SUCCESS)
		return -1;
	if (!r->rl_tls_used)
		return 0;
	/*
	 * TLS always verifies the server, with the realm's CA file or the
	 * system's.  The handle gets a context of its own: the shared default
	 * context would ignore these options once another handle had made it.
	 */
	if (ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand) != LDAP_OPT_SUCCESS)
		return -1;
	if (r->rl_tls_cacert != NULL &&
		ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, r->rl_tls_cacert) !=
			LDAP_OPT_SUCCESS)
		return -1;
	return ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &client) == LDAP_OPT_SUCCESS ? 0 : -1;
}

/*
 * StartTLS in two steps so that a refusal or a bad certificate
 * (misconfiguration) and a silent server (unavailable) are told apart.
 */
static int
dir_starttls(struct ldapid_call *c, LDAP *ld)
{
	const char *uri = c->c_realm->rl_uri;
	LDAPMessage *msg = NULL;
	struct timeval tv;
	char *diag = NULL;
	int rc, msgid, err = LDAP_OTHER, st;
	char detail[240];

	if ((st = dir_arm(c, ld, &tv, uri)) != SDESK_ID_OK)
		return st;
	if ((rc = ldap_start_tls(ld, NULL, NULL, &msgid)) != LDAP_SUCCESS)
		return ldapid_res_fail_ldap(c, ld, rc, uri);
	rc = ldap_result(ld, msgid, LDAP_MSG_ALL, &tv, &msg);
	if (rc == 0)
		return ldapid_res_fail_ldap(c, ld, LDAP_TIMEOUT, uri);
	if (rc < 0) {
		ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &err);
		return ldapid_res_fail_ldap(c, ld, err, uri);
	}
	rc = ldap_parse_result(ld, msg, &err, NULL, &diag, NULL, NULL, 1);
	if (rc != LDAP_SUCCESS || err != LDAP_SUCCESS) {
		snprintf(detail, sizeof(detail), "%s: StartTLS refused: %s%s%s", uri,
			ldap_err2string(rc != LDAP_SUCCESS ? rc : err), diag ? ", " : "",
			diag ? diag : "");
		ldap_memfree(diag);
		return ldapid_res_fail(
			c, SDESK_ID_ERROR, "katalogtjänsten gav ett fel", detail);
	}
	ldap_memfree(diag);
	diag = NULL;
	/* The server said yes: a failed handshake is about certificates. */
	if ((rc = ldap_install_tls(ld)) != LDAP_SUCCESS) {
		snprintf(detail, sizeof(detail), "%s: TLS handshake", uri);
		if (rc == LDAP_TIMEOUT)
			return ldapid_res_fail_ldap(c, ld, rc, detail);
		ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
		snprintf(detail, sizeof(detail), "%s: TLS handshake failed: %s%s%s", uri,
			ldap_err2string(rc), diag ? ", " : "", diag ? diag : "");
		ldap_memfree(diag);
		return ldapid_res_fail(
			c, SDESK_ID_ERROR, "katalogtjänsten gav ett fel", detail);
	}
	return SDESK_ID_OK;
}

int
ldapid_dir_open(struct ldapid_call *c, LDAP **ldp)
{
	const struct ldapid_realm *r = c->c_realm;
	LDAP *ld = NULL;
	int rc, st;

	*ldp = NULL;
	if ((rc = ldap_initialize(&ld, r->rl_uri)) != LDAP_SUCCESS)
		return ldapid_res_fail_ldap(c, NULL, rc, r->rl_uri);
	if (dir_set_options(c, ld) < 0) {
		ldap_unbind_ext_s(ld, NULL, NULL);
		return ldapid_res_fail(c, SDESK_ID_ERROR, "katalogtjänsten gav ett fel",
			"cannot set connection options");
	}
	if (r->rl_tls_required && (st = dir_starttls(c, ld)) != SDESK_ID_OK) {
		ldap_unbind_ext_s(ld, NULL, NULL);
		return st;
	}
	*ldp = ld;
	return SDESK_ID_OK;
}

/* A simple bind with the call's remaining time; the LDAP result code. */
static int
dir_bind(struct ldapid_call *c, LDAP *ld, const char *dn, const char *password, int *st)
{
	struct berval cred;
	struct timeval tv;

	if ((*st = dir_arm(c, ld, &tv, c->c_realm->rl_uri)) != SDESK_ID_OK)
		return LDAP_TIMEOUT;
	cred.bv_val = (char *)(uintptr_t)password;
	cred.bv_len = strlen(password);
	return ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
}

int
ldapid_dir_bind_service(struct ldapid_call *c, LDAP *ld)
{
	const struct ldapid_realm *r = c->c_realm;
	char password[1024], err[256];
	int rc, st;

	if (r->rl_bind_dn == NULL)
		return SDESK_ID_OK;
	if (ldapid_realm_password(r, password, sizeof(password), err, sizeof(err)) < 0)
		return ldapid_res_fail(
			c, SDESK_ID_ERROR, "katalogtjänsten är felinställd", err);
	rc = dir_bind(c, ld, r->rl_bind_dn, password, &st);
	explicit_bzero(password, sizeof(password));
	if (st != SDESK_ID_OK)
		return st;
	if (rc == LDAP_SUCCESS)
		return SDESK_ID_OK;
	/* A rejected service account is the configuration's fault, not the user's. */
	if (rc == LDAP_INVALID_CREDENTIALS || rc == LDAP_INAPPROPRIATE_AUTH ||
		rc == LDAP_INVALID_DN_SYNTAX)
		return ldapid_res_fail(c, SDESK_ID_ERROR, "katalogtjänsten är felinställd",
			"the service account's bind was refused; check bind_dn and its "
			"password");
	return ldapid_res_fail_ldap(c, ld, rc, r->rl_uri);
}

int
ldapid_dir_bind_user(struct ldapid_call *c, LDAP *ld, const char *dn, const char *password)
{
	int rc, st;

	rc = dir_bind(c, ld, dn, password, &st);
	if (st != SDESK_ID_OK)
		return st;
	if (rc == LDAP_SUCCESS)
		return SDESK_ID_OK;
	if (rc == LDAP_INVALID_CREDENTIALS || rc == LDAP_INAPPROPRIATE_AUTH ||
		rc == LDAP_UNWILLING_TO_PERFORM)
		return ldapid_res_fail(
			c, SDESK_ID_DENIED, LDAPID_TEXT_DENIED, ldap_err2string(rc));
	return ldapid_res_fail_ldap(c, ld, rc, c->c_realm->rl_uri);
}

char *
ldapid_filter_build(const char *tmpl, const char *value)
{
	struct berval in, out = {0, NULL};
	const char *at = strstr(tmpl, "%s");
	size_t pre, post;
	char *f;

	if (at == NULL)
		return NULL;
	in.bv_val = (char *)(uintptr_t)value;
	in.bv_len = strlen(value);
	if (ldap_bv2escaped_filter_value(&in, &out) != 0)
		return NULL;
	pre = (size_t)(at - tmpl);
	post = strlen(at + 2);
	if ((f = malloc(pre + out.bv_len + post + 1)) != NULL) {
		memcpy(f, tmpl, pre);
		memcpy(f + pre, out.bv_val, out.bv_len);
		memcpy(f + pre + out.bv_len, at + 2, post + 1);
	}
	ber_memfree(out.bv_val);
	return f;
}

/* Runs a subtree search with the call's remaining time; the LDAP result. */
static int
dir_search(struct ldapid_call *c, LDAP *ld, const char *base, const char *filter, char **attrs,
	int sizelimit, LDAPMessage **msgp, int *st)
{
	struct timeval tv;

	*msgp = NULL;
	if ((*st = dir_arm(c, ld, &tv, c->c_realm->rl_uri)) != SDESK_ID_OK)
		return LDAP_TIMEOUT;
	return ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, filter, attrs, 0, NULL, NULL,
		&tv, sizelimit, msgp);
}

int
ldapid_dir_find_user(struct ldapid_call *c, LDAP *ld, LDAPMessage **msgp, LDAPMessage **entryp)
{
	const struct ldapid_realm *r = c->c_realm;
	char *attrs[6], *filter, what[128];
	int rc, st, n, i = 0;

	*msgp = NULL;
	*entryp = NULL;
	attrs[i++] = (char *)(uintptr_t)r->rl_attr_login;
	attrs[i++] = (char *)(uintptr_t)r->rl_attr_name;
	attrs[i++] = (char *)(uintptr_t)r->rl_attr_mail;
	attrs[i++] = (char *)(uintptr_t)r->rl_attr_department;
	if (r->rl_attr_memberof[0] != '\0')
		attrs[i++] = (char *)(uintptr_t)r->rl_attr_memberof;
	attrs[i] = NULL;
	if ((filter = ldapid_filter_build(r->rl_user_filter, c->c_login)) == NULL)
		return ldapid_res_fail(c, SDESK_ID_ERROR, "katalogtjänsten gav ett fel",
			"out of memory building the filter");
	/* Two is enough to tell "exactly one" from "ambiguous". */
	rc = dir_search(c, ld, r->rl_base, filter, attrs, 2, msgp, &st);
	free(filter);
	if (st != SDESK_ID_OK)
		return st;
	if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
		snprintf(what, sizeof(what), "%s: search %s", r->rl_uri, r->rl_base);
		return ldapid_res_fail_ldap(c, ld, rc, what);
	}
	n = ldap_count_entries(ld, *msgp);
	if (n != 1 || rc == LDAP_SIZELIMIT_EXCEEDED)
		return ldapid_res_fail(c, SDESK_ID_DENIED, c->c_denied_text,
			n == 0 ? "no such person (or disabled)" : "several entries match");
	*entryp = ldap_first_entry(ld, *msgp);
	return SDESK_ID_OK;
}

int
ldapid_dir_find_groups(struct ldapid_call *c, LDAP *ld, const char *dn)
{
	const struct ldapid_realm *r = c->c_realm;
	char *attrs[] = {(char *)(uintptr_t)LDAP_NO_ATTRS, NULL};
	LDAPMessage *msg = NULL, *e;
	char *filter, *gdn, what[128];
	int rc, st, dropped = 0;

	if (r->rl_group_base == NULL)
		return SDESK_ID_OK;
	if ((filter = ldapid_filter_build(r->rl_group_filter, dn)) == NULL)
		return ldapid_res_fail(c, SDESK_ID_ERROR, "katalogtjänsten gav ett fel",
			"out of memory building the filter");
	rc = dir_search(c, ld, r->rl_group_base, filter, attrs, 0, &msg, &st);
	free(filter);
	if (st != SDESK_ID_OK || (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED)) {
		ldap_msgfree(msg);
		snprintf(what, sizeof(what), "%s: search %s", r->rl_uri, r->rl_group_base);
		return st != SDESK_ID_OK ? st : ldapid_res_fail_ldap(c, ld, rc, what);
	}
	for (e = ldap_first_entry(ld, msg); e != NULL; e = ldap_next_entry(ld, e)) {
		if ((gdn = ldap_get_dn(ld, e)) == NULL)
			continue;
		if (ldapid_res_add_group(c->c_res, gdn, strlen(gdn)) < 0)
			dropped++;
		ldap_memfree(gdn);
	}
	ldap_msgfree(msg);
	if (dropped > 0)
		c->c_li->li_host->sh_log(c->c_li->li_host, SDESK_LOG_WARN, c->c_li->li_name,
			"realm %s: \"%s\" is in more groups than the result holds; %d dropped",
			r->rl_code, c->c_login, dropped);
	if (rc == LDAP_SIZELIMIT_EXCEEDED)
		c->c_li->li_host->sh_log(c->c_li->li_host, SDESK_LOG_WARN, c->c_li->li_name,
			"realm %s: \"%s\": the directory's size limit cut the group search",
			r->rl_code, c->c_login);
	return SDESK_ID_OK;
}
