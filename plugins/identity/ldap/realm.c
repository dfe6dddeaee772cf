/*
 * realm.c: per-tenant directory settings.
 *
 * [plugin.ldap] names the realms (realms = AMA, BEN) and gives each its
 * keys prefixed by the code (BEN.uri = ...).  Everything is read once at
 * init; problems are kept per realm so that preflight can name the first
 * one and a call to a broken realm fails cleanly instead of half-working.
 * Nothing here touches the network: a directory that is down at start-up
 * must not stop sdeskd.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ldapid.h"

/* Defaults of the keys a realm may leave out. */
#define DEFAULT_USER_FILTER "(&(objectClass=inetOrgPerson)(%s=%%s))"
#define DEFAULT_GROUP_FILTER "(&(objectClass=groupOfNames)(member=%s))"

static const char *
realm_get(const struct ldapid *li, const char *code, const char *key)
{
	char full[64];
	const char *v;

	snprintf(full, sizeof(full), "%s.%s", code, key);
	v = li->li_host->sh_config_get(li->li_host, li->li_name, full);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

static const char *
realm_get_or(const struct ldapid *li, const char *code, const char *key, const char *dflt)
{
	const char *v = realm_get(li, code, key);

	return v != NULL ? v : dflt;
}

/* Attribute descriptions: a name or a numeric OID, no options. */
static int
realm_attr_ok(const char *a)
{
	size_t i;

	if (a == NULL || !isalnum((unsigned char)a[0]))
		return 0;
	for (i = 0; a[i] != '\0'; i++)
		if (!isalnum((unsigned char)a[i]) && a[i] != '-' && a[i] != '.')
			return 0;
	return i < 64;
}

int
ldapid_filter_template_ok(const char *tmpl)
{
	const char *p = strstr(tmpl, "%s");
	size_t i;
	int depth = 0;

	if (p == NULL || strstr(p + 2, "%s") != NULL)
		return 0;
	/* A filter is one parenthesised item with balanced parentheses. */
	if (tmpl[0] != '(')
		return 0;
	for (i = 0; tmpl[i] != '\0'; i++) {
		if (tmpl[i] == '\\' && tmpl[i + 1] != '\0')
			i++;
		else if (tmpl[i] == '(')
			depth++;
		else if (tmpl[i] == ')' && --depth == 0 && tmpl[i + 1] != '\0')
			return 0;
		if (depth < 0)
			return 0;
	}
	return depth == 0;
}

static void
realm_load_one(const struct ldapid *li, struct ldapid_realm *r)
{
	const char *c = r->rl_code;

	r->rl_uri = realm_get(li, c, "uri");
	r->rl_starttls = realm_get_or(li, c, "starttls", "no");
	r->rl_tls_required = strcmp(r->rl_starttls, "yes") == 0;
	r->rl_tls_used = r->rl_tls_required ||
		(r->rl_uri != NULL && strcasestr(r->rl_uri, "ldaps://") != NULL);
	r->rl_tls_cacert = realm_get(li, c, "tls_cacert");
	r->rl_bind_dn = realm_get(li, c, "bind_dn");
	r->rl_bind_password = realm_get(li, c, "bind_password");
	r->rl_bind_password_file = realm_get(li, c, "bind_password_file");
	r->rl_base = realm_get(li, c, "base");
	r->rl_attr_login = realm_get_or(li, c, "attr_login", "uid");
	r->rl_attr_name = realm_get_or(li, c, "attr_name", "cn");
	r->rl_attr_mail = realm_get_or(li, c, "attr_mail", "mail");
	r->rl_attr_department = realm_get_or(li, c, "attr_department", "departmentNumber");
	/* attr_memberof = none turns memberOf off. */
	r->rl_attr_memberof = realm_get_or(li, c, "attr_memberof", "memberOf");
	if (strcmp(r->rl_attr_memberof, "none") == 0)
		r->rl_attr_memberof = "";
	r->rl_user_filter = realm_get(li, c, "user_filter");
	if (r->rl_user_filter == NULL && realm_attr_ok(r->rl_attr_login)) {
		snprintf(r->rl_user_filter_buf, sizeof(r->rl_user_filter_buf),
			DEFAULT_USER_FILTER, r->rl_attr_login);
		r->rl_user_filter = r->rl_user_filter_buf;
	}
	r->rl_group_base = realm_get(li, c, "group_base");
	r->rl_group_filter = realm_get_or(li, c, "group_filter", DEFAULT_GROUP_FILTER);
}

/* Splits "AMA, BEN MEL" into realm codes; fills li_problem on bad input. */
static int
realm_parse_list(struct ldapid *li, const char *list)
{
	char code[sizeof(li->li_realms[0].rl_code)];
	const char *p = list;
	size_t n, i;

	while (*p != '\0') {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		for (n = 0; p[n] != '\0' && p[n] != ',' && !isspace((unsigned char)p[n]); n++)
			if (!isalnum((unsigned char)p[n]) && p[n] != '_')
				goto bad;
		if (n == 0)
			break;
		if (n >= sizeof(code) || li->li_nrealms == LDAPID_MAX_REALMS)
			goto bad;
		memcpy(code, p, n);
		code[n] = '\0';
		for (i = 0; i < li->li_nrealms; i++)
			if (strcmp(li->li_realms[i].rl_code, code) == 0)
				goto bad;
		memcpy(li->li_realms[li->li_nrealms++].rl_code, code, n + 1);
		p += n;
	}
	if (li->li_nrealms == 0)
		goto bad;
	return 0;
bad:
	snprintf(li->li_problem, sizeof(li->li_problem),
		"realms = %s: give up to %d distinct tenant codes (letters, digits, _), "
		"separated by commas",
		list, LDAPID_MAX_REALMS);
	li->li_nrealms = 0;
	return -1;
}

int
ldapid_realms_load(struct ldapid *li)
{
	const char *list = li->li_host->sh_config_get(li->li_host, li->li_name, "realms");
	size_t i;

	li->li_realms = calloc(LDAPID_MAX_REALMS, sizeof(*li->li_realms));
	if (li->li_realms == NULL)
		return -1;
	if (list == NULL || list[0] == '\0') {
		snprintf(li->li_problem, sizeof(li->li_problem),
			"set realms = the tenant codes this directory serves (e.g. AMA, BEN)");
		return 0;
	}
	if (realm_parse_list(li, list) < 0)
		return 0;
	for (i = 0; i < li->li_nrealms; i++) {
		struct ldapid_realm *r = &li->li_realms[i];

		realm_load_one(li, r);
		ldapid_realm_check(r, r->rl_problem, sizeof(r->rl_problem));
	}
	return 0;
}

/* Every URI of the (space-separated) list is ldap:// or ldaps:// and parses. */
static int
realm_check_uri(const struct ldapid_realm *r, char *err, size_t errlen)
{
	const char *p = r->rl_uri;
	char one[512];
	LDAPURLDesc *lud;
	size_t n;

	while (*p != '\0') {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		for (n = 0; p[n] != '\0' && p[n] != ',' && !isspace((unsigned char)p[n]); n++)
			;
		if (n == 0)
			break;
		if (n >= sizeof(one))
			goto bad;
		memcpy(one, p, n);
		one[n] = '\0';
		if (strncasecmp(one, "ldap://", 7) != 0 && strncasecmp(one, "ldaps://", 8) != 0)
			goto bad;
		if (ldap_url_parse(one, &lud) != LDAP_URL_SUCCESS)
			goto bad;
		ldap_free_urldesc(lud);
		if (r->rl_tls_required && strncasecmp(one, "ldaps://", 8) == 0) {
			snprintf(err, errlen,
				"%s.starttls = yes does not go with %s (ldaps:// is TLS "
				"already)",
				r->rl_code, one);
			return -1;
		}
		p += n;
	}
	return 0;
bad:
	snprintf(err, errlen, "%s.uri = %s: give ldap://host[:port] or ldaps://host[:port]",
		r->rl_code, r->rl_uri);
	return -1;
}

/* The password file exists, is a readable file and not readable by others. */
static int
realm_check_password_file(const struct ldapid_realm *r, char *err, size_t errlen)
{
	const char *path = r->rl_bind_password_file;
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s.bind_password_file %s: %s", r->rl_code, path,
			strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "%s.bind_password_file %s: not a regular file",
			r->rl_code, path);
		return -1;
	}
	close(fd);
	if (st.st_mode & (S_IROTH | S_IWOTH)) {
		snprintf(err, errlen,
			"%s.bind_password_file %s: readable by everyone (mode %03o); "
			"chmod o-rwx it",
			r->rl_code, path, (unsigned)(st.st_mode & 0777));
		return -1;
	}
	return 0;
}

static int
realm_check_attrs(const struct ldapid_realm *r, char *err, size_t errlen)
{
	static const char *const keys[] = {
		"attr_login", "attr_name", "attr_mail", "attr_department", "attr_memberof"};
	const char *vals[] = {r->rl_attr_login, r->rl_attr_name, r->rl_attr_mail,
		r->rl_attr_department, r->rl_attr_memberof};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (i == 4 && vals[i][0] == '\0')
			continue;
		if (!realm_attr_ok(vals[i])) {
			snprintf(err, errlen, "%s.%s = %s: not an attribute name", r->rl_code,
				keys[i], vals[i]);
			return -1;
		}
	}
	return 0;
}

int
ldapid_realm_check(const struct ldapid_realm *r, char *err, size_t errlen)
{
	if (r->rl_uri == NULL) {
		snprintf(err, errlen, "%s.uri is not set (e.g. ldap://ldap.example.se)",
			r->rl_code);
		return -1;
	}
	if (strcmp(r->rl_starttls, "yes") != 0 && strcmp(r->rl_starttls, "no") != 0) {
		snprintf(err, errlen, "%s.starttls = %s: give yes or no", r->rl_code,
			r->rl_starttls);
		return -1;
	}
	if (realm_check_uri(r, err, errlen) < 0)
		return -1;
	if (r->rl_base == NULL) {
		snprintf(err, errlen, "%s.base is not set (where people are searched)",
			r->rl_code);
		return -1;
	}
	if (realm_check_attrs(r, err, errlen) < 0)
		return -1;
	if (r->rl_user_filter == NULL || !ldapid_filter_template_ok(r->rl_user_filter)) {
		snprintf(err, errlen,
			"%s.user_filter = %s: give one (filter) with %%s exactly once "
			"(the login)",
			r->rl_code, r->rl_user_filter ? r->rl_user_filter : "");
		return -1;
	}
	if (!ldapid_filter_template_ok(r->rl_group_filter)) {
		snprintf(err, errlen,
			"%s.group_filter = %s: give one (filter) with %%s exactly once "
			"(the user's DN)",
			r->rl_code, r->rl_group_filter);
		return -1;
	}
	if (r->rl_bind_dn == NULL &&
		(r->rl_bind_password != NULL || r->rl_bind_password_file != NULL)) {
		snprintf(err, errlen, "%s: a bind password is set but %s.bind_dn is not",
			r->rl_code, r->rl_code);
		return -1;
	}
	if (r->rl_bind_dn != NULL && r->rl_bind_password == NULL &&
		r->rl_bind_password_file == NULL) {
		snprintf(err, errlen, "%s.bind_dn is set: give %s.bind_password_file",
			r->rl_code, r->rl_code);
		return -1;
	}
	if (r->rl_bind_password_file != NULL && realm_check_password_file(r, err, errlen) < 0)
		return -1;
	if (r->rl_tls_cacert != NULL && access(r->rl_tls_cacert, R_OK) != 0) {
		snprintf(err, errlen, "%s.tls_cacert %s: %s", r->rl_code, r->rl_tls_cacert,
			strerror(errno));
		return -1;
	}
	return 0;
}

const struct ldapid_realm *
ldapid_realm_find(const struct ldapid *li, const char *code)
{
	size_t i;

	if (code == NULL)
		return NULL;
	for (i = 0; i < li->li_nrealms; i++)
		if (strcmp(li->li_realms[i].rl_code, code) == 0)
			return &li->li_realms[i];
	return NULL;
}

int
ldapid_realm_password(
	const struct ldapid_realm *r, char *buf, size_t size, char *err, size_t errlen)
{
	ssize_t n;
	size_t len = 0;
	int fd;

	if (r->rl_bind_password_file == NULL) {
		if (strlen(r->rl_bind_password) >= size) {
			snprintf(err, errlen, "%s.bind_password is too long", r->rl_code);
			return -1;
		}
		snprintf(buf, size, "%s", r->rl_bind_password);
		return 0;
	}
	if ((fd = open(r->rl_bind_password_file, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s.bind_password_file %s: %s", r->rl_code,
			r->rl_bind_password_file, strerror(errno));
		return -1;
	}
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s.bind_password_file %s: %s", r->rl_code,
				r->rl_bind_password_file, strerror(errno));
			close(fd);
			return -1;
		}
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (len == size - 1) {
		snprintf(err, errlen, "%s.bind_password_file %s: too long", r->rl_code,
			r->rl_bind_password_file);
		return -1;
	}
	/* One trailing newline (echo secret > file) is not part of it. */
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	if (len == 0) {
		snprintf(err, errlen, "%s.bind_password_file %s is empty", r->rl_code,
			r->rl_bind_password_file);
		return -1;
	}
	return 0;
}
