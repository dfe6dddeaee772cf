/*
 * password.c: passwords of local accounts (break-glass administrators,
 * external users).  Hashing is libsodium's Argon2id; the policy check for
 * common and dictionary passwords is cracklib's.  Directory users'
 * passwords never reach this file.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <crack.h>
#include <sodium.h>

#include "sdesk.h"

#define PASSWORD_MIN 12
#define PASSWORD_MAX 1024

static pthread_once_t password_once = PTHREAD_ONCE_INIT;
static char password_dummy[crypto_pwhash_STRBYTES];
static pthread_mutex_t password_crack_lock = PTHREAD_MUTEX_INITIALIZER;

int
sd_password_hash(const char *pw, char out[SD_PASSWORD_HASH_LEN])
{
	char buf[crypto_pwhash_STRBYTES];

	if (crypto_pwhash_str(buf, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
		    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return -1;
	snprintf(out, SD_PASSWORD_HASH_LEN, "%s", buf);
	return 0;
}

int
sd_password_verify(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0 ? 0 : -1;
}

static void
password_make_dummy(void)
{
	char pw[33];

	sd_random_hex(pw, 16);
	if (crypto_pwhash_str(password_dummy, pw, strlen(pw),
		    crypto_pwhash_OPSLIMIT_INTERACTIVE,
		    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		password_dummy[0] = '\0';
}

void
sd_password_verify_dummy(const char *pw)
{
	pthread_once(&password_once, password_make_dummy);
	if (password_dummy[0] != '\0' &&
		crypto_pwhash_str_verify(password_dummy, pw, strlen(pw)) == 0)
		sd_log(SD_LOG_WARN, "auth", "a random password matched; this cannot happen");
}

/* True when the lowercased haystack contains the lowercased needle. */
static int
password_contains(const char *hay, const char *needle)
{
	size_t hl = strlen(hay), nl = strlen(needle), i, j;

	if (nl < 3 || nl > hl)
		return 0;
	for (i = 0; i + nl <= hl; i++) {
		for (j = 0; j < nl; j++)
			if (tolower((unsigned char)hay[i + j]) !=
				tolower((unsigned char)needle[j]))
				break;
		if (j == nl)
			return 1;
	}
	return 0;
}

/* The common-password and word list, loaded once: sorted, one per line. */
static struct {
	pthread_once_t pl_once;
	char *pl_text;
	char **pl_words;
	size_t pl_n;
} password_list = {PTHREAD_ONCE_INIT, NULL, NULL, 0};
static const char *password_list_path;

static void
password_list_load(void)
{
	FILE *f;
	long len;
	size_t i, n = 0;
	char *p;

	if (password_list_path == NULL || (f = fopen(password_list_path, "r")) == NULL)
		return;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0 ||
		(password_list.pl_text = malloc((size_t)len + 1)) == NULL ||
		fread(password_list.pl_text, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		return;
	}
	fclose(f);
	password_list.pl_text[len] = '\0';
	for (i = 0; i < (size_t)len; i++)
		n += password_list.pl_text[i] == '\n';
	if ((password_list.pl_words = calloc(n + 1, sizeof(char *))) == NULL)
		return;
	for (p = password_list.pl_text; *p != '\0' && password_list.pl_n <= n;) {
		char *nl = strchr(p, '\n');

		password_list.pl_words[password_list.pl_n++] = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
}

void
sd_password_list_path(const char *path)
{
	password_list_path = path;
}

static int
password_word_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(char *const *)elem);
}

/*
 * Lowercases (ASCII and Å, Ä, Ö), strips digits and punctuation from both
 * ends and undoes the usual letter-for-digit swaps, so that "Sommar2024!"
 * and "P@ssw0rd123" meet the list as "sommar" and "password".
 */
static void
password_core(const char *pw, char *out, size_t outlen)
{
	static const char leet_from[] = "0134578@$!", leet_to[] = "oieastbasi";
	const unsigned char *s = (const unsigned char *)pw;
	size_t n = 0, start = 0, end;
	char *q;

	for (; *s != '\0' && n + 2 < outlen; s++) {
		if (*s >= 'A' && *s <= 'Z')
			out[n++] = (char)(*s + 32);
		else if (*s == 0xc3 && (s[1] == 0x84 || s[1] == 0x85 || s[1] == 0x96)) {
			out[n++] = (char)*s++;
			out[n++] = (char)(*s + 0x20);
		} else
			out[n++] = (char)*s;
	}
	out[n] = '\0';
	while (start < n && !((out[start] >= 'a' && out[start] <= 'z') || out[start] & 0x80))
		start++;
	end = n;
	while (end > start &&
		!((out[end - 1] >= 'a' && out[end - 1] <= 'z') || out[end - 1] & 0x80))
		end--;
	memmove(out, out + start, end - start);
	out[end - start] = '\0';
	for (q = out; *q != '\0'; q++) {
		const char *k = strchr(leet_from, *q);

		if (k != NULL)
			*q = leet_to[k - leet_from];
	}
}

/* 1 when pw is a listed password or word with at most decoration around it. */
static int
password_listed(const char *pw)
{
	char core[1100];

	pthread_once(&password_list.pl_once, password_list_load);
	if (password_list.pl_n == 0)
		return -1;
	password_core(pw, core, sizeof(core));
	if (strlen(core) < 4)
		return 0;
	return bsearch(core, password_list.pl_words, password_list.pl_n, sizeof(char *),
		       password_word_cmp) != NULL;
}

int
sd_password_policy(
	const char *pw, const char *login, const char *name, int en, char *why, size_t whylen)
{
	int listed;

	const char *msg;
	size_t len = strlen(pw);

	if (len < PASSWORD_MIN || len > PASSWORD_MAX) {
		snprintf(why, whylen,
			en ? "The password must be %d to %d characters long."
			   : "Lösenordet ska vara %d till %d tecken långt.",
			PASSWORD_MIN, PASSWORD_MAX);
		return -1;
	}
	if ((login != NULL && password_contains(pw, login)) ||
		(name != NULL && password_contains(pw, name))) {
		snprintf(why, whylen,
			en ? "The password must not contain the login or the name."
			   : "Lösenordet får inte innehålla användarnamnet eller namnet.");
		return -1;
	}
	if ((listed = password_listed(pw)) != 0) {
		snprintf(why, whylen,
			listed < 0
				? (en ? "The list of common passwords is missing (%s)."
				      : "Listan med vanliga lösenord saknas (%s).")
				: (en ? "The password is a common password or word with a few "
					"characters added%s."
				      : "Lösenordet är ett vanligt lösenord eller ord med "
					"några tecken "
					"tillagda%s."),
			listed < 0 ? (password_list_path ? password_list_path : "?") : "");
		return -1;
	}
	/* cracklib keeps static state: one caller at a time. */
	pthread_mutex_lock(&password_crack_lock);
	msg = FascistCheckUser(
		pw, GetDefaultCracklibDict(), login ? login : "", name ? name : "");
	pthread_mutex_unlock(&password_crack_lock);
	if (msg != NULL) {
		snprintf(why, whylen,
			en ? "The password is too easy to guess (%s)."
			   : "Lösenordet är för lätt att gissa (%s).",
			msg);
		return -1;
	}
	return 0;
}
