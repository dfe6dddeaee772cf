/*
 * ctl_people.c: sdeskctl commands about people and keys: keygen,
 * local-account (break-glass administrators and external users), unlock,
 * audit verify.  They run as the owner role, so they work before any
 * administrator exists; each change is audited as done by "sdeskctl".
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "mfa.h"
#include "sdesk.h"

static const struct sd_stmt ctl_person_upsert = {"ctl_person_upsert",
	"INSERT INTO people AS p (tenant_id, kind, login, display_name, email, source, "
	"password_hash, expires_at) SELECT t.id, $2, $3, $4, nullif($5, ''), 'local', $6, "
	"nullif($7, '')::timestamptz FROM tenants t WHERE t.code = $1 ON CONFLICT (tenant_id, "
	"login) DO UPDATE SET display_name = EXCLUDED.display_name, email = EXCLUDED.email, "
	"password_hash = EXCLUDED.password_hash, expires_at = EXCLUDED.expires_at, active = "
	"true, "
	"updated_at = now() WHERE p.source = 'local' RETURNING id, tenant_id",
	7};

static const struct sd_stmt ctl_role_add = {"ctl_role_add",
	"INSERT INTO role_grants (tenant_id, person_id, role, scope_tenant_id, team, source) "
	"SELECT p.tenant_id, p.id, $2, CASE WHEN $3 = '*' THEN NULL ELSE (SELECT id FROM "
	"tenants "
	"WHERE code = coalesce(nullif($3, ''), (SELECT code FROM tenants WHERE id = "
	"p.tenant_id))) "
	"END, nullif($4, ''), 'local' FROM people p WHERE p.id = $1 ON CONFLICT DO NOTHING",
	4};

static const struct sd_stmt ctl_unlock = {
	"ctl_unlock", "DELETE FROM auth_throttle WHERE key = $1 RETURNING failures", 1};

char *
sd_ctl_key_path(const struct sd_conf *conf)
{
	return conf->sc_auth_key_file ? strdup(conf->sc_auth_key_file)
				      : sd_path_join(conf->sc_state_dir, "sdesk.key");
}

int
sd_ctl_keygen(struct sd_conf *conf, int argc, char **argv)
{
	char err[512], *path = sd_ctl_key_path(conf);
	unsigned char key[SD_MFA_KEY_LEN];
	int rc = 0;

	(void)argc;
	(void)argv;
	if (path == NULL)
		return 1;
	if (access(path, F_OK) == 0) {
		/* Replacing the key would make every sealed secret unreadable. */
		if (sd_mfa_key_load(path, key, err, sizeof(err)) < 0) {
			fprintf(stderr, "sdeskctl: %s\n", err);
			rc = 1;
		} else {
			printf("server key %s exists and is readable (kept)\n", path);
		}
		sodium_memzero(key, sizeof(key));
	} else if (sd_mfa_key_create(path, err, sizeof(err)) < 0) {
		fprintf(stderr, "sdeskctl: %s\n", err);
		rc = 1;
	} else {
		printf("created server key %s\n", path);
	}
	free(path);
	return rc;
}

struct ctl_account {
	const char *ca_tenant, *ca_login, *ca_name, *ca_kind, *ca_email, *ca_expires;
	char ca_hash[SD_PASSWORD_HASH_LEN];
	char *ca_roles[16];
	int ca_nroles;
};

static int
ctl_account_run(struct sd_dbc *c, void *arg)
{
	struct ctl_account *ca = arg;
	struct sd_audit_row row;
	const char *p[7];
	char pid[24], object[48], role[64];
	PGresult *res;
	int rc, i, tenant;

	p[0] = ca->ca_tenant;
	p[1] = ca->ca_kind;
	p[2] = ca->ca_login;
	p[3] = ca->ca_name;
	p[4] = ca->ca_email ? ca->ca_email : "";
	p[5] = ca->ca_hash;
	p[6] = ca->ca_expires ? ca->ca_expires : "";
	res = sd_db_exec(c, &ctl_person_upsert, p);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK || PQntuples(res) != 1) {
		fprintf(stderr, "sdeskctl: %s\n",
			rc != SD_DB_OK
				? PQresultErrorMessage(res)
				: "no such tenant, or a directory user of that login exists\n");
		PQclear(res);
		return SD_DB_FAIL;
	}
	snprintf(pid, sizeof(pid), "%s", PQgetvalue(res, 0, 0));
	tenant = atoi(PQgetvalue(res, 0, 1));
	PQclear(res);
	for (i = 0; i < ca->ca_nroles; i++) {
		char *scope, *team;

		snprintf(role, sizeof(role), "%s", ca->ca_roles[i]);
		scope = strchr(role, ':');
		if (scope != NULL)
			*scope++ = '\0';
		team = scope ? strchr(scope, ':') : NULL;
		if (team != NULL)
			*team++ = '\0';
		p[0] = pid;
		p[1] = role;
		p[2] = scope ? scope : "";
		p[3] = team ? team : "";
		res = sd_db_exec(c, &ctl_role_add, p);
		if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK) {
			fprintf(stderr, "sdeskctl: role %s: %s", ca->ca_roles[i],
				PQresultErrorMessage(res));
			PQclear(res);
			return rc;
		}
		PQclear(res);
	}
	memset(&row, 0, sizeof(row));
	snprintf(object, sizeof(object), "person:%s", pid);
	row.ar_tenant = tenant;
	row.ar_actor = "sdeskctl";
	row.ar_action = "person.local_account";
	row.ar_object = object;
	return sd_audit_append(c, &row);
}

static int
ctl_read_password(char *buf, size_t len)
{
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "password (read from standard input): ");
	if (fgets(buf, (int)len, stdin) == NULL)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static void
ctl_account_usage(void)
{
	fprintf(stderr,
		"usage: sdeskctl local-account TENANT LOGIN --name NAME [--kind "
		"employee|external|privileged]\n"
		"       [--email ADDR] [--expires YYYY-MM-DD] [--role "
		"ROLE[:TENANT|*[:TEAM]]]...\n"
		"The password is read from standard input.\n");
}

int
sd_ctl_local_account(struct sd_conf *conf, int argc, char **argv)
{
	static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
		{"kind", required_argument, NULL, 'k'}, {"email", required_argument, NULL, 'e'},
		{"expires", required_argument, NULL, 'x'},
		{"role", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
	struct ctl_account ca;
	struct sd_db *db;
	char pw[1100], why[256];
	int ch, rc;

	memset(&ca, 0, sizeof(ca));
	ca.ca_kind = "employee";
	/* 0, not 1: glibc's getopt must forget sdeskctl's own options. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'n')
			ca.ca_name = optarg;
		else if (ch == 'k')
			ca.ca_kind = optarg;
		else if (ch == 'e')
			ca.ca_email = optarg;
		else if (ch == 'x')
			ca.ca_expires = optarg;
		else if (ch == 'r' && ca.ca_nroles < 16)
			ca.ca_roles[ca.ca_nroles++] = optarg;
		else
			return ctl_account_usage(), 2;
	}
	if (argc - optind != 2 || ca.ca_name == NULL)
		return ctl_account_usage(), 2;
	ca.ca_tenant = argv[optind];
	ca.ca_login = argv[optind + 1];
	if (conf->sc_db_owner_dsn == NULL) {
		fprintf(stderr, "sdeskctl: set [database] owner_dsn\n");
		return 1;
	}
	if (ctl_read_password(pw, sizeof(pw)) < 0)
		return 1;
	if (sd_password_policy(pw, ca.ca_login, ca.ca_name, 1, why, sizeof(why)) < 0) {
		fprintf(stderr, "sdeskctl: %s\n", why);
		return 1;
	}
	rc = sd_password_hash(pw, ca.ca_hash);
	sodium_memzero(pw, sizeof(pw));
	if (rc < 0 || (db = sd_db_new(conf->sc_db_owner_dsn, 1, 5, 30000, 5000)) == NULL)
		return 1;
	rc = sd_db_txn(db, NULL, SD_ISO_READ_COMMITTED, ctl_account_run, &ca);
	sd_db_free(db);
	if (rc != SD_DB_OK)
		return 1;
	printf("local account %s/%s ready\n", ca.ca_tenant, ca.ca_login);
	return 0;
}

int
sd_ctl_unlock(struct sd_conf *conf, int argc, char **argv)
{
	char key[200];
	const char *p[1] = {key};
	struct sd_dbc *c;
	struct sd_db *db;
	PGresult *res;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: sdeskctl unlock TENANT LOGIN\n");
		return 2;
	}
	if (conf->sc_db_owner_dsn == NULL ||
		(db = sd_db_new(conf->sc_db_owner_dsn, 1, 5, 30000, 5000)) == NULL)
		return 1;
	snprintf(key, sizeof(key), "account:%s/%s", argv[1], argv[2]);
	if ((c = sd_db_acquire(db, &rc)) == NULL) {
		sd_db_free(db);
		return 1;
	}
	res = sd_db_exec(c, &ctl_unlock, p);
	rc = sd_db_result_rc(c, res);
	printf("%s\n",
		rc != SD_DB_OK           ? "failed"
			: PQntuples(res) ? "unlocked"
					 : "was not locked");
	PQclear(res);
	sd_db_release(c);
	sd_db_free(db);
	return rc == SD_DB_OK ? 0 : 1;
}

int
sd_ctl_audit(struct sd_conf *conf, int argc, char **argv)
{
	long long rows = 0, bad = 0;
	char err[512];
	PGconn *pg;
	int rc;

	if (argc != 2 || strcmp(argv[1], "verify") != 0) {
		fprintf(stderr, "usage: sdeskctl audit verify\n");
		return 2;
	}
	if (conf->sc_db_owner_dsn == NULL) {
		fprintf(stderr, "sdeskctl: set [database] owner_dsn\n");
		return 1;
	}
	pg = PQconnectdb(conf->sc_db_owner_dsn);
	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "sdeskctl: %s", PQerrorMessage(pg));
		PQfinish(pg);
		return 1;
	}
	rc = sd_audit_verify(pg, &rows, &bad, err, sizeof(err));
	PQfinish(pg);
	if (rc < 0) {
		fprintf(stderr, "sdeskctl: %s\n", err);
		return 1;
	}
	if (rc > 0) {
		printf("audit chain BROKEN at row %lld (%lld rows before it are intact)\n", bad,
			rows);
		return 1;
	}
	printf("audit chain intact: %lld rows\n", rows);
	return 0;
}
