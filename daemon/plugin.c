/*
 * plugin.c: finds plugins by name in the plugin directory, checks what they
 * offer and runs their preflight.
 *
 * A plugin is named in the configuration ([plugins] load = ldap) together
 * with the kind the configuration expects ([plugin.ldap] kind = identity);
 * the file is always <plugin_dir>/sdesk_<name>.so, never a path from the
 * configuration, so a config edit cannot load arbitrary code.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

struct sd_plugin_slot {
	char *ps_name;
	void *ps_dl;
	const struct sdesk_plugin *ps_plugin;
};

struct sd_plugins {
	struct sdesk_host pl_host;
	const struct sd_conf *pl_conf;
	struct sd_plugin_slot *pl_slots;
	size_t pl_n;
};

/* Sorted by name. */
static const struct {
	const char *name;
	unsigned kind;
} plugin_kinds[] = {
	{"exporter", SDESK_PLUGIN_EXPORTER},
	{"identity", SDESK_PLUGIN_IDENTITY},
	{"importer", SDESK_PLUGIN_IMPORTER},
	{"notifier", SDESK_PLUGIN_NOTIFIER},
};

int
sd_plugin_name_ok(const char *name)
{
	size_t n = 0;

	for (; name[n] != '\0'; n++)
		if (!((name[n] >= 'a' && name[n] <= 'z') ||
			    (name[n] >= '0' && name[n] <= '9') || name[n] == '_'))
			return 0;
	return n >= 1 && n <= 32;
}

static unsigned
plugin_kind_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(plugin_kinds) / sizeof(plugin_kinds[0]); i++)
		if (strcmp(s, plugin_kinds[i].name) == 0)
			return plugin_kinds[i].kind;
	return 0;
}

static const char *
plugin_kind_name(unsigned kind)
{
	size_t i;

	for (i = 0; i < sizeof(plugin_kinds) / sizeof(plugin_kinds[0]); i++)
		if (plugin_kinds[i].kind == kind)
			return plugin_kinds[i].name;
	return "unknown";
}

static void plugin_host_log(const struct sdesk_host *host, int level, const char *plugin,
	const char *fmt, ...) SD_PRINTF(4, 5);

static void
plugin_host_log(
	const struct sdesk_host *host, int level, const char *plugin, const char *fmt, ...)
{
	char subsys[48];
	va_list ap;

	(void)host;
	snprintf(subsys, sizeof(subsys), "plugin %s", plugin);
	va_start(ap, fmt);
	sd_vlog(level, subsys, fmt, ap);
	va_end(ap);
}

static const char *
plugin_host_config(const struct sdesk_host *host, const char *plugin, const char *key)
{
	const struct sd_plugins *ps = host->sh_private;
	char section[48];

	snprintf(section, sizeof(section), "plugin.%s", plugin);
	return sd_conf_section_get(ps->pl_conf, section, key);
}

/* Checks what the plugin says it is against what the host and config need. */
static int
plugin_check(const struct sdesk_plugin *p, const char *name, unsigned want_kind, char *err,
	size_t errlen)
{
	if (p->sp_size < offsetof(struct sdesk_plugin, sp_kind) + sizeof(p->sp_kind)) {
		snprintf(err, errlen, "plugin %s: description too short (%u bytes)", name,
			(unsigned)p->sp_size);
		return -1;
	}
	if (p->sp_abi_major != SDESK_PLUGIN_ABI_MAJOR) {
		snprintf(err, errlen,
			"plugin %s: built for ABI %u.%u, this sdeskd speaks ABI %u.%u; rebuild "
			"it",
			name, (unsigned)p->sp_abi_major, (unsigned)p->sp_abi_minor,
			(unsigned)SDESK_PLUGIN_ABI_MAJOR, (unsigned)SDESK_PLUGIN_ABI_MINOR);
		return -1;
	}
	if (p->sp_kind != want_kind) {
		snprintf(err, errlen, "plugin %s: is a %s plugin, the configuration expects %s",
			name, plugin_kind_name(p->sp_kind), plugin_kind_name(want_kind));
		return -1;
	}
	if (p->sp_size < offsetof(struct sdesk_plugin, sp_ops) + sizeof(p->sp_ops) ||
		p->sp_ops == NULL) {
		snprintf(err, errlen, "plugin %s: offers no operations", name);
		return -1;
	}
	return 0;
}

static int
plugin_load_one(struct sd_plugins *ps, struct sd_plugin_slot *slot, const char *name, char *err,
	size_t errlen)
{
	const struct sd_conf *conf = ps->pl_conf;
	char section[48], file[64], perr[256];
	const char *kindname;
	sdesk_plugin_init_fn init;
	const struct sdesk_plugin *p;
	unsigned kind;
	char *path;

	snprintf(section, sizeof(section), "plugin.%s", name);
	kindname = sd_conf_section_get(conf, section, "kind");
	if (kindname == NULL || (kind = plugin_kind_parse(kindname)) == 0) {
		snprintf(err, errlen,
			"plugin %s: set [%s] kind = identity, notifier, exporter or importer",
			name, section);
		return -1;
	}
	snprintf(file, sizeof(file), "sdesk_%s.so", name);
	if ((path = sd_path_join(conf->sc_plugin_dir, file)) == NULL)
		return -1;
	slot->ps_dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (slot->ps_dl == NULL) {
		snprintf(err, errlen, "plugin %s: cannot load %s: %s", name, path, dlerror());
		free(path);
		return -1;
	}
	free(path);
	*(void **)(&init) = dlsym(slot->ps_dl, SDESK_PLUGIN_INIT_SYMBOL);
	if (init == NULL) {
		snprintf(
			err, errlen, "plugin %s: no %s symbol", name, SDESK_PLUGIN_INIT_SYMBOL);
		return -1;
	}
	if ((p = init(&ps->pl_host, name)) == NULL) {
		snprintf(err, errlen, "plugin %s: initialisation failed (see above)", name);
		return -1;
	}
	slot->ps_plugin = p;
	if (plugin_check(p, name, kind, err, errlen) < 0)
		return -1;
	perr[0] = '\0';
	if (p->sp_preflight != NULL && p->sp_preflight(p->sp_self, perr, sizeof(perr)) != 0) {
		snprintf(err, errlen, "plugin %s: preflight failed: %s", name,
			perr[0] ? perr : "no reason given");
		return -1;
	}
	sd_log(SD_LOG_INFO, "plugin", "loaded %s (%s, version %s, ABI %u.%u)", name,
		plugin_kind_name(kind), p->sp_version ? p->sp_version : "?",
		(unsigned)p->sp_abi_major, (unsigned)p->sp_abi_minor);
	return 0;
}

struct sd_plugins *
sd_plugins_load(const struct sd_conf *conf, char *err, size_t errlen)
{
	struct sd_plugins *ps;
	size_t n = 0, i;

	while (conf->sc_plugins != NULL && conf->sc_plugins[n] != NULL)
		n++;
	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		goto oom;
	ps->pl_conf = conf;
	ps->pl_host.sh_size = sizeof(ps->pl_host);
	ps->pl_host.sh_abi_major = SDESK_PLUGIN_ABI_MAJOR;
	ps->pl_host.sh_abi_minor = SDESK_PLUGIN_ABI_MINOR;
	ps->pl_host.sh_log = plugin_host_log;
	ps->pl_host.sh_config_get = plugin_host_config;
	ps->pl_host.sh_private = ps;
	if (n > 0 && (ps->pl_slots = calloc(n, sizeof(*ps->pl_slots))) == NULL)
		goto oom;
	for (i = 0; i < n; i++) {
		const char *name = conf->sc_plugins[i];

		ps->pl_n = i + 1;
		if ((ps->pl_slots[i].ps_name = strdup(name)) == NULL)
			goto oom;
		if (plugin_load_one(ps, &ps->pl_slots[i], name, err, errlen) < 0)
			goto fail;
	}
	return ps;
oom:
	snprintf(err, errlen, "out of memory loading plugins");
fail:
	sd_plugins_free(ps);
	return NULL;
}

void
sd_plugins_free(struct sd_plugins *ps)
{
	size_t i;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->pl_n; i++) {
		struct sd_plugin_slot *s = &ps->pl_slots[i];

		if (s->ps_plugin != NULL && s->ps_plugin->sp_free != NULL)
			s->ps_plugin->sp_free(s->ps_plugin->sp_self);
		if (s->ps_dl != NULL)
			dlclose(s->ps_dl);
		free(s->ps_name);
	}
	free(ps->pl_slots);
	free(ps);
}

const struct sdesk_plugin *
sd_plugins_find(const struct sd_plugins *ps, unsigned kind, const char *name)
{
	size_t i;

	if (ps == NULL)
		return NULL;
	for (i = 0; i < ps->pl_n; i++) {
		const struct sdesk_plugin *p = ps->pl_slots[i].ps_plugin;

		if (p != NULL && p->sp_kind == kind &&
			(name == NULL || strcmp(ps->pl_slots[i].ps_name, name) == 0))
			return p;
	}
	return NULL;
}

/* True when the comma/space separated list names item. */
static int
plugin_list_has(const char *list, const char *item)
{
	size_t n = strlen(item);

	while (list != NULL && *list != '\0') {
		size_t l;

		list += strspn(list, ", \t");
		l = strcspn(list, ", \t");
		if (l == n && strncmp(list, item, n) == 0)
			return 1;
		list += l;
	}
	return 0;
}

const struct sdesk_plugin *
sd_plugins_identity_for(
	const struct sd_plugins *ps, const struct sd_conf *conf, const char *realm)
{
	char section[48];
	size_t i;

	for (i = 0; ps != NULL && i < ps->pl_n; i++) {
		const struct sdesk_plugin *p = ps->pl_slots[i].ps_plugin;

		if (p == NULL || p->sp_kind != SDESK_PLUGIN_IDENTITY)
			continue;
		snprintf(section, sizeof(section), "plugin.%s", ps->pl_slots[i].ps_name);
		if (plugin_list_has(sd_conf_section_get(conf, section, "realms"), realm))
			return p;
	}
	return NULL;
}

size_t
sd_plugins_count(const struct sd_plugins *ps)
{
	return ps ? ps->pl_n : 0;
}
