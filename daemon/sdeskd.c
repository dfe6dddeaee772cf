/*
 * sdeskd.c: the daemon's main: configuration, database, plugins, HTTP, and
 * a main thread that waits for signals.
 *
 * Start-up refuses, with one clear log line, anything that would make the
 * daemon half-work: a bad config, an unreachable database, a schema it does
 * not match, a plugin that fails its preflight.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "mfa.h"
#include "sdesk.h"

static void
usage(void)
{
	fprintf(stderr,
		"usage: sdeskd [-c config] [-t] [-V]\n"
		"  -c FILE  configuration (default: ./var/sdesk.conf beside the binary,\n"
		"           else the system one)\n"
		"  -t       check the configuration and exit\n"
		"  -V       print the version and exit\n");
}

/* Migrations (when configured), then the pool and the schema check. */
static int
start_database(struct sd_app *app)
{
	const struct sd_conf *conf = app->ap_conf;
	char err[512];
	unsigned pool;
	int applied, have;

	if (conf->sc_db_migrate && conf->sc_db_owner_dsn != NULL) {
		if (sd_migrate_apply(conf->sc_db_owner_dsn, conf->sc_db_connect_timeout,
			    &applied, err, sizeof(err)) < 0) {
			sd_log(SD_LOG_ERROR, "main", "%s", err);
			return -1;
		}
		if (applied > 0)
			sd_log(SD_LOG_INFO, "main", "applied %d migration(s)", applied);
	}
	pool = conf->sc_db_pool ? conf->sc_db_pool : conf->sc_http_threads + 2;
	app->ap_db = sd_db_new(conf->sc_db_dsn, pool, conf->sc_db_connect_timeout,
		conf->sc_db_statement_timeout, conf->sc_db_acquire_timeout);
	if (app->ap_db == NULL) {
		sd_log(SD_LOG_ERROR, "main", "out of memory");
		return -1;
	}
	if (sd_db_probe(app->ap_db, err, sizeof(err)) < 0) {
		sd_log(SD_LOG_ERROR, "main", "database unreachable: %s", err);
		return -1;
	}
	have = sd_migrate_current(app->ap_db);
	if (have != sd_migrate_latest()) {
		sd_log(SD_LOG_ERROR, "main",
			"database schema is at version %d, this sdeskd needs %d: run `sdeskctl "
			"migrate` (or set [database] owner_dsn)",
			have, sd_migrate_latest());
		return -1;
	}
	return 0;
}

static int
wait_for_signal(void)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			return -1;
		if (sig == SIGINT || sig == SIGTERM)
			return sig;
	}
}

/* The server key seals MFA secrets; without it no staff can log in. */
static int
start_key(struct sd_app *app)
{
	const struct sd_conf *conf = app->ap_conf;
	char err[512], *path;

	path = conf->sc_auth_key_file ? strdup(conf->sc_auth_key_file)
				      : sd_path_join(conf->sc_state_dir, "sdesk.key");
	if (path == NULL)
		return -1;
	if (sd_mfa_key_load(path, app->ap_key, err, sizeof(err)) < 0) {
		sd_log(SD_LOG_ERROR, "main", "%s; create it with `sdeskctl keygen`", err);
		free(path);
		return -1;
	}
	free(path);
	app->ap_have_key = 1;
	return 0;
}

static int
run(struct sd_app *app)
{
	const struct sd_conf *conf = app->ap_conf;
	char err[512];
	size_t nroutes;
	int sig;

	if (start_database(app) < 0 || start_key(app) < 0)
		return 1;
	if ((app->ap_tenants = sd_tenants_new()) == NULL ||
		(app->ap_workers = sd_workers_new(conf->sc_auth_workers)) == NULL) {
		sd_log(SD_LOG_ERROR, "main", "out of memory");
		return 1;
	}
	if (sd_tenants_reload(app) != SD_DB_OK)
		sd_log(SD_LOG_WARN, "main", "could not read the tenants yet");
	if ((app->ap_plugins = sd_plugins_load(conf, err, sizeof(err))) == NULL) {
		sd_log(SD_LOG_ERROR, "main", "%s", err);
		return 1;
	}
	(void)sd_route_table(&nroutes);
	if ((app->ap_metrics = sd_metrics_new(nroutes)) == NULL) {
		sd_log(SD_LOG_ERROR, "main", "out of memory");
		return 1;
	}
	app->ap_started = time(NULL);
	/* Before HTTP: a daemon that cannot fire warnings does not start. */
	if (conf->sc_sla_scheduler && (app->ap_sla = sd_sla_scheduler_start(app)) == NULL)
		return 1;
	if (sd_http_start(app, err, sizeof(err)) < 0) {
		sd_log(SD_LOG_ERROR, "main", "%s", err);
		return 1;
	}
	sd_log(SD_LOG_INFO, "main", "sdeskd %s listening on http://%s%s%s:%u/ (%u threads)",
		SDESK_VERSION, strchr(conf->sc_http_address, ':') ? "[" : "",
		conf->sc_http_address, strchr(conf->sc_http_address, ':') ? "]" : "",
		app->ap_port, conf->sc_http_threads);
	sig = wait_for_signal();
	sd_log(SD_LOG_INFO, "main", "signal %d: draining in-flight requests", sig);
	sd_sla_scheduler_stop(app->ap_sla);
	app->ap_sla = NULL;
	sd_http_drain_and_stop(app, conf->sc_http_drain);
	sd_log(SD_LOG_INFO, "main", "stopped");
	return 0;
}

int
main(int argc, char **argv)
{
	struct sd_app app;
	char err[512], *path = NULL;
	sigset_t set;
	int ch, check_only = 0, rc;

	while ((ch = getopt(argc, argv, "c:htV")) != -1) {
		switch (ch) {
		case 'c':
			free(path);
			path = strdup(optarg);
			break;
		case 't':
			check_only = 1;
			break;
		case 'V':
			printf("sdeskd %s (plugin ABI %d.%d)\n", SDESK_VERSION,
				SDESK_PLUGIN_ABI_MAJOR, SDESK_PLUGIN_ABI_MINOR);
			return 0;
		default:
			usage();
			return ch == 'h' ? 0 : 2;
		}
	}
	if (optind != argc) {
		usage();
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "sdeskd: libsodium failed to initialise\n");
		return 1;
	}
	if (path == NULL && (path = sd_conf_default_path()) == NULL)
		return 1;
	memset(&app, 0, sizeof(app));
	err[0] = '\0';
	app.ap_conf = sd_conf_load(path, err, sizeof(err));
	free(path);
	if (app.ap_conf == NULL) {
		sd_log(SD_LOG_ERROR, "main", "bad configuration: %s", err);
		return 1;
	}
	sd_log_set_level(app.ap_conf->sc_log_level);
	sd_password_list_path(app.ap_conf->sc_auth_password_list);
	sd_sla_setup(app.ap_conf);
	if (check_only) {
		printf("configuration %s is valid\n", app.ap_conf->sc_path);
		sd_conf_free(app.ap_conf);
		return 0;
	}
	/* Block the stop signals in every thread; main() waits for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	atomic_init(&app.ap_inflight, 0);
	atomic_init(&app.ap_stopping, 0);

	rc = run(&app);

	/* Deferred jobs finished while draining; now the threads can go. */
	sd_sla_scheduler_stop(app.ap_sla);
	sd_workers_free(app.ap_workers);
	sd_authcache_free();
	sd_sla_cache_free();
	sd_plugins_free(app.ap_plugins);
	sd_tenants_free(app.ap_tenants);
	sodium_memzero(app.ap_key, sizeof(app.ap_key));
	sd_metrics_free(app.ap_metrics);
	sd_db_free(app.ap_db);
	sd_conf_free(app.ap_conf);
	return rc;
}
