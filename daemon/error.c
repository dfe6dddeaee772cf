/*
 * error.c: lookups in the error registry (errors.def).
 */
#include <string.h>

#include "sdesk.h"

static const struct sd_error_info error_table[] = {
#define SD_ERROR(name, status, code, sv, en) {status, code, sv, en},
#include "errors.def"
#undef SD_ERROR
};

const struct sd_error_info *
sd_error_info(enum sd_error_code code)
{
	if ((unsigned)code >= SD_E__COUNT)
		return &error_table[SD_E_INTERNAL];
	return &error_table[code];
}

const struct sd_error_info *
sd_error_find(const char *code)
{
	size_t lo = 0, hi = SD_E__COUNT;

	/* errors.def is kept sorted by code; a unit test checks it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(code, error_table[mid].ei_code);

		if (c == 0)
			return &error_table[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t
sd_error_count(void)
{
	return SD_E__COUNT;
}
