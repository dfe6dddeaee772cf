/*
 * db/mfa.c: TOTP secrets (sealed), recovery codes (hashed) and the session
 * changes that completing MFA makes.  Callers run these inside one
 * transaction; sd_db_mfa_read locks the person's row so that two requests
 * cannot both accept the same code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sdesk.h"

static const struct sd_stmt mfa_read = {"mfa_read",
	"SELECT coalesce(encode(mfa_secret, 'hex'), ''), coalesce(encode(mfa_pending_secret, "
	"'hex'), ''), mfa_enrolled_at IS NOT NULL, mfa_last_counter, login, email FROM people "
	"WHERE id = $1 FOR UPDATE",
	1};

static const struct sd_stmt mfa_pending = {"mfa_pending",
	"UPDATE people SET mfa_pending_secret = decode($2, 'hex'), updated_at = now() WHERE id "
	"= "
	"$1",
	2};

static const struct sd_stmt mfa_enrolled = {"mfa_enrolled",
	"UPDATE people SET mfa_secret = mfa_pending_secret, mfa_pending_secret = NULL, "
	"mfa_enrolled_at = now(), mfa_last_counter = $2, updated_at = now() WHERE id = $1",
	2};

static const struct sd_stmt mfa_counter = {
	"mfa_counter", "UPDATE people SET mfa_last_counter = $2 WHERE id = $1", 2};

static const struct sd_stmt mfa_codes_drop = {
	"mfa_codes_drop", "DELETE FROM mfa_recovery_codes WHERE person_id = $1", 1};

static const struct sd_stmt mfa_code_add = {"mfa_code_add",
	"INSERT INTO mfa_recovery_codes (tenant_id, person_id, code_hash) SELECT tenant_id, "
	"id, "
	"decode($2, 'hex') FROM people WHERE id = $1",
	2};

static const struct sd_stmt mfa_code_use = {"mfa_code_use",
	"UPDATE mfa_recovery_codes SET used_at = now() WHERE id = (SELECT id FROM "
	"mfa_recovery_codes WHERE person_id = $1 AND code_hash = decode($2, 'hex') AND used_at "
	"IS "
	"NULL LIMIT 1) RETURNING (SELECT count(*) FROM mfa_recovery_codes WHERE person_id = $1 "
	"AND "
	"used_at IS NULL) - 1",
	2};

static const struct sd_stmt mfa_rotate = {"mfa_rotate",
	"UPDATE sessions SET token_hash = decode($2, 'hex'), mfa_state = $3, last_seen_at = "
	"now() "
	"WHERE id = $1 AND revoked_at IS NULL",
	3};

/* Runs st with params and returns its classified result. */
static int
mfa_exec(struct sd_dbc *c, const struct sd_stmt *st, const char *const *p)
{
	PGresult *res = sd_db_exec(c, st, p);
	int rc = sd_db_result_rc(c, res);

	PQclear(res);
	return rc;
}

static unsigned char *
mfa_unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	unsigned char *b;

	if (n == 0 || (b = malloc(n)) == NULL)
		return NULL;
	if (sodium_hex2bin(b, n, hex, strlen(hex), NULL, len, NULL) != 0) {
		free(b);
		return NULL;
	}
	return b;
}

int
sd_db_mfa_read(struct sd_dbc *c, long long person, struct sd_mfa_row *out)
{
	char pid[24];
	const char *p[1] = {pid};
	PGresult *res;
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(pid, sizeof(pid), "%lld", person);
	res = sd_db_exec(c, &mfa_read, p);
	if ((rc = sd_db_result_rc(c, res)) != SD_DB_OK || PQntuples(res) != 1) {
		PQclear(res);
		return rc != SD_DB_OK ? rc : SD_DB_NOTFOUND;
	}
	out->mr_secret = mfa_unhex(PQgetvalue(res, 0, 0), &out->mr_secret_len);
	out->mr_pending = mfa_unhex(PQgetvalue(res, 0, 1), &out->mr_pending_len);
	out->mr_enrolled = PQgetvalue(res, 0, 2)[0] == 't';
	out->mr_last_counter = atoll(PQgetvalue(res, 0, 3));
	snprintf(out->mr_login, sizeof(out->mr_login), "%s", PQgetvalue(res, 0, 4));
	snprintf(out->mr_email, sizeof(out->mr_email), "%s", PQgetvalue(res, 0, 5));
	PQclear(res);
	return SD_DB_OK;
}

void
sd_db_mfa_row_free(struct sd_mfa_row *row)
{
	free(row->mr_secret);
	free(row->mr_pending);
	memset(row, 0, sizeof(*row));
}

/* Hex of b into a malloc'd string. */
static char *
mfa_hex(const unsigned char *b, size_t n)
{
	char *h = malloc(2 * n + 1);

	if (h != NULL)
		sodium_bin2hex(h, 2 * n + 1, b, n);
	return h;
}

int
sd_db_mfa_set_pending(
	struct sd_dbc *c, long long person, const unsigned char *sealed, size_t len)
{
	char pid[24], *hex = mfa_hex(sealed, len);
	const char *p[2] = {pid, hex};
	int rc;

	if (hex == NULL)
		return SD_DB_FAIL;
	snprintf(pid, sizeof(pid), "%lld", person);
	rc = mfa_exec(c, &mfa_pending, p);
	free(hex);
	return rc;
}

int
sd_db_mfa_enrolled(struct sd_dbc *c, long long person, long long counter,
	unsigned char hashes[][32], size_t n)
{
	char pid[24], ctr[24], hex[65];
	const char *p[2] = {pid, ctr};
	size_t i;
	int rc;

	snprintf(pid, sizeof(pid), "%lld", person);
	snprintf(ctr, sizeof(ctr), "%lld", counter);
	if ((rc = mfa_exec(c, &mfa_enrolled, p)) != SD_DB_OK)
		return rc;
	if ((rc = mfa_exec(c, &mfa_codes_drop, p)) != SD_DB_OK)
		return rc;
	p[1] = hex;
	for (i = 0; i < n; i++) {
		sodium_bin2hex(hex, sizeof(hex), hashes[i], 32);
		if ((rc = mfa_exec(c, &mfa_code_add, p)) != SD_DB_OK)
			return rc;
	}
	return SD_DB_OK;
}

int
sd_db_mfa_counter(struct sd_dbc *c, long long person, long long counter)
{
	char pid[24], ctr[24];
	const char *p[2] = {pid, ctr};

	snprintf(pid, sizeof(pid), "%lld", person);
	snprintf(ctr, sizeof(ctr), "%lld", counter);
	return mfa_exec(c, &mfa_counter, p);
}

int
sd_db_mfa_recovery_use(
	struct sd_dbc *c, long long person, const unsigned char hash[32], int *left)
{
	char pid[24], hex[65];
	const char *p[2] = {pid, hex};
	PGresult *res;
	int rc;

	snprintf(pid, sizeof(pid), "%lld", person);
	sodium_bin2hex(hex, sizeof(hex), hash, 32);
	res = sd_db_exec(c, &mfa_code_use, p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK) {
		if (PQntuples(res) == 1)
			*left = atoi(PQgetvalue(res, 0, 0));
		else
			rc = SD_DB_NOTFOUND;
	}
	PQclear(res);
	return rc;
}

int
sd_db_session_rotate(struct sd_dbc *c, long long session, const char *hash, const char *mfa)
{
	char sid[24];
	const char *p[3] = {sid, hash, mfa};

	snprintf(sid, sizeof(sid), "%lld", session);
	return mfa_exec(c, &mfa_rotate, p);
}
