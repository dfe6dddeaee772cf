/*
 * errors.c: the error registry is sorted, its codes unique and stable in
 * form, its statuses real error statuses and both languages present.
 */
#include <string.h>

#include "sdesk.h"
#include "tap.h"

int
main(void)
{
	size_t i, n = sd_error_count();
	int sorted = 1, form = 1, status = 1, text = 1;

	tap_ok(n > 5, "registry has %zu codes", n);
	for (i = 0; i < n; i++) {
		const struct sd_error_info *e = sd_error_info((enum sd_error_code)i);
		const char *c;

		if (i > 0 &&
			strcmp(sd_error_info((enum sd_error_code)(i - 1))->ei_code,
				e->ei_code) >= 0) {
			sorted = 0;
			tap_diag("not sorted at %s", e->ei_code);
		}
		for (c = e->ei_code; *c != '\0'; c++)
			if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
				form = 0;
		if (e->ei_status < 400 || e->ei_status > 599)
			status = 0;
		if (strlen(e->ei_msg_sv) < 5 || strlen(e->ei_msg_en) < 5)
			text = 0;
		if (sd_error_find(e->ei_code) != e)
			sorted = 0;
	}
	tap_ok(sorted, "codes sorted and unique (binary search finds each)");
	tap_ok(form, "codes are lower_snake_case");
	tap_ok(status, "statuses are 4xx or 5xx");
	tap_ok(text, "every code has a Swedish and an English message");
	tap_ok(sd_error_find("no_such_code") == NULL, "unknown code not found");
	TAP_IS_INT(sd_error_info(SD_E_NOT_FOUND)->ei_status, 404, "not_found is 404");
	TAP_IS_INT(sd_error_info(SD_E__COUNT)->ei_status, 500, "out of range maps to internal");
	return tap_done();
}
