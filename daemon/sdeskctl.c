/*
 * sdeskctl.c: the administrator's command line.  Uses the same
 * configuration as sdeskd and talks to PostgreSQL directly with the owner
 * role where a command changes the schema or loads data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "sdesk.h"

/* Generated from packaging/demo/ by the build. */
extern const struct sd_sql_file sd_sql_demo[];
extern const size_t sd_sql_ndemo;

struct ctl_cmd {
	const char *cc_name;
	int (*cc_run)(struct sd_conf *conf, int argc, char **argv);
	const char *cc_help;
	int cc_conf; /* needs the configuration file */
};

static int
ctl_need_owner(const struct sd_conf *conf)
{
	if (conf->sc_db_owner_dsn == NULL) {
		fprintf(stderr, "sdeskctl: set [database] owner_dsn in %s\n", conf->sc_path);
		return -1;
	}
	return 0;
}

static int
cmd_migrate(struct sd_conf *conf, int argc, char **argv)
{
	char err[512];
	int applied;

	(void)argc;
	(void)argv;
	if (ctl_need_owner(conf) < 0)
		return 1;
	if (sd_migrate_apply(conf->sc_db_owner_dsn, conf->sc_db_connect_timeout, &applied, err,
		    sizeof(err)) < 0) {
		fprintf(stderr, "sdeskctl: %s\n", err);
		return 1;
	}
	printf("schema at version %d (%d migration(s) applied now)\n", sd_migrate_latest(),
		applied);
	return 0;
}

static PGconn *
ctl_connect(const char *dsn)
{
	PGconn *pg = PQconnectdb(dsn);

	if (pg == NULL || PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "sdeskctl: cannot connect: %s",
			pg ? PQerrorMessage(pg) : "out of memory\n");
		PQfinish(pg);
		return NULL;
	}
	return pg;
}

static int
ctl_exec(PGconn *pg, const char *sql, const char *what)
{
	PGresult *res = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		fprintf(stderr, "sdeskctl: %s: %s", what, PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

/* Loads the demo data in one transaction: all of it or none. */
static int
cmd_demo(struct sd_conf *conf, int argc, char **argv)
{
	PGconn *pg;
	size_t i;

	if (argc != 2 || strcmp(argv[1], "load") != 0) {
		fprintf(stderr, "usage: sdeskctl demo load\n");
		return 2;
	}
	if (ctl_need_owner(conf) < 0 || (pg = ctl_connect(conf->sc_db_owner_dsn)) == NULL)
		return 1;
	if (ctl_exec(pg, "SET client_min_messages = warning; BEGIN", "begin") < 0)
		goto fail;
	for (i = 0; i < sd_sql_ndemo; i++)
		if (ctl_exec(pg, sd_sql_demo[i].sf_sql, sd_sql_demo[i].sf_name) < 0)
			goto fail;
	if (ctl_exec(pg, "COMMIT", "commit") < 0)
		goto fail;
	PQfinish(pg);
	printf("demo data loaded (%zu file(s))\n", sd_sql_ndemo);
	return 0;
fail:
	PQfinish(pg);
	return 1;
}

static int
cmd_status(struct sd_conf *conf, int argc, char **argv)
{
	struct sd_db *db;
	char err[512];
	int have;

	(void)argc;
	(void)argv;
	db = sd_db_new(conf->sc_db_dsn, 1, conf->sc_db_connect_timeout, 10000, 5000);
	if (db == NULL)
		return 1;
	if (sd_db_probe(db, err, sizeof(err)) < 0) {
		fprintf(stderr, "sdeskctl: database unreachable: %s\n", err);
		sd_db_free(db);
		return 1;
	}
	have = sd_migrate_current(db);
	sd_db_free(db);
	printf("schema version %d, this build needs %d: %s\n", have, sd_migrate_latest(),
		have == sd_migrate_latest() ? "up to date" : "run sdeskctl migrate");
	return have == sd_migrate_latest() ? 0 : 1;
}

/* Prints the error registry; the tests compare it with the OpenAPI file. */
static int
cmd_errors(struct sd_conf *conf, int argc, char **argv)
{
	size_t i;

	(void)conf;
	(void)argc;
	(void)argv;
	for (i = 0; i < sd_error_count(); i++) {
		const struct sd_error_info *ei = sd_error_info((enum sd_error_code)i);

		printf("%s\t%u\t%s\t%s\n", ei->ei_code, ei->ei_status, ei->ei_msg_sv,
			ei->ei_msg_en);
	}
	return 0;
}

/* Prints the route table; the tests compare it with the OpenAPI file. */
static int
cmd_routes(struct sd_conf *conf, int argc, char **argv)
{
	const struct sd_route *rt;
	char allow[64];
	size_t i, n;

	(void)conf;
	(void)argc;
	(void)argv;
	rt = sd_route_table(&n);
	for (i = 0; i < n; i++) {
		sd_route_allow_string(rt[i].rt_method, allow, sizeof(allow));
		allow[strcspn(allow, ",")] = '\0';
		printf("%s\t%s\t%s\n", allow, rt[i].rt_path,
			rt[i].rt_perm ? rt[i].rt_perm : "-");
	}
	return 0;
}

static int
cmd_check_config(struct sd_conf *conf, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("configuration %s is valid\n", conf->sc_path);
	return 0;
}

/* Sorted by name. */
static const struct ctl_cmd ctl_cmds[] = {
	{"audit", sd_ctl_audit, "audit verify: check the audit trail's hash chain", 1},
	{"catalogue", sd_ctl_catalogue,
		"catalogue import FILE | catalogue export: the service catalogue", 1},
	{"check-config", cmd_check_config, "check the configuration file", 1},
	{"demo", cmd_demo, "demo load: load the demo municipalities (idempotent)", 1},
	{"errors", cmd_errors, "list the API error codes", 0},
	{"keygen", sd_ctl_keygen, "create the server key (kept if it exists)", 1},
	{"local-account", sd_ctl_local_account,
		"TENANT LOGIN --name N ...: create a local account (password on stdin)", 1},
	{"migrate", cmd_migrate, "apply database migrations (needs owner_dsn)", 1},
	{"routes", cmd_routes, "list the HTTP routes", 0},
	{"sla", sd_ctl_sla,
		"recompute [--calendar CODE] [--ticket NUMBER] [--jobs N]: open tickets' "
		"clocks",
		1},
	{"status", cmd_status, "show the database schema version", 1},
	{"unlock", sd_ctl_unlock, "TENANT LOGIN: lift a login lock", 1},
};

static void
usage(void)
{
	size_t i;

	fprintf(stderr, "usage: sdeskctl [-c config] command [args]\n\ncommands:\n");
	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++)
		fprintf(stderr, "  %-14s %s\n", ctl_cmds[i].cc_name, ctl_cmds[i].cc_help);
}

int
main(int argc, char **argv)
{
	struct sd_conf *conf;
	char err[512], *path = NULL;
	size_t i;
	int ch, rc;

	while ((ch = getopt(argc, argv, "+c:hV")) != -1) {
		switch (ch) {
		case 'c':
			free(path);
			path = strdup(optarg);
			break;
		case 'V':
			printf("sdeskctl %s\n", SDESK_VERSION);
			return 0;
		default:
			usage();
			return ch == 'h' ? 0 : 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage();
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++)
		if (strcmp(argv[0], ctl_cmds[i].cc_name) == 0)
			break;
	if (i == sizeof(ctl_cmds) / sizeof(ctl_cmds[0])) {
		fprintf(stderr, "sdeskctl: unknown command '%s'\n", argv[0]);
		usage();
		return 2;
	}
	if (!ctl_cmds[i].cc_conf) {
		free(path);
		return ctl_cmds[i].cc_run(NULL, argc, argv);
	}
	if (path == NULL && (path = sd_conf_default_path()) == NULL)
		return 1;
	err[0] = '\0';
	conf = sd_conf_load(path, err, sizeof(err));
	free(path);
	if (conf == NULL) {
		fprintf(stderr, "sdeskctl: bad configuration: %s\n", err);
		return 1;
	}
	sd_log_set_level(conf->sc_log_level);
	sd_password_list_path(conf->sc_auth_password_list);
	sd_sla_setup(conf);
	rc = ctl_cmds[i].cc_run(conf, argc, argv);
	sd_sla_cache_free();
	sd_conf_free(conf);
	return rc;
}
