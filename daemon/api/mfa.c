/*
 * api/mfa.c: two-step verification with TOTP (what Microsoft and Google
 * Authenticator do).
 *
 *   POST /api/v1/session/mfa/enrolment          a new secret, as QR code
 *   POST /api/v1/session/mfa/enrolment/confirm  the first code; recovery codes
 *   POST /api/v1/session/mfa                    a code (or recovery code)
 *
 * Secrets are sealed with the server key and bound to the person, so a
 * sealed secret copied onto someone else's row does not open.  A code is
 * accepted once; wrong codes count towards the same throttle and lock as
 * wrong passwords.  Completing MFA rotates the session token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "mfa.h"
#include "sdesk.h"

#define MFA_RECOVERY_CODES 10

static const struct sd_field mfa_code_fields[] = {
	{"code", SD_FT_STRING, 0, 1, 16},
	{"recovery_code", SD_FT_STRING, 0, 1, 40},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

/* Seals person id || secret, so the sealed value belongs to one person. */
static int
mfa_seal(const struct sd_app *app, long long person, const unsigned char *secret,
	unsigned char **out, size_t *outlen)
{
	unsigned char plain[8 + SD_TOTP_SECRET_LEN];
	int i, rc;

	for (i = 0; i < 8; i++)
		plain[i] = (unsigned char)((unsigned long long)person >> (56 - 8 * i));
	memcpy(plain + 8, secret, SD_TOTP_SECRET_LEN);
	rc = sd_secret_seal(app->ap_key, plain, sizeof(plain), out, outlen);
	sodium_memzero(plain, sizeof(plain));
	return rc;
}

static int
mfa_open(const struct sd_app *app, long long person, const unsigned char *sealed, size_t len,
	unsigned char secret[SD_TOTP_SECRET_LEN])
{
	unsigned char *plain = NULL;
	size_t n = 0;
	long long who = 0;
	int i, rc = -1;

	if (sealed == NULL || sd_secret_open(app->ap_key, sealed, len, &plain, &n) < 0)
		return -1;
	if (n == 8 + SD_TOTP_SECRET_LEN) {
		for (i = 0; i < 8; i++)
			who = (long long)(((unsigned long long)who << 8) | plain[i]);
		if (who == person) {
			memcpy(secret, plain + 8, SD_TOTP_SECRET_LEN);
			rc = 0;
		}
	}
	sodium_memzero(plain, n);
	free(plain);
	return rc;
}

/* State shared by a handler and its transaction. */
struct mfa_op {
	struct sd_req *mo_req;
	const char *mo_code;
	const char *mo_recovery;
	int mo_result; /* an sd_error_code to reply with, or -1 for success */
	char mo_token[64];
	char mo_hash[65];
	char *mo_b32, *mo_uri, *mo_svg;
	char mo_codes[MFA_RECOVERY_CODES][SD_RECOVERY_LEN];
	int mo_left;
};

static int
mfa_rotate(struct sd_dbc *c, struct mfa_op *op)
{
	if (sd_token_new("", op->mo_token, sizeof(op->mo_token), op->mo_hash) < 0)
		return SD_DB_FAIL;
	return sd_db_session_rotate(c, op->mo_req->rq_auth->au_session, op->mo_hash, "ok");
}

static int
mfa_enrol_run(struct sd_dbc *c, void *arg)
{
	struct mfa_op *op = arg;
	struct sd_req *r = op->mo_req;
	struct sd_app *app = r->rq_app;
	unsigned char secret[SD_TOTP_SECRET_LEN], *sealed = NULL;
	struct sd_mfa_row row;
	char account[300], object[48];
	size_t len = 0;
	int rc;

	if ((rc = sd_db_mfa_read(c, r->rq_auth->au_person, &row)) != SD_DB_OK)
		return rc;
	if (row.mr_enrolled) {
		op->mo_result = SD_E_CONFLICT;
		sd_db_mfa_row_free(&row);
		return SD_DB_CONFLICT;
	}
	snprintf(account, sizeof(account), "%s", row.mr_email[0] ? row.mr_email : row.mr_login);
	sd_db_mfa_row_free(&row);
	if (sd_totp_secret_new(secret) < 0 ||
		mfa_seal(app, r->rq_auth->au_person, secret, &sealed, &len) < 0)
		return SD_DB_FAIL;
	op->mo_b32 = sd_totp_base32(secret, sizeof(secret));
	sodium_memzero(secret, sizeof(secret));
	if (op->mo_b32 != NULL)
		op->mo_uri = sd_totp_uri(app->ap_conf->sc_auth_mfa_issuer, account, op->mo_b32,
			SD_TOTP_DIGITS, SD_TOTP_PERIOD);
	if (op->mo_uri != NULL)
		op->mo_svg = sd_qr_svg(op->mo_uri,
			r->rq_lang_en ? "QR code for two-step verification"
				      : "QR-kod för tvåstegsverifiering");
	if (op->mo_svg == NULL) {
		free(sealed);
		return SD_DB_FAIL;
	}
	rc = sd_db_mfa_set_pending(c, r->rq_auth->au_person, sealed, len);
	free(sealed);
	if (rc != SD_DB_OK)
		return rc;
	snprintf(object, sizeof(object), "person:%lld", r->rq_auth->au_person);
	return sd_audit_req(c, r, r->rq_auth->au_tenant, "mfa.enrolment_started", object, NULL);
}

static void
mfa_op_clear(struct mfa_op *op)
{
	free(op->mo_b32);
	free(op->mo_uri);
	free(op->mo_svg);
	sodium_memzero(op, sizeof(*op));
}

enum MHD_Result
sd_api_mfa_enrol(struct sd_req *r)
{
	struct mfa_op op;
	struct sd_scope sc;
	enum MHD_Result ret;
	int rc;

	if (r->rq_auth->au_kind != SD_AUTH_SESSION || r->rq_auth->au_mfa == SD_MFA_CHALLENGE)
		return sd_reply_error(r, SD_E_CONFLICT, NULL,
			r->rq_lang_en ? "Two-step verification is already set up."
				      : "Tvåstegsverifiering är redan aktiverad.");
	memset(&op, 0, sizeof(op));
	op.mo_req = r;
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, mfa_enrol_run, &op);
	if (rc == SD_DB_CONFLICT)
		ret = sd_reply_error(r, SD_E_CONFLICT, NULL,
			r->rq_lang_en ? "Two-step verification is already set up."
				      : "Tvåstegsverifiering är redan aktiverad.");
	else if (rc != SD_DB_OK)
		ret = sd_reply_db_error(r, rc);
	else
		ret = sd_reply_json(r, 200,
			json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}", "secret", op.mo_b32,
				"otpauth_uri", op.mo_uri, "qr_svg", op.mo_svg, "algorithm",
				"SHA1", "digits", SD_TOTP_DIGITS, "period", SD_TOTP_PERIOD));
	mfa_op_clear(&op);
	return ret;
}

/* Checks op->mo_code against secret; sets mo_result on failure. */
static int
mfa_check_code(struct mfa_op *op, const unsigned char *secret, long long last, long long *step)
{
	int64_t counter = 0;
	int v = sd_totp_verify(secret, SD_TOTP_SECRET_LEN, op->mo_code, (int64_t)time(NULL),
		SD_TOTP_DIGITS, SD_TOTP_PERIOD, SD_TOTP_WINDOW, last, &counter);

	if (v == SD_TOTP_OK) {
		*step = counter;
		return 0;
	}
	op->mo_result = v == SD_TOTP_REPLAY ? SD_E_CODE_REUSED : SD_E_INVALID_CODE;
	return -1;
}

static int
mfa_confirm_run(struct sd_dbc *c, void *arg)
{
	struct mfa_op *op = arg;
	struct sd_req *r = op->mo_req;
	unsigned char secret[SD_TOTP_SECRET_LEN], hashes[MFA_RECOVERY_CODES][32];
	struct sd_mfa_row row;
	long long step = 0;
	char object[48];
	int rc, i;

	if ((rc = sd_db_mfa_read(c, r->rq_auth->au_person, &row)) != SD_DB_OK)
		return rc;
	rc = mfa_open(
		r->rq_app, r->rq_auth->au_person, row.mr_pending, row.mr_pending_len, secret);
	sd_db_mfa_row_free(&row);
	if (rc < 0) {
		op->mo_result = SD_E_CONFLICT;
		return SD_DB_CONFLICT;
	}
	rc = mfa_check_code(op, secret, 0, &step);
	sodium_memzero(secret, sizeof(secret));
	if (rc < 0)
		return SD_DB_CONFLICT;
	if (sd_mfa_recovery_new(op->mo_codes, MFA_RECOVERY_CODES) < 0)
		return SD_DB_FAIL;
	for (i = 0; i < MFA_RECOVERY_CODES; i++)
		if (sd_mfa_recovery_hash(r->rq_app->ap_key, op->mo_codes[i], hashes[i]) < 0)
			return SD_DB_FAIL;
	if ((rc = sd_db_mfa_enrolled(
		     c, r->rq_auth->au_person, step, hashes, MFA_RECOVERY_CODES)) != SD_DB_OK ||
		(rc = mfa_rotate(c, op)) != SD_DB_OK)
		return rc;
	snprintf(object, sizeof(object), "person:%lld", r->rq_auth->au_person);
	return sd_audit_req(c, r, r->rq_auth->au_tenant, "mfa.enrolled", object, NULL);
}

static int
mfa_verify_run(struct sd_dbc *c, void *arg)
{
	struct mfa_op *op = arg;
	struct sd_req *r = op->mo_req;
	unsigned char secret[SD_TOTP_SECRET_LEN], hash[32];
	struct sd_mfa_row row;
	long long step = 0;
	char object[48];
	int rc;

	if ((rc = sd_db_mfa_read(c, r->rq_auth->au_person, &row)) != SD_DB_OK)
		return rc;
	if (op->mo_recovery != NULL) {
		sd_db_mfa_row_free(&row);
		op->mo_result = SD_E_INVALID_CODE;
		if (sd_mfa_recovery_hash(r->rq_app->ap_key, op->mo_recovery, hash) < 0)
			return SD_DB_CONFLICT;
		if ((rc = sd_db_mfa_recovery_use(
			     c, r->rq_auth->au_person, hash, &op->mo_left)) != SD_DB_OK)
			return rc == SD_DB_NOTFOUND ? SD_DB_CONFLICT : rc;
	} else {
		rc = mfa_open(r->rq_app, r->rq_auth->au_person, row.mr_secret,
			row.mr_secret_len, secret);
		if (rc == 0)
			rc = mfa_check_code(op, secret, row.mr_last_counter, &step);
		else
			op->mo_result = SD_E_INVALID_CODE;
		sodium_memzero(secret, sizeof(secret));
		sd_db_mfa_row_free(&row);
		if (rc < 0)
			return SD_DB_CONFLICT;
		if ((rc = sd_db_mfa_counter(c, r->rq_auth->au_person, step)) != SD_DB_OK)
			return rc;
	}
	op->mo_result = -1;
	if ((rc = mfa_rotate(c, op)) != SD_DB_OK)
		return rc;
	snprintf(object, sizeof(object), "person:%lld", r->rq_auth->au_person);
	return sd_audit_req(c, r, r->rq_auth->au_tenant, "mfa.success", object,
		json_pack("{s:s}", "method", op->mo_recovery ? "recovery_code" : "totp"));
}

/* A wrong code counts like a wrong password: throttle, lock, audit. */
static enum MHD_Result
mfa_fail(struct sd_req *r, int code)
{
	struct sd_login lg;

	memset(&lg, 0, sizeof(lg));
	lg.lg_tenant = r->rq_auth->au_tenant;
	snprintf(
		lg.lg_tenant_code, sizeof(lg.lg_tenant_code), "%s", r->rq_auth->au_tenant_code);
	snprintf(lg.lg_login, sizeof(lg.lg_login), "%s", r->rq_auth->au_login);
	lg.lg_addr = r->rq_addr;
	lg.lg_person = r->rq_auth->au_person;
	(void)sd_db_login_failed(r->rq_app->ap_db, r, &lg, "mfa");
	return sd_reply_error(r, (enum sd_error_code)code, "code", NULL);
}

/* Refuses while the account is locked or throttled; 0 to go on. */
static int
mfa_throttled(struct sd_req *r, enum MHD_Result *ret)
{
	struct sd_login lg;
	char wait[16];
	int rc;

	memset(&lg, 0, sizeof(lg));
	lg.lg_tenant = r->rq_auth->au_tenant;
	snprintf(
		lg.lg_tenant_code, sizeof(lg.lg_tenant_code), "%s", r->rq_auth->au_tenant_code);
	snprintf(lg.lg_login, sizeof(lg.lg_login), "%s", r->rq_auth->au_login);
	lg.lg_addr = r->rq_addr;
	if ((rc = sd_db_login_prepare(r->rq_app->ap_db, &lg)) != SD_DB_OK) {
		*ret = sd_reply_db_error(r, rc);
		return -1;
	}
	if (lg.lg_locked) {
		*ret = sd_reply_error(r, SD_E_ACCOUNT_LOCKED, NULL, NULL);
		return -1;
	}
	if (lg.lg_wait > 0) {
		snprintf(wait, sizeof(wait), "%d", lg.lg_wait);
		sd_req_add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, wait);
		*ret = sd_reply_error(r, SD_E_TOO_MANY_ATTEMPTS, NULL, NULL);
		return -1;
	}
	return 0;
}

/* Runs a code-checking transaction and answers with the rotated session. */
static enum MHD_Result
mfa_code_request(struct sd_req *r, int (*run)(struct sd_dbc *, void *), int with_codes)
{
	struct sd_auth *a = NULL;
	struct mfa_op op;
	struct sd_scope sc;
	enum MHD_Result ret;
	json_t *body, *codes;
	int rc, i;

	if (sd_input_check(r, mfa_code_fields, &ret) < 0 || mfa_throttled(r, &ret) < 0)
		return ret;
	memset(&op, 0, sizeof(op));
	op.mo_req = r;
	op.mo_code = sd_input_str(r, "code");
	op.mo_recovery = with_codes ? NULL : sd_input_str(r, "recovery_code");
	if (op.mo_code == NULL && op.mo_recovery == NULL)
		return sd_reply_error(r, SD_E_MISSING_FIELD, "code", NULL);
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, run, &op);
	if (rc == SD_DB_CONFLICT) {
		ret = op.mo_result == SD_E_CONFLICT
			? sd_reply_error(r, SD_E_CONFLICT, NULL, NULL)
			: mfa_fail(r, op.mo_result);
	} else if (rc != SD_DB_OK ||
		(rc = sd_auth_session_by_hash(r->rq_app, op.mo_hash, &a)) != SD_DB_OK) {
		ret = sd_reply_db_error(r, rc);
	} else {
		sd_auth_set_cookie(r, op.mo_token);
		body = json_pack("{s:o}", "session", sd_session_json(r->rq_app, a));
		if (with_codes) {
			codes = json_array();
			for (i = 0; i < MFA_RECOVERY_CODES; i++)
				json_array_append_new(codes, json_string(op.mo_codes[i]));
			json_object_set_new(body, "recovery_codes", codes);
		} else if (op.mo_recovery != NULL) {
			json_object_set_new(
				body, "recovery_codes_left", json_integer(op.mo_left));
		}
		sd_auth_free(a);
		ret = sd_reply_json(r, 200, body);
	}
	mfa_op_clear(&op);
	return ret;
}

enum MHD_Result
sd_api_mfa_enrol_confirm(struct sd_req *r)
{
	if (r->rq_auth->au_kind != SD_AUTH_SESSION)
		return sd_reply_error(r, SD_E_FORBIDDEN, NULL, NULL);
	return mfa_code_request(r, mfa_confirm_run, 1);
}

enum MHD_Result
sd_api_mfa_verify(struct sd_req *r)
{
	if (r->rq_auth->au_kind != SD_AUTH_SESSION || r->rq_auth->au_mfa != SD_MFA_CHALLENGE)
		return sd_reply_error(r, SD_E_CONFLICT, NULL,
			r->rq_lang_en ? "No code is expected now." : "Ingen kod väntas nu.");
	return mfa_code_request(r, mfa_verify_run, 0);
}
