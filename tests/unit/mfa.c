/*
 * mfa.c: the MFA primitives: RFC 6238 vectors, agreement with oathtool (an
 * independent implementation), drift and replay, the otpauth URI, sealing,
 * the key file, recovery codes and the QR code's SVG.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <liboath/oath.h>
#include <qrencode.h>
#include <sodium.h>

#include "mfa.h"
#include "tap.h"

/* RFC 6238 Appendix B: the SHA-1 seed and its 8-digit codes. */
static const unsigned char rfc_seed[] = "12345678901234567890";
static const struct {
	int64_t rv_time;
	const char *rv_code;
} rfc_vectors[] = {
	{59, "94287082"},
	{1111111109, "07081804"},
	{1111111111, "14050471"},
	{1234567890, "89005924"},
	{2000000000, "69279037"},
	{20000000000, "65353130"},
};

#define RFC_SEED_LEN 20

static char dir[] = "/tmp/sdesk-mfa-XXXXXX";

static void
check_rfc_vectors(void)
{
	size_t i;
	int64_t ctr;
	char code[SD_TOTP_CODE_MAX];

	for (i = 0; i < sizeof(rfc_vectors) / sizeof(rfc_vectors[0]); i++) {
		int64_t t = rfc_vectors[i].rv_time;

		ctr = -7;
		TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, rfc_vectors[i].rv_code, t, 8,
				   30, 0, -1, &ctr),
			SD_TOTP_OK, "RFC 6238 vector at %lld verifies", (long long)t);
		TAP_IS_INT(ctr, t / 30, "  and reports step %lld", (long long)(t / 30));
		code[0] = '\0';
		sd_totp_code(rfc_seed, RFC_SEED_LEN, t, 8, 30, code);
		TAP_IS_STR(code, rfc_vectors[i].rv_code, "sd_totp_code at %lld", (long long)t);
	}
}

static void
check_drift_and_replay(void)
{
	const char *c59 = "94287082"; /* step 1 */
	int64_t ctr = -7;

	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, c59, 59 + 30, 8, 30, 1, -1, &ctr),
		SD_TOTP_OK, "one step late: accepted with window 1");
	TAP_IS_INT(ctr, 1, "  matched step is the code's, not now's");
	ctr = -7;
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, c59, 59 - 30, 8, 30, 1, -1, &ctr),
		SD_TOTP_OK, "one step early: accepted with window 1");
	TAP_IS_INT(ctr, 1, "  matched step 1");
	ctr = -7;
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, c59, 59 + 30, 8, 30, 0, -1, &ctr),
		SD_TOTP_WRONG, "one step late: refused with window 0");
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, c59, 59 + 60, 8, 30, 1, -1, &ctr),
		SD_TOTP_WRONG, "two steps late: refused with window 1");
	TAP_IS_INT(ctr, -7, "  counter untouched when refused");
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, c59, 59, 8, 30, 1, 1, &ctr),
		SD_TOTP_REPLAY, "same step again: replay");
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, c59, 59, 8, 30, 1, 2, &ctr),
		SD_TOTP_REPLAY, "older than the last accepted step: replay");
	TAP_IS_INT(ctr, -7, "  counter untouched on replay");
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, c59, 59, 8, 30, 1, 0, &ctr),
		SD_TOTP_OK, "newer than the last accepted step: accepted");
	/* Code of step 2 at step 2, with step 1 used: the next login works. */
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, "37359152", 60, 8, 30, 1, 1, &ctr),
		SD_TOTP_OK, "the following step's code after a login: accepted");
	TAP_IS_INT(ctr, 2, "  matched step 2");
}

static void
check_code_format(void)
{
	static const struct {
		const char *bc_code, *bc_what;
	} bad[] = {
		{"9428708", "7 digits"},
		{"942870820", "9 digits"},
		{"9428708a", "a letter"},
		{"", "nothing in it"},
		{" 94287082", "a leading space"},
		{"+4287082", "a sign"},
		{"94287082\n", "a trailing newline"},
		{"9428 7082", "a space inside"},
	};
	size_t i;
	int64_t ctr = -7;
	char code[SD_TOTP_CODE_MAX];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, bad[i].bc_code, 59, 8, 30, 1,
				   -1, &ctr),
			SD_TOTP_WRONG, "code with %s is wrong", bad[i].bc_what);
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, NULL, 59, 8, 30, 1, -1, &ctr),
		SD_TOTP_WRONG, "NULL code is wrong");
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, "94287083", 59, 8, 30, 1, -1, &ctr),
		SD_TOTP_WRONG, "last digit off by one is wrong");
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, "287082", 59, 6, 30, 1, -1, &ctr),
		SD_TOTP_OK, "6-digit code is the 8-digit one's tail");
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, "94287082", 59, 6, 30, 1, -1, &ctr),
		SD_TOTP_WRONG, "8 digits where 6 are expected is wrong");
	TAP_IS_INT(ctr, 1, "counter only from the accepted call");
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, "94287", 59, 5, 30, 1, -1, &ctr), -1,
		"5 digits is a caller error");
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, "942870820", 59, 9, 30, 1, -1, &ctr),
		-1, "9 digits is a caller error");
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, "94287082", 59, 8, 0, 1, -1, &ctr),
		-1, "period 0 is a caller error");
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, "94287082", 59, 8, 30,
			   SD_TOTP_MAX_WINDOW + 1, -1, &ctr),
		-1, "window over the maximum is a caller error");
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, "94287082", -1, 8, 30, 1, -1, &ctr),
		-1, "time before 1970 is a caller error");
	TAP_IS_INT(sd_totp_code(rfc_seed, RFC_SEED_LEN, 59, 9, 30, code), -1,
		"sd_totp_code refuses 9 digits");
}

/*
 * Near step 0 liboath's search wraps below zero to step 2^64-1; a code of
 * that step must not be accepted, while the real step 0 still counts.
 */
static void
check_epoch(void)
{
	char code[SD_TOTP_CODE_MAX], wrapped[SD_TOTP_CODE_MAX];
	char near[2][SD_TOTP_CODE_MAX];
	int64_t ctr = -7;

	sd_totp_code(rfc_seed, RFC_SEED_LEN, 0, 6, 30, code);
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, code, 10, 6, 30, 2, -1, &ctr),
		SD_TOTP_OK, "step 0 verifies with a window wider than now");
	TAP_IS_INT(ctr, 0, "  as step 0");
	oath_hotp_generate((const char *)rfc_seed, RFC_SEED_LEN, UINT64_MAX, 6, 0,
		OATH_HOTP_DYNAMIC_TRUNCATION, wrapped);
	sd_totp_code(rfc_seed, RFC_SEED_LEN, 30, 6, 30, near[0]);
	sd_totp_code(rfc_seed, RFC_SEED_LEN, 60, 6, 30, near[1]);
	tap_ok(strcmp(wrapped, code) != 0 && strcmp(wrapped, near[0]) != 0 &&
			strcmp(wrapped, near[1]) != 0,
		"(the wrapped step's code differs from steps 0-2)");
	ctr = -7;
	TAP_IS_INT(sd_totp_verify(rfc_seed, RFC_SEED_LEN, wrapped, 10, 6, 30, 1, -1, &ctr),
		SD_TOTP_WRONG, "the code of step 2^64-1 is refused at step 0");
	TAP_IS_INT(ctr, -7, "  counter untouched");
}

/*
 * Stored hashes and sealed secrets must stay readable across releases: the
 * expected values come from Python's hashlib.blake2b, independently of
 * libsodium's crypto_kdf (subkey = BLAKE2b(key, salt = id, person =
 * "sdeskmfa")).
 */
static void
check_known_answers(void)
{
	static const char want_hash[] =
		"99eec057e45c8886c927d753be0cd9ad4e1de34f0fba73ab0c8ca064ea0640e7";
	static const char seal_subkey[] =
		"92d2c7bc026be0b700beb0ba081269fb3b4f125c00d79650a716ee5338650c85";
	const unsigned char plain[] = "JBSWY3DPEHPK3PXP";
	unsigned char key[SD_MFA_KEY_LEN], sub[32], out[32], sealed[24 + 16 + 16], *p = NULL;
	char hex[65];
	size_t i, plen = 0;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)i;
	sd_mfa_recovery_hash(key, "K7QF-2M9X-P4TA-HN3R", out);
	sodium_bin2hex(hex, sizeof(hex), out, sizeof(out));
	TAP_IS_STR(hex, want_hash, "recovery hash of a known code under a known key");
	sodium_hex2bin(sub, sizeof(sub), seal_subkey, 64, NULL, NULL, NULL);
	memset(sealed, 0x11, 24);
	crypto_secretbox_easy(sealed + 24, plain, 16, sealed, sub);
	TAP_IS_INT(sd_secret_open(key, sealed, sizeof(sealed), &p, &plen), 0,
		"opens nonce || secretbox made under the independently derived subkey");
	tap_ok(p != NULL && plen == 16 && memcmp(p, plain, 16) == 0, "  to the plaintext");
	free(p);
}

/* Runs oathtool for secret at time t; 0 and the code in out, or -1. */
static int
oathtool_code(const char *b32, const char *when, unsigned digits, char *out, size_t outlen)
{
	char cmd[256];
	FILE *p;
	int ok;

	snprintf(cmd, sizeof(cmd), "oathtool --totp -d %u -b %s -N '%s' 2>/dev/null", digits,
		b32, when);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	ok = fgets(out, (int)outlen, p) != NULL;
	if (pclose(p) != 0 || !ok)
		return -1;
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

static void
check_one_oathtool(const unsigned char *secret, int64_t t, const char *when, unsigned digits)
{
	char theirs[32], ours[SD_TOTP_CODE_MAX] = "";
	char *b32 = sd_totp_base32(secret, SD_TOTP_SECRET_LEN);
	int64_t ctr = -7;

	if (b32 == NULL || oathtool_code(b32, when, digits, theirs, sizeof(theirs)) == -1) {
		tap_ok(0, "oathtool ran for t=%lld", (long long)t);
		tap_ok(0, "  (skipped comparison)");
		free(b32);
		return;
	}
	sd_totp_code(secret, SD_TOTP_SECRET_LEN, t, digits, SD_TOTP_PERIOD, ours);
	TAP_IS_STR(ours, theirs, "our %u-digit code equals oathtool's at %s", digits, when);
	TAP_IS_INT(sd_totp_verify(secret, SD_TOTP_SECRET_LEN, theirs, t, digits, SD_TOTP_PERIOD,
			   SD_TOTP_WINDOW, -1, &ctr),
		SD_TOTP_OK, "  and oathtool's code verifies");
	free(b32);
}

static void
check_oathtool(void)
{
	unsigned char secret[SD_TOTP_SECRET_LEN];
	char when[32];
	int64_t t;
	int i;

	if (system("command -v oathtool >/dev/null 2>&1") != 0) {
		tap_ok(1, "# SKIP oathtool is not installed (apt-get install oathtool)");
		return;
	}
	sd_totp_secret_new(secret);
	check_one_oathtool(secret, 1795348800, "2026-11-22 12:00:00 UTC", 6);
	for (i = 0; i < 6; i++) {
		sd_totp_secret_new(secret);
		t = (int64_t)randombytes_uniform(2000000000) + (i % 2 ? 2000000000 : 0);
		snprintf(when, sizeof(when), "@%lld", (long long)t);
		check_one_oathtool(secret, t, when, i == 5 ? 8 : 6);
	}
}

static void
check_base32(void)
{
	unsigned char secret[SD_TOTP_SECRET_LEN], other[SD_TOTP_SECRET_LEN];
	char *b32, *dec = NULL;
	size_t declen = 0;

	TAP_IS_INT(sd_totp_secret_new(secret), 0, "new TOTP secret");
	sd_totp_secret_new(other);
	tap_ok(memcmp(secret, other, sizeof(secret)) != 0, "two new secrets differ");
	b32 = sd_totp_base32(secret, sizeof(secret));
	tap_ok(b32 != NULL && strlen(b32) == 32, "20 bytes are 32 base32 characters");
	if (b32 != NULL && oath_base32_decode(b32, strlen(b32), &dec, &declen) == OATH_OK)
		tap_ok(declen == sizeof(secret) && memcmp(dec, secret, declen) == 0,
			"oath_base32_decode gives the secret back");
	else
		tap_ok(0, "oath_base32_decode gives the secret back");
	free(dec);
	free(b32);
	dec = NULL;
	b32 = sd_totp_base32(secret, 16); /* 26 characters and 6 '=' when padded */
	tap_ok(b32 != NULL && strlen(b32) == 26 && strchr(b32, '=') == NULL,
		"16 bytes: 26 characters, padding dropped");
	if (b32 != NULL && oath_base32_decode(b32, strlen(b32), &dec, &declen) == OATH_OK)
		tap_ok(declen == 16 && memcmp(dec, secret, 16) == 0, "  and still decodes");
	else
		tap_ok(0, "  and still decodes");
	free(dec);
	free(b32);
	b32 = sd_totp_base32(rfc_seed, 0);
	tap_ok(b32 == NULL, "empty secret refused");
	free(b32);
}

static void
check_one_uri(const char *issuer, const char *account, const char *b32, unsigned digits,
	const char *want, const char *what)
{
	char *uri = sd_totp_uri(issuer, account, b32, digits, 30);

	if (want == NULL)
		tap_ok(uri == NULL, "%s", what);
	else
		TAP_IS_STR(uri, want, "%s", what);
	free(uri);
}

static void
check_uri(void)
{
	const char *b32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

	check_one_uri("Dalslands IT-servicedesk", "lisa.nord@bengtsfors.se", b32, 6,
		"otpauth://totp/Dalslands%20IT-servicedesk:lisa.nord%40bengtsfors.se"
		"?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Dalslands%20IT-servicedesk"
		"&algorithm=SHA1&digits=6&period=30",
		"URI: label issuer:account, issuer parameter, %20 not +");
	check_one_uri("Åmåls kommun", "per+test@amal.se", b32, 8,
		"otpauth://totp/%C3%85m%C3%A5ls%20kommun:per%2Btest%40amal.se"
		"?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=%C3%85m%C3%A5ls%20kommun"
		"&algorithm=SHA1&digits=8&period=30",
		"URI: UTF-8 and '+' percent-encoded");
	check_one_uri("IT: Dals-Ed", "a@b.se", b32, 6, NULL, "URI: ':' in issuer refused");
	check_one_uri("IT", "x:y", b32, 6, NULL, "URI: ':' in account refused");
	check_one_uri("", "a@b.se", b32, 6, NULL, "URI: empty issuer refused");
	check_one_uri("IT", "a@b.se", "GEZD&x=1", 6, NULL, "URI: non-base32 secret refused");
	check_one_uri("IT", "a@b.se", "GEZDGNBV====", 6, NULL, "URI: padded secret refused");
	check_one_uri("IT", "a@b.se", b32, 5, NULL, "URI: 5 digits refused");
}

static void
check_seal(void)
{
	unsigned char key[SD_MFA_KEY_LEN], key2[SD_MFA_KEY_LEN];
	const unsigned char plain[] = "hemlig TOTP-nyckel";
	unsigned char *s = NULL, *s2 = NULL, *p = NULL, sentinel[1];
	size_t slen = 0, s2len = 0, plen = 0, i, opened = 0;

	randombytes_buf(key, sizeof(key));
	memcpy(key2, key, sizeof(key));
	key2[31] ^= 0x80;
	TAP_IS_INT(sd_secret_seal(key, plain, sizeof(plain) - 1, &s, &slen), 0, "seal");
	TAP_IS_INT(slen, sizeof(plain) - 1 + 40, "sealed = 24 nonce + 16 MAC + plaintext");
	TAP_IS_INT(sd_secret_open(key, s, slen, &p, &plen), 0, "open");
	tap_ok(p != NULL && plen == sizeof(plain) - 1 && memcmp(p, plain, plen) == 0 &&
			p[plen] == '\0',
		"round trip gives the plaintext, NUL-terminated");
	free(p);
	sd_secret_seal(key, plain, sizeof(plain) - 1, &s2, &s2len);
	tap_ok(s2 != NULL && s2len == slen && memcmp(s, s2, slen) != 0,
		"sealing twice gives different bytes (fresh nonce)");
	for (i = 0; i < slen; i++) {
		s[i] ^= 0x01;
		if (sd_secret_open(key, s, slen, &p, &plen) == 0)
			opened++;
		free(p);
		s[i] ^= 0x01;
	}
	TAP_IS_INT(opened, 0, "a flipped bit at any of %zu positions is refused", slen);
	p = sentinel;
	TAP_IS_INT(sd_secret_open(key2, s, slen, &p, &plen), -1, "another key is refused");
	tap_ok(p == NULL && plen == 0, "  and leaves no plaintext");
	TAP_IS_INT(sd_secret_open(key, s, slen - 1, &p, &plen), -1, "truncated is refused");
	TAP_IS_INT(sd_secret_open(key, s, 39, &p, &plen), -1, "shorter than the overhead");
	free(s);
	free(s2);
	TAP_IS_INT(sd_secret_seal(key, plain, 0, &s, &slen), 0, "empty plaintext seals");
	TAP_IS_INT(sd_secret_open(key, s, slen, &p, &plen), 0, "  and opens");
	TAP_IS_INT(plen, 0, "  to nothing");
	free(s);
	free(p);
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "w");

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
	chmod(path, mode);
}

/* A valid key file's text: 64 hex characters and a newline. */
static void
random_key_hex(char out[2 * SD_MFA_KEY_LEN + 2])
{
	unsigned char key[SD_MFA_KEY_LEN];

	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(out, 2 * SD_MFA_KEY_LEN + 1, key, sizeof(key));
	strcat(out, "\n");
}

/* Entries in the test directory, to see that no temporary file is left. */
static int
count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
check_key_create(const char *path)
{
	unsigned char key[SD_MFA_KEY_LEN], again[SD_MFA_KEY_LEN];
	char err[256] = "", hex[2 * SD_MFA_KEY_LEN + 2] = "";
	struct stat st;
	FILE *f;

	if (!tap_ok(sd_mfa_key_create(path, err, sizeof(err)) == 0, "key file created"))
		tap_diag("%s", err);
	tap_ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600, "  with mode 0600");
	TAP_IS_INT(count_entries(), 1, "  and no temporary file left beside it");
	f = fopen(path, "r");
	if (f != NULL) {
		if (fgets(hex, sizeof(hex), f) == NULL)
			hex[0] = '\0';
		fclose(f);
	}
	tap_ok(strlen(hex) == 65 && hex[64] == '\n' && strspn(hex, "0123456789abcdef") == 64,
		"  holding 64 hex characters and a newline");
	if (!tap_ok(sd_mfa_key_load(path, key, err, sizeof(err)) == 0, "key file loads"))
		tap_diag("%s", err);
	sd_mfa_key_load(path, again, err, sizeof(err));
	tap_ok(memcmp(key, again, sizeof(key)) == 0 && !sodium_is_zero(key, sizeof(key)),
		"  the same non-zero key each time");
	err[0] = '\0';
	TAP_IS_INT(sd_mfa_key_create(path, err, sizeof(err)), -1, "existing key not replaced");
	tap_ok(strstr(err, "already exists") != NULL, "  saying so: %s", err);
	TAP_IS_INT(count_entries(), 1, "  and no temporary file left");
	sd_mfa_key_load(path, again, err, sizeof(err));
	tap_ok(memcmp(key, again, sizeof(key)) == 0, "  the key is unchanged");
}

static void
check_key_refusals(const char *path)
{
	unsigned char key[SD_MFA_KEY_LEN];
	char err[256] = "", good[2 * SD_MFA_KEY_LEN + 2];
	char *missing;

	chmod(path, 0644);
	memset(key, 0xaa, sizeof(key));
	TAP_IS_INT(sd_mfa_key_load(path, key, err, sizeof(err)), -1, "mode 0644 refused");
	tap_ok(strstr(err, "group or others") != NULL && strstr(err, "0644") != NULL,
		"  with a clear message: %s", err);
	tap_ok(sodium_is_zero(key, sizeof(key)), "  and the key buffer wiped");
	chmod(path, 0620);
	TAP_IS_INT(sd_mfa_key_load(path, key, err, sizeof(err)), -1, "mode 0620 refused");
	chmod(path, 0400);
	TAP_IS_INT(sd_mfa_key_load(path, key, err, sizeof(err)), 0, "mode 0400 accepted");
	random_key_hex(good);
	write_file(path, good, 0600);
	TAP_IS_INT(sd_mfa_key_load(path, key, err, sizeof(err)), 0, "64 hex and a newline");
	good[64] = '\0';
	write_file(path, good, 0600);
	TAP_IS_INT(sd_mfa_key_load(path, key, err, sizeof(err)), 0, "64 hex without newline");
	good[10] = 'g';
	write_file(path, good, 0600);
	TAP_IS_INT(sd_mfa_key_load(path, key, err, sizeof(err)), -1, "a non-hex character");
	good[10] = 'a';
	good[63] = '\0';
	write_file(path, good, 0600);
	TAP_IS_INT(sd_mfa_key_load(path, key, err, sizeof(err)), -1, "63 hex characters");
	strcat(good, "ab");
	write_file(path, good, 0600);
	TAP_IS_INT(sd_mfa_key_load(path, key, err, sizeof(err)), -1, "65 hex characters");
	good[64] = '\r';
	write_file(path, good, 0600);
	TAP_IS_INT(sd_mfa_key_load(path, key, err, sizeof(err)), -1, "CR after the hex");
	missing = malloc(strlen(dir) + 10);
	if (missing != NULL)
		sprintf(missing, "%s/missing", dir);
	TAP_IS_INT(missing ? sd_mfa_key_load(missing, key, err, sizeof(err)) : 0, -1,
		"missing file refused");
	free(missing);
	unlink(path);
}

static void
check_key_file(void)
{
	char path[128];

	if (mkdtemp(dir) == NULL) {
		tap_ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/mfa.key", dir);
	check_key_create(path);
	check_key_refusals(path);
	rmdir(dir);
}

/* True when code looks like "K7QF-2M9X-P4TA-HN3R" over the alphabet. */
static int
recovery_shape_ok(const char *code)
{
	size_t i;

	if (strlen(code) != SD_RECOVERY_LEN - 1)
		return 0;
	for (i = 0; i < SD_RECOVERY_LEN - 1; i++) {
		if (i % 5 == 4) {
			if (code[i] != '-')
				return 0;
		} else if (strchr(SD_RECOVERY_ALPHABET, code[i]) == NULL) {
			return 0;
		}
	}
	return 1;
}

#define NCODES 200

static void
check_recovery_new(void)
{
	static char codes[NCODES][SD_RECOVERY_LEN];
	const char *a = SD_RECOVERY_ALPHABET;
	size_t i, j, shape = 0, dup = 0, seen = 0;

	tap_ok(strpbrk(a, "0O1IL") == NULL && strlen(a) == 31,
		"alphabet: 31 symbols, no 0O1IL");
	tap_ok(SD_RECOVERY_CHARS * log2((double)strlen(a)) >= 60.0, "a code holds %.1f bits",
		SD_RECOVERY_CHARS * log2((double)strlen(a)));
	TAP_IS_INT(sd_mfa_recovery_new(codes, NCODES), 0, "%d recovery codes", NCODES);
	for (i = 0; i < NCODES; i++) {
		shape += recovery_shape_ok(codes[i]);
		for (j = 0; j < i; j++)
			dup += strcmp(codes[i], codes[j]) == 0;
	}
	TAP_IS_INT(shape, NCODES, "every code is 4 dash-separated groups of 4 symbols");
	TAP_IS_INT(dup, 0, "all distinct");
	for (i = 0; a[i] != '\0'; i++)
		for (j = 0; j < NCODES; j++)
			if (strchr(codes[j], a[i]) != NULL) {
				seen++;
				break;
			}
	TAP_IS_INT(seen, strlen(a), "every symbol of the alphabet turns up in 3200 draws");
}

static void
check_recovery_hash(void)
{
	static const char *bad[] = {"K7QF-2M9X-P4TA", "K7QF-2M9X-P4TA-HN3R-A",
		"K7QF-2M9X-P4TA-HN3O", "K7QF-2M9X-P4TA-HN30", "K7QF-2M9X-P4TA-HN31",
		"K7QF-2M9X-P4TA-HN3I", "K7QF-2M9X-P4TA-HN3L", "", "K7QF_2M9X_P4TA_HN3R",
		"Å7QF-2M9X-P4TA-HN3R"};
	unsigned char key[SD_MFA_KEY_LEN], h1[32], h2[32], h3[32], h4[32];
	size_t i, refused = 0;

	randombytes_buf(key, sizeof(key));
	TAP_IS_INT(sd_mfa_recovery_hash(key, "K7QF-2M9X-P4TA-HN3R", h1), 0, "hash a code");
	TAP_IS_INT(sd_mfa_recovery_hash(key, "k7qf 2m9x p4ta hn3r", h2), 0, "hash it as typed");
	tap_ok(memcmp(h1, h2, 32) == 0, "  lower case and spaces give the same hash");
	sd_mfa_recovery_hash(key, " K7QF2M9XP4TAHN3R\n", h2);
	tap_ok(memcmp(h1, h2, 32) == 0, "  no dashes, a trailing newline: the same hash");
	sd_mfa_recovery_hash(key, "K7QF-2M9X-P4TA-HN3S", h3);
	tap_ok(memcmp(h1, h3, 32) != 0, "another code, another hash");
	key[0] ^= 1;
	sd_mfa_recovery_hash(key, "K7QF-2M9X-P4TA-HN3R", h4);
	tap_ok(memcmp(h1, h4, 32) != 0, "another server key, another hash");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sd_mfa_recovery_hash(key, bad[i], h4) == -1)
			refused++;
		else
			tap_diag("accepted '%s'", bad[i]);
	TAP_IS_INT(refused, sizeof(bad) / sizeof(bad[0]),
		"short, long, 0 O 1 I L, empty, _ and non-ASCII codes refused");
}

/* Paints the path's runs into a grid; -1 when the path has another form. */
static int
svg_paint(const char *d, unsigned char *grid, int size)
{
	int x, y, n, m, used;

	while (*d != '"') {
		if (sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &m, &used) != 4 || n != m ||
			n < 1 || x < 0 || y < 0 || x + n > size || y >= size)
			return -1;
		while (n-- > 0)
			grid[y * size + x++] ^= 1;
		d += used;
	}
	return 0;
}

/* True when the SVG's dark modules are exactly libqrencode's, quiet zone light. */
static int
svg_matches(const char *svg, const QRcode *qr)
{
	int size = qr->width + 8, x, y, same = 1;
	const char *d = strstr(svg, " d=\"");
	unsigned char *grid = calloc((size_t)size * (size_t)size, 1);

	if (d == NULL || grid == NULL || svg_paint(d + 4, grid, size) == -1) {
		free(grid);
		return 0;
	}
	for (y = 0; y < size; y++)
		for (x = 0; x < size; x++) {
			int in = x >= 4 && y >= 4 && x < size - 4 && y < size - 4;
			int dark = in ? qr->data[(y - 4) * qr->width + (x - 4)] & 1 : 0;

			if (grid[y * size + x] != dark)
				same = 0;
		}
	free(grid);
	return same;
}

static size_t
count_str(const char *s, const char *needle)
{
	size_t n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

static void
check_qr(void)
{
	const char *uri = "otpauth://totp/Dalslands%20IT-servicedesk:lisa.nord%40bengtsfors.se"
			  "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Dalslands%20IT-"
			  "servicedesk&algorithm=SHA1&digits=6&period=30";
	char *svg, *again, want[128], *big;
	QRcode *qr = QRcode_encodeString8bit(uri, 0, QR_ECLEVEL_M);
	int size;

	svg = sd_qr_svg(uri, "QR-kod <&> \"Lisa\"");
	again = sd_qr_svg(uri, "QR-kod <&> \"Lisa\"");
	if (!tap_ok(svg != NULL && again != NULL && qr != NULL, "QR SVG rendered")) {
		free(svg);
		free(again);
		QRcode_free(qr);
		return;
	}
	size = qr->width + 8;
	tap_ok(strncmp(svg, "<svg ", 5) == 0, "starts with <svg");
	tap_ok(strcmp(svg + strlen(svg) - 7, "</svg>\n") == 0, "ends with </svg>");
	TAP_IS_INT(count_str(svg, "<path"), 1, "one path");
	tap_ok(strstr(svg, "<title>QR-kod &lt;&amp;&gt; &quot;Lisa&quot;</title>") != NULL,
		"title XML-escaped");
	TAP_IS_INT(count_str(svg, "<&>"), 0, "no raw <&>");
	tap_ok(strstr(svg, "role=\"img\"") != NULL, "role=img");
	tap_ok(strstr(svg, "shape-rendering=\"crispEdges\"") != NULL, "crispEdges");
	snprintf(want, sizeof(want), "viewBox=\"0 0 %d %d\"", size, size);
	tap_ok(strstr(svg, want) != NULL, "viewBox is width %d + 2 * 4 quiet modules",
		qr->width);
	snprintf(want, sizeof(want), "width=\"%d\" height=\"%d\"", size * 5, size * 5);
	tap_ok(strstr(svg, want) != NULL, "rendered at %d px", size * 5);
	tap_ok(svg_matches(svg, qr), "the path's modules are exactly libqrencode's matrix");
	TAP_IS_STR(again, svg, "same input, same SVG");
	free(svg);
	free(again);
	QRcode_free(qr);
	big = malloc(4001);
	if (big != NULL) {
		memset(big, 'x', 4000);
		big[4000] = '\0';
	}
	svg = big ? sd_qr_svg(big, "t") : NULL;
	tap_ok(big != NULL && svg == NULL, "text beyond a QR code's capacity refused");
	free(svg);
	free(big);
}

int
main(void)
{
	if (sodium_init() < 0 || oath_init() != OATH_OK) {
		tap_ok(0, "libsodium and liboath initialise");
		return tap_done();
	}
	check_rfc_vectors();
	check_drift_and_replay();
	check_code_format();
	check_epoch();
	check_known_answers();
	check_oathtool();
	check_base32();
	check_uri();
	check_seal();
	check_key_file();
	check_recovery_new();
	check_recovery_hash();
	check_qr();
	oath_done();
	return tap_done();
}
