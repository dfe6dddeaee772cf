/*
 * mfa.c: multi-factor authentication primitives (see mfa.h).
 *
 * The server key never reaches the database; it is used only through
 * subkeys derived per purpose, so that sealing and recovery-code hashing
 * never share a key even though one file holds it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <liboath/oath.h>
#include <qrencode.h>
#include <sodium.h>

#include "mfa.h"

#define KEY_HEX_LEN (2 * SD_MFA_KEY_LEN)
#define SEAL_OVERHEAD (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
#define QR_QUIET 4  /* modules of light margin scanners need (ISO 18004) */
#define QR_PIXELS 5 /* CSS pixels per module: 200-300 px for an otpauth URI */

/* crypto_kdf context and subkey ids: changing them invalidates stored data. */
#define KDF_CONTEXT "sdeskmfa"
enum mfa_subkey { SUBKEY_SEAL = 1, SUBKEY_RECOVERY = 2 };

_Static_assert(SD_MFA_KEY_LEN == crypto_kdf_KEYBYTES, "server key is a kdf master key");
_Static_assert(SD_MFA_KEY_LEN == crypto_secretbox_KEYBYTES, "seal subkey size");
_Static_assert(SD_MFA_KEY_LEN >= crypto_generichash_KEYBYTES_MIN, "hash subkey size");
_Static_assert(SD_RECOVERY_HASH_LEN >= crypto_generichash_BYTES_MIN, "hash size");
_Static_assert(sizeof(SD_RECOVERY_ALPHABET) - 1 == 31, "recovery alphabet");
_Static_assert(SD_RECOVERY_LEN == SD_RECOVERY_CHARS + SD_RECOVERY_CHARS / 4, "dashes");

static pthread_once_t mfa_once = PTHREAD_ONCE_INIT;
static int mfa_ready;

/* oath_init is not reference-counted and oath_done is a no-op: run it once. */
static void
mfa_init_once(void)
{
	mfa_ready = sodium_init() >= 0 && oath_init() == OATH_OK;
}

static int
mfa_init(void)
{
	if (pthread_once(&mfa_once, mfa_init_once) != 0 || !mfa_ready)
		return -1;
	return 0;
}

static void
mfa_subkey(const unsigned char key[SD_MFA_KEY_LEN], enum mfa_subkey id,
	unsigned char sub[SD_MFA_KEY_LEN])
{
	crypto_kdf_derive_from_key(sub, SD_MFA_KEY_LEN, id, KDF_CONTEXT, key);
}

/* Reads up to len bytes until end of file; -1 on a read error. */
static ssize_t
mfa_read_all(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, buf + got, len - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int
mfa_write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Checks that the open key file is private; err explains how to fix it. */
static int
mfa_key_check_mode(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: cannot stat: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		snprintf(err, errlen,
			"%s: mode %04o lets group or others read or write the MFA key; "
			"run chmod 600 on it",
			path, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

int
sd_mfa_key_load(const char *path, unsigned char key[SD_MFA_KEY_LEN], char *err, size_t errlen)
{
	char buf[KEY_HEX_LEN + 2]; /* the hex, a newline and one byte too many */
	const char *end = NULL;
	size_t binlen = 0;
	ssize_t n = 0;
	int fd = -1, rc = -1;

	if (mfa_init() == -1) {
		snprintf(err, errlen, "cannot initialise libsodium or liboath");
		goto fail;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		goto fail;
	}
	if (mfa_key_check_mode(fd, path, err, errlen) == -1)
		goto fail;
	n = mfa_read_all(fd, buf, sizeof(buf));
	if (n == -1) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		goto fail;
	}
	if (n == KEY_HEX_LEN + 1 && buf[KEY_HEX_LEN] == '\n')
		n = KEY_HEX_LEN;
	if (n != KEY_HEX_LEN ||
		sodium_hex2bin(key, SD_MFA_KEY_LEN, buf, KEY_HEX_LEN, NULL, &binlen, &end) !=
			0 ||
		binlen != SD_MFA_KEY_LEN || end != buf + KEY_HEX_LEN) {
		snprintf(err, errlen, "%s: not an MFA key (%d hexadecimal characters)", path,
			KEY_HEX_LEN);
		goto fail;
	}
	rc = 0;
fail:
	sodium_memzero(buf, sizeof(buf));
	if (rc == -1)
		sodium_memzero(key, SD_MFA_KEY_LEN);
	if (fd != -1)
		close(fd);
	return rc;
}

/* Makes the new directory entry durable; the key is useless if it vanishes. */
static int
mfa_fsync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, rc;

	if (slash == NULL)
		dir = strdup(".");
	else
		dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (dir == NULL)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Writes a fresh key into the open temporary file. */
static int
mfa_key_write(int fd)
{
	unsigned char key[SD_MFA_KEY_LEN];
	char hex[KEY_HEX_LEN + 2];
	int rc;

	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	hex[KEY_HEX_LEN] = '\n';
	rc = mfa_write_all(fd, hex, KEY_HEX_LEN + 1);
	if (rc == 0)
		rc = fsync(fd);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

/*
 * The key is written to a temporary file (O_CREAT|O_EXCL, 0600, by
 * mkostemp) and then link()ed into place: link never replaces an existing
 * file, and a crash leaves either no key or a complete one.
 */
int
sd_mfa_key_create(const char *path, char *err, size_t errlen)
{
	char *tmp = NULL;
	int fd = -1, rc = -1, made = 0;

	if (mfa_init() == -1) {
		snprintf(err, errlen, "cannot initialise libsodium or liboath");
		goto fail;
	}
	if (asprintf(&tmp, "%s.XXXXXX", path) == -1) {
		tmp = NULL;
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd == -1) {
		snprintf(err, errlen, "%s: cannot create a temporary file beside it: %s", path,
			strerror(errno));
		goto fail;
	}
	made = 1;
	if (fchmod(fd, S_IRUSR | S_IWUSR) == -1 || mfa_key_write(fd) == -1) {
		snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
		goto fail;
	}
	if (link(tmp, path) == -1) {
		if (errno == EEXIST)
			snprintf(err, errlen,
				"%s: already exists; an MFA key is never replaced", path);
		else
			snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
		goto fail;
	}
	if (mfa_fsync_dir(path) == -1) {
		snprintf(err, errlen, "%s: created, but syncing its directory failed: %s", path,
			strerror(errno));
		goto fail;
	}
	rc = 0;
fail:
	if (fd != -1)
		close(fd);
	if (made)
		unlink(tmp);
	free(tmp);
	return rc;
}

int
sd_secret_seal(const unsigned char key[SD_MFA_KEY_LEN], const unsigned char *plain, size_t len,
	unsigned char **out, size_t *outlen)
{
	unsigned char sub[SD_MFA_KEY_LEN];
	unsigned char *buf;

	*out = NULL;
	*outlen = 0;
	if (mfa_init() == -1 || len > SIZE_MAX - SEAL_OVERHEAD)
		return -1;
	buf = malloc(len + SEAL_OVERHEAD);
	if (buf == NULL)
		return -1;
	mfa_subkey(key, SUBKEY_SEAL, sub);
	randombytes_buf(buf, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(buf + crypto_secretbox_NONCEBYTES, plain, len, buf, sub);
	sodium_memzero(sub, sizeof(sub));
	*out = buf;
	*outlen = len + SEAL_OVERHEAD;
	return 0;
}

int
sd_secret_open(const unsigned char key[SD_MFA_KEY_LEN], const unsigned char *sealed, size_t len,
	unsigned char **plain, size_t *plainlen)
{
	unsigned char sub[SD_MFA_KEY_LEN];
	unsigned char *buf = NULL;
	size_t n;
	int rc = -1;

	*plain = NULL;
	*plainlen = 0;
	if (mfa_init() == -1 || len < SEAL_OVERHEAD)
		return -1;
	n = len - SEAL_OVERHEAD;
	buf = malloc(n + 1);
	if (buf == NULL)
		return -1;
	mfa_subkey(key, SUBKEY_SEAL, sub);
	if (crypto_secretbox_open_easy(buf, sealed + crypto_secretbox_NONCEBYTES,
		    len - crypto_secretbox_NONCEBYTES, sealed, sub) != 0)
		goto fail;
	buf[n] = '\0';
	*plain = buf;
	*plainlen = n;
	buf = NULL;
	rc = 0;
fail:
	sodium_memzero(sub, sizeof(sub));
	free(buf);
	return rc;
}

int
sd_totp_secret_new(unsigned char secret[SD_TOTP_SECRET_LEN])
{
	if (mfa_init() == -1)
		return -1;
	randombytes_buf(secret, SD_TOTP_SECRET_LEN);
	return 0;
}

char *
sd_totp_base32(const unsigned char *secret, size_t len)
{
	char *out = NULL;

	if (mfa_init() == -1 || len == 0)
		return NULL;
	if (oath_base32_encode((const char *)secret, len, &out, NULL) != OATH_OK)
		return NULL;
	/* Padding is optional in RFC 4648 and some apps reject it in a key. */
	out[strcspn(out, "=")] = '\0';
	return out;
}

/* True when s is non-empty RFC 4648 base32 without padding. */
static int
mfa_base32_ok(const char *s)
{
	return s[0] != '\0' && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == strlen(s);
}

char *
sd_totp_uri(const char *issuer, const char *account, const char *base32, unsigned digits,
	unsigned period)
{
	char *iss = NULL, *acc = NULL, *uri = NULL;

	if (issuer[0] == '\0' || account[0] == '\0' || strchr(issuer, ':') != NULL ||
		strchr(account, ':') != NULL || !mfa_base32_ok(base32) || digits < 6 ||
		digits > 8 || period == 0)
		return NULL;
	/* curl_easy_escape keeps only RFC 3986 unreserved characters as they are. */
	iss = curl_easy_escape(NULL, issuer, 0);
	acc = curl_easy_escape(NULL, account, 0);
	if (iss == NULL || acc == NULL)
		goto fail;
	if (asprintf(&uri,
		    "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=%u"
		    "&period=%u",
		    iss, acc, base32, iss, digits, period) == -1)
		uri = NULL;
fail:
	curl_free(iss);
	curl_free(acc);
	return uri;
}

/* The parameters liboath accepts, and times it can represent. */
static int
mfa_totp_params_ok(size_t len, int64_t now, unsigned digits, unsigned period)
{
	if (len == 0 || digits < 6 || digits > 8 || period == 0 || now < 0 ||
		(int64_t)(time_t)now != now)
		return 0;
	return mfa_init() == 0;
}

int
sd_totp_code(const unsigned char *secret, size_t len, int64_t now, unsigned digits,
	unsigned period, char *out)
{
	if (!mfa_totp_params_ok(len, now, digits, period))
		return -1;
	if (oath_totp_generate(
		    (const char *)secret, len, (time_t)now, period, 0, digits, out) != OATH_OK)
		return -1;
	return 0;
}

/* liboath's comparison hook, made constant-time: 0 on a match, 1 otherwise. */
static int
mfa_totp_cmp(void *handle, const char *candidate)
{
	const char *code = handle;

	return sodium_memcmp(code, candidate, strlen(candidate)) == 0 ? 0 : 1;
}

static int
mfa_totp_code_ok(const char *code, unsigned digits)
{
	return code != NULL && strlen(code) == digits && strspn(code, "0123456789") == digits;
}

/*
 * oath_totp_validate3_callback tries steps 0, +1, -1, +2, -2 ... from now
 * and stops at the first match, returning its distance and (through
 * otp_counter) the step itself.  Below step 0 its unsigned counter wraps,
 * hence the range check.
 */
int
sd_totp_verify(const unsigned char *secret, size_t len, const char *code, int64_t now,
	unsigned digits, unsigned period, unsigned window, int64_t last_counter,
	int64_t *counter)
{
	char want[SD_TOTP_CODE_MAX];
	uint64_t step, matched = 0;
	int rc;

	if (!mfa_totp_params_ok(len, now, digits, period) || window > SD_TOTP_MAX_WINDOW)
		return -1;
	if (!mfa_totp_code_ok(code, digits))
		return SD_TOTP_WRONG;
	memcpy(want, code, digits + 1); /* the hook's handle is not const */
	step = (uint64_t)now / period;
	rc = oath_totp_validate3_callback((const char *)secret, len, (time_t)now, period, 0,
		digits, window, NULL, &matched, mfa_totp_cmp, want);
	if (rc == OATH_INVALID_OTP)
		return SD_TOTP_WRONG;
	if (rc < 0)
		return -1;
	if (matched > step + window)
		return SD_TOTP_WRONG;
	if ((int64_t)matched <= last_counter)
		return SD_TOTP_REPLAY;
	*counter = (int64_t)matched;
	return SD_TOTP_OK;
}

int
sd_mfa_recovery_new(char codes[][SD_RECOVERY_LEN], size_t n)
{
	static const char alphabet[] = SD_RECOVERY_ALPHABET;
	size_t i, j;
	char *p;

	if (mfa_init() == -1)
		return -1;
	for (i = 0; i < n; i++) {
		p = codes[i];
		for (j = 0; j < SD_RECOVERY_CHARS; j++) {
			if (j > 0 && j % 4 == 0)
				*p++ = '-';
			/* randombytes_uniform has no modulo bias. */
			*p++ = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
		}
		*p = '\0';
	}
	return 0;
}

/* Folds case and drops blanks and dashes; -1 unless exactly the right symbols. */
static int
mfa_recovery_normalise(const char *code, char out[SD_RECOVERY_CHARS])
{
	size_t n = 0;
	int c;

	for (; *code != '\0'; code++) {
		c = (unsigned char)*code;
		if (c == ' ' || c == '-' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (n == SD_RECOVERY_CHARS || strchr(SD_RECOVERY_ALPHABET, c) == NULL)
			return -1;
		out[n++] = (char)c;
	}
	return n == SD_RECOVERY_CHARS ? 0 : -1;
}

int
sd_mfa_recovery_hash(const unsigned char key[SD_MFA_KEY_LEN], const char *code,
	unsigned char out[SD_RECOVERY_HASH_LEN])
{
	unsigned char sub[SD_MFA_KEY_LEN];
	char norm[SD_RECOVERY_CHARS];
	int rc = -1;

	if (mfa_init() == -1 || mfa_recovery_normalise(code, norm) == -1)
		goto fail;
	mfa_subkey(key, SUBKEY_RECOVERY, sub);
	if (crypto_generichash(out, SD_RECOVERY_HASH_LEN, (const unsigned char *)norm,
		    sizeof(norm), sub, sizeof(sub)) != 0)
		goto fail;
	rc = 0;
fail:
	sodium_memzero(sub, sizeof(sub));
	sodium_memzero(norm, sizeof(norm));
	return rc;
}

/* Writes s as XML character data; control characters XML forbids become spaces. */
static void
mfa_xml_escape(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
			break;
		}
	}
}

/* One subpath per horizontal run of dark modules: short and exact. */
static void
mfa_qr_path(FILE *f, const QRcode *qr)
{
	const unsigned char *row;
	int x, y, start;

	for (y = 0; y < qr->width; y++) {
		row = qr->data + (size_t)y * (size_t)qr->width;
		x = 0;
		while (x < qr->width) {
			if ((row[x] & 1) == 0) {
				x++;
				continue;
			}
			start = x;
			while (x < qr->width && (row[x] & 1) != 0)
				x++;
			fprintf(f, "M%d %dh%dv1h-%dz", start + QR_QUIET, y + QR_QUIET,
				x - start, x - start);
		}
	}
}

char *
sd_qr_svg(const char *text, const char *title)
{
	QRcode *qr;
	FILE *f = NULL;
	char *buf = NULL;
	size_t len;
	int size, bad;

	qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (qr == NULL)
		return NULL;
	f = open_memstream(&buf, &len);
	if (f == NULL)
		goto fail;
	size = qr->width + 2 * QR_QUIET;
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		"width=\"%d\" height=\"%d\" role=\"img\" shape-rendering=\"crispEdges\">"
		"<title>",
		size, size, size * QR_PIXELS, size * QR_PIXELS);
	mfa_xml_escape(f, title);
	/* A light background of its own keeps it scannable on a dark page. */
	fputs("</title><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
	      "<path fill=\"#000\" d=\"",
		f);
	mfa_qr_path(f, qr);
	fputs("\"/></svg>\n", f);
	bad = ferror(f);
	if (fclose(f) != 0 || bad)
		goto fail;
	QRcode_free(qr);
	return buf;
fail:
	free(buf);
	QRcode_free(qr);
	return NULL;
}
