/*
 * db.c: the PostgreSQL connection pool, named statements and the
 * transaction runner.
 *
 * The pool is sized to the HTTP worker threads so that a request never
 * waits for a connection in the common case.  Connections open lazily and
 * are reopened after the server went away; the request that finds a dead
 * connection gets 503 (or, when the failure is at BEGIN of a connection
 * that had been working, a transparent retry on a fresh one).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sdesk.h"

#define DB_MAX_TRIES 8

struct sd_dbc {
	PGconn *dc_pg;
	struct sd_db *dc_db;
	const struct sd_stmt **dc_prepared; /* statements prepared on dc_pg */
	size_t dc_nprepared;
	size_t dc_capprepared;
	int dc_broken;        /* the server went away: reconnect before reuse */
	int dc_fresh;         /* connected during this acquire */
	int dc_begin_pending; /* BEGIN and scope go out with the next statement */
	int dc_in_txn;        /* BEGIN has been sent */
	int dc_stale_fail;    /* the first statement found the server gone */
	int dc_auth_changed;  /* the transaction changed who someone is */
	const struct sd_stmt *dc_begin_stmt;
	char dc_scope_user[24];
	const char *dc_scope_vals[3];
	int dc_ever_connected; /* for counting reconnects */
	unsigned dc_index;
};

struct sd_db {
	char *db_dsn;
	unsigned db_size;
	unsigned db_connect_timeout;
	unsigned db_statement_timeout;
	unsigned db_acquire_timeout;
	struct sd_dbc *db_conns;
	unsigned *db_free; /* stack of free connection indexes */
	unsigned db_nfree;
	pthread_mutex_t db_lock;
	pthread_cond_t db_cond;
	atomic_ullong db_reconnects;
};

struct sd_db *
sd_db_new(const char *dsn, unsigned size, unsigned connect_timeout_s,
	unsigned statement_timeout_ms, unsigned acquire_timeout_ms)
{
	struct sd_db *db;
	pthread_condattr_t ca;
	unsigned i;

	if (size == 0)
		size = 1;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	db->db_dsn = strdup(dsn);
	db->db_conns = calloc(size, sizeof(*db->db_conns));
	db->db_free = calloc(size, sizeof(*db->db_free));
	if (db->db_dsn == NULL || db->db_conns == NULL || db->db_free == NULL) {
		free(db->db_dsn);
		free(db->db_conns);
		free(db->db_free);
		free(db);
		return NULL;
	}
	db->db_size = size;
	db->db_connect_timeout = connect_timeout_s;
	db->db_statement_timeout = statement_timeout_ms;
	db->db_acquire_timeout = acquire_timeout_ms;
	for (i = 0; i < size; i++) {
		db->db_conns[i].dc_db = db;
		db->db_conns[i].dc_index = i;
		db->db_free[i] = size - 1 - i;
	}
	db->db_nfree = size;
	pthread_mutex_init(&db->db_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&db->db_cond, &ca);
	pthread_condattr_destroy(&ca);
	atomic_init(&db->db_reconnects, 0);
	return db;
}

static void
dbc_close(struct sd_dbc *c)
{
	if (c->dc_pg != NULL)
		PQfinish(c->dc_pg);
	c->dc_pg = NULL;
	c->dc_nprepared = 0;
	c->dc_broken = 0;
}

void
sd_db_free(struct sd_db *db)
{
	unsigned i;

	if (db == NULL)
		return;
	for (i = 0; i < db->db_size; i++) {
		dbc_close(&db->db_conns[i]);
		free(db->db_conns[i].dc_prepared);
	}
	pthread_mutex_destroy(&db->db_lock);
	pthread_cond_destroy(&db->db_cond);
	free(db->db_conns);
	free(db->db_free);
	free(db->db_dsn);
	free(db);
}

/* Opens dc_pg; 0 or -1 with the reason in err. */
static int
dbc_connect(struct sd_dbc *c, char *err, size_t errlen)
{
	struct sd_db *db = c->dc_db;
	const char *keys[] = {"dbname", "connect_timeout", "application_name", "keepalives",
		"keepalives_idle", NULL};
	char timeout[16], setup[160];
	const char *vals[6];
	PGresult *res;

	snprintf(timeout, sizeof(timeout), "%u", db->db_connect_timeout);
	vals[0] = db->db_dsn;
	vals[1] = timeout;
	vals[2] = "sdeskd";
	vals[3] = "1";
	vals[4] = "10";
	vals[5] = NULL;
	dbc_close(c);
	c->dc_pg = PQconnectdbParams(keys, vals, 1);
	if (c->dc_pg == NULL || PQstatus(c->dc_pg) != CONNECTION_OK) {
		snprintf(err, errlen, "%s",
			c->dc_pg ? PQerrorMessage(c->dc_pg) : "out of memory");
		err[strcspn(err, "\n")] = '\0';
		dbc_close(c);
		return -1;
	}
	snprintf(setup, sizeof(setup),
		"SET statement_timeout = %u; SET idle_in_transaction_session_timeout = 60000; "
		"SET plan_cache_mode = force_generic_plan; "
		"SET TIME ZONE 'UTC'",
		db->db_statement_timeout);
	res = PQexec(c->dc_pg, setup);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		snprintf(err, errlen, "session setup failed: %s", PQresultErrorMessage(res));
		PQclear(res);
		dbc_close(c);
		return -1;
	}
	PQclear(res);
	if (c->dc_ever_connected)
		atomic_fetch_add(&db->db_reconnects, 1);
	c->dc_ever_connected = 1;
	c->dc_fresh = 1;
	return 0;
}

int
sd_db_probe(struct sd_db *db, char *err, size_t errlen)
{
	struct sd_dbc *c;
	int rc;

	if ((c = sd_db_acquire(db, &rc)) == NULL) {
		/* Connect again to get the server's own words for the log. */
		struct sd_dbc tmp;

		memset(&tmp, 0, sizeof(tmp));
		tmp.dc_db = db;
		if (dbc_connect(&tmp, err, errlen) == 0) {
			dbc_close(&tmp);
			snprintf(err, errlen, "no free connection in the pool");
		}
		free(tmp.dc_prepared);
		return -1;
	}
	sd_db_release(c);
	return 0;
}

static void
db_deadline(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

struct sd_dbc *
sd_db_acquire(struct sd_db *db, int *rc)
{
	struct timespec deadline;
	struct sd_dbc *c;
	char err[256];

	db_deadline(&deadline, db->db_acquire_timeout);
	pthread_mutex_lock(&db->db_lock);
	while (db->db_nfree == 0) {
		if (pthread_cond_timedwait(&db->db_cond, &db->db_lock, &deadline) ==
				ETIMEDOUT &&
			db->db_nfree == 0) {
			pthread_mutex_unlock(&db->db_lock);
			*rc = SD_DB_BUSY;
			return NULL;
		}
	}
	c = &db->db_conns[db->db_free[--db->db_nfree]];
	pthread_mutex_unlock(&db->db_lock);

	c->dc_fresh = 0;
	if (c->dc_broken || c->dc_pg == NULL || PQstatus(c->dc_pg) != CONNECTION_OK) {
		if (dbc_connect(c, err, sizeof(err)) < 0) {
			sd_log(SD_LOG_WARN, "db", "cannot connect: %s", err);
			sd_db_release(c);
			*rc = SD_DB_DOWN;
			return NULL;
		}
	}
	*rc = SD_DB_OK;
	return c;
}

void
sd_db_auth_changed(struct sd_dbc *c)
{
	c->dc_auth_changed = 1;
	sd_authcache_clear();
}

int
sd_db_fresh(const struct sd_dbc *c)
{
	return c->dc_fresh;
}

void
sd_db_release(struct sd_dbc *c)
{
	struct sd_db *db = c->dc_db;

	if (c->dc_broken)
		dbc_close(c);
	pthread_mutex_lock(&db->db_lock);
	db->db_free[db->db_nfree++] = c->dc_index;
	pthread_cond_signal(&db->db_cond);
	pthread_mutex_unlock(&db->db_lock);
}

const char *
sd_db_sqlstate(const PGresult *res)
{
	const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	return s ? s : "";
}

int
sd_db_result_rc(struct sd_dbc *c, const PGresult *res)
{
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	const char *state;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return SD_DB_OK;
	state = sd_db_sqlstate(res);
	if (c->dc_pg == NULL || PQstatus(c->dc_pg) != CONNECTION_OK ||
		strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0) {
		c->dc_broken = 1;
		return SD_DB_DOWN;
	}
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return SD_DB_RETRY;
	return SD_DB_FAIL;
}

static int
dbc_is_prepared(const struct sd_dbc *c, const struct sd_stmt *st)
{
	size_t i;

	for (i = 0; i < c->dc_nprepared; i++)
		if (c->dc_prepared[i] == st)
			return 1;
	return 0;
}

/* Remembers that st is prepared on c; -1 when out of memory. */
static int
dbc_mark_prepared(struct sd_dbc *c, const struct sd_stmt *st)
{
	if (c->dc_nprepared == c->dc_capprepared) {
		size_t cap = c->dc_capprepared ? c->dc_capprepared * 2 : 32;
		const struct sd_stmt **p;

		p = realloc(c->dc_prepared, cap * sizeof(*p));
		if (p == NULL)
			return -1;
		c->dc_prepared = p;
		c->dc_capprepared = cap;
	}
	c->dc_prepared[c->dc_nprepared++] = st;
	return 0;
}

static PGresult *
dbc_prepare(struct sd_dbc *c, const struct sd_stmt *st)
{
	PGresult *res;

	res = PQprepare(c->dc_pg, st->st_name, st->st_sql, st->st_nparams, NULL);
	if (res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK) {
		PQclear(res);
		(void)dbc_mark_prepared(c, st);
		return NULL;
	}
	return res;
}

/* What one statement is: a named one, or SQL text with parameters. */
struct db_call {
	const struct sd_stmt *dk_st; /* or NULL for dk_sql */
	const char *dk_sql;
	int dk_n;
	const char *const *dk_params;
	const int *dk_lengths;
	const int *dk_formats;
	int dk_rbinary;
	int dk_commit; /* a one-statement read: the Sync commits it */
};

static int
db_send(struct sd_dbc *c, const struct db_call *k)
{
	if (k->dk_st != NULL)
		return PQsendQueryPrepared(c->dc_pg, k->dk_st->st_name, k->dk_st->st_nparams,
			k->dk_params, k->dk_lengths, k->dk_formats, k->dk_rbinary);
	return PQsendQueryParams(c->dc_pg, k->dk_sql, k->dk_n, NULL, k->dk_params,
		k->dk_lengths, k->dk_formats, k->dk_rbinary);
}

/* Reads one queued query's result (and the NULL after it). */
static PGresult *
db_next_result(struct sd_dbc *c)
{
	PGresult *res = PQgetResult(c->dc_pg), *extra;

	if (res != NULL)
		while ((extra = PQgetResult(c->dc_pg)) != NULL)
			PQclear(extra);
	return res;
}

/*
 * BEGIN, the scope, (PREPARE,) the statement in one pipeline: one round
 * trip.  A one-statement read (dk_commit) sends no BEGIN and no COMMIT:
 * everything before the pipeline's Sync is one implicit transaction, which
 * the Sync commits, and the scope is local to it.  Returns the statement's
 * result, or the first failure.
 */
static const struct sd_stmt db_scope_stmt = {"sd_scope",
	"SELECT set_config('sdesk.user_id', $1, true), set_config('sdesk.tenants', $2, true), "
	"set_config('sdesk.perms', $3, true)",
	3};

static PGresult *
db_pipeline(struct sd_dbc *c, const struct db_call *k)
{
	const struct sd_stmt *begin = c->dc_begin_stmt;
	PGresult *res, *out = NULL;
	int i, queued = 0, prep = 0, target;

	c->dc_begin_pending = 0;
	c->dc_in_txn = 1;
	/* Parsed once per connection, like every other named statement. */
	if ((!k->dk_commit && !dbc_is_prepared(c, begin) &&
		    (out = dbc_prepare(c, begin)) != NULL) ||
		(!dbc_is_prepared(c, &db_scope_stmt) &&
			(out = dbc_prepare(c, &db_scope_stmt)) != NULL)) {
		c->dc_in_txn = 0;
		return out;
	}
	if (PQenterPipelineMode(c->dc_pg) != 1)
		goto broken;
	if (!k->dk_commit)
		queued += PQsendQueryPrepared(c->dc_pg, begin->st_name, 0, NULL, NULL, NULL, 0);
	queued += PQsendQueryPrepared(
		c->dc_pg, db_scope_stmt.st_name, 3, c->dc_scope_vals, NULL, NULL, 0);
	if (k->dk_st != NULL && !dbc_is_prepared(c, k->dk_st)) {
		queued += PQsendPrepare(c->dc_pg, k->dk_st->st_name, k->dk_st->st_sql,
			k->dk_st->st_nparams, NULL);
		prep = 1;
	}
	queued += db_send(c, k);
	target = queued - 1;
	if (queued != 3 + prep - (k->dk_commit != 0) || PQpipelineSync(c->dc_pg) != 1)
		goto broken;
	for (i = 0; i < queued; i++) {
		if ((res = db_next_result(c)) == NULL)
			goto broken;
		/*
		 * The first failure, else the statement's result: after a failure
		 * the rest are only "pipeline aborted", with no message to log.
		 */
		if (out == NULL && (i == target || sd_db_result_rc(c, res) != SD_DB_OK)) {
			out = res;
		} else {
			if (prep && i == target - 1 && sd_db_result_rc(c, res) == SD_DB_OK)
				dbc_mark_prepared(c, k->dk_st);
			PQclear(res);
		}
	}
	res = PQgetResult(c->dc_pg); /* PGRES_PIPELINE_SYNC */
	PQclear(res);
	if (PQexitPipelineMode(c->dc_pg) != 1)
		goto broken;
	if (k->dk_commit)
		c->dc_in_txn = 0;
	return out;
broken:
	/* The server went away (or never came back): start over elsewhere. */
	PQclear(out);
	c->dc_broken = 1;
	c->dc_stale_fail = !c->dc_fresh;
	c->dc_in_txn = 0;
	return NULL;
}

static PGresult *
db_call(struct sd_dbc *c, const struct db_call *k)
{
	PGresult *res;

	if (c->dc_pg == NULL || c->dc_broken)
		return NULL;
	if (c->dc_begin_pending)
		res = db_pipeline(c, k);
	else if (k->dk_st != NULL) {
		/* A failed PREPARE is the answer (and is logged below). */
		if (dbc_is_prepared(c, k->dk_st) || (res = dbc_prepare(c, k->dk_st)) == NULL)
			res = PQexecPrepared(c->dc_pg, k->dk_st->st_name, k->dk_st->st_nparams,
				k->dk_params, k->dk_lengths, k->dk_formats, k->dk_rbinary);
	} else if (k->dk_n == 0 && k->dk_lengths == NULL)
		res = PQexec(c->dc_pg, k->dk_sql);
	else
		res = PQexecParams(c->dc_pg, k->dk_sql, k->dk_n, NULL, k->dk_params,
			k->dk_lengths, k->dk_formats, k->dk_rbinary);
	if (res != NULL && sd_db_result_rc(c, res) == SD_DB_FAIL)
		sd_log(SD_LOG_WARN, "db", "%s: %s", k->dk_st ? k->dk_st->st_name : "query",
			PQresultErrorMessage(res));
	return res;
}

PGresult *
sd_db_exec(struct sd_dbc *c, const struct sd_stmt *st, const char *const *params)
{
	struct db_call k = {st, NULL, 0, params, NULL, NULL, 0, 0};

	return db_call(c, &k);
}

PGresult *
sd_db_exec_dynamic(struct sd_dbc *c, const char *sql, int n, const char *const *params)
{
	struct db_call k = {NULL, sql, n, params, NULL, NULL, 0, 0};

	return db_call(c, &k);
}

PGresult *
sd_db_exec_binary(struct sd_dbc *c, const struct sd_stmt *st, const char *const *params,
	const int *lengths, const int *formats, int result_binary)
{
	struct db_call k = {st, NULL, 0, params, lengths, formats, result_binary, 0};

	return db_call(c, &k);
}

PGresult *
sd_db_exec_sql(struct sd_dbc *c, const char *sql)
{
	struct db_call k = {NULL, sql, 0, NULL, NULL, NULL, 0, 0};

	return db_call(c, &k);
}

/* Only characters that cannot end a quoted SQL literal. */
static int
db_scope_safe(const char *s, const char *allowed)
{
	for (; *s != '\0'; s++)
		if (strchr(allowed, *s) == NULL)
			return 0;
	return 1;
}

/*
 * BEGIN and the scope settings are not sent on their own: they go out in
 * one libpq pipeline with the transaction's first statement, so a
 * transaction costs a round trip less (and a one-statement read, one in
 * all; see sd_db_read).
 */
static int
db_begin(struct sd_dbc *c, const struct sd_scope *scope, enum sd_db_iso iso)
{
	static const struct sd_stmt levels[] = {
		{"sd_begin_rc", "BEGIN ISOLATION LEVEL READ COMMITTED", 0},
		{"sd_begin_rr", "BEGIN ISOLATION LEVEL REPEATABLE READ", 0},
		{"sd_begin_ser", "BEGIN ISOLATION LEVEL SERIALIZABLE", 0},
	};
	const char *tenants = scope && scope->sp_tenants ? scope->sp_tenants : "{}";
	const char *perms = scope && scope->sp_perms ? scope->sp_perms : "";

	/* Values are parameters; the check is a second line of defence. */
	if (!db_scope_safe(tenants, "{},0123456789") ||
		!db_scope_safe(perms, "abcdefghijklmnopqrstuvwxyz0123456789_.,:")) {
		sd_log(SD_LOG_ERROR, "db", "refusing unsafe scope");
		return SD_DB_FAIL;
	}
	snprintf(c->dc_scope_user, sizeof(c->dc_scope_user), "%lld",
		scope ? scope->sp_user_id : 0LL);
	c->dc_scope_vals[0] = c->dc_scope_user;
	c->dc_scope_vals[1] = tenants;
	c->dc_scope_vals[2] = perms;
	c->dc_begin_stmt = &levels[iso];
	c->dc_begin_pending = 1;
	c->dc_stale_fail = 0;
	return SD_DB_OK;
}

static int
db_end(struct sd_dbc *c, int commit)
{
	PGresult *res;
	int rc;

	c->dc_begin_pending = 0;
	if (!c->dc_in_txn)
		return SD_DB_OK; /* nothing was sent: nothing to end */
	c->dc_in_txn = 0;
	res = sd_db_exec_sql(c, commit ? "COMMIT" : "ROLLBACK");
	rc = sd_db_result_rc(c, res);
	PQclear(res);
	return rc;
}

int
sd_db_txn(struct sd_db *db, const struct sd_scope *scope, enum sd_db_iso iso,
	int (*fn)(struct sd_dbc *c, void *arg), void *arg)
{
	struct sd_dbc *c;
	int attempt, rc = SD_DB_FAIL, stale;

	for (attempt = 0; attempt < DB_MAX_TRIES; attempt++) {
		if ((c = sd_db_acquire(db, &rc)) == NULL)
			return rc;
		c->dc_auth_changed = 0;
		rc = db_begin(c, scope, iso);
		if (rc == SD_DB_OK) {
			rc = fn(c, arg);
			if (rc == SD_DB_OK)
				rc = db_end(c, 1);
			else if (!c->dc_broken)
				(void)db_end(c, 0);
		}
		/* Only once committed: no one may read the old identity back in. */
		if (rc == SD_DB_OK && c->dc_auth_changed)
			sd_authcache_clear();
		/* A connection idle since before a server restart fails at once. */
		stale = rc == SD_DB_DOWN && c->dc_stale_fail;
		c->dc_begin_pending = c->dc_in_txn = 0;
		sd_db_release(c);
		if (rc == SD_DB_RETRY) {
			usleep((useconds_t)(1000 * (attempt + 1)));
			continue;
		}
		if (!stale)
			return rc;
	}
	return rc;
}

int
sd_db_read(struct sd_db *db, const struct sd_scope *scope, const struct sd_stmt *st,
	const char *const *params, PGresult **out)
{
	struct db_call k = {st, NULL, 0, params, NULL, NULL, 0, 1};
	struct sd_dbc *c;
	int attempt, rc = SD_DB_FAIL;

	*out = NULL;
	for (attempt = 0; attempt < 2; attempt++) {
		if ((c = sd_db_acquire(db, &rc)) == NULL)
			return rc;
		if ((rc = db_begin(c, scope, SD_ISO_READ_COMMITTED)) == SD_DB_OK) {
			*out = db_call(c, &k);
			rc = sd_db_result_rc(c, *out);
			if (c->dc_in_txn && !c->dc_broken) /* the statement failed: end it */
				(void)db_end(c, 0);
		}
		c->dc_begin_pending = c->dc_in_txn = 0;
		sd_db_release(c);
		if (rc == SD_DB_OK || rc != SD_DB_DOWN || !c->dc_stale_fail)
			break;
		PQclear(*out);
		*out = NULL;
	}
	if (rc != SD_DB_OK) {
		PQclear(*out);
		*out = NULL;
	}
	return rc;
}

void
sd_db_stats(struct sd_db *db, unsigned *size, unsigned *in_use, unsigned long long *reconnects)
{
	pthread_mutex_lock(&db->db_lock);
	*size = db->db_size;
	*in_use = db->db_size - db->db_nfree;
	pthread_mutex_unlock(&db->db_lock);
	*reconnects = atomic_load(&db->db_reconnects);
}
