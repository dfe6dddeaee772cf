/*
 * conf.c: the INI configuration of sdeskd and sdeskctl.
 *
 * Parsing is libinih's; this file knows the keys.  Unknown keys and bad
 * values stop the start with the file and line, because a typo in a
 * security setting must not silently fall back to a default.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "sdesk.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/usr/local/etc/sdesk"
#endif
#ifndef PLUGINDIR
#define PLUGINDIR "/usr/local/lib/sdesk/plugins"
#endif
#ifndef DATADIR
#define DATADIR "/usr/local/share/sdesk"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/usr/local/var/lib/sdesk"
#endif

enum conf_type { CT_STR, CT_UINT, CT_SIZE, CT_BOOL, CT_LEVEL, CT_LIST };

struct conf_key {
	const char *ck_section;
	const char *ck_key;
	enum conf_type ck_type;
	size_t ck_off;
	unsigned long long ck_min, ck_max;
};

#define OFF(m) offsetof(struct sd_conf, m)

/* Sorted by section, then key. */
static const struct conf_key conf_keys[] = {
	{"auth", "cache_ms", CT_UINT, OFF(sc_auth_cache_ms), 0, 60000},
	{"auth", "cookie_secure", CT_STR, OFF(sc_auth_cookie_secure), 0, 0},
	{"auth", "delay_after", CT_UINT, OFF(sc_auth_delay_after), 1, 1000},
	{"auth", "directory_timeout", CT_UINT, OFF(sc_auth_directory_timeout), 100, 120000},
	{"auth", "key_file", CT_STR, OFF(sc_auth_key_file), 0, 0},
	{"auth", "lock_after", CT_UINT, OFF(sc_auth_lock_after), 1, 1000},
	{"auth", "mfa_issuer", CT_STR, OFF(sc_auth_mfa_issuer), 0, 0},
	{"auth", "mfa_roles", CT_LIST, OFF(sc_auth_mfa_roles), 0, 0},
	{"auth", "password_list", CT_STR, OFF(sc_auth_password_list), 0, 0},
	{"auth", "session_idle", CT_UINT, OFF(sc_auth_session_idle), 60, 86400},
	{"auth", "session_max", CT_UINT, OFF(sc_auth_session_max), 300, 604800},
	{"auth", "workers", CT_UINT, OFF(sc_auth_workers), 1, 64},
	{"database", "acquire_timeout", CT_UINT, OFF(sc_db_acquire_timeout), 1, 600000},
	{"database", "connect_timeout", CT_UINT, OFF(sc_db_connect_timeout), 1, 600},
	{"database", "dsn", CT_STR, OFF(sc_db_dsn), 0, 0},
	{"database", "migrate", CT_BOOL, OFF(sc_db_migrate), 0, 1},
	{"database", "owner_dsn", CT_STR, OFF(sc_db_owner_dsn), 0, 0},
	{"database", "pool", CT_UINT, OFF(sc_db_pool), 0, 1024},
	{"database", "statement_timeout", CT_UINT, OFF(sc_db_statement_timeout), 0, 3600000},
	{"http", "access_log", CT_BOOL, OFF(sc_http_access_log), 0, 1},
	{"http", "address", CT_STR, OFF(sc_http_address), 0, 0},
	{"http", "drain_timeout", CT_UINT, OFF(sc_http_drain), 0, 3600},
	{"http", "idle_timeout", CT_UINT, OFF(sc_http_timeout), 1, 3600},
	{"http", "max_body", CT_SIZE, OFF(sc_http_max_body), 1024, 1ULL << 32},
	{"http", "port", CT_UINT, OFF(sc_http_port), 0, 65535},
	{"http", "port_file", CT_STR, OFF(sc_http_port_file), 0, 0},
	{"http", "threads", CT_UINT, OFF(sc_http_threads), 1, 256},
	{"log", "level", CT_LEVEL, OFF(sc_log_level), 0, 0},
	{"paths", "plugin_dir", CT_STR, OFF(sc_plugin_dir), 0, 0},
	{"paths", "state_dir", CT_STR, OFF(sc_state_dir), 0, 0},
	{"paths", "webroot", CT_STR, OFF(sc_webroot), 0, 0},
	{"plugins", "load", CT_LIST, OFF(sc_plugins), 0, 0},
	{"sla", "now", CT_STR, OFF(sc_sla_now_text), 0, 0},
	{"sla", "poll_ms", CT_UINT, OFF(sc_sla_poll_ms), 50, 60000},
	{"sla", "scheduler", CT_BOOL, OFF(sc_sla_scheduler), 0, 1},
	{"sla", "thresholds", CT_STR, OFF(sc_sla_thresholds), 0, 0},
	{"tickets", "attachment_max", CT_SIZE, OFF(sc_tickets_attachment_max), 1024,
		1ULL << 30},
	{"tickets", "reopen_days", CT_UINT, OFF(sc_tickets_reopen_days), 0, 365},
};

struct conf_parse {
	struct sd_conf *cp_conf;
	char cp_err[256];
};

static int
conf_key_cmp(const void *a, const void *b)
{
	const struct conf_key *x = a, *y = b;
	int c = strcmp(x->ck_section, y->ck_section);

	return c != 0 ? c : strcmp(x->ck_key, y->ck_key);
}

static int
conf_set_str(char **slot, const char *value)
{
	char *s = strdup(value);

	if (s == NULL)
		return -1;
	free(*slot);
	*slot = s;
	return 0;
}

static void
conf_list_free(char **list)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; list[i] != NULL; i++)
		free(list[i]);
	free(list);
}

/* Splits "a, b c" into a NULL-terminated list of plugin names. */
static int
conf_set_list(char ***slot, const char *value, char *err, size_t errlen)
{
	char *copy, *tok, *save = NULL;
	char **list = NULL;
	size_t n = 0;

	copy = strdup(value);
	if (copy == NULL)
		goto fail;
	list = calloc(strlen(value) / 2 + 2, sizeof(*list));
	if (list == NULL)
		goto fail;
	for (tok = strtok_r(copy, ", \t", &save); tok != NULL;
		tok = strtok_r(NULL, ", \t", &save)) {
		if (!sd_plugin_name_ok(tok)) {
			snprintf(err, errlen, "plugin name '%s' must be 1-32 of a-z, 0-9, _",
				tok);
			goto fail;
		}
		if ((list[n++] = strdup(tok)) == NULL)
			goto fail;
	}
	free(copy);
	conf_list_free(*slot);
	*slot = list;
	return 0;
fail:
	free(copy);
	conf_list_free(list);
	return -1;
}

static int
conf_parse_number(const char *value, int size_suffix, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (*value == '\0' || *value == '-')
		return -1;
	errno = 0;
	v = strtoull(value, &end, 10);
	if (errno != 0 || end == value)
		return -1;
	if (size_suffix && *end != '\0') {
		unsigned long long mult = 1;

		if (strcmp(end, "k") == 0 || strcmp(end, "K") == 0)
			mult = 1024ULL;
		else if (strcmp(end, "M") == 0)
			mult = 1024ULL * 1024;
		else if (strcmp(end, "G") == 0)
			mult = 1024ULL * 1024 * 1024;
		else
			return -1;
		if (v > ULLONG_MAX / mult)
			return -1;
		v *= mult;
		end += strlen(end);
	}
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
conf_parse_bool(const char *value)
{
	if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 ||
		strcmp(value, "on") == 0 || strcmp(value, "1") == 0)
		return 1;
	if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0 ||
		strcmp(value, "off") == 0 || strcmp(value, "0") == 0)
		return 0;
	return -1;
}

/* Keeps a [plugin.*] key for the plugin to read through the host API. */
static int
conf_add_kv(struct sd_conf *conf, const char *section, const char *key, const char *value)
{
	struct sd_conf_kv *kv;

	kv = realloc(conf->sc_kv, (conf->sc_nkv + 1) * sizeof(*kv));
	if (kv == NULL)
		return -1;
	conf->sc_kv = kv;
	kv = &conf->sc_kv[conf->sc_nkv];
	kv->kv_section = strdup(section);
	kv->kv_key = strdup(key);
	kv->kv_value = strdup(value);
	conf->sc_nkv++;
	if (kv->kv_section == NULL || kv->kv_key == NULL || kv->kv_value == NULL)
		return -1;
	return 0;
}

static int
conf_apply(struct conf_parse *cp, const struct conf_key *k, const char *value)
{
	char *base = (char *)cp->cp_conf + k->ck_off;
	unsigned long long v;
	int b;

	switch (k->ck_type) {
	case CT_STR:
		return conf_set_str((char **)(void *)base, value);
	case CT_LIST:
		return conf_set_list(
			(char ***)(void *)base, value, cp->cp_err, sizeof(cp->cp_err));
	case CT_BOOL:
		if ((b = conf_parse_bool(value)) < 0)
			break;
		*(int *)(void *)base = b;
		return 0;
	case CT_LEVEL:
		if ((b = sd_log_level_parse(value)) < 0)
			break;
		*(int *)(void *)base = b;
		return 0;
	case CT_UINT:
	case CT_SIZE:
		if (conf_parse_number(value, k->ck_type == CT_SIZE, &v) < 0 || v < k->ck_min ||
			v > k->ck_max) {
			snprintf(cp->cp_err, sizeof(cp->cp_err),
				"[%s] %s: '%s' is not a number from %llu to %llu",
				k->ck_section, k->ck_key, value, k->ck_min, k->ck_max);
			return -1;
		}
		if (k->ck_type == CT_SIZE)
			*(size_t *)(void *)base = (size_t)v;
		else
			*(unsigned *)(void *)base = (unsigned)v;
		return 0;
	}
	snprintf(cp->cp_err, sizeof(cp->cp_err), "[%s] %s: invalid value '%s'", k->ck_section,
		k->ck_key, value);
	return -1;
}

static int
conf_handler(void *user, const char *section, const char *name, const char *value)
{
	struct conf_parse *cp = user;
	struct conf_key probe, *k;

	memset(&probe, 0, sizeof(probe));

	if (strncmp(section, "plugin.", 7) == 0) {
		if (!sd_plugin_name_ok(section + 7)) {
			snprintf(cp->cp_err, sizeof(cp->cp_err), "bad plugin section [%s]",
				section);
			return 0;
		}
		return conf_add_kv(cp->cp_conf, section, name, value) == 0;
	}
	probe.ck_section = section;
	probe.ck_key = name;
	k = bsearch(&probe, conf_keys, sizeof(conf_keys) / sizeof(conf_keys[0]),
		sizeof(conf_keys[0]), conf_key_cmp);
	if (k == NULL) {
		snprintf(cp->cp_err, sizeof(cp->cp_err), "unknown key '%s' in [%s]", name,
			section);
		return 0;
	}
	if (conf_apply(cp, k, value) < 0) {
		if (cp->cp_err[0] == '\0')
			snprintf(cp->cp_err, sizeof(cp->cp_err), "out of memory");
		return 0;
	}
	return 1;
}

struct sd_conf *
sd_conf_new_defaults(void)
{
	struct sd_conf *c;
	long n;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	c->sc_http_address = strdup("127.0.0.1");
	c->sc_http_port = 8080;
	c->sc_http_threads = n > 0 && n < 64 ? (unsigned)n * 2 : 4;
	c->sc_http_max_body = 1024 * 1024;
	c->sc_http_timeout = 60;
	c->sc_http_drain = 30;
	c->sc_http_access_log = 1;
	c->sc_db_dsn = strdup("dbname=sdesk user=sdesk_app");
	c->sc_db_connect_timeout = 3;
	c->sc_db_statement_timeout = 30000;
	c->sc_db_acquire_timeout = 5000;
	c->sc_db_migrate = 1;
	c->sc_log_level = SD_LOG_INFO;
	c->sc_plugin_dir = strdup(PLUGINDIR);
	c->sc_webroot = strdup(DATADIR "/webroot");
	c->sc_state_dir = strdup(LOCALSTATEDIR);
	c->sc_plugins = calloc(1, sizeof(char *));
	c->sc_auth_mfa_roles = calloc(1, sizeof(char *));
	c->sc_auth_cookie_secure = strdup("auto");
	c->sc_auth_mfa_issuer = strdup("Dalslands IT-servicedesk");
	c->sc_auth_password_list = sd_conf_default_data("common-passwords.txt");
	c->sc_auth_delay_after = 3;
	c->sc_auth_lock_after = 10;
	c->sc_auth_directory_timeout = 5000;
	c->sc_auth_session_idle = 1800;
	c->sc_auth_session_max = 43200;
	c->sc_auth_workers = 4;
	c->sc_auth_cache_ms = 1000;
	c->sc_tickets_attachment_max = 10 * 1024 * 1024;
	c->sc_tickets_reopen_days = 10;
	c->sc_sla_thresholds = strdup("75, 100");
	c->sc_sla_percents[0] = 75;
	c->sc_sla_percents[1] = 100;
	c->sc_sla_npercents = 2;
	c->sc_sla_scheduler = 1;
	c->sc_sla_poll_ms = 1000;
	if (c->sc_sla_thresholds == NULL || c->sc_http_address == NULL ||
		c->sc_db_dsn == NULL || c->sc_plugin_dir == NULL || c->sc_webroot == NULL ||
		c->sc_state_dir == NULL || c->sc_plugins == NULL ||
		c->sc_auth_mfa_roles == NULL || c->sc_auth_cookie_secure == NULL ||
		c->sc_auth_mfa_issuer == NULL || c->sc_auth_password_list == NULL) {
		sd_conf_free(c);
		return NULL;
	}
	return c;
}

/* [sla] thresholds: up to SLA_PERCENTS_MAX percents, 1..1000, ascending. */
static int
conf_sla(struct sd_conf *c, char *err, size_t errlen)
{
	char *copy = strdup(c->sc_sla_thresholds), *tok, *save = NULL, *end;
	long v;
	time_t t;

	c->sc_sla_npercents = 0;
	for (tok = copy ? strtok_r(copy, ", \t", &save) : NULL; tok != NULL;
		tok = strtok_r(NULL, ", \t", &save)) {
		v = strtol(tok, &end, 10);
		if (*end != '\0' || v < 1 || v > 1000 ||
			c->sc_sla_npercents == SLA_PERCENTS_MAX ||
			(c->sc_sla_npercents > 0 &&
				v <= c->sc_sla_percents[c->sc_sla_npercents - 1]))
			break;
		c->sc_sla_percents[c->sc_sla_npercents++] = (int)v;
	}
	free(copy);
	if (copy == NULL || tok != NULL) {
		snprintf(err, errlen,
			"%s: [sla] thresholds: up to %d percents from 1 to 1000, ascending",
			c->sc_path, SLA_PERCENTS_MAX);
		return -1;
	}
	c->sc_sla_now = 0;
	if (c->sc_sla_now_text != NULL && *c->sc_sla_now_text != '\0') {
		if (sd_time_parse(c->sc_sla_now_text, &t) < 0) {
			snprintf(
				err, errlen, "%s: [sla] now: not an RFC 3339 time", c->sc_path);
			return -1;
		}
		c->sc_sla_now = (int64_t)t;
	}
	return 0;
}

/* Checks that need the whole file (values that name each other). */
static int
conf_check(struct sd_conf *c, char *err, size_t errlen)
{
	size_t i;

	if (strcmp(c->sc_auth_cookie_secure, "auto") != 0 &&
		strcmp(c->sc_auth_cookie_secure, "yes") != 0 &&
		strcmp(c->sc_auth_cookie_secure, "no") != 0) {
		snprintf(err, errlen, "%s: [auth] cookie_secure must be auto, yes or no",
			c->sc_path);
		return -1;
	}
	for (i = 0; c->sc_auth_mfa_roles[i] != NULL; i++) {
		if (!sd_role_valid(c->sc_auth_mfa_roles[i])) {
			snprintf(err, errlen, "%s: [auth] mfa_roles: unknown role '%s'",
				c->sc_path, c->sc_auth_mfa_roles[i]);
			return -1;
		}
	}
	return conf_sla(c, err, errlen);
}

struct sd_conf *
sd_conf_load(const char *path, char *err, size_t errlen)
{
	struct conf_parse cp;
	int line;

	memset(&cp, 0, sizeof(cp));
	if ((cp.cp_conf = sd_conf_new_defaults()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((cp.cp_conf->sc_path = strdup(path)) == NULL)
		goto fail;
	ini_use_stack = false;
	ini_allow_realloc = true;
	ini_max_line = 8192;
	ini_stop_on_first_error = true;
	ini_allow_multiline = false;
	line = ini_parse(path, conf_handler, &cp);
	if (line == -1) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		goto fail;
	}
	if (line != 0) {
		snprintf(err, errlen, "%s:%d: %s", path, line,
			cp.cp_err[0] ? cp.cp_err : "syntax error");
		goto fail;
	}
	if (conf_check(cp.cp_conf, err, errlen) < 0)
		goto fail;
	return cp.cp_conf;
fail:
	if (err[0] == '\0')
		snprintf(err, errlen, "%s: out of memory", path);
	sd_conf_free(cp.cp_conf);
	return NULL;
}

void
sd_conf_free(struct sd_conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->sc_path);
	free(c->sc_http_address);
	free(c->sc_http_port_file);
	free(c->sc_db_dsn);
	free(c->sc_db_owner_dsn);
	free(c->sc_plugin_dir);
	free(c->sc_webroot);
	free(c->sc_state_dir);
	conf_list_free(c->sc_plugins);
	conf_list_free(c->sc_auth_mfa_roles);
	free(c->sc_auth_cookie_secure);
	free(c->sc_auth_key_file);
	free(c->sc_auth_password_list);
	free(c->sc_auth_mfa_issuer);
	free(c->sc_sla_thresholds);
	free(c->sc_sla_now_text);
	for (i = 0; i < c->sc_nkv; i++) {
		free(c->sc_kv[i].kv_section);
		free(c->sc_kv[i].kv_key);
		free(c->sc_kv[i].kv_value);
	}
	free(c->sc_kv);
	free(c);
}

const char *
sd_conf_section_get(const struct sd_conf *conf, const char *section, const char *key)
{
	size_t i;

	/* Later lines win, as they would for built-in keys. */
	for (i = conf->sc_nkv; i-- > 0;)
		if (strcmp(conf->sc_kv[i].kv_section, section) == 0 &&
			strcmp(conf->sc_kv[i].kv_key, key) == 0)
			return conf->sc_kv[i].kv_value;
	return NULL;
}

char *
sd_conf_default_data(const char *name)
{
	char *dir, *p;

	/* A checkout has it in .obj/ beside the binary; an install in DATADIR. */
	if ((dir = sd_exe_dir()) != NULL) {
		char *obj = sd_path_join(dir, ".obj");

		free(dir);
		p = obj ? sd_path_join(obj, name) : NULL;
		free(obj);
		if (p != NULL && access(p, R_OK) == 0)
			return p;
		free(p);
	}
	return sd_path_join(DATADIR, name);
}

char *
sd_conf_default_path(void)
{
	char *dir, *p;

	dir = sd_exe_dir();
	if (dir != NULL) {
		p = sd_path_join(dir, "var/sdesk.conf");
		free(dir);
		if (p != NULL && access(p, R_OK) == 0)
			return p;
		free(p);
	}
	return strdup(SYSCONFDIR "/sdesk.conf");
}
