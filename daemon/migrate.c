/*
 * migrate.c: numbered schema migrations (daemon/sql/NNN_name.sql), compiled
 * into the binary so that the daemon and its schema never disagree.
 *
 * Each migration runs in its own transaction under an advisory lock, so two
 * daemons starting at once apply each migration exactly once.  An applied
 * migration whose text changed since is refused: schema history is never
 * rewritten in place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sdesk.h"

/* Generated from daemon/sql/ by the build (see Makefile.in). */
extern const struct sd_sql_file sd_sql_migrations[];
extern const size_t sd_sql_nmigrations;

/* Arbitrary but fixed: "sdsk" */
#define MIGRATE_LOCK "1935962987"

static int
migrate_version(const char *name)
{
	int v = 0;

	for (; *name >= '0' && *name <= '9'; name++)
		v = v * 10 + (*name - '0');
	return v;
}

int
sd_migrate_latest(void)
{
	if (sd_sql_nmigrations == 0)
		return 0;
	return migrate_version(sd_sql_migrations[sd_sql_nmigrations - 1].sf_name);
}

static void
migrate_checksum(const char *sql, char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)sql, strlen(sql), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static int
migrate_exec(PGconn *pg, const char *sql, char *err, size_t errlen)
{
	PGresult *res = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "%s", PQresultErrorMessage(res));
		err[strcspn(err, "\n")] = '\0';
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

/*
 * Applies one migration unless already there.  Returns 1 when applied now,
 * 0 when it was already applied, -1 on error (rolled back).
 */
static int
migrate_one(PGconn *pg, const struct sd_sql_file *m, char *err, size_t errlen)
{
	char sum[65], vbuf[16];
	const char *params[3];
	PGresult *res;
	int rc = -1;

	migrate_checksum(m->sf_sql, sum);
	snprintf(vbuf, sizeof(vbuf), "%d", migrate_version(m->sf_name));
	if (migrate_exec(pg,
		    "BEGIN; SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ");"
		    "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY,"
		    " name text NOT NULL, checksum text NOT NULL,"
		    " applied_at timestamptz NOT NULL DEFAULT now())",
		    err, errlen) < 0)
		goto out;
	params[0] = vbuf;
	res = PQexecParams(pg, "SELECT checksum FROM schema_migrations WHERE version = $1", 1,
		NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "%s", PQresultErrorMessage(res));
		PQclear(res);
		goto out;
	}
	if (PQntuples(res) == 1) {
		int same = strcmp(PQgetvalue(res, 0, 0), sum) == 0;

		PQclear(res);
		if (!same) {
			snprintf(err, errlen,
				"%s was changed after it was applied; write a new migration "
				"instead",
				m->sf_name);
			goto out;
		}
		rc = 0;
		goto out;
	}
	PQclear(res);
	if (migrate_exec(pg, m->sf_sql, err, errlen) < 0)
		goto out;
	params[1] = m->sf_name;
	params[2] = sum;
	res = PQexecParams(pg,
		"INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
		3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		snprintf(err, errlen, "%s", PQresultErrorMessage(res));
		PQclear(res);
		goto out;
	}
	PQclear(res);
	rc = 1;
out:
	if (rc >= 0 && migrate_exec(pg, "COMMIT", err, errlen) < 0)
		rc = -1;
	if (rc < 0) {
		PGresult *rb = PQexec(pg, "ROLLBACK");

		PQclear(rb);
	}
	return rc;
}

int
sd_migrate_apply(
	const char *owner_dsn, unsigned connect_timeout, int *applied, char *err, size_t errlen)
{
	const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
	const char *vals[4];
	char timeout[16], sub[512];
	PGconn *pg;
	size_t i;
	int rc;

	*applied = 0;
	snprintf(timeout, sizeof(timeout), "%u", connect_timeout);
	vals[0] = owner_dsn;
	vals[1] = timeout;
	vals[2] = "sdesk-migrate";
	vals[3] = NULL;
	pg = PQconnectdbParams(keys, vals, 1);
	if (pg == NULL || PQstatus(pg) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect for migrations: %s",
			pg ? PQerrorMessage(pg) : "out of memory");
		err[strcspn(err, "\n")] = '\0';
		PQfinish(pg);
		return -1;
	}
	if (migrate_exec(pg, "SET client_min_messages = warning", err, errlen) < 0)
		goto fail;
	for (i = 0; i < sd_sql_nmigrations; i++) {
		rc = migrate_one(pg, &sd_sql_migrations[i], sub, sizeof(sub));
		if (rc < 0) {
			snprintf(err, errlen, "migration %s: %s", sd_sql_migrations[i].sf_name,
				sub);
			goto fail;
		}
		if (rc == 1) {
			sd_log(SD_LOG_INFO, "migrate", "applied %s",
				sd_sql_migrations[i].sf_name);
			(*applied)++;
		}
	}
	PQfinish(pg);
	return 0;
fail:
	PQfinish(pg);
	return -1;
}

struct migrate_cur {
	int mc_version;
};

static int
migrate_read_current(struct sd_dbc *c, void *arg)
{
	static const struct sd_stmt st = {"migrate_current",
		"SELECT coalesce(max(version), 0) FROM schema_migrations", 0};
	struct migrate_cur *mc = arg;
	PGresult *res = sd_db_exec(c, &st, NULL);
	int rc = sd_db_result_rc(c, res);

	if (rc == SD_DB_OK && PQntuples(res) == 1)
		mc->mc_version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

int
sd_migrate_current(struct sd_db *db)
{
	struct migrate_cur mc = {-1};

	if (sd_db_txn(db, NULL, SD_ISO_READ_COMMITTED, migrate_read_current, &mc) != SD_DB_OK)
		return -1;
	return mc.mc_version;
}
