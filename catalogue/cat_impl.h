/*
 * cat_impl.h: what the catalogue's own files share (text checks, names,
 * ordering).  Not part of the contract with the daemon: that is
 * catalogue.h alone.
 */
#ifndef SDESK_CAT_IMPL_H
#define SDESK_CAT_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "catalogue.h"

/* Dates the catalogue accepts: the years the SLA calendars know. */
#define CAT_YEAR_MIN 1900
#define CAT_YEAR_MAX 2200
/* Money: at most 999 999 999.99 SEK; anything larger is a typing error. */
#define CAT_MONEY_DIGITS_MAX 9
/* Integers in the file and in answers: at most 18 digits, so no overflow. */
#define CAT_INT_DIGITS_MAX 18

/* Character sets of the things the file names. */
#define CAT_SET_CODE "abcdefghijklmnopqrstuvwxyz0123456789-"
#define CAT_SET_WORD "abcdefghijklmnopqrstuvwxyz0123456789_"
#define CAT_SET_TENANT "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define CAT_SET_DEPT "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"

/* Names used in the file for the enums and approval bits, by value. */
extern const char *const cat_charging_names[2];
extern const char *const cat_order_names[2];
extern const char *const cat_approval_names[2]; /* bit 0, bit 1 */
extern const char *const cat_price_kind_names[4];
extern const char *const cat_unit_names[6];
extern const char *const cat_field_type_names[7];

/* The index of s in names[0..n), or -1. */
int cat_name_index(const char *const *names, size_t n, const char *s);

/* 1 when s is min..max characters, all from set. */
int cat_chars_valid(const char *s, const char *set, size_t min, size_t max);

/*
 * A decimal integer: an optional '-', then 1..18 digits.  Leading zeros are
 * refused unless lenient (YAML 1.1 would read 010 as octal; a person
 * typing 05 in a form means 5).  0 or -1.
 */
int cat_int_parse(const char *text, int64_t *out, int lenient);

/* The number of UTF-8 characters in s, or -1 when s is not UTF-8. */
long cat_utf8_chars(const char *s);

/* "2026-07-01" into buf; returns buf. */
char *cat_date_format(struct cat_date d, char *buf, size_t len);

/* qsort, but an empty list may be NULL (qsort's base must never be). */
void cat_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/* The canonical order of prices: default before tenants, kind, date. */
int cat_price_cmp(const struct cat_price *a, const struct cat_price *b);

/* 1 when "min: 0 / max: 0" mean "no limit" (the header's convention). */
int cat_field_unbounded(const struct cat_field *f);
/* The bound a field has when the file leaves min (or max) out. */
int64_t cat_field_min_absent(enum cat_field_type t);
#define CAT_FIELD_MAX_ABSENT INT64_MAX

#endif
