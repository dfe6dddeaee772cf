/*
 * ldap_probe.c: drives an identity plugin the way sdeskd would, for the
 * tests.  Loads the .so, gives it a host whose configuration is the
 * key=value pairs on the command line, runs preflight and then one
 * operation, and prints what came back as key=value lines:
 *
 *   ldap_probe [-t ms] [-s ir_size] [-j threads] PLUGIN.so preflight [key=value ...]
 *   ldap_probe ... PLUGIN.so auth REALM LOGIN PASSWORD [key=value ...]
 *   ldap_probe ... PLUGIN.so lookup REALM LOGIN [key=value ...]
 *
 * Output: preflight=ok|fail (and preflight_error=), status=OK|DENIED|
 * UNAVAILABLE|ERROR, elapsed_ms=, uid=, name=, mail=, department=, one
 * group= line per group, error=, and canary=intact|damaged when -s gives a
 * result smaller than the struct.  With -j N the operation runs on N
 * threads at once and threads_agree=yes|no tells whether all gave the same
 * status and fields.  The plugin's log lines go to stderr.  Exit status 0
 * when the operation ran, 2 on bad usage or a plugin that will not load.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sdesk_plugin.h"

#define PROBE_NAME "ldap"
#define PROBE_MAX_THREADS 32
#define PROBE_CANARY 0xa5

struct probe_conf {
	char **pc_kv; /* "key=value" strings from argv */
	int pc_n;
};

struct probe_job {
	const struct sdesk_plugin *pj_plugin;
	const char *pj_op, *pj_realm, *pj_login, *pj_password;
	unsigned pj_timeout_ms;
	uint32_t pj_size;
	unsigned char *pj_buf; /* sizeof(struct sdesk_identity_result) bytes */
	int pj_status;
	long pj_elapsed_ms;
};

static void probe_log(const struct sdesk_host *host, int level, const char *plugin,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
probe_log(const struct sdesk_host *host, int level, const char *plugin, const char *fmt, ...)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};
	va_list ap;

	(void)host;
	fprintf(stderr, "%s: plugin %s: ", level >= 0 && level <= 3 ? names[level] : "?",
		plugin);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *
probe_config(const struct sdesk_host *host, const char *plugin, const char *key)
{
	const struct probe_conf *pc = host->sh_private;
	size_t klen = strlen(key);
	int i;

	if (strcmp(plugin, PROBE_NAME) != 0)
		return NULL;
	for (i = pc->pc_n - 1; i >= 0; i--)
		if (strncmp(pc->pc_kv[i], key, klen) == 0 && pc->pc_kv[i][klen] == '=')
			return pc->pc_kv[i] + klen + 1;
	return NULL;
}

static long
probe_ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void *
probe_run(void *arg)
{
	struct probe_job *j = arg;
	const struct sdesk_identity_ops *ops = j->pj_plugin->sp_ops;
	struct sdesk_identity_result *res = (struct sdesk_identity_result *)j->pj_buf;
	struct timespec t0;

	memset(j->pj_buf, PROBE_CANARY, sizeof(*res));
	res->ir_size = j->pj_size;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (strcmp(j->pj_op, "auth") == 0)
		j->pj_status = ops->io_authenticate(j->pj_plugin->sp_self, j->pj_realm,
			j->pj_login, j->pj_password, j->pj_timeout_ms, res);
	else
		j->pj_status = ops->io_lookup(
			j->pj_plugin->sp_self, j->pj_realm, j->pj_login, j->pj_timeout_ms, res);
	j->pj_elapsed_ms = probe_ms_since(&t0);
	return NULL;
}

/* Prints a string field, only as far as the result's size covers it. */
static void
probe_print_field(const struct probe_job *j, const char *key, size_t off, size_t size)
{
	const char *p = (const char *)j->pj_buf + off;
	size_t n;

	if (j->pj_size <= off)
		return;
	if (size > j->pj_size - off)
		size = j->pj_size - off;
	n = strnlen(p, size);
	printf("%s=%.*s\n", key, (int)n, p);
}

static void
probe_print(const struct probe_job *j)
{
	static const char *const st[] = {"OK", "DENIED", "UNAVAILABLE", "ERROR"};
	const size_t goff = offsetof(struct sdesk_identity_result, ir_groups);
	const char *g = (const char *)j->pj_buf + goff;
	size_t i, used = 0, cap;

	printf("status=%s\n", j->pj_status >= 0 && j->pj_status <= 3 ? st[j->pj_status] : "?");
	printf("status_code=%d\nelapsed_ms=%ld\n", j->pj_status, j->pj_elapsed_ms);
#define FIELD(k, m)                                                                            \
	probe_print_field(j, k, offsetof(struct sdesk_identity_result, m),                     \
		sizeof(((struct sdesk_identity_result *)0)->m))
	FIELD("uid", ir_uid);
	FIELD("name", ir_name);
	FIELD("mail", ir_mail);
	FIELD("department", ir_department);
	if (j->pj_size > goff) {
		cap = j->pj_size - goff < 8192 ? j->pj_size - goff : 8192;
		while (used < cap && g[used] != '\0') {
			size_t n = strnlen(g + used, cap - used);

			printf("group=%.*s\n", (int)n, g + used);
			used += n + 1;
		}
	}
	FIELD("error", ir_error);
#undef FIELD
	if (j->pj_size < sizeof(struct sdesk_identity_result)) {
		for (i = j->pj_size; i < sizeof(struct sdesk_identity_result); i++)
			if (j->pj_buf[i] != PROBE_CANARY)
				break;
		printf("canary=%s\n",
			i == sizeof(struct sdesk_identity_result) ? "intact" : "damaged");
	}
}

static int
probe_usage(void)
{
	fprintf(stderr,
		"usage: ldap_probe [-t ms] [-s ir_size] [-j threads] PLUGIN.so "
		"preflight|auth REALM LOGIN PASSWORD|lookup REALM LOGIN [key=value ...]\n");
	return 2;
}

/* Runs the operation on n threads; 0 when they all ran. */
static int
probe_threads(struct probe_job *jobs, int n)
{
	pthread_t tid[PROBE_MAX_THREADS];
	int i, started;

	for (started = 0; started < n; started++)
		if (pthread_create(&tid[started], NULL, probe_run, &jobs[started]) != 0)
			break;
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	return started == n ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct probe_conf pc = {NULL, 0};
	struct sdesk_host host;
	struct probe_job jobs[PROBE_MAX_THREADS];
	const struct sdesk_plugin *p;
	sdesk_plugin_init_fn init;
	char err[256] = "";
	const char *op;
	void *dl;
	int i = 1, nthreads = 1, rc = 0, agree = 1;
	unsigned timeout_ms = 2000;
	long size = (long)sizeof(struct sdesk_identity_result);

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "-t") == 0)
			timeout_ms = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "-s") == 0)
			size = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "-j") == 0)
			nthreads = atoi(argv[i + 1]);
		else
			return probe_usage();
	}
	if (argc - i < 2 || size < 0 || size > (long)sizeof(struct sdesk_identity_result) ||
		nthreads < 1 || nthreads > PROBE_MAX_THREADS)
		return probe_usage();
	signal(SIGPIPE, SIG_IGN); /* as sdeskd does */
	if ((dl = dlopen(argv[i], RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "ldap_probe: %s\n", dlerror());
		return 2;
	}
	op = argv[i + 1];
	i += 2;
	memset(jobs, 0, sizeof(jobs));
	jobs[0].pj_op = op;
	if (strcmp(op, "auth") == 0 && argc - i >= 3) {
		jobs[0].pj_realm = argv[i];
		jobs[0].pj_login = argv[i + 1];
		jobs[0].pj_password = argv[i + 2];
		i += 3;
	} else if (strcmp(op, "lookup") == 0 && argc - i >= 2) {
		jobs[0].pj_realm = argv[i];
		jobs[0].pj_login = argv[i + 1];
		i += 2;
	} else if (strcmp(op, "preflight") != 0) {
		dlclose(dl);
		return probe_usage();
	}
	pc.pc_kv = argv + i;
	pc.pc_n = argc - i;
	memset(&host, 0, sizeof(host));
	host.sh_size = sizeof(host);
	host.sh_abi_major = SDESK_PLUGIN_ABI_MAJOR;
	host.sh_abi_minor = SDESK_PLUGIN_ABI_MINOR;
	host.sh_log = probe_log;
	host.sh_config_get = probe_config;
	host.sh_private = &pc;
	*(void **)(&init) = dlsym(dl, SDESK_PLUGIN_INIT_SYMBOL);
	if (init == NULL || (p = init(&host, PROBE_NAME)) == NULL) {
		fprintf(stderr, "ldap_probe: the plugin did not initialise\n");
		return 2;
	}
	if (p->sp_kind != SDESK_PLUGIN_IDENTITY || p->sp_ops == NULL) {
		fprintf(stderr, "ldap_probe: not an identity plugin\n");
		return 2;
	}
	if (p->sp_preflight != NULL && p->sp_preflight(p->sp_self, err, sizeof(err)) != 0)
		printf("preflight=fail\npreflight_error=%s\n", err);
	else
		printf("preflight=ok\n");
	if (strcmp(op, "preflight") != 0) {
		for (i = 0; i < nthreads; i++) {
			jobs[i] = jobs[0];
			jobs[i].pj_plugin = p;
			jobs[i].pj_timeout_ms = timeout_ms;
			jobs[i].pj_size = (uint32_t)size;
			if ((jobs[i].pj_buf = malloc(sizeof(struct sdesk_identity_result))) ==
				NULL)
				return 2;
		}
		if (probe_threads(jobs, nthreads) < 0)
			rc = 2;
		probe_print(&jobs[0]);
		for (i = 1; i < nthreads; i++)
			if (jobs[i].pj_status != jobs[0].pj_status ||
				memcmp(jobs[i].pj_buf, jobs[0].pj_buf,
					sizeof(struct sdesk_identity_result)) != 0)
				agree = 0;
		if (nthreads > 1)
			printf("threads_agree=%s\n", agree ? "yes" : "no");
		for (i = 0; i < nthreads; i++)
			free(jobs[i].pj_buf);
	}
	if (p->sp_size >= offsetof(struct sdesk_plugin, sp_free) + sizeof(p->sp_free) &&
		p->sp_free != NULL)
		p->sp_free(p->sp_self);
	/* No dlclose: the sanitizers must still see the plugin's symbols at exit. */
	fflush(stdout);
	return rc;
}
