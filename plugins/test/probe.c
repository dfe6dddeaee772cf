/*
 * probe.c: a notifier plugin built only for the tests of the plugin
 * loader.  Compiled three ways: as it is (sdesk_probe.so), with a foreign
 * ABI major version (sdesk_probeabi.so) and without operations
 * (sdesk_probenoops.so).  Its preflight fails when its configuration says
 * fail_preflight = yes, and it writes each message it is given to the file
 * named by outbox.
 */
#include <stdio.h>
#include <string.h>

#include "sdesk_plugin.h"

#ifndef PROBE_ABI_MAJOR
#define PROBE_ABI_MAJOR SDESK_PLUGIN_ABI_MAJOR
#endif

const struct sdesk_plugin *sdesk_plugin_init(const struct sdesk_host *host, const char *name);

struct probe {
	const struct sdesk_host *pr_host;
	char pr_name[64];
};

static struct probe probe_self;

static int
probe_preflight(void *self, char *err, size_t errlen)
{
	struct probe *p = self;
	const char *v = p->pr_host->sh_config_get(p->pr_host, p->pr_name, "fail_preflight");

	if (v != NULL && strcmp(v, "yes") == 0) {
		snprintf(err, errlen, "asked to fail by fail_preflight = yes");
		return -1;
	}
	return 0;
}

#ifndef PROBE_NO_OPS
static int
probe_send(void *self, const struct sdesk_message *msg, unsigned timeout_ms, char *err,
	size_t errlen)
{
	struct probe *p = self;
	const char *path = p->pr_host->sh_config_get(p->pr_host, p->pr_name, "outbox");
	FILE *f;

	(void)timeout_ms;
	if (path == NULL || (f = fopen(path, "a")) == NULL) {
		snprintf(err, errlen, "no writable outbox");
		return -1;
	}
	fprintf(f, "%s\t%s\n", msg->m_to, msg->m_subject);
	return fclose(f) == 0 ? 0 : -1;
}

static const struct sdesk_notifier_ops probe_ops = {
	sizeof(struct sdesk_notifier_ops),
	probe_send,
};
#endif

static struct sdesk_plugin probe_plugin = {
	sizeof(struct sdesk_plugin),
	PROBE_ABI_MAJOR,
	SDESK_PLUGIN_ABI_MINOR,
	SDESK_PLUGIN_NOTIFIER,
	"probe",
	"1.0",
	&probe_self,
	probe_preflight,
	NULL,
#ifdef PROBE_NO_OPS
	NULL,
#else
	&probe_ops,
#endif
};

const struct sdesk_plugin *
sdesk_plugin_init(const struct sdesk_host *host, const char *name)
{
	if (host->sh_size < sizeof(*host) || host->sh_abi_major != SDESK_PLUGIN_ABI_MAJOR)
		return NULL;
	probe_self.pr_host = host;
	snprintf(probe_self.pr_name, sizeof(probe_self.pr_name), "%s", name);
	host->sh_log(host, SDESK_LOG_INFO, name, "probe plugin initialised");
	return &probe_plugin;
}
