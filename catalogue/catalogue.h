/*
 * catalogue.h: the service catalogue (tjänstekatalog) as plain C: reading
 * and writing the catalogue file (YAML, easy to diff and review), prices in
 * öre valid from a date, order forms and their validation.  No HTTP, no
 * SQL: the daemon and sdeskctl store what this library reads.
 *
 * The file (catalogue/dalsland.yaml is the default):
 *
 *   version: 1
 *   areas:
 *     - code: workplace
 *       name: IT-arbetsplats
 *       name_en: IT workplace
 *   services:
 *     - code: laptop-standard
 *       area: workplace
 *       name: Standarddator (bärbar, leasad)
 *       name_en: Standard laptop (leased)
 *       description: ...
 *       description_en: ...
 *       queue: first_line
 *       maturity: 3             # e-service maturity 0-4
 *       charging: consumption   # or basit (shared equally)
 *       unit: device            # device, account, system, order, hour, year
 *       order: manager          # anyone | manager (ordering rights)
 *       approvals: [manager, architect]
 *       sla: {calendar: dalsland, resolution_minutes: 4800}   # optional
 *       offer:
 *         tenants: [AMA, BEN, MEL, FAR]
 *         roles: []             # empty: every role
 *         departments: []       # empty: every department
 *         addon: false          # tillval for advanced users
 *       prices:
 *         - {kind: monthly, amount: "450.00", from: 2026-01-01}
 *         - {kind: monthly, amount: "430.00", from: 2026-01-01, tenant: BEN}
 *       form:
 *         - {name: user, type: person, label: Användare, required: true}
 *       subtasks:
 *         - {queue: identity, title: Skapa konto}
 */
#ifndef SDESK_CATALOGUE_H
#define SDESK_CATALOGUE_H

#include <stddef.h>
#include <stdint.h>

#define CAT_CODE_MAX 48   /* codes: [a-z0-9-], 2..47 characters */
#define CAT_NAME_MAX 200  /* names and labels, UTF-8 bytes */
#define CAT_TEXT_MAX 4000 /* descriptions */

enum cat_charging { CAT_CHARGE_CONSUMPTION = 0, CAT_CHARGE_BASIT = 1 };
enum cat_unit {
	CAT_UNIT_DEVICE = 0,
	CAT_UNIT_ACCOUNT,
	CAT_UNIT_SYSTEM,
	CAT_UNIT_ORDER,
	CAT_UNIT_HOUR,
	CAT_UNIT_YEAR
};
enum cat_order_rule { CAT_ORDER_ANYONE = 0, CAT_ORDER_MANAGER = 1 };
enum cat_price_kind {
	CAT_PRICE_MONTHLY = 0,  /* per unit and month (subscription) */
	CAT_PRICE_ONE_TIME = 1, /* per order */
	CAT_PRICE_HOURLY = 2,   /* per hour logged on tickets of the service */
	CAT_PRICE_YEARLY = 3,   /* Bas-IT: a yearly cost split equally between the four */
};
enum cat_field_type {
	CAT_FIELD_TEXT = 0,
	CAT_FIELD_NUMBER,
	CAT_FIELD_DATE,
	CAT_FIELD_CHOICE,
	CAT_FIELD_PERSON,
	CAT_FIELD_COST_CENTRE,
	CAT_FIELD_BOOLEAN
};
/* Approval steps, a bit set. */
#define CAT_APPROVE_MANAGER 0x1   /* the manager of the order's cost centre */
#define CAT_APPROVE_ARCHITECT 0x2 /* someone with the IT architect role */

/* A date without time (Stockholm calendar day). */
struct cat_date {
	int d_year, d_month, d_day;
};

struct cat_area {
	char a_code[CAT_CODE_MAX];
	char a_name[CAT_NAME_MAX];
	char a_name_en[CAT_NAME_MAX];
	int a_line; /* where it is in the file, for errors */
};

struct cat_price {
	enum cat_price_kind p_kind;
	int64_t p_ore; /* amount in öre (1 SEK = 100 öre); never a float */
	struct cat_date p_from;
	char p_tenant[4]; /* "" = the default; else a tenant code overriding it */
	int p_line;
};

struct cat_field {
	char f_name[CAT_CODE_MAX]; /* [a-z0-9_] */
	enum cat_field_type f_type;
	int f_required;
	char f_label[CAT_NAME_MAX];
	char f_label_en[CAT_NAME_MAX];
	int64_t f_min, f_max; /* number: value range; text: length range (0,0 = none) */
	char **f_choices;     /* choice: the allowed values, NULL-terminated */
	size_t f_nchoices;
	int f_line;
};

struct cat_subtask {
	char st_queue[CAT_CODE_MAX];
	char st_title[CAT_NAME_MAX];
	int st_line;
};

/*
 * A service's own SLA for the requests that fulfil its orders, in business
 * minutes of an SLA calendar:
 *   sla: {calendar: dalsland, response_minutes: 240, resolution_minutes: 4800}
 * Without one, the general policy for requests applies.
 */
struct cat_sla {
	char sl_calendar[CAT_CODE_MAX]; /* "" = no own SLA */
	int64_t sl_response;            /* first response; 0 = the general target */
	int64_t sl_resolution;          /* delivery */
	int sl_line;
};

struct cat_service {
	char s_code[CAT_CODE_MAX];
	char s_area[CAT_CODE_MAX];
	char s_name[CAT_NAME_MAX];
	char s_name_en[CAT_NAME_MAX];
	char *s_description; /* malloc'd, may be "" */
	char *s_description_en;
	char s_queue[CAT_CODE_MAX]; /* the fulfilment queue */
	int s_maturity;             /* 0..4 */
	enum cat_charging s_charging;
	enum cat_unit s_unit;
	enum cat_order_rule s_order;
	unsigned s_approvals; /* CAT_APPROVE_* */
	struct cat_sla s_sla; /* its own targets, or the general policy */
	char (*s_tenants)[4]; /* offered in these tenants */
	size_t s_ntenants;
	char **s_roles; /* to these roles (none = all), NULL-terminated */
	size_t s_nroles;
	char **s_departments; /* in these departments (none = all), NULL-terminated */
	size_t s_ndepartments;
	int s_addon;
	struct cat_price *s_prices;
	size_t s_nprices;
	struct cat_field *s_fields;
	size_t s_nfields;
	struct cat_subtask *s_subtasks;
	size_t s_nsubtasks;
	int s_line;
};

struct cat_catalogue {
	int c_version; /* the file format version (1) */
	struct cat_area *c_areas;
	size_t c_nareas;
	struct cat_service *c_services;
	size_t c_nservices;
};

/* Every problem found in a file, each with its position. */
struct cat_error {
	int e_line, e_column; /* 1-based; 0 when not about one place */
	char e_msg[256];
};

struct cat_errors {
	struct cat_error *es_list;
	size_t es_n;
};

/*
 * Parses and checks a catalogue file (YAML via libyaml).  Everything is
 * checked and every problem is reported, not just the first: syntax, unknown
 * or missing keys, types, codes, duplicates, references (areas, queues from
 * valid_queues, tenants from valid_tenants, roles from valid_roles), money
 * ("450.00", "12", "1 250,50" is refused: a dot and at most two decimals),
 * dates, form fields.  Returns 0 with *out set (free with
 * cat_catalogue_free), or -1 with errs filled (free with cat_errors_free).
 * The valid_* lists are NULL-terminated; NULL skips that check.
 */
int cat_parse(const char *buf, size_t len, const char *const *valid_tenants,
	const char *const *valid_queues, const char *const *valid_roles,
	struct cat_catalogue **out, struct cat_errors *errs);

/*
 * Writes c as a catalogue file in one canonical form (keys in a fixed
 * order, services and areas by code, prices by tenant, kind and date), so
 * that parse → write → parse → write gives the same bytes.  *out is
 * malloc'd (the caller frees).  0 or -1.
 */
int cat_write(const struct cat_catalogue *c, char **out, size_t *len);

/* Frees a catalogue from cat_parse (or built by hand with malloc'd parts). */
void cat_catalogue_free(struct cat_catalogue *c);
/* Frees the error list. */
void cat_errors_free(struct cat_errors *errs);

/* The service with a code, or NULL. */
const struct cat_service *cat_find(const struct cat_catalogue *c, const char *code);

/*
 * The price of kind in force for tenant on day: the latest price with
 * p_from <= day, the tenant's own list first, else the default.  -1 when
 * there is none.
 */
int64_t cat_price_on(const struct cat_service *s, enum cat_price_kind kind, const char *tenant,
	struct cat_date day);

/* "450.00" (SEK) → 45000 öre; -1 for anything that is not exact money. */
int cat_money_parse(const char *text, int64_t *ore);
/* 45000 → "450.00" into buf; returns buf. */
char *cat_money_format(int64_t ore, char *buf, size_t len);
/* "2026-07-01" → date; -1 unless a real calendar day. */
int cat_date_parse(const char *text, struct cat_date *d);
/* Compares two dates like strcmp. */
int cat_date_cmp(struct cat_date a, struct cat_date b);

/*
 * A form answer to check: name and value as text (booleans "true"/"false",
 * numbers and dates as written).  The daemon checks that people and cost
 * centres exist; this checks types, required fields, ranges and choices,
 * and refuses names the form does not have.
 */
struct cat_answer {
	const char *an_name;
	const char *an_value;
};

/* Why an answer set was refused: the field and a message (sv and en). */
struct cat_form_error {
	char fe_field[CAT_CODE_MAX];
	char fe_msg_sv[256];
	char fe_msg_en[256];
};

/* 0 when the answers fit the service's form; -1 with err filled. */
int cat_form_check(const struct cat_service *s, const struct cat_answer *answers, size_t n,
	struct cat_form_error *err);

/* Names for enums, as used in the file and the API ("monthly", "person", ...). */
const char *cat_price_kind_name(enum cat_price_kind k);
const char *cat_field_type_name(enum cat_field_type t);
const char *cat_unit_name(enum cat_unit u);

#endif
