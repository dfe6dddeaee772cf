/*
 * db/ratings.c: the requester's rating of the help on a ticket, inside the
 * caller's transaction.  Row-level security lets only the requester write
 * it and whoever sees the ticket read it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

#define RATING_JSON                                                                            \
	"json_build_object('score', r.score, 'comment', r.comment, 'rated_at', "               \
	"to_char(r.updated_at AT TIME ZONE 'UTC', " SD_SQL_RFC3339 "))"

static const struct sd_stmt rating_get = {
	"rating_get", "SELECT " RATING_JSON " FROM ticket_ratings r WHERE r.ticket_id = $1", 1};

/* Inserts or replaces; the first column says whether it was new. */
static const struct sd_stmt rating_put = {"rating_put",
	"WITH r AS (INSERT INTO ticket_ratings AS x (ticket_id, tenant_id, person_id, score, "
	"comment) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_id) DO UPDATE SET score = "
	"excluded.score, comment = excluded.comment, updated_at = now() RETURNING x.*, xmax = "
	"0 AS fresh) SELECT r.fresh, " RATING_JSON " FROM r",
	5};

int
sd_db_rating_get(struct sd_dbc *c, long long ticket, json_t **out)
{
	char id[24];
	const char *p[1] = {id};
	PGresult *res;
	int rc;

	*out = NULL;
	snprintf(id, sizeof(id), "%lld", ticket);
	res = sd_db_exec(c, &rating_get, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK && PQntuples(res) == 1 &&
		(*out = json_loads(PQgetvalue(res, 0, 0), 0, NULL)) == NULL)
		rc = SD_DB_FAIL;
	PQclear(res);
	return rc;
}

int
sd_db_rating_put(struct sd_dbc *c, const struct sd_ticket_state *t, long long person, int score,
	const char *comment, int *fresh, json_t **out)
{
	char id[24], tid[16], who[24], sc[4];
	const char *p[5] = {id, tid, who, sc, comment};
	PGresult *res;
	int rc;

	*out = NULL;
	snprintf(id, sizeof(id), "%lld", t->ts_id);
	snprintf(tid, sizeof(tid), "%d", t->ts_tenant);
	snprintf(who, sizeof(who), "%lld", person);
	snprintf(sc, sizeof(sc), "%d", score);
	res = sd_db_exec(c, &rating_put, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK) {
		if (PQntuples(res) != 1 ||
			(*out = json_loads(PQgetvalue(res, 0, 1), 0, NULL)) == NULL)
			rc = SD_DB_FAIL;
		else
			*fresh = PQgetvalue(res, 0, 0)[0] == 't';
	}
	PQclear(res);
	return rc;
}
