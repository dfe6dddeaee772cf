/*
 * sdesk.h: the daemon's one header, prototypes grouped by the file that
 * defines them.  Domain libraries (sla/, catalogue/) have their own headers
 * and know nothing of HTTP or SQL.
 */
#ifndef SDESK_H
#define SDESK_H

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <libpq-fe.h>
#include <microhttpd.h>

#include "sdesk_plugin.h"
#include "sla.h"

#ifndef SDESK_VERSION
#define SDESK_VERSION "0.1.0"
#endif

#define SD_PRINTF(a, b) __attribute__((format(printf, a, b)))

struct sd_app;
struct sd_req;
struct sd_dbc;

/* log.c */
enum sd_log_level { SD_LOG_ERROR = 0, SD_LOG_WARN, SD_LOG_INFO, SD_LOG_DEBUG };
/* Sets the lowest level that is printed. */
void sd_log_set_level(int level);
/* Returns the level for a name (error, warn, info, debug) or -1. */
int sd_log_level_parse(const char *name);
/* Writes one line to stderr in a single write so threads do not interleave. */
void sd_log(int level, const char *subsys, const char *fmt, ...) SD_PRINTF(3, 4);
/* The va_list form of sd_log, for plugins' host callback. */
void sd_vlog(int level, const char *subsys, const char *fmt, va_list ap) SD_PRINTF(3, 0);
/* True when a message at level would be printed (to skip costly formatting). */
int sd_log_enabled(int level);

/* conf.c */
struct sd_conf_kv {
	char *kv_section; /* e.g. "plugin.ldap" */
	char *kv_key;
	char *kv_value;
};

struct sd_conf {
	char *sc_path;                  /* the file it came from, or NULL for defaults */
	char *sc_http_address;          /* [http] address: IPv4 or IPv6 literal */
	unsigned sc_http_port;          /* [http] port; 0 picks a free one */
	unsigned sc_http_threads;       /* [http] threads: the MHD thread pool */
	size_t sc_http_max_body;        /* [http] max_body: bytes, larger gets 413 */
	unsigned sc_http_timeout;       /* [http] idle_timeout: seconds */
	unsigned sc_http_drain;         /* [http] drain_timeout: seconds at SIGTERM */
	char *sc_http_port_file;        /* [http] port_file: where the bound port is written */
	int sc_http_access_log;         /* [http] access_log: yes/no */
	char *sc_db_dsn;                /* [database] dsn: the daemon's own role */
	char *sc_db_owner_dsn;          /* [database] owner_dsn: for migrations only */
	unsigned sc_db_pool;            /* [database] pool: 0 = threads + 2 */
	unsigned sc_db_connect_timeout; /* [database] connect_timeout: seconds */
	unsigned sc_db_statement_timeout;   /* [database] statement_timeout: ms */
	unsigned sc_db_acquire_timeout;     /* [database] acquire_timeout: ms */
	int sc_db_migrate;                  /* [database] migrate: apply at start-up */
	int sc_log_level;                   /* [log] level */
	char *sc_plugin_dir;                /* [paths] plugin_dir */
	char *sc_webroot;                   /* [paths] webroot */
	char *sc_state_dir;                 /* [paths] state_dir: key files and the like */
	char **sc_plugins;                  /* [plugins] load = a, b: NULL-terminated */
	char *sc_auth_cookie_secure;        /* [auth] cookie_secure: auto, yes, no */
	unsigned sc_auth_delay_after;       /* [auth] delay_after: failures before delays */
	unsigned sc_auth_directory_timeout; /* [auth] directory_timeout: ms */
	char *sc_auth_key_file;             /* [auth] key_file: default state_dir/sdesk.key */
	char *sc_auth_password_list;        /* [auth] password_list: common passwords, sorted */
	unsigned sc_auth_lock_after;        /* [auth] lock_after: failures before a lock */
	char *sc_auth_mfa_issuer;           /* [auth] mfa_issuer: shown in authenticator apps */
	char **sc_auth_mfa_roles;           /* [auth] mfa_roles: empty = every staff role */
	unsigned sc_auth_session_idle;      /* [auth] session_idle: seconds */
	unsigned sc_auth_session_max;       /* [auth] session_max: seconds */
	unsigned sc_auth_workers;           /* [auth] workers: threads for blocking work */
	unsigned sc_auth_cache_ms; /* [auth] cache_ms: how long a looked-up token is trusted */
	size_t sc_tickets_attachment_max;      /* [tickets] attachment_max: bytes */
	unsigned sc_tickets_reopen_days;       /* [tickets] reopen_days: after resolution */
	char *sc_sla_thresholds;               /* [sla] thresholds: warn at these percents */
	int sc_sla_percents[SLA_PERCENTS_MAX]; /* the thresholds, ascending */
	size_t sc_sla_npercents;
	int sc_sla_scheduler;     /* [sla] scheduler: this daemon fires warnings */
	unsigned sc_sla_poll_ms;  /* [sla] poll_ms: the scheduler's longest sleep */
	char *sc_sla_now_text;    /* [sla] now: a fixed clock for the clocks (tests) */
	int64_t sc_sla_now;       /* its Unix time; 0: the real clock */
	struct sd_conf_kv *sc_kv; /* every [plugin.*] key, for plugins */
	size_t sc_nkv;
};

/*
 * Reads path (INI).  Returns a config the caller frees with sd_conf_free, or
 * NULL with a message naming the file and line in err.
 */
struct sd_conf *sd_conf_load(const char *path, char *err, size_t errlen);
/* Returns the built-in defaults; the caller frees. */
struct sd_conf *sd_conf_new_defaults(void);
/* Frees a config from sd_conf_load or sd_conf_new_defaults. */
void sd_conf_free(struct sd_conf *conf);
/* Value of key in [section]; NULL if unset.  Owned by conf. */
const char *sd_conf_section_get(
	const struct sd_conf *conf, const char *section, const char *key);
/*
 * The config a binary uses without -c: ./var/sdesk.conf beside the
 * executable (a checkout after `make run`), else SYSCONFDIR/sdesk.conf.
 * Returns a malloc'd path the caller frees.
 */
char *sd_conf_default_path(void);
/* A data file's default path: .obj/NAME in a checkout, else DATADIR/NAME; malloc'd. */
char *sd_conf_default_data(const char *name);

/* error.c */
enum sd_error_code {
#define SD_ERROR(name, status, code, sv, en) SD_E_##name,
#include "errors.def"
#undef SD_ERROR
	SD_E__COUNT
};

struct sd_error_info {
	unsigned ei_status;
	const char *ei_code;
	const char *ei_msg_sv;
	const char *ei_msg_en;
};

/* The registry entry for code; never NULL for a valid code. */
const struct sd_error_info *sd_error_info(enum sd_error_code code);
/* The registry entry for a code string, or NULL. */
const struct sd_error_info *sd_error_find(const char *code);
/* Number of registry entries, for listing them all. */
size_t sd_error_count(void);

/* db.c */
/* A named statement; declared static next to the operation that runs it. */
struct sd_stmt {
	const char *st_name; /* unique per process, e.g. "tenant_list" */
	const char *st_sql;
	int st_nparams;
};

/* Who a transaction runs as; becomes the sdesk.* settings RLS keys on. */
struct sd_scope {
	long long sp_user_id;   /* 0 for the system itself */
	const char *sp_tenants; /* visible tenant ids as a PostgreSQL array, "{1,2}" */
	const char *sp_perms;   /* permission names, comma-separated */
};

enum sd_db_rc {
	SD_DB_OK = 0,
	SD_DB_NOTFOUND = 1, /* the operation found nothing (an answer, not a failure) */
	SD_DB_CONFLICT = 2, /* a unique or version check failed */
	SD_DB_FAIL = -1,    /* an SQL error that retrying will not fix */
	SD_DB_RETRY = -2,   /* serialization failure or deadlock: run again */
	SD_DB_DOWN = -3,    /* the server is gone; the connection is marked broken */
	SD_DB_BUSY = -4,    /* no pooled connection became free in time */
};

enum sd_db_iso { SD_ISO_READ_COMMITTED = 0, SD_ISO_REPEATABLE_READ, SD_ISO_SERIALIZABLE };

/*
 * SQL: the to_char pattern that writes a timestamp as RFC 3339 UTC,
 * "2026-06-30T15:00:00Z": to_char(x AT TIME ZONE 'UTC', " SD_SQL_RFC3339 ").
 */
#define SD_SQL_RFC3339 "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'"

struct sd_db;

/*
 * Creates a pool of size connections to dsn.  Connections open lazily;
 * returns NULL only on allocation failure.  Free with sd_db_free.
 */
struct sd_db *sd_db_new(const char *dsn, unsigned size, unsigned connect_timeout_s,
	unsigned statement_timeout_ms, unsigned acquire_timeout_ms);
/* Closes every connection and frees the pool. */
void sd_db_free(struct sd_db *db);
/* Opens one connection now; 0 or -1 with the server's message in err. */
int sd_db_probe(struct sd_db *db, char *err, size_t errlen);
/* Takes a connection (connecting if needed); NULL with *rc DOWN or BUSY. */
struct sd_dbc *sd_db_acquire(struct sd_db *db, int *rc);
/*
 * Notes that the running transaction changes who someone is: the identity
 * cache is emptied now and again after the commit.
 */
void sd_db_auth_changed(struct sd_dbc *c);
/* True when the connection was opened by the acquire that returned it. */
int sd_db_fresh(const struct sd_dbc *c);
/* Gives a connection back; a broken one is closed and reopened on next use. */
void sd_db_release(struct sd_dbc *c);
/*
 * Runs a named statement (prepared on this connection the first time).
 * Returns the result, which the caller PQclear()s; NULL only when out of
 * memory.  Marks the connection broken when the server went away.
 */
PGresult *sd_db_exec(struct sd_dbc *c, const struct sd_stmt *st, const char *const *params);
/*
 * Runs SQL built at run time (search with optional filters), planned each
 * time; values only ever go in as parameters.  Same contract as sd_db_exec.
 */
PGresult *sd_db_exec_dynamic(
	struct sd_dbc *c, const char *sql, int n, const char *const *params);
/* sd_db_exec with binary parameters or results (attachments). */
PGresult *sd_db_exec_binary(struct sd_dbc *c, const struct sd_stmt *st,
	const char *const *params, const int *lengths, const int *formats, int result_binary);
/* Runs plain SQL without parameters (BEGIN, COMMIT, scripts); same contract. */
PGresult *sd_db_exec_sql(struct sd_dbc *c, const char *sql);
/* Classifies a result: SD_DB_OK for success, else FAIL/RETRY/DOWN. */
int sd_db_result_rc(struct sd_dbc *c, const PGresult *res);
/* The SQLSTATE of a failed result, "" when none. */
const char *sd_db_sqlstate(const PGresult *res);
/*
 * Runs fn inside a transaction with the scope's settings, retrying
 * serialization failures.  fn returns SD_DB_OK to commit, anything else to
 * roll back; that value (or the commit's failure) is returned.
 */
int sd_db_txn(struct sd_db *db, const struct sd_scope *scope, enum sd_db_iso iso,
	int (*fn)(struct sd_dbc *c, void *arg), void *arg);
/*
 * A one-statement read in one round trip (BEGIN, scope, statement and
 * COMMIT pipelined).  *out is the result on SD_DB_OK (the caller clears it).
 */
int sd_db_read(struct sd_db *db, const struct sd_scope *scope, const struct sd_stmt *st,
	const char *const *params, PGresult **out);
/* Pool figures for /metrics. */
void sd_db_stats(
	struct sd_db *db, unsigned *size, unsigned *in_use, unsigned long long *reconnects);

/* migrate.c */
/* The highest migration version compiled in. */
int sd_migrate_latest(void);
/*
 * Applies the compiled-in migrations not yet in schema_migrations, each in
 * its own transaction under an advisory lock.  Refuses (-1) when an applied
 * migration's checksum differs from the compiled one.  *applied counts what
 * ran now.
 */
int sd_migrate_apply(const char *owner_dsn, unsigned connect_timeout, int *applied, char *err,
	size_t errlen);
/* Reads the schema version through the pool; -1 when unknown. */
int sd_migrate_current(struct sd_db *db);

/* route.c */
enum sd_method {
	SD_M_GET = 1 << 0,
	SD_M_POST = 1 << 1,
	SD_M_PUT = 1 << 2,
	SD_M_PATCH = 1 << 3,
	SD_M_DELETE = 1 << 4,
};

/* Route flags. */
#define SD_RT_JSON 0x1        /* the body, if any, must be a JSON object */
#define SD_RT_MFA_PENDING 0x2 /* reachable by a session still in MFA */
#define SD_RT_UPLOAD 0x4      /* a raw body up to [tickets] attachment_max */

/* rt_perm for routes any signed-in person (or token) may use. */
#define SD_PERM_SESSION "session"

#define SD_MAX_PARAMS 4
#define SD_MAX_EXTRA_HEADERS 6

typedef enum MHD_Result (*sd_handler)(struct sd_req *r);

struct sd_route {
	const char *rt_path; /* pattern; "{x}" matches one path segment */
	unsigned rt_method;  /* exactly one SD_M_* */
	sd_handler rt_handler;
	const char *rt_perm; /* the permission needed; NULL = public */
	unsigned rt_flags;   /* SD_RT_* */
};

/* The route table and its length; stable for the life of the process. */
const struct sd_route *sd_route_table(size_t *n);
/* Parses a method name; 0 when unknown.  HEAD is treated as GET. */
unsigned sd_route_method(const char *name);
/*
 * Finds the route for method and path.  Returns its index and fills params
 * (pointers into buf, which receives a copy of path); -1 when nothing
 * matches the path (404) and -2 when the path matches other methods only
 * (405, with *allow set to the methods that would).
 */
int sd_route_match(unsigned method, const char *path, char *buf, size_t buflen, char **params,
	unsigned *nparams, unsigned *allow);
/* Writes "GET, POST" for a method mask into buf. */
void sd_route_allow_string(unsigned mask, char *buf, size_t len);

/* http.c */
struct sd_req {
	struct sd_app *rq_app;
	struct MHD_Connection *rq_conn;
	int rq_route; /* index in the route table, -1 unmatched */
	unsigned rq_method;
	const char *rq_method_name;
	char rq_id[33]; /* request id, hex */
	char *rq_path;  /* copy of the URL path */
	char *rq_pbuf;  /* storage for rq_params */
	char *rq_params[SD_MAX_PARAMS];
	unsigned rq_nparams;
	char *rq_body;
	size_t rq_body_len;
	size_t rq_body_cap;
	int rq_body_too_large;
	json_t *rq_json; /* parsed body for SD_RT_JSON routes */
	int rq_lang_en;  /* 1 when the client prefers English */
	unsigned rq_status;
	size_t rq_resp_bytes;
	int rq_replied;
	struct timespec rq_start;
	char rq_addr[48];        /* the client's address, for audit and throttling */
	struct sd_auth *rq_auth; /* who is asking; NULL on public routes */
	const char *rq_hdr_names[SD_MAX_EXTRA_HEADERS];
	char *rq_hdr_values[SD_MAX_EXTRA_HEADERS];
	unsigned rq_nhdr;
	sd_handler rq_finish; /* set while a deferred job runs */
	void (*rq_work)(struct sd_req *r);
	void *rq_ctx;                   /* the handler's own state across a deferral */
	void (*rq_ctx_free)(void *ctx); /* frees rq_ctx with the request */
};

struct sd_metrics;

/* The daemon: everything a handler can reach through r->rq_app. */
struct sd_app {
	struct sd_conf *ap_conf;
	struct sd_db *ap_db;
	struct sd_metrics *ap_metrics;
	struct sd_plugins *ap_plugins;
	struct sd_workers *ap_workers;
	struct sd_tenants *ap_tenants;
	unsigned char ap_key[32]; /* server key: seals MFA secrets, peppers codes */
	int ap_have_key;
	struct MHD_Daemon *ap_mhd;
	unsigned ap_port; /* the bound port */
	atomic_int ap_inflight;
	atomic_int ap_stopping;
	time_t ap_started;
	struct sd_sla_scheduler *ap_sla; /* the warning scheduler, or NULL */
};

/* Starts the HTTP server; 0 or -1 with err filled. */
int sd_http_start(struct sd_app *app, char *err, size_t errlen);
/* Stops accepting connections, waits for in-flight requests, then stops. */
void sd_http_drain_and_stop(struct sd_app *app, unsigned timeout_s);
/* Value of a request header, or NULL. */
const char *sd_req_header(struct sd_req *r, const char *name);
/* Value of a query-string argument, or NULL. */
const char *sd_req_query(struct sd_req *r, const char *name);
/* Value of a cookie, or NULL. */
const char *sd_req_cookie(struct sd_req *r, const char *name);
/* Adds a header to whatever reply this request gets (copied). */
int sd_req_add_header(struct sd_req *r, const char *name, const char *value);
/*
 * Suspends the request, runs work on a worker thread, then calls finish on
 * the request's own thread to reply.  Returns what the handler returns.
 */
enum MHD_Result sd_req_defer(
	struct sd_req *r, void (*work)(struct sd_req *r), sd_handler finish);

/* reply.c */
/* Queues body (reference stolen) as JSON with status. */
enum MHD_Result sd_reply_json(struct sd_req *r, unsigned status, json_t *body);
/*
 * Queues the error body for code.  field names the offending input (NULL
 * when none); detail, if not NULL, is appended to the message.
 */
enum MHD_Result sd_reply_error(struct sd_req *r, enum sd_error_code code, const char *field,
	const char *detail, ...) SD_PRINTF(4, 5);
/* Queues a copy of buf with the given type. */
enum MHD_Result sd_reply_buf(
	struct sd_req *r, unsigned status, const char *type, const void *buf, size_t len);
/*
 * Queues resp (a file: caching headers already set; the reply takes it)
 * with the common headers; len is for the access log.
 */
enum MHD_Result sd_reply_file(struct sd_req *r, unsigned status, struct MHD_Response *resp,
	const char *type, size_t len);
/* Maps an sd_db_rc failure to its error reply. */
enum MHD_Result sd_reply_db_error(struct sd_req *r, int rc);
/* A refusal met inside a transaction, replied once it has rolled back. */
struct sd_fault {
	int ft_set;
	enum sd_error_code ft_code;
	const char *ft_field; /* the input at fault, or NULL; static */
	const char *ft_sv;    /* static detail added to the message, or NULL */
	const char *ft_en;
};
/* Records a refusal in f; returns SD_DB_CONFLICT, so the transaction rolls back. */
int sd_fault(struct sd_fault *f, enum sd_error_code code, const char *field, const char *sv,
	const char *en);
/*
 * Replies to what an operation returned: the fault when one is set, else
 * 404 for SD_DB_NOTFOUND, 409 for SD_DB_CONFLICT, else as sd_reply_db_error.
 */
enum MHD_Result sd_reply_outcome(struct sd_req *r, int rc, const struct sd_fault *f);
/* Queues 405 with an Allow header for mask. */
enum MHD_Result sd_reply_not_allowed(struct sd_req *r, unsigned mask);

/* static.c */
/* GET or HEAD of a file under [paths] webroot for a path no route matched; else 404/405. */
enum MHD_Result sd_static_serve(struct sd_req *r);
/* True for a path static.c may look up: no "..", no hidden files, not /api/. */
int sd_static_path_ok(const char *path);
/* The Content-Type for a file name's extension, or NULL when it is not served. */
const char *sd_static_type(const char *path);

/* metrics.c */
/* Creates counters for nroutes routes (plus one for unmatched). */
struct sd_metrics *sd_metrics_new(size_t nroutes);
/* Frees what sd_metrics_new returned. */
void sd_metrics_free(struct sd_metrics *m);
/* Counts one finished request; route -1 is "unmatched". */
void sd_metrics_observe(struct sd_metrics *m, int route, unsigned status, double seconds);
/*
 * Renders the Prometheus text exposition into a malloc'd string the caller
 * frees; NULL on allocation failure.
 */
char *sd_metrics_render(struct sd_app *app, size_t *len);

/* plugin.c */
struct sd_plugins;
/*
 * Loads every plugin named in conf from its plugin directory, checks ABI
 * and kind and runs preflight.  NULL with err filled refuses the start.
 */
struct sd_plugins *sd_plugins_load(const struct sd_conf *conf, char *err, size_t errlen);
/* Calls each plugin's free and unloads it. */
void sd_plugins_free(struct sd_plugins *ps);
/* The loaded plugin of kind and name (NULL name = the first of that kind). */
const struct sdesk_plugin *sd_plugins_find(
	const struct sd_plugins *ps, unsigned kind, const char *name);
/*
 * The identity plugin whose [plugin.<name>] realms list names realm; NULL
 * when no directory serves that tenant.
 */
const struct sdesk_plugin *sd_plugins_identity_for(
	const struct sd_plugins *ps, const struct sd_conf *conf, const char *realm);
/* Number of loaded plugins. */
size_t sd_plugins_count(const struct sd_plugins *ps);
/* Checks that a plugin name is [a-z0-9_]{1,32}: never a path. */
int sd_plugin_name_ok(const char *name);

/* A file compiled into the binary (migrations, demo data). */
struct sd_sql_file {
	const char *sf_name; /* e.g. "001_base.sql" */
	const char *sf_sql;
};

/* input.c */
enum sd_field_type {
	SD_FT_STRING,
	SD_FT_INT,
	SD_FT_BOOL,
	SD_FT_ARRAY,
	SD_FT_OBJECT,
	SD_FT_ANY
};
#define SD_FF_REQUIRED 0x1
#define SD_FF_NULLABLE 0x2

/* One accepted field of a JSON body; tables end with a NULL name. */
struct sd_field {
	const char *f_name;
	enum sd_field_type f_type;
	unsigned f_flags;
	long long f_min; /* strings: characters; ints: value; 0/0 = unchecked */
	long long f_max;
};

/*
 * Checks r->rq_json against fields: unknown fields, types, required ones,
 * bounds.  0 when fine; -1 after replying 400 (*ret is the MHD result).
 */
int sd_input_check(struct sd_req *r, const struct sd_field *fields, enum MHD_Result *ret);
/* A string field of the body, or NULL. */
const char *sd_input_str(struct sd_req *r, const char *name);
/* True when the body has the field (even as null). */
int sd_input_has(struct sd_req *r, const char *name);
/*
 * Reads query argument name as an integer in min..max into *val (left
 * alone when absent).  0, or -1 after replying 400 naming it.
 */
int sd_input_query_int(struct sd_req *r, const char *name, long long min, long long max,
	long long *val, enum MHD_Result *ret);
struct sd_tenant;
/* Finds the tenant with code (NULL: none); -1 after replying 400 naming field. */
int sd_input_tenant(struct sd_req *r, const char *code, const char *field, struct sd_tenant *t,
	enum MHD_Result *ret);
/*
 * Reads body field name as an ISO 8601 time (sd_time_parse), in the future
 * when asked, into out as RFC 3339 UTC.  0, or -1 after replying 400.
 */
int sd_input_time(
	struct sd_req *r, const char *name, int future, char out[32], enum MHD_Result *ret);

/* audit.c */
/* One audit row; strings are borrowed. */
struct sd_audit_row {
	long long ar_id;
	long long ar_at_us; /* UTC microseconds */
	int ar_tenant;      /* 0: about no one tenant */
	long long ar_actor_id;
	const char *ar_actor; /* "BEN/lisa.nord", "token:7", "anonymous", "sdeskctl" */
	const char *ar_action;
	const char *ar_object;
	const char *ar_address;
	const char *ar_request_id;
	const char *ar_details; /* compact JSON, hashed byte for byte */
	const char *ar_prev_hash;
};

/* The row's chain hash (hex) over its fields and ar_prev_hash. */
void sd_audit_hash(const struct sd_audit_row *row, char out[65]);
/* Appends row (id, time and hashes filled in) inside the caller's transaction. */
int sd_audit_append(struct sd_dbc *c, const struct sd_audit_row *row);
/*
 * Appends an event of request r: actor, address and request id from r;
 * details (may be NULL) is stolen.
 */
int sd_audit_req(struct sd_dbc *c, struct sd_req *r, int tenant, const char *action,
	const char *object, json_t *details);
/*
 * Walks the whole chain as the owner; 0 when intact, 1 with *bad_id the
 * first row whose link fails, -1 on a database error.
 */
int sd_audit_verify(PGconn *pg, long long *rows, long long *bad_id, char *err, size_t errlen);

/* password.c */
#define SD_PASSWORD_HASH_LEN 128
/* Argon2id hash (libsodium crypto_pwhash_str) into out.  Blocking: call
 * from a worker.  0 or -1. */
int sd_password_hash(const char *pw, char out[SD_PASSWORD_HASH_LEN]);
/* Constant-time check of pw against hash; 0 when it matches.  Blocking. */
int sd_password_verify(const char *hash, const char *pw);
/* Where the common-password list is (set once at start-up). */
void sd_password_list_path(const char *path);
/* Spends the same time as a real verify, for unknown users.  Blocking. */
void sd_password_verify_dummy(const char *pw);
/*
 * Checks a new password: length 12..1024, not built on the login or name,
 * not a common or dictionary password (cracklib).  0, or -1 with a Swedish
 * or English reason in why.
 */
int sd_password_policy(
	const char *pw, const char *login, const char *name, int en, char *why, size_t whylen);

/* ticket_rules.c */
enum sd_ticket_status {
	SD_TS_NEW = 0,
	SD_TS_ASSIGNED,
	SD_TS_IN_PROGRESS,
	SD_TS_WAITING_REQUESTER,
	SD_TS_WAITING_SUPPLIER,
	SD_TS_RESOLVED,
	SD_TS_CLOSED,
	SD_TS__COUNT
};
/* Impact (1 high..3 low) × urgency (1..3) → priority 1..4. */
struct sd_priority_matrix {
	unsigned char pm_priority[3][3];
};
/* The status for a name, or -1. */
int sd_ticket_status_parse(const char *name);
/* The name of a status ("?" when out of range). */
const char *sd_ticket_status_name(int status);
/* True until a ticket is resolved or closed. */
int sd_ticket_is_open(int status);
/* True when staff (staff = 1) or the requester may move from -> to. */
int sd_ticket_may_move(int from, int to, int staff);
/* The statuses reachable from from, as names (static strings); returns the count. */
size_t sd_ticket_moves(int from, int staff, const char **out, size_t max);
/* The default matrix: P1 for high impact and urgency, P4 for low and low. */
void sd_priority_matrix_default(struct sd_priority_matrix *m);
/* Priority for impact and urgency, one step up for a VIP; -1 when out of range. */
int sd_ticket_priority(const struct sd_priority_matrix *m, int impact, int urgency, int vip);
/* First-contact resolution: solved by first line and never escalated. */
int sd_ticket_first_contact(int resolved_by_first_line, int escalated);
/* True within days of resolution (times in seconds). */
int sd_ticket_reopen_allowed(long long resolved_at, long long now, unsigned days);
/* "BEN-2026-000042" into out; 0 or -1 when it does not fit. */
int sd_ticket_number(char *out, size_t len, const char *tenant, int year, long long seq);

/* worker.c */
struct sd_workers;
/* Starts n threads for blocking jobs; NULL on failure. */
struct sd_workers *sd_workers_new(unsigned n);
/* Queues fn(arg); -1 when stopping or out of memory. */
int sd_workers_submit(struct sd_workers *wk, void (*fn)(void *arg), void *arg);
/* Runs what is queued, then joins and frees the threads. */
void sd_workers_free(struct sd_workers *wk);

/* authz.c */
enum sd_auth_kind { SD_AUTH_SESSION = 1, SD_AUTH_TOKEN = 2 };
enum sd_mfa_state { SD_MFA_OK = 0, SD_MFA_ENROL = 1, SD_MFA_CHALLENGE = 2 };

struct sd_grant {
	char g_role[16];
	int g_tenant; /* 0: every tenant */
	char g_team[24];
	long long g_cost_centre; /* 0: none */
};

/* Who is asking: built per request from a session or an API token. */
struct sd_auth {
	int au_kind;          /* enum sd_auth_kind */
	long long au_person;  /* the person (for a token: who created it) */
	long long au_session; /* session id, or token id */
	int au_tenant;        /* home tenant; for a token, its tenant */
	char au_tenant_code[8];
	char au_login[136];
	char au_name[208];
	char au_person_kind[16]; /* employee, external, privileged */
	int au_mfa;              /* enum sd_mfa_state */
	char au_csrf[64];
	struct sd_grant *au_grants;
	size_t au_ngrants;
	char **au_token_perms;
	size_t au_ntoken_perms;
	int *au_visible; /* tenants this person may see */
	size_t au_nvisible;
	char *au_scope_tenants; /* "{1,2}" for the RLS settings */
	char *au_scope_perms;   /* "perm,perm:3" for the RLS settings */
};

/* Frees an sd_auth and everything it points to. */
void sd_auth_free(struct sd_auth *a);
/* True when a holds perm in tenant (0: in any tenant). */
int sd_auth_can(const struct sd_auth *a, const char *perm, int tenant);
/* True when tenant is among those a may see. */
int sd_auth_sees_tenant(const struct sd_auth *a, int tenant);
/* True when a holds role in tenant (0: anywhere). */
int sd_auth_has_role(const struct sd_auth *a, const char *role, int tenant);
/* True when a may grant role in tenant (admins anything, IT contacts local roles). */
int sd_auth_may_grant(const struct sd_auth *a, const char *role, int tenant);
/*
 * True when the clocks' row policy (004_sla.sql) can show a any: it holds
 * ticket.read or report.read somewhere.
 */
int sd_auth_sees_clocks(const struct sd_auth *a);
/* True when a holds perm through a grant over every tenant ("*"), not just somewhere. */
int sd_auth_can_all(const struct sd_auth *a, const char *perm);
/* True when a may grant role over every tenant ("*"): administrators over every tenant. */
int sd_auth_may_grant_all(const struct sd_auth *a, const char *role);
/*
 * True when a may administer a person of tenant with kind and grants:
 * person.admin there (an IT contact in their own tenant only), privileged
 * identities only by an administrator, and only people whose every role a
 * could grant, so that taking over an account never gives more.
 */
int sd_auth_may_manage(const struct sd_auth *a, int tenant, const char *kind,
	const struct sd_grant *grants, size_t n);
/* True for a permission some role gives (the names tokens may carry). */
int sd_perm_known(const char *perm);
/*
 * The tenants a sees and holds perm in (only that one, unless 0) as a
 * PostgreSQL array "{2,3}", for queries to name besides row-level
 * security.  malloc'd; NULL when out of memory.
 */
char *sd_auth_tenants_with(const struct sd_auth *a, const char *perm, int only);
/* Fills au_scope_tenants and au_scope_perms from grants and visibility. */
int sd_auth_build_scope(struct sd_auth *a);
/* The transaction scope of a (pointers into a). */
void sd_auth_scope(const struct sd_auth *a, struct sd_scope *scope);
/* True when any grant's role requires MFA (mfa_roles NULL/empty: staff roles). */
int sd_auth_needs_mfa(const struct sd_grant *grants, size_t n, char *const *mfa_roles);
/* Parses the grants JSON of sdesk_session_lookup; *out is malloc'd. */
int sd_grants_from_json(const char *text, struct sd_grant **out, size_t *n);
/* True for a known role name. */
int sd_role_valid(const char *role);
/* True for roles the default MFA policy treats as staff. */
int sd_role_is_staff(const char *role);

/* authcache.c */
/* A deep copy of a (NULL when out of memory); free with sd_auth_free. */
struct sd_auth *sd_auth_dup(const struct sd_auth *a);
/* A copy of the cached identity of a token hash, or NULL (the caller frees). */
struct sd_auth *sd_authcache_get(const char *hash);
/* Remembers a for ms milliseconds (0: not at all). */
void sd_authcache_put(const char *hash, const struct sd_auth *a, unsigned ms);
/* Forgets everything: someone's identity or rights changed. */
void sd_authcache_clear(void);
/* Frees the cache at exit. */
void sd_authcache_free(void);

/* tenants.c */
struct sd_tenant {
	int t_id;
	char t_code[8];
	char t_name[128];
	int t_host;
};
struct sd_tenants;
/* An empty cache; sd_tenants_reload fills it. */
struct sd_tenants *sd_tenants_new(void);
/* Frees the cache. */
void sd_tenants_free(struct sd_tenants *ts);
/* Reads every tenant from the database into the cache. */
int sd_tenants_reload(struct sd_app *app);
/* Copies the tenant with id (code NULL) or code into out; -1 when none. */
int sd_tenant_get(struct sd_app *app, int id, const char *code, struct sd_tenant *out);
/* The code of tenant id into buf ("*" for 0, "?" when unknown); returns buf. */
const char *sd_tenant_code(struct sd_app *app, int id, char buf[8]);
/* Fills ids with every tenant id; returns how many. */
size_t sd_tenants_all_ids(struct sd_app *app, int *ids, size_t max);

/* auth.c */
#define SD_SESSION_COOKIE "sdesk_session"
/* A new random token (prefix + 43 base64url characters) and its hash. */
int sd_token_new(const char *prefix, char *out, size_t outlen, char hash[65]);
/* The hex hash under which a token is stored. */
void sd_token_hash(const char *token, char out[65]);
/*
 * Identifies the caller of a protected route and checks MFA, CSRF and the
 * route's permission; MHD_YES with r->rq_auth set, or the error replied.
 */
enum MHD_Result sd_auth_check(struct sd_req *r, const struct sd_route *rt);
/* Builds an sd_auth from a sdesk_session_lookup row; *out is the caller's. */
int sd_auth_from_row(struct sd_app *app, PGresult *res, int row, struct sd_auth **out);
/* Looks a session up by its token hash (as a request would). */
int sd_auth_session_by_hash(struct sd_app *app, const char *hash, struct sd_auth **out);
/* Adds the session cookie to the reply (HttpOnly, SameSite=Strict, Secure over TLS). */
void sd_auth_set_cookie(struct sd_req *r, const char *token);
/* Adds an expired session cookie to the reply. */
void sd_auth_clear_cookie(struct sd_req *r);

/* util.c */
/* Random bytes as lowercase hex into out (2*n+1 bytes). */
void sd_random_hex(char *out, size_t n);
/* Monotonic seconds between two timespecs. */
double sd_elapsed(const struct timespec *a, const struct timespec *b);
/* malloc'd copy of the directory holding the running executable, or NULL. */
char *sd_exe_dir(void);
/* Joins a and b with one '/'; malloc'd, NULL on failure. */
char *sd_path_join(const char *a, const char *b);
/* Formats the current UTC time as RFC 3339 with milliseconds. */
void sd_now_rfc3339(char *buf, size_t len);
/*
 * Parses an ISO 8601 date ("2026-06-30", midnight UTC) or date and time
 * with a zone ("2026-06-30T17:00:00+02:00", "...Z"); 0 or -1.
 */
int sd_time_parse(const char *s, time_t *out);
/* Formats t as RFC 3339 UTC, "2026-06-30T15:00:00Z" (21 bytes). */
void sd_time_format(time_t t, char *buf, size_t len);

/* ctl_people.c (sdeskctl only) */
/* The server key's path: [auth] key_file or state_dir/sdesk.key; malloc'd. */
char *sd_ctl_key_path(const struct sd_conf *conf);
int sd_ctl_keygen(struct sd_conf *conf, int argc, char **argv);
int sd_ctl_local_account(struct sd_conf *conf, int argc, char **argv);
int sd_ctl_unlock(struct sd_conf *conf, int argc, char **argv);
int sd_ctl_audit(struct sd_conf *conf, int argc, char **argv);
/* ctl_catalogue.c (sdeskctl only): catalogue import FILE | export */
int sd_ctl_catalogue(struct sd_conf *conf, int argc, char **argv);
/* Runs st in the import's or export's transaction; the server's complaint printed. */
int sd_ctl_cat_exec(
	struct sd_dbc *c, const struct sd_stmt *st, const char *const *p, PGresult **out);
/* ctl_catalogue_export.c: the catalogue to standard output, canonical form. */
int sd_ctl_catalogue_export(struct sd_conf *conf);

/* catjson.c: the catalogue library's structures as JSON and back */
struct cat_field;
struct cat_service;
/* A form field as the API and the database show it. */
json_t *sd_cat_field_json(const struct cat_field *f);
/* A service's form (array of fields) and sub-tasks ([{queue, title}]). */
json_t *sd_cat_form_json(const struct cat_service *s);
json_t *sd_cat_subtasks_json(const struct cat_service *s);
/* A service's own SLA ({calendar, response_minutes, resolution_minutes}) or null. */
json_t *sd_cat_sla_json(const struct cat_service *s);
/* Fills s's SLA from that JSON (null: none); 0 or -1. */
int sd_cat_sla_from_json(json_t *sla, struct cat_service *s);
/* A service's whole definition, as kept in its history. */
json_t *sd_cat_service_json(const struct cat_service *s);
/* Fills s's fields from a form array (malloc'd as cat_catalogue_free expects); 0 or -1. */
int sd_cat_form_from_json(json_t *form, struct cat_service *s);
/* Fills s's sub-tasks from [{queue, title}]; 0 or -1. */
int sd_cat_subtasks_from_json(json_t *subtasks, struct cat_service *s);
/* A NULL-terminated malloc'd copy of an array of strings; 0 or -1. */
int sd_cat_strings_from_json(json_t *arr, char ***out, size_t *n);
/* ctl_sla.c (sdeskctl only): sla recompute. */
int sd_ctl_sla(struct sd_conf *conf, int argc, char **argv);

/* api/session.c */
/* The JSON a client sees of its session (person, roles, tenants, MFA, CSRF token). */
json_t *sd_session_json(struct sd_app *app, const struct sd_auth *a);
enum MHD_Result sd_api_session_create(struct sd_req *r);
enum MHD_Result sd_api_session_get(struct sd_req *r);
enum MHD_Result sd_api_session_delete(struct sd_req *r);
/* api/mfa.c */
enum MHD_Result sd_api_mfa_verify(struct sd_req *r);
enum MHD_Result sd_api_mfa_enrol(struct sd_req *r);
enum MHD_Result sd_api_mfa_enrol_confirm(struct sd_req *r);

/* api/tickets.c */
enum MHD_Result sd_api_ticket_create(struct sd_req *r);
enum MHD_Result sd_api_ticket_get(struct sd_req *r);
/* True when v is one of the NULL-terminated list. */
int sd_ticket_enum_ok(const char *const *list, const char *v);
/* The allowed values of a ticket field: type, channel, classification, queue. */
const char *const *sd_ticket_enum(const char *name);
/* Adds "allowed_status" (what the caller may move the ticket to) to t. */
void sd_ticket_json_moves(
	json_t *t, const struct sd_auth *a, int tenant, int status, int requester);
/* api/ticket_lists.c */
enum MHD_Result sd_api_tickets_search(struct sd_req *r);
enum MHD_Result sd_api_queue_tickets(struct sd_req *r);
enum MHD_Result sd_api_queues_list(struct sd_req *r);
enum MHD_Result sd_api_me_tickets(struct sd_req *r);
/* api/ticket_change.c */
enum MHD_Result sd_api_ticket_patch(struct sd_req *r);
enum MHD_Result sd_api_ticket_escalate(struct sd_req *r);
/* api/ticket_entries.c */
enum MHD_Result sd_api_ticket_entries(struct sd_req *r);
enum MHD_Result sd_api_ticket_entry_add(struct sd_req *r);
enum MHD_Result sd_api_ticket_history(struct sd_req *r);
enum MHD_Result sd_api_ticket_links(struct sd_req *r);
enum MHD_Result sd_api_ticket_link_add(struct sd_req *r);
enum MHD_Result sd_api_ticket_link_drop(struct sd_req *r);
/* api/attachments.c */
enum MHD_Result sd_api_attachment_add(struct sd_req *r);
enum MHD_Result sd_api_attachments_list(struct sd_req *r);
enum MHD_Result sd_api_attachment_get(struct sd_req *r);
/* api/ticket_admin.c */
enum MHD_Result sd_api_categories(struct sd_req *r);
enum MHD_Result sd_api_matrix_get(struct sd_req *r);
enum MHD_Result sd_api_matrix_put(struct sd_req *r);
enum MHD_Result sd_api_vip_list(struct sd_req *r);
enum MHD_Result sd_api_vip_add(struct sd_req *r);
enum MHD_Result sd_api_vip_drop(struct sd_req *r);

/* api/catalogue.c */
struct sd_order_why;
enum MHD_Result sd_api_catalogue(struct sd_req *r);
enum MHD_Result sd_api_catalogue_service(struct sd_req *r);
enum MHD_Result sd_api_catalogue_versions(struct sd_req *r);
/* api/orders.c */
enum MHD_Result sd_api_orders_list(struct sd_req *r);
enum MHD_Result sd_api_order_create(struct sd_req *r);
enum MHD_Result sd_api_order_get(struct sd_req *r);
enum MHD_Result sd_api_order_cancel(struct sd_req *r);
/* Replies to a refusal recorded in w. */
enum MHD_Result sd_reply_order_why(struct sd_req *r, const struct sd_order_why *w);
/* api/approvals.c */
enum MHD_Result sd_api_approvals_list(struct sd_req *r);
enum MHD_Result sd_api_order_decision(struct sd_req *r);
/* api/subscriptions.c */
enum MHD_Result sd_api_subscriptions_list(struct sd_req *r);
/* api/sla_config.c */
enum MHD_Result sd_api_sla_calendars_list(struct sd_req *r);
enum MHD_Result sd_api_sla_calendar_put(struct sd_req *r);
enum MHD_Result sd_api_sla_policies_get(struct sd_req *r);
enum MHD_Result sd_api_sla_policies_put(struct sd_req *r);
enum MHD_Result sd_api_ola_targets_get(struct sd_req *r);
enum MHD_Result sd_api_ola_targets_put(struct sd_req *r);
/* api/ticket_sla.c */
enum MHD_Result sd_api_ticket_sla(struct sd_req *r);
enum MHD_Result sd_api_ticket_regulatory(struct sd_req *r);
/* api/reports.c */
enum MHD_Result sd_api_report_sla(struct sd_req *r);

/* api/healthz.c */
enum MHD_Result sd_api_healthz(struct sd_req *r);
/* api/metrics.c */
enum MHD_Result sd_api_metrics(struct sd_req *r);
/* api/tenants.c */
enum MHD_Result sd_api_tenants_list(struct sd_req *r);
enum MHD_Result sd_api_tenant_get(struct sd_req *r);
/* api/people.c */
enum MHD_Result sd_api_people_list(struct sd_req *r);
enum MHD_Result sd_api_person_create(struct sd_req *r);
enum MHD_Result sd_api_person_get(struct sd_req *r);
enum MHD_Result sd_api_person_update(struct sd_req *r);
enum MHD_Result sd_api_person_unlock(struct sd_req *r);
/* The person id of a path segment; 0 when it is not one (404). */
long long sd_api_path_id(const char *s);
/* api/roles.c */
enum MHD_Result sd_api_roles_list(struct sd_req *r);
enum MHD_Result sd_api_role_grant(struct sd_req *r);
enum MHD_Result sd_api_role_revoke(struct sd_req *r);
/*
 * Checks role and team of a body (tech2 has exactly one team, no one else
 * has one); 0, or -1 after replying 400 naming the field.
 */
int sd_api_role_team_check(
	struct sd_req *r, const char *role, const char *team, enum MHD_Result *ret);
/* api/tokens.c */
enum MHD_Result sd_api_tokens_list(struct sd_req *r);
enum MHD_Result sd_api_token_create(struct sd_req *r);
enum MHD_Result sd_api_token_revoke(struct sd_req *r);
/* api/audit.c */
enum MHD_Result sd_api_audit_list(struct sd_req *r);
/* api/tenant_settings.c */
enum MHD_Result sd_api_tenant_settings_get(struct sd_req *r);
enum MHD_Result sd_api_tenant_settings_put(struct sd_req *r);
/*
 * The tenant of path parameter 0 when the caller holds perm there; else -1
 * after replying 404 (another tenant's settings are not there at all).
 */
int sd_api_tenant_param(
	struct sd_req *r, const char *perm, struct sd_tenant *t, enum MHD_Result *ret);
/* api/directory_groups.c */
enum MHD_Result sd_api_directory_groups_list(struct sd_req *r);
enum MHD_Result sd_api_directory_group_add(struct sd_req *r);
enum MHD_Result sd_api_directory_group_remove(struct sd_req *r);

/* api/ratings.c */
enum MHD_Result sd_api_ticket_rating(struct sd_req *r);
/* api/report_tickets.c */
enum MHD_Result sd_api_report_tickets(struct sd_req *r);

/* db/login.c */
/* One login attempt, from the request through the worker and back. */
struct sd_login {
	int lg_tenant;
	char lg_tenant_code[8];
	char lg_login[136];
	char *lg_password; /* wiped and freed with the attempt */
	const char *lg_addr;
	long long lg_person; /* 0: no such person (yet) */
	char lg_kind[16];
	char lg_source[16];
	char lg_hash[SD_PASSWORD_HASH_LEN];
	int lg_active;
	int lg_expired;
	int lg_enrolled;
	int lg_locked; /* the account is locked */
	int lg_wait;   /* seconds before another try is allowed */
	int lg_result; /* enum sdesk_identity_status of the check */
	char lg_error[256];
	struct sdesk_identity_result *lg_dir; /* what the directory said, when it did */
	char lg_token[64];                    /* the new session's token */
	char lg_token_hash[65];
};
/* Account and address throttle keys of an attempt. */
void sd_login_keys(const struct sd_login *lg, char *acct, size_t alen, char *addr, size_t dlen);
/* Reads the throttle state and the person (if any) into lg. */
int sd_db_login_prepare(struct sd_db *db, struct sd_login *lg);
/* Counts a failed attempt (delays, lock) and audits it. */
int sd_db_login_failed(
	struct sd_db *db, struct sd_req *r, struct sd_login *lg, const char *reason);
/* Audits an attempt that was refused before any check (throttled, directory down). */
int sd_db_login_note(struct sd_db *db, struct sd_req *r, struct sd_login *lg,
	const char *action, const char *reason);
/*
 * After a good password: refreshes a directory user and its roles, opens a
 * session (token in lg), clears the throttle, audits.  SD_DB_NOTFOUND when
 * the person is inactive or expired.
 */
int sd_db_login_succeeded(
	struct sd_db *db, struct sd_req *r, struct sd_login *lg, const char *method);

/* db/mfa.c */
/* A person's MFA state as stored; secrets still sealed. */
struct sd_mfa_row {
	unsigned char *mr_secret; /* sealed, or NULL */
	size_t mr_secret_len;
	unsigned char *mr_pending; /* sealed secret awaiting its first code, or NULL */
	size_t mr_pending_len;
	int mr_enrolled;
	long long mr_last_counter; /* the last TOTP step accepted */
	char mr_login[132];
	char mr_email[256];
};
/* Reads and locks (FOR UPDATE) a person's MFA row. */
int sd_db_mfa_read(struct sd_dbc *c, long long person, struct sd_mfa_row *out);
/* Frees what sd_db_mfa_read allocated. */
void sd_db_mfa_row_free(struct sd_mfa_row *row);
/* Stores a sealed secret awaiting confirmation. */
int sd_db_mfa_set_pending(
	struct sd_dbc *c, long long person, const unsigned char *sealed, size_t len);
/* Makes the pending secret the secret, with fresh recovery code hashes. */
int sd_db_mfa_enrolled(struct sd_dbc *c, long long person, long long counter,
	unsigned char hashes[][32], size_t n);
/* Remembers the last accepted TOTP step (no code is accepted twice). */
int sd_db_mfa_counter(struct sd_dbc *c, long long person, long long counter);
/* Uses up a recovery code; SD_DB_NOTFOUND when no unused one matches. */
int sd_db_mfa_recovery_use(
	struct sd_dbc *c, long long person, const unsigned char hash[32], int *left);
/* Gives a session a new token hash and MFA state (rotation at privilege change). */
int sd_db_session_rotate(
	struct sd_dbc *c, long long session, const char *hash, const char *mfa);

/* db/tickets.c */
/* A ticket to create; the out fields are filled by sd_db_ticket_create. */
struct sd_ticket_new {
	long long tn_requester;     /* person id */
	long long tn_registered_by; /* 0: the requester filed it */
	long long tn_actor;         /* who asked (for the history) */
	const char *tn_type;
	int tn_pdb; /* personal-data breach */
	const char *tn_channel;
	const char *tn_category; /* NULL: none */
	const char *tn_subject;
	const char *tn_description;
	int tn_impact;
	int tn_urgency;
	const char *tn_classification;
	const char *tn_queue;        /* NULL: the service's or category's queue */
	const char *tn_service_code; /* a catalogue service offered there; NULL: none */
	const char *tn_idem_actor;   /* with tn_idem_key: makes retries safe */
	const char *tn_idem_key;
	const char *tn_idem_hash;
	long long tn_service;     /* the catalogue service it is about; 0: none */
	long long tn_order;       /* the order it fulfils; 0: none */
	long long tn_cost_centre; /* 0: the requester's */
	int tn_tenant;            /* out: the requester's tenant */
	char tn_tenant_code[8];
	int tn_priority;
	int tn_vip;
	char tn_queue_buf[40];
	char tn_number[32];
	int tn_replayed;        /* the number is an earlier create's */
	int tn_year;            /* the case-number year (Stockholm time) */
	long long tn_created;   /* the transaction's now(), its created_at (unix) */
	int tn_line;            /* its queue's line */
	long long tn_sla_stamp; /* the SLA configuration's stamp */
	const char *tn_error;   /* the field at fault on NOTFOUND/CONFLICT */
};
/* What sd_db_ticket_read finds. */
struct sd_ticket_row {
	json_t *tr_json; /* the API's view; the caller owns it */
	/*
	 * sd_db_ticket_get leaves tr_json NULL and gives the parts as they
	 * were stored instead (sd_ticket_row_clear frees them): the document's
	 * JSON text, the rating's (NULL: none) and the finished clocks (NULL:
	 * none shown).
	 */
	char *tr_doc;
	char *tr_rating;
	json_t *tr_sla;
	long long tr_id;
	int tr_tenant;
	char tr_class[16];
	int tr_status;
	int tr_is_requester;
	int tr_version;
	long long tr_resolved_at; /* Unix seconds, 0 if never */
};
/*
 * Checks the requester (tenant, priority, queue, into tn) or finds the
 * ticket of an earlier try with the same key (tn_replayed).
 */
int sd_db_ticket_prepare(struct sd_dbc *c, struct sd_ticket_new *tn);
/*
 * Creates the ticket sd_db_ticket_prepare checked, with its clocks; the
 * number goes to tn.
 */
int sd_db_ticket_insert(struct sd_dbc *c, struct sd_ticket_new *tn);
/*
 * Reads a visible ticket by case number, with its rating and SLA clocks;
 * SD_DB_NOTFOUND otherwise.  _get is the same outside a transaction, in
 * one round trip.  Both look for clocks only if asked (_read always asks):
 * a caller the clocks' policy shows none need not ask, see
 * sd_auth_sees_clocks.
 */
int sd_db_ticket_read(struct sd_dbc *c, const char *number, struct sd_ticket_row *out);
int sd_db_ticket_read_as(
	struct sd_dbc *c, const char *number, int clocks, struct sd_ticket_row *out);
int sd_db_ticket_get(struct sd_db *db, const struct sd_scope *scope, const char *number,
	int clocks, struct sd_ticket_row *out);
void sd_ticket_row_clear(struct sd_ticket_row *row);

/* db/ticket_update.c */
/* A ticket's changeable state, read with its row locked. */
struct sd_ticket_state {
	long long ts_id;
	int ts_tenant;
	int ts_version;
	int ts_status; /* enum sd_ticket_status */
	long long ts_requester;
	long long ts_assignee; /* 0: nobody */
	char ts_queue[40];
	int ts_line;
	int ts_escalated;
	int ts_impact, ts_urgency, ts_priority, ts_vip;
	char ts_category[48];
	char ts_service[48]; /* catalogue service code; "": none */
	char ts_class[16];
	char *ts_subject;
	char *ts_description;
	int ts_pdb;
	char ts_type[24];
	char ts_res_code[24];
	char *ts_res_text;
	int ts_fcr;
	long long ts_resolved_by;
	long long ts_resolved_at; /* Unix seconds, 0 if not resolved */
	int ts_reopen_count;
	int ts_first_response; /* staff have answered */
	char ts_number[32];
};
/* Locks and reads a visible ticket; SD_DB_NOTFOUND otherwise. */
int sd_db_ticket_lock(struct sd_dbc *c, const char *number, struct sd_ticket_state *t);
/* Frees the strings of t. */
void sd_ticket_state_free(struct sd_ticket_state *t);
/* A deep copy of src into dst (to change); -1 when out of memory. */
int sd_ticket_state_copy(struct sd_ticket_state *dst, const struct sd_ticket_state *src);
/*
 * Writes n over old (same id) if the version is still old's, with events;
 * SD_DB_CONFLICT when someone saved in between.
 */
int sd_db_ticket_save(struct sd_dbc *c, const struct sd_ticket_state *old,
	const struct sd_ticket_state *n, json_t *events, long long actor);
/* Appends history events ([{kind, public, data}]) to a ticket. */
int sd_db_ticket_events(
	struct sd_dbc *c, int tenant, long long ticket, long long actor, json_t *events);
/* Adds {kind, public, data} to an events array (data reference stolen). */
void sd_ticket_event(json_t *events, const char *kind, int public, json_t *data);

/* db/orders.c */
/* Why an order operation was refused (messages may be built at run time). */
struct sd_order_why {
	int ow_set;
	enum sd_error_code ow_code;
	char ow_field[80]; /* "" when about no one field */
	char ow_sv[256];
	char ow_en[256];
};
/* Records a refusal in w; returns SD_DB_CONFLICT, so the transaction rolls back. */
int sd_order_why(struct sd_order_why *w, enum sd_error_code code, const char *field,
	const char *sv, const char *en);
/* An order to place. */
struct sd_order_new {
	const char *on_service;     /* catalogue code */
	const char *on_cost_centre; /* code; "" for the orderer's own */
	int on_quantity;
	json_t *on_answers; /* the form's answers, borrowed */
	long long on_orderer;
	const char *on_orderer_name;
	int on_tenant; /* the orderer's municipality: orders are placed there */
	const char *on_tenant_code;
	const char *on_roles; /* the orderer's roles there, a JSON array */
	struct sd_order_why on_why;
	char on_number[32]; /* out: BEN-B2026-000012 */
	json_t *on_tickets; /* out: numbers of tickets filed now (the caller's array) */
};
/*
 * Checks and places an order (rights, form, prices of today), approves the
 * manager's step when the orderer is that manager, fulfils it when nothing
 * is left to approve, audits.  Refusals in on_why.
 */
int sd_db_order_create(struct sd_dbc *c, struct sd_req *r, struct sd_order_new *on);
/*
 * Files an approved order's tickets (as the appliance, in the order's
 * municipality), then returns the transaction to sc.  Ticket numbers are
 * appended to tickets.
 */
int sd_db_order_fulfil(struct sd_dbc *c, const struct sd_scope *sc, long long order_id,
	long long actor, json_t *tickets);
/* Reads a visible order's JSON (*doc is the caller's); SD_DB_NOTFOUND otherwise. */
int sd_db_order_read(
	struct sd_dbc *c, const char *number, json_t **doc, long long *id, int *tenant);
/*
 * A ticket is being resolved or closed: when it is an order's ticket, the
 * order is delivered (subscription and one-time fee start) or, for any
 * resolution but solved or a workaround, cancelled.  Refuses (SUBTASKS_OPEN
 * in why) to deliver while sub-tasks are open.
 */
int sd_db_order_ticket_done(struct sd_dbc *c, struct sd_req *r, long long ticket,
	const char *resolution, struct sd_order_why *why);
/* db/order_decision.c */
struct sd_order_decision {
	const char *od_number;
	int od_reject;
	const char *od_reason;
	const char *od_step; /* NULL: every pending step the caller holds */
	int od_last;         /* set: this decision settles the last step */
	struct sd_order_why od_why;
	json_t *od_tickets; /* out: tickets filed when it was the last approval */
};
/* Records an approver's decision and its consequences; refusals in od_why. */
int sd_db_order_decide(struct sd_dbc *c, struct sd_req *r, struct sd_order_decision *od);
/* db/ratings.c */
/* The rating of ticket as JSON into *out (NULL when not rated). */
int sd_db_rating_get(struct sd_dbc *c, long long ticket, json_t **out);
/*
 * Stores person's rating of the locked ticket t (a new one, or a change);
 * *fresh says which, *out is the rating as JSON (the caller's).
 */
int sd_db_rating_put(struct sd_dbc *c, const struct sd_ticket_state *t, long long person,
	int score, const char *comment, int *fresh, json_t **out);

/* db/reports.c */
/*
 * Tickets in and out, backlog, first-contact resolution and satisfaction
 * per tenant and month ("YYYY-MM-01" bounds, NULL for the last twelve
 * months; tenant a code or NULL) where scope reads reports; *out is the
 * caller's.
 */
int sd_db_report_tickets(struct sd_db *db, const struct sd_scope *scope, const char *from,
	const char *to, const char *tenant, json_t **out);
/* sla_calendars.c */
/* Takes the [sla] settings of conf (thresholds, the clock); once, at start. */
void sd_sla_setup(const struct sd_conf *conf);
/* The instant clocks are evaluated at: [sla] now when set, else the real clock. */
int64_t sd_sla_now(void);
struct sd_sla_ticket;
/* sd_sla_now, but never before t's last event on the real clock (clock skew). */
int64_t sd_sla_now_for(const struct sd_sla_ticket *t);
/* The warning thresholds in percent, ascending; *n of them. */
const int *sd_sla_percents(size_t *n);
/* The compiled calendar id at version, or NULL when it is not compiled yet. */
const struct sla_calendar *sd_sla_calendar_cached(long long id, int version);
/*
 * Compiles spec (JSON text) as calendar id at version and keeps it until
 * sd_sla_cache_free; NULL with the reason in err.
 */
const struct sla_calendar *sd_sla_calendar_add(
	long long id, int version, const char *spec, char *err, size_t errlen);
/*
 * The SLA rules (sdesk_sla_rules JSON) of tenant's tickets of type as
 * kept at configuration stamp, a copy the caller frees; NULL when none are
 * kept at that stamp.
 */
char *sd_sla_rules_cached(int tenant, const char *type, long long stamp);
/* Keeps text as those rules at stamp, unless rules of a newer stamp are kept. */
void sd_sla_rules_keep(int tenant, const char *type, long long stamp, const char *text);
/* Frees every compiled calendar and the rules kept (at exit). */
void sd_sla_cache_free(void);
/*
 * Parses a calendar spec object into cs; *exc holds its exceptions
 * (malloc'd, the caller frees).  0, or -1 with the path of the fault
 * ("spec.week.mon") in field and why in err.
 */
int sd_sla_spec_parse(json_t *spec, struct sla_calendar_spec *cs, struct sla_exception **exc,
	char *field, size_t flen, char *err, size_t errlen);

/* sla_engine.c */
/* The reports a security incident owes, in this order. */
enum sd_regulatory {
	SD_REG_NIS2_EARLY = 0,    /* NIS2 early warning, 24 h */
	SD_REG_NIS2_NOTIFICATION, /* NIS2 incident notification, 72 h */
	SD_REG_NIS2_FINAL,        /* NIS2 final report, a month after the notification */
	SD_REG_GDPR_IMY,          /* personal-data breach to IMY, 72 h */
	SD_REG__COUNT
};
/* Columns of sdesk_sla_input() (004_sla.sql). */
#define SD_SLA_INPUT_FIELDS 13
/* A ticket as its clocks see it. */
struct sd_sla_ticket {
	long long sk_id;
	int sk_tenant, sk_version, sk_priority, sk_status, sk_pdb, sk_line;
	char sk_type[24];
	long long sk_service; /* its catalogue service; 0: none */
	int64_t sk_created;
	int64_t sk_first_response;          /* 0: none yet */
	int64_t sk_closed;                  /* when closed; 0: not closed */
	int64_t sk_reported[SD_REG__COUNT]; /* when made, or SLA_TIME_NEVER */
	struct sla_tev *sk_ev;              /* malloc'd */
	size_t sk_nev, sk_cap;
};
/* An SLA policy (sr_line 0) or OLA target (sr_line 1, 2), as stored. */
struct sd_sla_rule {
	int sr_tenant;        /* 0: every tenant */
	long long sr_service; /* 0: every service */
	char sr_type[24];
	int sr_line;
	int sr_priority; /* 0: every priority (OLA) */
	long long sr_calendar;
	int sr_calver;
	char sr_calcode[48];
	int64_t sr_target
		[3]; /* seconds: first response, next update, resolution; OLA: [0]; -1 none */
	int sr_pause_supplier;
};
struct sd_sla_rules {
	struct sd_sla_rule *sr_rows; /* malloc'd */
	size_t sr_n, sr_cap;
};
/* What the clocks of a ticket are at one instant. */
struct sd_sla_result {
	struct sla_ticket_clock sr_clock[SLA_CK__COUNT];
	long long sr_calendar[SLA_CK__COUNT];
	int sr_calver[SLA_CK__COUNT];
	char sr_calcode[SLA_CK__COUNT][48];
	const struct sla_calendar *sr_cal[SLA_CK__COUNT];
	int sr_met[SLA_CK__COUNT]; /* closed ticket: 1 met, 0 breached; -1 not closed */
	int64_t sr_due;            /* the nearest due running clock, or SLA_TIME_NEVER */
	struct sla_regulatory sr_reg;
	int64_t sr_deadline[SD_REG__COUNT];
	int sr_nreg; /* regulatory deadlines that apply: 0, 3 (NIS2) or 4 (and IMY) */
};
/* Reads a row of sdesk_sla_input() (NULL for SQL NULL) into t; 0 or -1. */
int sd_sla_ticket_parse(struct sd_sla_ticket *t, const char *const f[SD_SLA_INPUT_FIELDS]);
/* Its events "unix kind arg;..." into t->sk_ev (first response and creation added). */
int sd_sla_ticket_events(struct sd_sla_ticket *t, const char *text);
/* The reports made, "kind unix;...", into t->sk_reported. */
void sd_sla_ticket_reported(struct sd_sla_ticket *t, const char *text);
/* Frees what the parse allocated and zeroes t. */
void sd_sla_ticket_clear(struct sd_sla_ticket *t);
/* The stable name of a regulatory report kind ("nis2_early_warning", ...). */
const char *sd_sla_regulatory_name(int kind);
/* Reads sdesk_sla_rules() JSON into r, compiling calendars not cached; 0 or -1. */
int sd_sla_rules_parse(struct sd_sla_rules *r, const char *text, char *err, size_t errlen);
/* Frees r's rows and zeroes it. */
void sd_sla_rules_clear(struct sd_sla_rules *r);
/* Evaluates every clock of t at now under rules; 0, or -1 with err. */
int sd_sla_compute(const struct sd_sla_ticket *t, const struct sd_sla_rules *rules, int64_t now,
	struct sd_sla_result *res, char *err, size_t errlen);
/* One element of sdesk_sla_store()'s batch for t; the caller owns it. */
json_t *sd_sla_store_doc(
	const struct sd_sla_ticket *t, const struct sd_sla_result *res, int64_t now);

/* sla_json.c */
/* Finds a calendar the cache lacks (by id, at its present version). */
struct sd_sla_loader {
	const struct sla_calendar *(*ld_load)(void *ctx, long long id);
	void *ld_ctx;
};
/* One clock as the API shows it (met -1: null); the caller owns it. */
json_t *sd_sla_clock_json(
	const char *state, int64_t target, int64_t elapsed, int64_t due, int breached, int met);
/*
 * Replaces the stored figures under "sla" of a ticket or summary (or of
 * each in an array) by the clocks as the API shows them now.
 */
void sd_sla_decorate(json_t *v, const struct sd_sla_loader *ld);
/* GET /tickets/{number}/sla's clocks and deadlines of t; the caller owns it. */
json_t *sd_sla_live_json(
	const struct sd_sla_ticket *t, const struct sd_sla_result *res, int64_t now);

/* sla_scheduler.c */
struct sd_sla_scheduler;
/* Starts the thread that fires due warnings; NULL (logged) when it cannot. */
struct sd_sla_scheduler *sd_sla_scheduler_start(struct sd_app *app);
/* Stops it (within one sleep) and frees it; NULL is fine. */
void sd_sla_scheduler_stop(struct sd_sla_scheduler *s);
/* Claims and fires up to limit due warnings; how many, or -1. */
int sd_sla_fire(struct sd_app *app, const char *who, int limit, int64_t *next);

/* db/sla_clocks.c */
/* Recomputes and stores ticket's clocks inside the caller's transaction. */
int sd_db_sla_recompute(struct sd_dbc *c, long long ticket);
/*
 * The clocks of the ticket tn is about to create (sd_db_ticket_prepare
 * filled it), computed before it exists: *due the nearest deadline
 * (SLA_TIME_NEVER: none), *store what sd_db_sla_store stores once its
 * "ticket" is set (the caller's; NULL when the computation failed, which
 * is logged and no error).
 */
int sd_db_sla_fresh(
	struct sd_dbc *c, const struct sd_ticket_new *tn, int64_t *due, json_t **store);
/*
 * Stores doc, one ticket's clocks from sd_sla_store_doc (taken); fresh:
 * its first, of a ticket this transaction created.
 */
int sd_db_sla_store(struct sd_dbc *c, json_t *doc, int fresh);
/* Evaluates ticket's clocks now without storing them; *out the caller's. */
int sd_db_sla_live(struct sd_dbc *c, long long ticket, const char *number, json_t **out);
/* sd_sla_decorate, loading missing calendars through c (inside a transaction). */
void sd_db_sla_decorate(struct sd_dbc *c, json_t *v);
/* sd_sla_decorate, loading missing calendars in scope (outside a transaction). */
void sd_sla_decorate_db(struct sd_db *db, const struct sd_scope *scope, json_t *v);

/* db/sla_config.c */
/* A calendar to create or change (PUT /sla/calendars/{code}). */
struct sd_sla_calendar_in {
	const char *ci_code;
	int ci_tenant; /* 0: shared by every tenant */
	const char *ci_name;
	const char *ci_spec; /* checked JSON text */
};
/* Fills *out with "calendars", "policies" or "ola" as the API lists them. */
int sd_db_sla_config_get(struct sd_req *r, const char *what, json_t **out);
/* Creates or changes (version + 1) and audits a calendar; *out is it. */
int sd_db_sla_calendar_put(struct sd_req *r, const struct sd_sla_calendar_in *in,
	struct sd_fault *f, json_t **out, int *created);
/*
 * Replaces the policies (ola 0) or OLA targets (1) with rows (calendars by
 * code) and audits it; *out is the new list.  A refusal in f may name a
 * field held in field (64 bytes).
 */
int sd_db_sla_rules_put(
	struct sd_req *r, int ola, json_t *rows, struct sd_fault *f, char *field, json_t **out);

/* db/regulatory.c */
/* Records that the report kind of r's ticket was made at; *out is its live SLA. */
int sd_db_regulatory_report(
	struct sd_req *r, const char *kind, int64_t at, struct sd_fault *f, json_t **out);

/* db/sla_reports.c */
/* A compliance report: group by, closing dates (NULL: open), one tenant (0: all). */
struct sd_sla_report_query {
	const char *sq_group; /* tenant, service, priority, type, month */
	const char *sq_from, *sq_to;
	int sq_tenant;
};
/* Fills *out with the rows {key, clock, total, met, breached, percent}. */
int sd_db_sla_compliance(struct sd_req *r, const struct sd_sla_report_query *q, json_t **out);

/* db/tenants.c */
/* Fills *out with a JSON array of the tenants visible in scope. */
int sd_db_tenants_list(struct sd_db *db, const struct sd_scope *scope, json_t **out);
/*
 * Fills *out with tenant id and its departments and cost centres as scope
 * sees them; SD_DB_NOTFOUND when no such tenant.
 */
int sd_db_tenant_get(struct sd_db *db, const struct sd_scope *scope, int id, json_t **out);

/* db/people.c */
/* A search of people. */
struct sd_people_query {
	const char *pq_tenants; /* where to look, as a PostgreSQL array "{2,3}" */
	const char *pq_q;       /* prefix of login, name or e-mail; "" for everyone */
	long long pq_limit;
	long long pq_after_id; /* keyset: after (pq_after_name, id); 0 from the start */
	const char *pq_after_name;
};
/* Fills *out with an array of Person objects, sorted by name; *more when more follow. */
int sd_db_people_search(struct sd_db *db, const struct sd_scope *scope,
	const struct sd_people_query *q, json_t **out, int *more);
/* Reads a Person with "roles" into *out and their tenant; SD_DB_NOTFOUND when unseen. */
int sd_db_person_get(struct sd_db *db, const struct sd_scope *scope, long long id, json_t **out,
	int *tenant);
/* What the checks need to know of a person. */
struct sd_person_facts {
	long long pf_id;
	int pf_tenant;
	char pf_tenant_code[8];
	char pf_kind[16];
	char pf_source[16];
	char pf_login[136];
	char pf_name[208];
	struct sd_grant *pf_grants; /* malloc'd; sd_person_facts_clear frees */
	size_t pf_ngrants;
};
/* Frees and zeroes what a facts read filled in. */
void sd_person_facts_clear(struct sd_person_facts *pf);
/* Reads and locks (FOR UPDATE) person id in c's scope; SD_DB_NOTFOUND when unseen. */
int sd_db_person_lock(struct sd_dbc *c, long long id, struct sd_person_facts *pf);
/*
 * Reads person id for r's caller to administer: SD_DB_NOTFOUND when not
 * theirs to administer, a 403 fault when not theirs to take over.
 */
int sd_db_person_facts(
	struct sd_req *r, long long id, struct sd_person_facts *pf, struct sd_fault *f);
/* A new local account. */
struct sd_person_new {
	int pn_tenant;
	const char *pn_login; /* lowercase, checked */
	const char *pn_name;
	const char *pn_email; /* NULL: none */
	const char *pn_kind;
	char pn_expires[32];       /* RFC 3339, "" for none */
	const char *pn_department; /* codes; NULL: none */
	const char *pn_cost_centre;
	char pn_hash[SD_PASSWORD_HASH_LEN];
};
/* Creates and audits a local account; *out is the Person. */
int sd_db_person_create(
	struct sd_req *r, const struct sd_person_new *pn, struct sd_fault *f, json_t **out);
/* pc_set bits: the fields a change names (in this order in the audit row). */
#define SD_PC_NAME 0x01
#define SD_PC_EMAIL 0x02
#define SD_PC_ACTIVE 0x04
#define SD_PC_EXPIRES 0x08
#define SD_PC_DEPARTMENT 0x10
#define SD_PC_COST_CENTRE 0x20
#define SD_PC_PASSWORD 0x40
/* A change to a person; NULL strings with their bit set clear the value. */
struct sd_person_change {
	long long pc_id;
	unsigned pc_set;
	const char *pc_name;
	const char *pc_email;
	int pc_active;
	char pc_expires[32]; /* RFC 3339, "" for none */
	const char *pc_department;
	const char *pc_cost_centre;
	char pc_hash[SD_PASSWORD_HASH_LEN];
};
/*
 * Checks, applies and audits a change (deactivating or a new password ends
 * the person's sessions); *out is the Person afterwards.
 */
int sd_db_person_update(
	struct sd_req *r, const struct sd_person_change *pc, struct sd_fault *f, json_t **out);
/* Lifts the login lock of person id and audits it; *was_locked says if one was there. */
int sd_db_person_unlock(struct sd_req *r, long long id, struct sd_fault *f, int *was_locked);

/* db/roles.c */
/* A role to grant by hand. */
struct sd_role_new {
	long long rn_person;
	const char *rn_role;        /* checked: sd_role_valid, team rules */
	int rn_scope;               /* tenant id; 0: every tenant */
	const char *rn_scope_code;  /* its code, or "*" */
	const char *rn_team;        /* NULL: none */
	const char *rn_cost_centre; /* code; NULL: none */
};
/*
 * Grants and audits a role (a role that needs MFA ends the person's
 * sessions); *out is the grant.  SD_DB_NOTFOUND when the person is not the
 * caller's to grant roles to; refusals in f name the field.
 */
int sd_db_role_grant(
	struct sd_req *r, const struct sd_role_new *rn, struct sd_fault *f, json_t **out);
/* Revokes and audits grant of person; directory grants are refused (409). */
int sd_db_role_revoke(struct sd_req *r, long long person, long long grant, struct sd_fault *f);

/* db/tokens.c */
/* Fills *out with the tokens of tenants ("{2,3}"), newest first. */
int sd_db_tokens_list(
	struct sd_db *db, const struct sd_scope *scope, const char *tenants, json_t **out);
/* A token to store; the secret itself never reaches the database. */
struct sd_token_new {
	int tn_tenant;
	const char *tn_name;
	const char *tn_perms; /* checked names as a PostgreSQL array "{a,b}" */
	char tn_expires[32];  /* RFC 3339 */
	char tn_hash[65];     /* sd_token_hash of the secret */
};
/* Stores and audits a token; *out is the token as the API shows it. */
int sd_db_token_create(struct sd_req *r, const struct sd_token_new *tn, json_t **out);
/* Revokes and audits token id; SD_DB_NOTFOUND when not the caller's to manage. */
int sd_db_token_revoke(struct sd_req *r, long long id, struct sd_fault *f);

/* db/audit.c */
/* A page of the audit trail. */
struct sd_audit_query {
	const char *aq_tenants; /* "{2,3}", or NULL for every row the scope sees */
	const char *aq_action;  /* exact; NULL: any */
	long long aq_before;    /* keyset: ids below; 0: from the newest */
	long long aq_limit;
};
/* Fills *out with rows newest first; *next is the before of the next page, 0 at the end. */
int sd_db_audit_list(struct sd_db *db, const struct sd_scope *scope,
	const struct sd_audit_query *q, json_t **out, long long *next);

/* db/tenant_settings.c */
/*
 * Reads (set -1) or sets (0 or 1, audited) mfa_all_users of tenant in r's
 * scope; *mfa_all_users is the value afterwards.
 */
int sd_db_tenant_settings(struct sd_req *r, int tenant, int set, int *mfa_all_users);

/* db/directory_groups.c */
/* Fills *out with tenant's group mappings. */
int sd_db_directory_groups_list(
	struct sd_db *db, const struct sd_scope *scope, int tenant, json_t **out);
/* A group mapping to add. */
struct sd_group_new {
	int gn_tenant;
	const char *gn_dn;
	const char *gn_role;
	const char *gn_team; /* NULL: none */
	int gn_all;          /* the role over every tenant */
};
/* Adds and audits a mapping (409 in f when there is one); *out is it. */
int sd_db_directory_group_add(
	struct sd_req *r, const struct sd_group_new *gn, struct sd_fault *f, json_t **out);
/* Removes and audits mapping id of tenant; SD_DB_NOTFOUND when there is none. */
int sd_db_directory_group_remove(
	struct sd_req *r, int tenant, long long id, struct sd_fault *f);

#endif
