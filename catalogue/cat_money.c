/*
 * cat_money.c: money in öre, calendar dates, prices in force on a day, and
 * the small text checks and name tables the other files share.  Money never
 * passes through a float: "450.00" is read digit by digit into 45000.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cat_impl.h"

const char *const cat_charging_names[2] = {"consumption", "basit"};
const char *const cat_order_names[2] = {"anyone", "manager"};
const char *const cat_approval_names[2] = {"manager", "architect"};
const char *const cat_price_kind_names[4] = {"monthly", "one_time", "hourly", "yearly"};
const char *const cat_unit_names[6] = {"device", "account", "system", "order", "hour", "year"};
const char *const cat_field_type_names[7] = {
	"text", "number", "date", "choice", "person", "cost_centre", "boolean"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

int
cat_name_index(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

const char *
cat_price_kind_name(enum cat_price_kind k)
{
	return (unsigned)k < NELEM(cat_price_kind_names) ? cat_price_kind_names[k] : NULL;
}

const char *
cat_field_type_name(enum cat_field_type t)
{
	return (unsigned)t < NELEM(cat_field_type_names) ? cat_field_type_names[t] : NULL;
}

const char *
cat_unit_name(enum cat_unit u)
{
	return (unsigned)u < NELEM(cat_unit_names) ? cat_unit_names[u] : NULL;
}

int
cat_chars_valid(const char *s, const char *set, size_t min, size_t max)
{
	size_t n = strlen(s);

	return n >= min && n <= max && strspn(s, set) == n;
}

static int
money_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
cat_money_parse(const char *text, int64_t *ore)
{
	const char *p = text;
	int64_t whole = 0, frac = 0;
	size_t ndigits = 0, nfrac = 0;

	if (text == NULL)
		return -1;
	for (; money_is_digit(*p); p++, ndigits++)
		whole = whole * 10 + (*p - '0');
	/* "0.50" but not "00.50" or "0450": one way to write each amount. */
	if (ndigits == 0 || ndigits > CAT_MONEY_DIGITS_MAX || (ndigits > 1 && text[0] == '0'))
		return -1;
	if (*p == '.') {
		for (p++; money_is_digit(*p) && nfrac < 3; p++, nfrac++)
			frac = frac * 10 + (*p - '0');
		if (nfrac == 0 || nfrac > 2)
			return -1;
		if (nfrac == 1)
			frac *= 10;
	}
	if (*p != '\0')
		return -1;
	*ore = whole * 100 + frac;
	return 0;
}

char *
cat_money_format(int64_t ore, char *buf, size_t len)
{
	/* Through unsigned, so that even INT64_MIN prints without overflow. */
	uint64_t u = ore < 0 ? 0 - (uint64_t)ore : (uint64_t)ore;

	if (len > 0)
		snprintf(buf, len, "%s%llu.%02llu", ore < 0 ? "-" : "",
			(unsigned long long)(u / 100), (unsigned long long)(u % 100));
	return buf;
}

static int
date_month_days(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* n digits at p as a number, or -1. */
static int
date_digits(const char *p, int n)
{
	int v = 0;

	for (; n > 0; n--, p++) {
		if (!money_is_digit(*p))
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

int
cat_date_parse(const char *text, struct cat_date *d)
{
	int y, m, day;

	if (text == NULL || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
		return -1;
	y = date_digits(text, 4);
	m = date_digits(text + 5, 2);
	day = date_digits(text + 8, 2);
	if (y < CAT_YEAR_MIN || y > CAT_YEAR_MAX || m < 1 || m > 12 || day < 1 ||
		day > date_month_days(y, m))
		return -1;
	d->d_year = y;
	d->d_month = m;
	d->d_day = day;
	return 0;
}

int
cat_date_cmp(struct cat_date a, struct cat_date b)
{
	if (a.d_year != b.d_year)
		return a.d_year < b.d_year ? -1 : 1;
	if (a.d_month != b.d_month)
		return a.d_month < b.d_month ? -1 : 1;
	if (a.d_day != b.d_day)
		return a.d_day < b.d_day ? -1 : 1;
	return 0;
}

char *
cat_date_format(struct cat_date d, char *buf, size_t len)
{
	if (len > 0)
		snprintf(buf, len, "%04d-%02d-%02d", d.d_year, d.d_month, d.d_day);
	return buf;
}

int
cat_int_parse(const char *text, int64_t *out, int lenient)
{
	const char *p = text;
	int64_t v = 0;
	size_t n = 0;
	int neg = 0;

	if (text == NULL)
		return -1;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; n <= CAT_INT_DIGITS_MAX && money_is_digit(p[n]); n++)
		v = v * 10 + (p[n] - '0');
	if (n == 0 || n > CAT_INT_DIGITS_MAX || p[n] != '\0')
		return -1;
	if (!lenient && n > 1 && p[0] == '0')
		return -1;
	*out = neg ? -v : v;
	return 0;
}

/* The length of the UTF-8 sequence at s, or 0 when it is not one. */
static size_t
utf8_seq(const unsigned char *s)
{
	size_t n, i;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
		(c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

long
cat_utf8_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long chars = 0;
	size_t n;

	while (*p != '\0') {
		if ((n = utf8_seq(p)) == 0)
			return -1;
		p += n;
		chars++;
	}
	return chars;
}

void
cat_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (base != NULL && n > 1)
		qsort(base, n, size, cmp);
}

int
cat_price_cmp(const struct cat_price *a, const struct cat_price *b)
{
	int r;

	if ((r = strcmp(a->p_tenant, b->p_tenant)) != 0)
		return r;
	if (a->p_kind != b->p_kind)
		return a->p_kind < b->p_kind ? -1 : 1;
	return cat_date_cmp(a->p_from, b->p_from);
}

int
cat_field_unbounded(const struct cat_field *f)
{
	return f->f_min == 0 && f->f_max == 0;
}

int64_t
cat_field_min_absent(enum cat_field_type t)
{
	/* A length cannot go below 0; a number can. */
	return t == CAT_FIELD_NUMBER ? INT64_MIN : 0;
}

/* The latest price of kind for exactly this tenant ("" = default) by day. */
static const struct cat_price *
price_latest(const struct cat_service *s, enum cat_price_kind kind, const char *tenant,
	struct cat_date day)
{
	const struct cat_price *p, *best = NULL;
	size_t i;

	for (i = 0; i < s->s_nprices; i++) {
		p = &s->s_prices[i];
		if (p->p_kind != kind || strcmp(p->p_tenant, tenant) != 0 ||
			cat_date_cmp(p->p_from, day) > 0)
			continue;
		if (best == NULL || cat_date_cmp(p->p_from, best->p_from) > 0)
			best = p;
	}
	return best;
}

int64_t
cat_price_on(const struct cat_service *s, enum cat_price_kind kind, const char *tenant,
	struct cat_date day)
{
	const struct cat_price *p = NULL;

	if (s == NULL)
		return -1;
	if (tenant != NULL && tenant[0] != '\0')
		p = price_latest(s, kind, tenant, day);
	if (p == NULL)
		p = price_latest(s, kind, "", day);
	return p != NULL ? p->p_ore : -1;
}

const struct cat_service *
cat_find(const struct cat_catalogue *c, const char *code)
{
	size_t i;

	/* Linear: a catalogue has tens of services, and one built by hand
	 * need not be sorted. */
	for (i = 0; c != NULL && code != NULL && i < c->c_nservices; i++)
		if (strcmp(c->c_services[i].s_code, code) == 0)
			return &c->c_services[i];
	return NULL;
}
