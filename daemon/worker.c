/*
 * worker.c: a small pool of threads for blocking work (password hashing,
 * directory binds) so that it never holds up a libmicrohttpd thread that
 * other connections wait on.  The request is suspended while its job runs
 * and resumed when the job is done (see sd_req_defer in http.c).
 */
#include <stdlib.h>

#include "sdesk.h"

struct worker_job {
	void (*wj_fn)(void *arg);
	void *wj_arg;
	struct worker_job *wj_next;
};

struct sd_workers {
	pthread_mutex_t wk_lock;
	pthread_cond_t wk_cond;
	pthread_t *wk_threads;
	unsigned wk_n;
	struct worker_job *wk_head;
	struct worker_job *wk_tail;
	int wk_stop;
};

static void *
worker_main(void *arg)
{
	struct sd_workers *wk = arg;
	struct worker_job *j;

	for (;;) {
		pthread_mutex_lock(&wk->wk_lock);
		while (wk->wk_head == NULL && !wk->wk_stop)
			pthread_cond_wait(&wk->wk_cond, &wk->wk_lock);
		j = wk->wk_head;
		if (j == NULL) {
			/* Stopping and nothing left to do. */
			pthread_mutex_unlock(&wk->wk_lock);
			return NULL;
		}
		wk->wk_head = j->wj_next;
		if (wk->wk_head == NULL)
			wk->wk_tail = NULL;
		pthread_mutex_unlock(&wk->wk_lock);
		j->wj_fn(j->wj_arg);
		free(j);
	}
}

struct sd_workers *
sd_workers_new(unsigned n)
{
	struct sd_workers *wk;
	unsigned i;

	if ((wk = calloc(1, sizeof(*wk))) == NULL)
		return NULL;
	if ((wk->wk_threads = calloc(n, sizeof(*wk->wk_threads))) == NULL) {
		free(wk);
		return NULL;
	}
	pthread_mutex_init(&wk->wk_lock, NULL);
	pthread_cond_init(&wk->wk_cond, NULL);
	for (i = 0; i < n; i++) {
		if (pthread_create(&wk->wk_threads[i], NULL, worker_main, wk) != 0)
			break;
		wk->wk_n++;
	}
	if (wk->wk_n == 0) {
		sd_workers_free(wk);
		return NULL;
	}
	return wk;
}

int
sd_workers_submit(struct sd_workers *wk, void (*fn)(void *arg), void *arg)
{
	struct worker_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return -1;
	j->wj_fn = fn;
	j->wj_arg = arg;
	pthread_mutex_lock(&wk->wk_lock);
	if (wk->wk_stop) {
		pthread_mutex_unlock(&wk->wk_lock);
		free(j);
		return -1;
	}
	if (wk->wk_tail != NULL)
		wk->wk_tail->wj_next = j;
	else
		wk->wk_head = j;
	wk->wk_tail = j;
	pthread_cond_signal(&wk->wk_cond);
	pthread_mutex_unlock(&wk->wk_lock);
	return 0;
}

void
sd_workers_free(struct sd_workers *wk)
{
	unsigned i;

	if (wk == NULL)
		return;
	pthread_mutex_lock(&wk->wk_lock);
	wk->wk_stop = 1;
	pthread_cond_broadcast(&wk->wk_cond);
	pthread_mutex_unlock(&wk->wk_lock);
	/* Queued jobs still run: each one has a suspended request waiting. */
	for (i = 0; i < wk->wk_n; i++)
		pthread_join(wk->wk_threads[i], NULL);
	pthread_mutex_destroy(&wk->wk_lock);
	pthread_cond_destroy(&wk->wk_cond);
	free(wk->wk_threads);
	free(wk);
}
