/*
 * ldapid.h: the LDAP identity plugin's own declarations, grouped by file.
 *
 * ldap.c   the plugin description, authenticate and lookup
 * realm.c  per-tenant directory settings read from [plugin.<name>]
 * dir.c    one directory conversation: connect, bind, search
 * result.c filling struct sdesk_identity_result within its ir_size
 *
 * Everything a call needs lives on its stack or in its own LDAP handles;
 * the settings are read once by sdesk_plugin_init and never change, so
 * calls from several threads share nothing mutable.
 */
#ifndef LDAPID_H
#define LDAPID_H

#include <stddef.h>
#include <time.h>

#include <ldap.h>

#include "sdesk_plugin.h"

#define LDAPID_VERSION "1.0"
#define LDAPID_MAX_REALMS 16
#define LDAPID_DEFAULT_TIMEOUT_MS 5000
/* Logins this long or longer are refused without a search (ir_uid's size). */
#define LDAPID_MAX_LOGIN 128

/* The texts people see; one for every kind of refusal so none tells which. */
#define LDAPID_TEXT_DENIED "fel användarnamn eller lösenord"
#define LDAPID_TEXT_NOT_FOUND "personen finns inte i katalogen"
#define LDAPID_TEXT_DOWN "katalogtjänsten svarar inte"

/*
 * One realm's (tenant's) directory settings.  The strings belong to the
 * host's configuration (valid for the life of the process) or to the
 * rl_*_buf members; nothing here changes after sdesk_plugin_init.
 */
struct ldapid_realm {
	char rl_code[16];             /* the tenant code, e.g. "BEN" */
	const char *rl_uri;           /* one or more ldap:// or ldaps:// URIs */
	const char *rl_starttls;      /* "yes" or "no" as configured */
	int rl_tls_required;          /* StartTLS must succeed */
	int rl_tls_used;              /* StartTLS or an ldaps:// URI */
	const char *rl_tls_cacert;    /* CA file for StartTLS / ldaps; NULL: system */
	const char *rl_bind_dn;       /* service account; NULL: anonymous search */
	const char *rl_bind_password; /* inline password (file wins) */
	const char *rl_bind_password_file;
	const char *rl_base;        /* where people are searched */
	const char *rl_user_filter; /* one %s: the escaped login */
	const char *rl_attr_login;
	const char *rl_attr_name;
	const char *rl_attr_mail;
	const char *rl_attr_department;
	const char *rl_attr_memberof; /* "" turns memberOf off */
	const char *rl_group_base;    /* NULL: groups from memberOf only */
	const char *rl_group_filter;  /* one %s: the escaped user DN */
	char rl_user_filter_buf[160]; /* default filter built from attr_login */
	char rl_problem[256];         /* first problem found at load; "" if none */
};

/* The plugin instance that sdesk_plugin_init makes for one configured name. */
struct ldapid {
	const struct sdesk_host *li_host;
	char li_name[40];
	struct ldapid_realm *li_realms;
	size_t li_nrealms;
	char li_problem[256]; /* a problem with the realm list itself */
	struct sdesk_identity_ops li_ops;
	struct sdesk_plugin li_plugin;
};

/* One authenticate or lookup call; lives on the caller's stack. */
struct ldapid_call {
	const struct ldapid *c_li;
	const struct ldapid_realm *c_realm;
	struct sdesk_identity_result *c_res;
	struct timespec c_deadline; /* CLOCK_MONOTONIC */
	const char *c_login;        /* checked: printable, bounded */
	const char *c_denied_text;  /* ir_error when the person is not found */
};

/* ldap.c */
const struct sdesk_plugin *sdesk_plugin_init(const struct sdesk_host *host, const char *name);

/* realm.c */
/* Reads the realm list and every realm's keys into li; -1 only when out of memory. */
int ldapid_realms_load(struct ldapid *li);
/* Checks one realm's settings and files; 0, or -1 with err filled. */
int ldapid_realm_check(const struct ldapid_realm *r, char *err, size_t errlen);
/* The realm with this code, or NULL. */
const struct ldapid_realm *ldapid_realm_find(const struct ldapid *li, const char *code);
/*
 * Reads the service account's password (the file wins over the inline
 * value) into buf; 0, or -1 with err filled.  The caller wipes buf.
 */
int ldapid_realm_password(
	const struct ldapid_realm *r, char *buf, size_t size, char *err, size_t errlen);
/* Nonzero when tmpl contains "%s" exactly once. */
int ldapid_filter_template_ok(const char *tmpl);

/* dir.c */
/*
 * Opens a connection to the realm's directory with the call's remaining
 * time as timeouts and StartTLS when configured.  SDESK_ID_OK with *ldp
 * set (the caller unbinds it) or a status with the result's error filled.
 */
int ldapid_dir_open(struct ldapid_call *c, LDAP **ldp);
/* Binds the service account (or stays anonymous); a status. */
int ldapid_dir_bind_service(struct ldapid_call *c, LDAP *ld);
/* Binds as dn with password; LDAP_INVALID_CREDENTIALS is SDESK_ID_DENIED. */
int ldapid_dir_bind_user(struct ldapid_call *c, LDAP *ld, const char *dn, const char *password);
/*
 * Searches the realm's base for the login; exactly one entry is
 * SDESK_ID_OK with *msgp (the caller's, ldap_msgfree) and *entryp inside it;
 * none or several is SDESK_ID_DENIED.
 */
int ldapid_dir_find_user(
	struct ldapid_call *c, LDAP *ld, LDAPMessage **msgp, LDAPMessage **entryp);
/* Adds the DNs of the groups whose members include dn to the result. */
int ldapid_dir_find_groups(struct ldapid_call *c, LDAP *ld, const char *dn);
/*
 * Returns filter template tmpl with its one %s replaced by value escaped
 * per RFC 4515; malloc'd, the caller frees it.  NULL when out of memory.
 */
char *ldapid_filter_build(const char *tmpl, const char *value);

/* result.c */
/* Clears every field of res that its ir_size covers (ir_error too unless keep_error). */
void ldapid_res_clear(struct sdesk_identity_result *res, int keep_error);
/* Nonzero when res can carry at least its size field. */
int ldapid_res_usable(const struct sdesk_identity_result *res);
/* Fills uid, name, mail and department from the user's entry. */
void ldapid_res_fill_entry(struct ldapid_call *c, LDAP *ld, LDAPMessage *entry);
/* Appends a group DN (once) to ir_groups; -1 when it does not fit whole. */
int ldapid_res_add_group(struct sdesk_identity_result *res, const char *dn, size_t len);
/*
 * Sets ir_error to the text and logs it with the detail (never a
 * password); returns status.
 */
int ldapid_res_fail(struct ldapid_call *c, int status, const char *text, const char *detail);
/* Like ldapid_res_fail with the detail of an LDAP result code. */
int ldapid_res_fail_ldap(struct ldapid_call *c, LDAP *ld, int rc, const char *what);

#endif
