/*
 * mhd_baseline.c: the trivial libmicrohttpd server that `make bench`
 * measures sdeskd against: same threading (thread pool, epoll), a constant
 * JSON answer, no database.  usage: mhd_baseline PORTFILE THREADS
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

static const char answer[] = "{\"status\":\"ok\",\"database\":\"ok\"}";

static enum MHD_Result
baseline_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	const char *version, const char *data, size_t *size, void **ctx)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)data;
	(void)size;
	(void)ctx;
	r = MHD_create_response_from_buffer(
		sizeof(answer) - 1, (void *)(uintptr_t)answer, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(conn, 200, r);
	MHD_destroy_response(r);
	return ret;
}

int
main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	sigset_t set;
	FILE *f;
	int sig;

	if (argc != 3)
		return 2;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL,
		baseline_access, NULL, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)atoi(argv[2]),
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 511, MHD_OPTION_END);
	if (d == NULL)
		return 1;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if ((f = fopen(argv[1], "w")) == NULL)
		return 1;
	fprintf(f, "%u\n", info->port);
	fclose(f);
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
