/*
 * tenants.c: the tenants (the four municipalities), cached.  They change
 * perhaps once in the life of the appliance, and almost every reply names
 * one, so the daemon reads them at start-up and again whenever it meets an
 * id or code it does not know.  The database stays the source of truth.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_stmt tenants_all = {"tenants_all",
	"SELECT id, code, name, is_host FROM sdesk_public_tenants() ORDER BY id", 0};

struct sd_tenants {
	pthread_rwlock_t ts_lock;
	struct sd_tenant *ts_list;
	size_t ts_n;
};

static int
tenants_read(struct sd_dbc *c, void *arg)
{
	struct sd_tenants *ts = arg;
	struct sd_tenant *list;
	PGresult *res;
	int rc, i, n;

	res = sd_db_exec(c, &tenants_all, NULL);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK) {
		PQclear(res);
		return rc;
	}
	n = PQntuples(res);
	if ((list = calloc((size_t)n + 1, sizeof(*list))) == NULL) {
		PQclear(res);
		return SD_DB_FAIL;
	}
	for (i = 0; i < n; i++) {
		list[i].t_id = atoi(PQgetvalue(res, i, 0));
		snprintf(list[i].t_code, sizeof(list[i].t_code), "%s", PQgetvalue(res, i, 1));
		snprintf(list[i].t_name, sizeof(list[i].t_name), "%s", PQgetvalue(res, i, 2));
		list[i].t_host = PQgetvalue(res, i, 3)[0] == 't';
	}
	PQclear(res);
	pthread_rwlock_wrlock(&ts->ts_lock);
	free(ts->ts_list);
	ts->ts_list = list;
	ts->ts_n = (size_t)n;
	pthread_rwlock_unlock(&ts->ts_lock);
	return SD_DB_OK;
}

struct sd_tenants *
sd_tenants_new(void)
{
	struct sd_tenants *ts = calloc(1, sizeof(*ts));

	if (ts != NULL)
		pthread_rwlock_init(&ts->ts_lock, NULL);
	return ts;
}

void
sd_tenants_free(struct sd_tenants *ts)
{
	if (ts == NULL)
		return;
	pthread_rwlock_destroy(&ts->ts_lock);
	free(ts->ts_list);
	free(ts);
}

int
sd_tenants_reload(struct sd_app *app)
{
	return sd_db_txn(
		app->ap_db, NULL, SD_ISO_READ_COMMITTED, tenants_read, app->ap_tenants);
}

/* Copies the matching tenant into out; 0 when found. */
static int
tenants_find(struct sd_tenants *ts, int id, const char *code, struct sd_tenant *out)
{
	size_t i;
	int found = -1;

	pthread_rwlock_rdlock(&ts->ts_lock);
	for (i = 0; i < ts->ts_n; i++) {
		if ((code == NULL && ts->ts_list[i].t_id == id) ||
			(code != NULL && strcmp(ts->ts_list[i].t_code, code) == 0)) {
			*out = ts->ts_list[i];
			found = 0;
			break;
		}
	}
	pthread_rwlock_unlock(&ts->ts_lock);
	return found;
}

int
sd_tenant_get(struct sd_app *app, int id, const char *code, struct sd_tenant *out)
{
	if (tenants_find(app->ap_tenants, id, code, out) == 0)
		return 0;
	if (sd_tenants_reload(app) != SD_DB_OK)
		return -1;
	return tenants_find(app->ap_tenants, id, code, out);
}

const char *
sd_tenant_code(struct sd_app *app, int id, char buf[8])
{
	struct sd_tenant t;

	if (id == 0) {
		snprintf(buf, 8, "*");
		return buf;
	}
	if (sd_tenant_get(app, id, NULL, &t) < 0)
		snprintf(buf, 8, "?");
	else
		snprintf(buf, 8, "%s", t.t_code);
	return buf;
}

size_t
sd_tenants_all_ids(struct sd_app *app, int *ids, size_t max)
{
	struct sd_tenants *ts = app->ap_tenants;
	size_t i, n;

	pthread_rwlock_rdlock(&ts->ts_lock);
	for (i = 0, n = 0; i < ts->ts_n && n < max; i++)
		ids[n++] = ts->ts_list[i].t_id;
	pthread_rwlock_unlock(&ts->ts_lock);
	return n;
}
