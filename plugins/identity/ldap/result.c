/*
 * result.c: filling struct sdesk_identity_result.
 *
 * The host says how much it allocated in ir_size; a host built against an
 * older header may have a shorter struct, so every write goes through
 * res_field, which never reaches past ir_size.  Values are cut at a UTF-8
 * character boundary when a field is too short for them.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ldapid.h"

/* Where field (offset, size) is and how much of it ir_size covers; 0: absent. */
static size_t
res_field(struct sdesk_identity_result *res, size_t off, size_t size, char **p)
{
	size_t have;

	if (res->ir_size <= off)
		return 0;
	have = res->ir_size - off;
	*p = (char *)res + off;
	return have < size ? have : size;
}

#define RES_FIELD(res, member, p)                                                              \
	res_field((res), offsetof(struct sdesk_identity_result, member),                       \
		sizeof(((struct sdesk_identity_result *)0)->member), (p))

/* Copies len bytes of s into a field of cap bytes, cut at a UTF-8 boundary. */
static void
res_copy(char *dst, size_t cap, const char *s, size_t len)
{
	const char *nul;

	if (cap == 0)
		return;
	if ((nul = memchr(s, '\0', len)) != NULL)
		len = (size_t)(nul - s);
	if (len >= cap) {
		len = cap - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
}

int
ldapid_res_usable(const struct sdesk_identity_result *res)
{
	return res != NULL && res->ir_size >= sizeof(res->ir_size);
}

void
ldapid_res_clear(struct sdesk_identity_result *res, int keep_error)
{
	size_t end =
		keep_error ? offsetof(struct sdesk_identity_result, ir_error) : sizeof(*res);
	size_t off = sizeof(res->ir_size);

	if (res->ir_size < end)
		end = res->ir_size;
	memset((char *)res + off, 0, end - off);
}

/* Copies the first value of attr (if any) into the field at p. */
static void
res_set_attr(LDAP *ld, LDAPMessage *entry, const char *attr, char *p, size_t cap)
{
	struct berval **vals;

	if (cap == 0 || attr == NULL || attr[0] == '\0')
		return;
	if ((vals = ldap_get_values_len(ld, entry, attr)) == NULL)
		return;
	if (vals[0] != NULL)
		res_copy(p, cap, vals[0]->bv_val, vals[0]->bv_len);
	ldap_value_free_len(vals);
}

void
ldapid_res_fill_entry(struct ldapid_call *c, LDAP *ld, LDAPMessage *entry)
{
	const struct ldapid_realm *r = c->c_realm;
	struct sdesk_identity_result *res = c->c_res;
	struct berval **vals;
	size_t cap, i, dropped = 0;
	char *p = NULL;

	if ((cap = RES_FIELD(res, ir_uid, &p)) > 0) {
		res_set_attr(ld, entry, r->rl_attr_login, p, cap);
		if (p[0] == '\0')
			res_copy(p, cap, c->c_login, strlen(c->c_login));
	}
	if ((cap = RES_FIELD(res, ir_name, &p)) > 0)
		res_set_attr(ld, entry, r->rl_attr_name, p, cap);
	if ((cap = RES_FIELD(res, ir_mail, &p)) > 0)
		res_set_attr(ld, entry, r->rl_attr_mail, p, cap);
	if ((cap = RES_FIELD(res, ir_department, &p)) > 0)
		res_set_attr(ld, entry, r->rl_attr_department, p, cap);
	if (r->rl_attr_memberof[0] == '\0' ||
		(vals = ldap_get_values_len(ld, entry, r->rl_attr_memberof)) == NULL)
		return;
	for (i = 0; vals[i] != NULL; i++)
		if (ldapid_res_add_group(res, vals[i]->bv_val, vals[i]->bv_len) < 0)
			dropped++;
	ldap_value_free_len(vals);
	if (dropped > 0)
		c->c_li->li_host->sh_log(c->c_li->li_host, SDESK_LOG_WARN, c->c_li->li_name,
			"realm %s: \"%s\" is in more groups than the result holds; %zu dropped",
			r->rl_code, c->c_login, dropped);
}

int
ldapid_res_add_group(struct sdesk_identity_result *res, const char *dn, size_t len)
{
	char *p = NULL, *q;
	size_t cap, used = 0;

	/* A host whose result has no ir_groups asked for none. */
	if ((cap = RES_FIELD(res, ir_groups, &p)) == 0)
		return 0;
	if (len == 0 || memchr(dn, '\0', len) != NULL)
		return 0;
	/* The list is "a\0b\0\0": walk to its end, skipping a duplicate. */
	for (q = p; used < cap && *q != '\0'; q += strlen(q) + 1) {
		if (strlen(q) == len && strncasecmp(q, dn, len) == 0)
			return 0;
		used += strlen(q) + 1;
	}
	/* The DN, its NUL and the list's final NUL must fit whole. */
	if (used + len + 2 > cap)
		return -1;
	memcpy(p + used, dn, len);
	p[used + len] = '\0';
	p[used + len + 1] = '\0';
	return 0;
}

int
ldapid_res_fail(struct ldapid_call *c, int status, const char *text, const char *detail)
{
	const struct ldapid *li = c->c_li;
	char *p = NULL;
	size_t cap;
	int level;

	if ((cap = RES_FIELD(c->c_res, ir_error, &p)) > 0) {
		/* A refusal never says why: an unknown user reads like a bad password. */
		if (detail != NULL && status != SDESK_ID_DENIED)
			snprintf(p, cap, "%s (%s)", text, detail);
		else
			snprintf(p, cap, "%s", text);
	}
	if (status == SDESK_ID_DENIED)
		level = SDESK_LOG_INFO;
	else if (status == SDESK_ID_UNAVAILABLE)
		level = SDESK_LOG_WARN;
	else
		level = SDESK_LOG_ERROR;
	li->li_host->sh_log(li->li_host, level, li->li_name, "realm %s: %s%s%s: %s%s%s",
		c->c_realm != NULL ? c->c_realm->rl_code : "?",
		c->c_login != NULL ? "login \"" : "", c->c_login != NULL ? c->c_login : "",
		c->c_login != NULL ? "\"" : "", text, detail != NULL ? ": " : "",
		detail != NULL ? detail : "");
	return status;
}

/* Result codes that mean "the directory is not there or too slow". */
static int
res_ldap_unavailable(int rc)
{
	switch (rc) {
	case LDAP_SERVER_DOWN:
	case LDAP_TIMEOUT:
	case LDAP_CONNECT_ERROR:
	case LDAP_BUSY:
	case LDAP_UNAVAILABLE:
	case LDAP_TIMELIMIT_EXCEEDED:
		return 1;
	default:
		return 0;
	}
}

int
ldapid_res_fail_ldap(struct ldapid_call *c, LDAP *ld, int rc, const char *what)
{
	char detail[240];
	char *diag = NULL;
	int st;

	if (ld != NULL)
		ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	snprintf(detail, sizeof(detail), "%s: %s%s%s", what, ldap_err2string(rc),
		diag != NULL && diag[0] != '\0' ? ", " : "",
		diag != NULL && diag[0] != '\0' ? diag : "");
	ldap_memfree(diag);
	if (res_ldap_unavailable(rc))
		st = ldapid_res_fail(c, SDESK_ID_UNAVAILABLE, LDAPID_TEXT_DOWN, detail);
	else
		st = ldapid_res_fail(c, SDESK_ID_ERROR, "katalogtjänsten gav ett fel", detail);
	return st;
}
