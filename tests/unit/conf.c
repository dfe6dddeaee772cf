/*
 * conf.c: configuration parsing: defaults, values, and errors that name
 * the file and line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sdesk.h"
#include "tap.h"

static char dir[] = "/tmp/sdesk-conf-XXXXXX";

static struct sd_conf *
load(const char *text, char *err, size_t errlen)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/t.conf", dir);
	f = fopen(path, "w");
	if (f == NULL)
		return NULL;
	fputs(text, f);
	fclose(f);
	err[0] = '\0';
	return sd_conf_load(path, err, errlen);
}

static void
check_values(void)
{
	char err[256];
	struct sd_conf *c;

	c = load("[http]\nport = 9000\nmax_body = 2M\naccess_log = no\n"
		 "[database]\ndsn = host=/x dbname=y ; trailing comment\n"
		 "[plugins]\nload = ldap, smtp_mail\n[plugin.ldap]\nkind = identity\n"
		 "uri = ldap://127.0.0.1:3389\n[plugin.ldap]\nuri = ldap://override\n",
		err, sizeof(err));
	if (!tap_ok(c != NULL, "valid config loads"))
		tap_diag("%s", err);
	if (c == NULL)
		return;
	TAP_IS_INT(c->sc_http_port, 9000, "port");
	TAP_IS_INT(c->sc_http_max_body, 2 * 1024 * 1024, "size suffix M");
	TAP_IS_INT(c->sc_http_access_log, 0, "bool no");
	TAP_IS_STR(c->sc_db_dsn, "host=/x dbname=y", "inline comment stripped");
	TAP_IS_STR(c->sc_plugins[0], "ldap", "first plugin");
	TAP_IS_STR(c->sc_plugins[1], "smtp_mail", "second plugin");
	tap_ok(c->sc_plugins[2] == NULL, "plugin list ends");
	TAP_IS_STR(sd_conf_section_get(c, "plugin.ldap", "kind"), "identity", "plugin key");
	TAP_IS_STR(sd_conf_section_get(c, "plugin.ldap", "uri"), "ldap://override",
		"later line wins");
	tap_ok(sd_conf_section_get(c, "plugin.ldap", "nope") == NULL, "unset plugin key");
	TAP_IS_STR(c->sc_http_address, "127.0.0.1", "default address kept");
	TAP_IS_INT(c->sc_db_migrate, 1, "default migrate yes");
	sd_conf_free(c);
}

static void
check_errors(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"[http]\nport = -1\n", "t.conf:2: [http] port"},
		{"[http]\nport = 80x\n", "t.conf:2: [http] port"},
		{"\n\n[db]\nx = 1\n", "t.conf:4: unknown key 'x' in [db]"},
		{"[http]\nmax_body = 5T\n", "t.conf:2: [http] max_body"},
		{"[http]\nmax_body = 100\n",
			"t.conf:2: [http] max_body: '100' is not a number from 1024"},
		{"[database]\nmigrate = maybe\n",
			"t.conf:2: [database] migrate: invalid value"},
		{"[plugins]\nload = a/b\n", "t.conf:2: plugin name 'a/b'"},
		{"[plugin.A]\nkind = x\n", "t.conf:2: bad plugin section [plugin.A]"},
	};
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sd_conf *c = load(bad[i].text, err, sizeof(err));

		tap_ok(c == NULL, "bad config %zu refused", i);
		if (!tap_ok(strstr(err, bad[i].want) != NULL, "error names it: %s",
			    bad[i].want))
			tap_diag("got: %s", err);
		sd_conf_free(c);
	}
}

int
main(void)
{
	char path[128];

	if (mkdtemp(dir) == NULL)
		return 1;
	check_values();
	check_errors();
	snprintf(path, sizeof(path), "%s/t.conf", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
