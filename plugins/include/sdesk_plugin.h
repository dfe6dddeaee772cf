/*
 * sdesk_plugin.h: the plugin ABI of sdeskd.
 *
 * A plugin is a shared object named sdesk_<name>.so in the plugin directory.
 * It exports one symbol, sdesk_plugin_init, which returns a description of
 * the plugin.  The rules that keep old plugins loadable:
 *
 *  - Structs only ever grow at the end.  Each carries its own size, and the
 *    host treats any field past that size as absent (NULL / 0).
 *  - A change that is not "add a field at the end" bumps the major version;
 *    the host refuses a plugin whose major version differs from its own.
 *  - The host checks what a plugin offers (the kind, the ops size) instead of
 *    assuming it.
 *
 * Nothing here depends on the daemon's own headers, so a plugin can be built
 * out of tree with only this file.
 */
#ifndef SDESK_PLUGIN_H
#define SDESK_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define SDESK_PLUGIN_ABI_MAJOR 1
#define SDESK_PLUGIN_ABI_MINOR 0

/* The symbol every plugin exports. */
#define SDESK_PLUGIN_INIT_SYMBOL "sdesk_plugin_init"

/* What a plugin is for; the configuration names the kind it expects. */
enum sdesk_plugin_kind {
	SDESK_PLUGIN_IDENTITY = 1, /* authenticates people against a directory */
	SDESK_PLUGIN_NOTIFIER = 2, /* delivers messages (e-mail, chat, SMS) */
	SDESK_PLUGIN_EXPORTER = 3, /* writes data out (invoices, archives) */
	SDESK_PLUGIN_IMPORTER = 4, /* reads data in (people, devices) */
};

/* Log levels the host understands; same order as the daemon's own. */
enum sdesk_plugin_log_level {
	SDESK_LOG_ERROR = 0,
	SDESK_LOG_WARN = 1,
	SDESK_LOG_INFO = 2,
	SDESK_LOG_DEBUG = 3,
};

/*
 * What the host offers a plugin.  Valid for the life of the process.
 */
struct sdesk_host {
	uint32_t sh_size;      /* sizeof(struct sdesk_host) of the host */
	uint16_t sh_abi_major; /* SDESK_PLUGIN_ABI_MAJOR of the host */
	uint16_t sh_abi_minor; /* SDESK_PLUGIN_ABI_MINOR of the host */
	/* Writes one log line tagged with the plugin's name. */
	void (*sh_log)(const struct sdesk_host *host, int level, const char *plugin,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
	/*
	 * Looks up key in the plugin's own configuration section
	 * ([plugin.<name>]); NULL when unset.  The string belongs to the host.
	 */
	const char *(*sh_config_get)(
		const struct sdesk_host *host, const char *plugin, const char *key);
	void *sh_private; /* the host's own state; opaque to plugins */
};

/*
 * Identity back-end operations (kind SDESK_PLUGIN_IDENTITY).  Blocking calls:
 * the host runs them off the request threads and passes a timeout.
 */
struct sdesk_identity_result {
	uint32_t ir_size;        /* sizeof as the host allocated it */
	char ir_uid[128];        /* the directory's login name */
	char ir_name[256];       /* display name */
	char ir_mail[256];       /* e-mail address */
	char ir_department[256]; /* department as the directory names it */
	/* Group DNs (or names) the person belongs to, NUL-separated, "" ended. */
	char ir_groups[8192];
	char ir_error[256]; /* human-readable reason when not SDESK_ID_OK */
};

enum sdesk_identity_status {
	SDESK_ID_OK = 0,          /* authenticated; the result is filled */
	SDESK_ID_DENIED = 1,      /* unknown user, wrong password or disabled */
	SDESK_ID_UNAVAILABLE = 2, /* the directory did not answer in time */
	SDESK_ID_ERROR = 3,       /* misconfiguration or protocol error */
};

struct sdesk_identity_ops {
	uint32_t io_size; /* sizeof(struct sdesk_identity_ops) of the plugin */
	/*
	 * Checks a login and fills res.  realm selects the per-tenant
	 * directory settings (the tenant code).  Returns an
	 * enum sdesk_identity_status.
	 */
	int (*io_authenticate)(void *self, const char *realm, const char *login,
		const char *password, unsigned timeout_ms, struct sdesk_identity_result *res);
	/*
	 * Looks a person up without a password (for technicians registering a
	 * ticket for a caller).  Same result and status as authenticate.
	 */
	int (*io_lookup)(void *self, const char *realm, const char *login, unsigned timeout_ms,
		struct sdesk_identity_result *res);
};

/* A message to deliver (kind SDESK_PLUGIN_NOTIFIER). */
struct sdesk_message {
	uint32_t m_size;         /* sizeof as the host allocated it */
	const char *m_to;        /* recipient address */
	const char *m_subject;   /* UTF-8 */
	const char *m_body_text; /* UTF-8 plain text */
	const char *m_reference; /* e.g. the case number, for threading */
};

struct sdesk_notifier_ops {
	uint32_t no_size; /* sizeof(struct sdesk_notifier_ops) of the plugin */
	/* Delivers one message; 0 when accepted, -1 with err filled otherwise. */
	int (*no_send)(void *self, const struct sdesk_message *msg, unsigned timeout_ms,
		char *err, size_t errlen);
};

/* Exporters and importers move documents; the format is theirs to name. */
struct sdesk_exporter_ops {
	uint32_t eo_size; /* sizeof(struct sdesk_exporter_ops) of the plugin */
	/* Writes a JSON document (UTF-8) out; 0 or -1 with err filled. */
	int (*eo_export)(void *self, const char *what, const char *json, size_t len, char *err,
		size_t errlen);
};

struct sdesk_importer_ops {
	uint32_t imo_size; /* sizeof(struct sdesk_importer_ops) of the plugin */
	/*
	 * Produces a JSON document (UTF-8) for what; *out is malloc'd and
	 * becomes the caller's.  0 or -1 with err filled.
	 */
	int (*imo_import)(void *self, const char *what, char **out, size_t *outlen, char *err,
		size_t errlen);
};

/*
 * The plugin's description, returned by sdesk_plugin_init.  Owned by the
 * plugin; the host calls sp_free (if set) once at shutdown.
 */
struct sdesk_plugin {
	uint32_t sp_size;       /* sizeof(struct sdesk_plugin) of the plugin */
	uint16_t sp_abi_major;  /* SDESK_PLUGIN_ABI_MAJOR the plugin was built with */
	uint16_t sp_abi_minor;  /* SDESK_PLUGIN_ABI_MINOR the plugin was built with */
	uint32_t sp_kind;       /* enum sdesk_plugin_kind */
	const char *sp_name;    /* short name, e.g. "ldap" */
	const char *sp_version; /* the plugin's own version string */
	void *sp_self;          /* the plugin's state, passed back to every call */
	/*
	 * Checks, at start-up, that the plugin can work (configuration
	 * complete, files readable).  0 when fine; -1 with err filled refuses
	 * the start.  NULL means nothing to check.
	 */
	int (*sp_preflight)(void *self, char *err, size_t errlen);
	void (*sp_free)(void *self); /* releases sp_self; may be NULL */
	/* Points at the ops struct of sp_kind (e.g. sdesk_identity_ops). */
	const void *sp_ops;
};

/*
 * The one entry point.  Returns NULL (after logging through host) when the
 * plugin cannot start.
 */
typedef const struct sdesk_plugin *(*sdesk_plugin_init_fn)(
	const struct sdesk_host *host, const char *name);

#endif
