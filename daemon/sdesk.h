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
	unsigned sc_db_statement_timeout; /* [database] statement_timeout: ms */
	unsigned sc_db_acquire_timeout;   /* [database] acquire_timeout: ms */
	int sc_db_migrate;                /* [database] migrate: apply at start-up */
	int sc_log_level;                 /* [log] level */
	char *sc_plugin_dir;              /* [paths] plugin_dir */
	char *sc_webroot;                 /* [paths] webroot */
	char *sc_state_dir;               /* [paths] state_dir: key files and the like */
	char **sc_plugins;                /* [plugins] load = a, b: NULL-terminated */
	struct sd_conf_kv *sc_kv;         /* every [plugin.*] key, for plugins */
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
#define SD_RT_JSON 0x1 /* the body, if any, must be a JSON object */

#define SD_MAX_PARAMS 4

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
};

struct sd_metrics;

/* The daemon: everything a handler can reach through r->rq_app. */
struct sd_app {
	struct sd_conf *ap_conf;
	struct sd_db *ap_db;
	struct sd_metrics *ap_metrics;
	struct sd_plugins *ap_plugins;
	struct MHD_Daemon *ap_mhd;
	unsigned ap_port; /* the bound port */
	atomic_int ap_inflight;
	atomic_int ap_stopping;
	time_t ap_started;
};

/* Starts the HTTP server; 0 or -1 with err filled. */
int sd_http_start(struct sd_app *app, char *err, size_t errlen);
/* Stops accepting connections, waits for in-flight requests, then stops. */
void sd_http_drain_and_stop(struct sd_app *app, unsigned timeout_s);
/* Value of a request header, or NULL. */
const char *sd_req_header(struct sd_req *r, const char *name);
/* Value of a query-string argument, or NULL. */
const char *sd_req_query(struct sd_req *r, const char *name);

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
/* Maps an sd_db_rc failure to its error reply. */
enum MHD_Result sd_reply_db_error(struct sd_req *r, int rc);
/* Queues 405 with an Allow header for mask. */
enum MHD_Result sd_reply_not_allowed(struct sd_req *r, unsigned mask);

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
/* Number of loaded plugins. */
size_t sd_plugins_count(const struct sd_plugins *ps);
/* Checks that a plugin name is [a-z0-9_]{1,32}: never a path. */
int sd_plugin_name_ok(const char *name);

/* A file compiled into the binary (migrations, demo data). */
struct sd_sql_file {
	const char *sf_name; /* e.g. "001_base.sql" */
	const char *sf_sql;
};

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

/* api/healthz.c */
enum MHD_Result sd_api_healthz(struct sd_req *r);
/* api/metrics.c */
enum MHD_Result sd_api_metrics(struct sd_req *r);
/* api/tenants.c */
enum MHD_Result sd_api_tenants_list(struct sd_req *r);
enum MHD_Result sd_api_tenant_get(struct sd_req *r);

/* db/tenants.c */
/* Fills *out with a JSON array of the tenants visible in scope. */
int sd_db_tenants_list(struct sd_db *db, const struct sd_scope *scope, json_t **out);
/*
 * Fills *out with one tenant (by code) with its departments and cost
 * centres, read under a scope of that tenant alone.  SD_DB_NOTFOUND when no
 * such tenant.
 */
int sd_db_tenant_get(struct sd_db *db, const char *code, json_t **out);

#endif
