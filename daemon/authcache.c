/*
 * authcache.c: who a token belongs to, remembered for a moment.
 *
 * Every request names its session or API token; looking it up costs a
 * database round trip that would otherwise be most of a simple read.  The
 * answer is kept for [auth] cache_ms (default one second) in this process
 * only, keyed by the token's hash.  Whatever changes who someone is here
 * (logout, MFA, a role or account change) empties the cache at once; a
 * change made through another sdeskd is seen within cache_ms.  Nothing is
 * lost on restart: it is a cache of the database.
 */
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

#define AUTHCACHE_SLOTS 1024

struct authcache_slot {
	char as_hash[65];
	struct sd_auth *as_auth;
	struct timespec as_until;
	unsigned long as_gen;
};

static struct {
	pthread_mutex_t ac_lock;
	struct authcache_slot ac_slots[AUTHCACHE_SLOTS];
	unsigned long ac_gen;
} authcache = {PTHREAD_MUTEX_INITIALIZER, {{{0}, NULL, {0, 0}, 0}}, 0};

static char **
authcache_dup_strings(char **v, size_t n)
{
	char **out;
	size_t i;

	if ((out = calloc(n + 1, sizeof(*out))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if ((out[i] = strdup(v[i])) == NULL)
			return out; /* freed by sd_auth_free via the count */
	return out;
}

struct sd_auth *
sd_auth_dup(const struct sd_auth *a)
{
	struct sd_auth *b;

	if ((b = malloc(sizeof(*b))) == NULL)
		return NULL;
	*b = *a;
	b->au_grants = NULL;
	b->au_token_perms = NULL;
	b->au_visible = NULL;
	b->au_scope_tenants = NULL;
	b->au_scope_perms = NULL;
	if ((a->au_ngrants > 0 &&
		    (b->au_grants = malloc(a->au_ngrants * sizeof(*a->au_grants))) == NULL) ||
		(a->au_ntoken_perms > 0 &&
			(b->au_token_perms = authcache_dup_strings(
				 a->au_token_perms, a->au_ntoken_perms)) == NULL) ||
		(b->au_visible = malloc((a->au_nvisible + 1) * sizeof(int))) == NULL ||
		(a->au_scope_tenants &&
			(b->au_scope_tenants = strdup(a->au_scope_tenants)) == NULL) ||
		(a->au_scope_perms &&
			(b->au_scope_perms = strdup(a->au_scope_perms)) == NULL)) {
		sd_auth_free(b);
		return NULL;
	}
	if (a->au_ngrants > 0)
		memcpy(b->au_grants, a->au_grants, a->au_ngrants * sizeof(*a->au_grants));
	memcpy(b->au_visible, a->au_visible, a->au_nvisible * sizeof(int));
	return b;
}

static struct authcache_slot *
authcache_slot(const char *hash)
{
	unsigned long h = strtoul((char[9]){hash[0], hash[1], hash[2], hash[3], hash[4],
					  hash[5], hash[6], hash[7], '\0'},
		NULL, 16);

	return &authcache.ac_slots[h % AUTHCACHE_SLOTS];
}

struct sd_auth *
sd_authcache_get(const char *hash)
{
	struct authcache_slot *s = authcache_slot(hash);
	struct sd_auth *a = NULL;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&authcache.ac_lock);
	if (s->as_auth != NULL && s->as_gen == authcache.ac_gen &&
		strcmp(s->as_hash, hash) == 0 && sd_elapsed(&now, &s->as_until) > 0)
		a = sd_auth_dup(s->as_auth);
	pthread_mutex_unlock(&authcache.ac_lock);
	return a;
}

void
sd_authcache_put(const char *hash, const struct sd_auth *a, unsigned ms)
{
	struct authcache_slot *s = authcache_slot(hash);
	struct sd_auth *copy, *old;
	struct timespec until;

	if (ms == 0 || (copy = sd_auth_dup(a)) == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&authcache.ac_lock);
	old = s->as_auth;
	memcpy(s->as_hash, hash, sizeof(s->as_hash));
	s->as_auth = copy;
	s->as_until = until;
	s->as_gen = authcache.ac_gen;
	pthread_mutex_unlock(&authcache.ac_lock);
	sd_auth_free(old);
}

void
sd_authcache_clear(void)
{
	pthread_mutex_lock(&authcache.ac_lock);
	authcache.ac_gen++;
	pthread_mutex_unlock(&authcache.ac_lock);
}

void
sd_authcache_free(void)
{
	size_t i;

	pthread_mutex_lock(&authcache.ac_lock);
	for (i = 0; i < AUTHCACHE_SLOTS; i++) {
		sd_auth_free(authcache.ac_slots[i].as_auth);
		authcache.ac_slots[i].as_auth = NULL;
	}
	pthread_mutex_unlock(&authcache.ac_lock);
}
