/*
 * mfa.h: multi-factor authentication primitives: the server key, secrets
 * sealed at rest, TOTP (RFC 6238), recovery codes and the enrolment QR code.
 *
 * Pure functions: no HTTP, no SQL.  libsodium, liboath, libcurl's escaping
 * and libqrencode do the work; this file fixes formats and policy.  Every
 * function initialises the libraries it needs itself (once, thread-safely),
 * so callers need no set-up call.
 */
#ifndef SDESK_MFA_H
#define SDESK_MFA_H

#include <stddef.h>
#include <stdint.h>

#define SD_MFA_KEY_LEN 32     /* the server key, bytes */
#define SD_TOTP_SECRET_LEN 20 /* 160 bits: RFC 4226's size for HMAC-SHA1 */
#define SD_TOTP_DIGITS 6      /* what Microsoft and Google Authenticator show */
#define SD_TOTP_PERIOD 30     /* seconds per time step */
#define SD_TOTP_WINDOW 1      /* steps of clock drift accepted either way */
#define SD_TOTP_MAX_WINDOW 10 /* larger windows are refused as a misconfiguration */
#define SD_TOTP_CODE_MAX 9    /* room for an 8-digit code and its NUL */

/* Recovery codes: 4 groups of 4 from 31 symbols, 79 bits, "K7QF-2M9X-P4TA-HN3R". */
#define SD_RECOVERY_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ" /* no 0 O 1 I L */
#define SD_RECOVERY_CHARS 16 /* symbols in a code, without dashes */
#define SD_RECOVERY_LEN 20   /* a code as shown, with dashes and NUL */
#define SD_RECOVERY_HASH_LEN 32

/* What sd_totp_verify says; -1 is a caller error (bad digits, period, window). */
enum sd_totp_rc {
	SD_TOTP_OK = 0,
	SD_TOTP_WRONG = 1,  /* no match in the window, or not `digits` decimal digits */
	SD_TOTP_REPLAY = 2, /* matched a step at or before the last accepted one */
};

/*
 * Reads the server key from path: 64 hex characters and an optional
 * newline.  Refuses a file that group or others may read or write, so a
 * leaked key is a mistake someone made rather than a default.  0, or -1 with
 * a message naming the file in err (key is then zeroed).
 */
int sd_mfa_key_load(
	const char *path, unsigned char key[SD_MFA_KEY_LEN], char *err, size_t errlen);
/*
 * Creates a new random server key at path with mode 0600.  The file appears
 * complete or not at all, and an existing file is never replaced: losing
 * the key makes every sealed secret unreadable.  0, or -1 with err filled.
 */
int sd_mfa_key_create(const char *path, char *err, size_t errlen);

/*
 * Seals plain under the server key for storage: nonce || secretbox.  *out
 * is malloc'd and the caller frees it.  0, or -1 (out of memory).
 */
int sd_secret_seal(const unsigned char key[SD_MFA_KEY_LEN], const unsigned char *plain,
	size_t len, unsigned char **out, size_t *outlen);
/*
 * Opens what sd_secret_seal made.  *plain is malloc'd with a NUL after
 * *plainlen bytes; the caller wipes it with sodium_memzero and frees it.
 * -1 when sealed was altered, truncated or sealed under another key.
 */
int sd_secret_open(const unsigned char key[SD_MFA_KEY_LEN], const unsigned char *sealed,
	size_t len, unsigned char **plain, size_t *plainlen);

/* Fills secret with a new random TOTP secret.  0, or -1 without randomness. */
int sd_totp_secret_new(unsigned char secret[SD_TOTP_SECRET_LEN]);
/*
 * The secret in base32 without '=' padding, as authenticator apps take it
 * for manual entry.  malloc'd; the caller wipes and frees it.  NULL on
 * failure.
 */
char *sd_totp_base32(const unsigned char *secret, size_t len);
/*
 * The otpauth://totp/ URI an authenticator app scans (Google's Key Uri
 * Format): label "issuer:account" and an issuer parameter, both
 * percent-encoded per RFC 3986.  base32 as from sd_totp_base32.  malloc'd;
 * the caller frees it.  NULL when issuer or account is empty or holds a ':'
 * (apps split the label on it), base32 is not base32, or digits is not 6-8.
 */
char *sd_totp_uri(const char *issuer, const char *account, const char *base32, unsigned digits,
	unsigned period);
/*
 * The code for time now into out (digits + 1 bytes, at most
 * SD_TOTP_CODE_MAX), for tests and for showing the next expected code.
 * 0, or -1 for digits outside 6-8, period 0 or now before 1970.
 */
int sd_totp_code(const unsigned char *secret, size_t len, int64_t now, unsigned digits,
	unsigned period, char *out);
/*
 * Checks a code the user typed against steps now/period +- window,
 * comparing in constant time.  Returns SD_TOTP_OK and sets *counter to the
 * matched step, which the caller stores and passes as last_counter next
 * time (-1 when none yet), so that each code is accepted once.  Otherwise
 * SD_TOTP_WRONG or SD_TOTP_REPLAY with *counter untouched, or -1 for bad
 * parameters.
 */
int sd_totp_verify(const unsigned char *secret, size_t len, const char *code, int64_t now,
	unsigned digits, unsigned period, unsigned window, int64_t last_counter,
	int64_t *counter);

/*
 * Fills codes[0..n-1] with new one-time recovery codes, shown to the user
 * once; the database keeps only sd_mfa_recovery_hash of each.  0, or -1
 * without randomness.
 */
int sd_mfa_recovery_new(char codes[][SD_RECOVERY_LEN], size_t n);
/*
 * The keyed hash stored for a recovery code.  The code is normalised first
 * (case folded, spaces and dashes dropped) so that what a user types back
 * matches.  -1 when it is not SD_RECOVERY_CHARS symbols of the alphabet.
 */
int sd_mfa_recovery_hash(const unsigned char key[SD_MFA_KEY_LEN], const char *code,
	unsigned char out[SD_RECOVERY_HASH_LEN]);

/*
 * text as a QR code (level M, 8-bit mode, 4-module quiet zone) in one
 * self-contained SVG element, with title (not NULL; escaped here) as its
 * accessible name.  The SVG of an otpauth URI holds the secret: serve it
 * with no-store.  malloc'd; the caller frees it.  NULL when text is too
 * long or on failure.
 */
char *sd_qr_svg(const char *text, const char *title);

#endif
