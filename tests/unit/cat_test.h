/*
 * cat_test.h: what the catalogue's unit tests share: the daemon's tenants,
 * queues and roles, and reading a file of the source tree.
 */
#ifndef SDESK_CAT_TEST_H
#define SDESK_CAT_TEST_H

#include <stdio.h>
#include <stdlib.h>

#include "catalogue.h"

static const char *const cat_test_tenants[] = {"AMA", "BEN", "MEL", "FAR", NULL};
static const char *const cat_test_queues[] = {"first_line", "network", "identity",
	"business_systems", "telephony", "third_line", NULL};
static const char *const cat_test_roles[] = {"employee", "manager", "tech1", "tech2",
	"specialist", "team_lead", "chief", "finance", "it_contact", "architect", "admin",
	NULL};

/* Parses text against the lists above; errs may be NULL. */
static inline int
cat_test_parse(
	const char *text, size_t len, struct cat_catalogue **out, struct cat_errors *errs)
{
	return cat_parse(
		text, len, cat_test_tenants, cat_test_queues, cat_test_roles, out, errs);
}

/*
 * Reads rel (e.g. "catalogue/dalsland.yaml") under $SDESK_TOP, or under
 * the current directory, where prove runs.  malloc'd and NUL-terminated;
 * NULL when it cannot be read.
 */
static inline char *
cat_test_read(const char *rel, size_t *len)
{
	const char *top = getenv("SDESK_TOP");
	char path[4096], *buf = NULL, *p;
	size_t cap = 0, n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top != NULL && top[0] != '\0' ? top : ".", rel);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	*len = 0;
	do {
		if (*len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			if ((p = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		n = fread(buf + *len, 1, 4096, f);
		*len += n;
	} while (n > 0);
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

#endif
