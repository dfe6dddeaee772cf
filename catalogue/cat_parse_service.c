/*
 * cat_parse_service.c: reading the services of a catalogue file: their
 * keys, offer, prices, form and subtasks, then the rules that tie these
 * together (Bas-IT, units, tenant prices).  The rules are listed at the top
 * of cat_parse.c.
 */
#include <stdlib.h>
#include <string.h>

#include "cat_parse.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* What is known about one price beyond the struct: where, and whether whole. */
struct price_note {
	yaml_mark_t pn_mark;
	int pn_ok;
};

struct svc_ctx {
	struct cat_service *sc_s;
	size_t sc_index; /* in c_services: those before it are read */
	yaml_mark_t sc_mark;
	yaml_mark_t sc_unit_mark, sc_tenants_mark, sc_prices_mark;
	int sc_have_unit, sc_have_charging, sc_have_tenants, sc_have_prices;
	int sc_prices_unread;        /* 'prices' is there but no list */
	struct price_note *sc_notes; /* one per price */
};

static void
svc_oom(struct cat_pctx *pc, yaml_node_t *v)
{
	cat_report_error(pc, v->start_mark, "out of memory");
}

/* Single keys */

static void
svc_code(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct svc_ctx *sc = obj;
	struct cat_catalogue *c = pc->pc_cat;
	char *code = sc->sc_s->s_code;
	size_t i;

	if (cat_read_string(pc, v, "code", code, CAT_CODE_MAX, 1) == -1)
		return;
	if (!cat_chars_valid(code, CAT_SET_CODE, 2, CAT_CODE_MAX - 1)) {
		cat_report_error(pc, v->start_mark,
			"service code '%s' is not 2..%d of a-z, 0-9, -", code,
			CAT_CODE_MAX - 1);
		code[0] = '\0';
		return;
	}
	for (i = 0; i < c->c_nareas; i++)
		if (strcmp(c->c_areas[i].a_code, code) == 0)
			cat_report_error(pc, v->start_mark,
				"code '%s' is already used by the area on line %d", code,
				c->c_areas[i].a_line);
	for (i = 0; i < sc->sc_index; i++)
		if (strcmp(c->c_services[i].s_code, code) == 0)
			cat_report_error(pc, v->start_mark,
				"code '%s' is already used by the service on line %d", code,
				c->c_services[i].s_line);
}

static void
svc_area(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_service *s = ((struct svc_ctx *)obj)->sc_s;
	struct cat_catalogue *c = pc->pc_cat;
	size_t i;

	if (cat_read_string(pc, v, "area", s->s_area, sizeof(s->s_area), 1) == -1)
		return;
	for (i = 0; i < c->c_nareas; i++)
		if (strcmp(c->c_areas[i].a_code, s->s_area) == 0)
			return;
	cat_report_error(pc, v->start_mark, "no area '%s' in 'areas'", s->s_area);
}

static void
svc_name(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_service *s = ((struct svc_ctx *)obj)->sc_s;

	(void)cat_read_string(pc, v, "name", s->s_name, sizeof(s->s_name), 1);
}

static void
svc_name_en(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_service *s = ((struct svc_ctx *)obj)->sc_s;

	(void)cat_read_string(pc, v, "name_en", s->s_name_en, sizeof(s->s_name_en), 0);
}

static void
svc_description(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	(void)cat_read_text(
		pc, v, "description", &((struct svc_ctx *)obj)->sc_s->s_description);
}

static void
svc_description_en(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	(void)cat_read_text(
		pc, v, "description_en", &((struct svc_ctx *)obj)->sc_s->s_description_en);
}

static void
svc_queue(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_service *s = ((struct svc_ctx *)obj)->sc_s;

	(void)cat_read_ref(pc, v, "queue", CAT_SET_WORD, 1, CAT_CODE_MAX - 1, pc->pc_queues,
		s->s_queue, sizeof(s->s_queue));
}

static void
svc_maturity(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_service *s = ((struct svc_ctx *)obj)->sc_s;
	int64_t m;

	if (cat_read_int(pc, v, "maturity", &m) == -1)
		return;
	if (m < 0 || m > 4) {
		cat_report_error(
			pc, v->start_mark, "'maturity' must be 0..4 (got %lld)", (long long)m);
		return;
	}
	s->s_maturity = (int)m;
}

static void
svc_charging(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct svc_ctx *sc = obj;
	int r;

	if ((r = cat_read_enum(
		     pc, v, "charging", cat_charging_names, NELEM(cat_charging_names))) == -1)
		return;
	sc->sc_s->s_charging = (enum cat_charging)r;
	sc->sc_have_charging = 1;
}

static void
svc_unit(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct svc_ctx *sc = obj;
	int r;

	if ((r = cat_read_enum(pc, v, "unit", cat_unit_names, NELEM(cat_unit_names))) == -1)
		return;
	sc->sc_s->s_unit = (enum cat_unit)r;
	sc->sc_have_unit = 1;
	sc->sc_unit_mark = v->start_mark;
}

static void
svc_order(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_service *s = ((struct svc_ctx *)obj)->sc_s;
	int r;

	if ((r = cat_read_enum(pc, v, "order", cat_order_names, NELEM(cat_order_names))) != -1)
		s->s_order = (enum cat_order_rule)r;
}

static void
svc_approvals(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_service *s = ((struct svc_ctx *)obj)->sc_s;
	yaml_node_t *item;
	long i, n;
	int r;

	if ((n = cat_read_list(pc, v, "approvals")) == -1)
		return;
	for (i = 0; i < n; i++) {
		item = cat_node_at(pc, v->data.sequence.items.start[i]);
		r = cat_read_enum(
			pc, item, "approvals", cat_approval_names, NELEM(cat_approval_names));
		if (r == -1)
			continue;
		if (s->s_approvals & (1u << r))
			cat_report_error(pc, item->start_mark, "approval '%s' is listed twice",
				cat_approval_names[r]);
		s->s_approvals |= 1u << r;
	}
}

/* The offer */

/* Reads a list of references into a NULL-terminated array (*out). */
static void
offer_read_words(struct cat_pctx *pc, yaml_node_t *v, const char *key, const char *what,
	const char *set, size_t maxlen, const char *const *valid, char ***out, size_t *count)
{
	char word[CAT_CODE_MAX], **list;
	yaml_node_t *item;
	long i, n;
	size_t j;

	if ((n = cat_read_list(pc, v, key)) == -1)
		return;
	if ((list = calloc((size_t)n + 1, sizeof(*list))) == NULL) {
		svc_oom(pc, v);
		return;
	}
	free(*out);
	*out = list;
	for (i = 0; i < n; i++) {
		item = cat_node_at(pc, v->data.sequence.items.start[i]);
		if (cat_read_ref(pc, item, what, set, 1, maxlen, valid, word, sizeof(word)) ==
			-1)
			continue;
		for (j = 0; j < *count && strcmp(list[j], word) != 0; j++)
			;
		if (j < *count) {
			cat_report_error(
				pc, item->start_mark, "%s '%s' is listed twice", what, word);
			continue;
		}
		if ((list[*count] = strdup(word)) == NULL) {
			svc_oom(pc, item);
			return;
		}
		(*count)++;
	}
}

static void
offer_tenants(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct svc_ctx *sc = obj;
	struct cat_service *s = sc->sc_s;
	yaml_node_t *item;
	char code[4];
	long i, n;
	size_t j;

	if ((n = cat_read_list(pc, v, "tenants")) == -1)
		return;
	if (n == 0) {
		cat_report_error(pc, v->start_mark, "'tenants' is empty: offered nowhere");
		return;
	}
	if ((s->s_tenants = calloc((size_t)n, sizeof(*s->s_tenants))) == NULL) {
		svc_oom(pc, v);
		return;
	}
	sc->sc_have_tenants = 1;
	sc->sc_tenants_mark = v->start_mark;
	for (i = 0; i < n; i++) {
		item = cat_node_at(pc, v->data.sequence.items.start[i]);
		if (cat_read_ref(pc, item, "tenant", CAT_SET_TENANT, 3, 3, pc->pc_tenants, code,
			    sizeof(code)) == -1)
			continue;
		for (j = 0; j < s->s_ntenants && strcmp(s->s_tenants[j], code) != 0; j++)
			;
		if (j < s->s_ntenants) {
			cat_report_error(
				pc, item->start_mark, "tenant '%s' is listed twice", code);
			continue;
		}
		memcpy(s->s_tenants[s->s_ntenants++], code, sizeof(code));
	}
}

static void
offer_roles(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_service *s = ((struct svc_ctx *)obj)->sc_s;

	offer_read_words(pc, v, "roles", "role", CAT_SET_WORD, CAT_CODE_MAX - 1, pc->pc_roles,
		&s->s_roles, &s->s_nroles);
}

static void
offer_departments(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_service *s = ((struct svc_ctx *)obj)->sc_s;

	/* The daemon's department codes: [A-Z0-9-]{1,16}. */
	offer_read_words(pc, v, "departments", "department", CAT_SET_DEPT, 16, NULL,
		&s->s_departments, &s->s_ndepartments);
}

static void
offer_addon(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	(void)cat_read_bool(pc, v, "addon", &((struct svc_ctx *)obj)->sc_s->s_addon);
}

static const struct cat_key offer_keys[] = {
	{"addon", 0, offer_addon},
	{"departments", 0, offer_departments},
	{"roles", 0, offer_roles},
	{"tenants", 1, offer_tenants},
};

static void
svc_offer(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	(void)cat_read_map(pc, v, offer_keys, NELEM(offer_keys), obj, "'offer'");
}

/* Prices: a refused value leaves the price out of the rules below. */

static void
price_kind(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_price *p = obj;
	int r;

	r = cat_read_enum(pc, v, "kind", cat_price_kind_names, NELEM(cat_price_kind_names));
	if (r != -1)
		p->p_kind = (enum cat_price_kind)r;
}

static void
price_amount(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_price *p = obj;
	const char *text;

	if ((text = cat_read_scalar(pc, v, "amount")) == NULL ||
		cat_money_parse(text, &p->p_ore) == 0)
		return;
	if (text[0] == '-')
		cat_report_error(pc, v->start_mark, "'amount' %.40s is negative", text);
	else if (strspn(text, "0123456789") > CAT_MONEY_DIGITS_MAX)
		cat_report_error(pc, v->start_mark,
			"'amount' %.40s is more than 999999999.99 kronor", text);
	else
		cat_report_error(pc, v->start_mark,
			"'amount' must be kronor with a dot and at most two decimals, "
			"like \"450.00\" (got '%.40s')",
			text);
}

static void
price_from(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_price *p = obj;
	const char *text;

	if ((text = cat_read_scalar(pc, v, "from")) == NULL)
		return;
	if (cat_date_parse(text, &p->p_from) == -1)
		cat_report_error(pc, v->start_mark,
			"'from' must be a date YYYY-MM-DD that exists, %d..%d (got '%.40s')",
			CAT_YEAR_MIN, CAT_YEAR_MAX, text);
}

static void
price_tenant(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_price *p = obj;

	(void)cat_read_ref(pc, v, "tenant", CAT_SET_TENANT, 3, 3, pc->pc_tenants, p->p_tenant,
		sizeof(p->p_tenant));
}

static const struct cat_key price_keys[] = {
	{"amount", 1, price_amount},
	{"from", 1, price_from},
	{"kind", 1, price_kind},
	{"tenant", 0, price_tenant},
};

static void
svc_prices(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct svc_ctx *sc = obj;
	struct cat_service *s = sc->sc_s;
	yaml_node_t *item;
	size_t before;
	long i, n;

	if ((n = cat_read_list(pc, v, "prices")) == -1) {
		sc->sc_prices_unread = 1;
		return;
	}
	s->s_prices = calloc((size_t)n + 1, sizeof(*s->s_prices));
	sc->sc_notes = calloc((size_t)n + 1, sizeof(*sc->sc_notes));
	if (s->s_prices == NULL || sc->sc_notes == NULL) {
		svc_oom(pc, v);
		return;
	}
	s->s_nprices = (size_t)n;
	sc->sc_have_prices = 1;
	sc->sc_prices_mark = v->start_mark;
	for (i = 0; i < n; i++) {
		item = cat_node_at(pc, v->data.sequence.items.start[i]);
		s->s_prices[i].p_line = (int)item->start_mark.line + 1;
		sc->sc_notes[i].pn_mark = item->start_mark;
		before = pc->pc_nerr;
		if (cat_read_map(pc, item, price_keys, NELEM(price_keys), &s->s_prices[i],
			    "a price") == 0)
			sc->sc_notes[i].pn_ok = pc->pc_nerr == before;
	}
}

static void
svc_form(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	cat_parse_form(pc, v, ((struct svc_ctx *)obj)->sc_s);
}

static void
svc_subtasks(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	cat_parse_subtasks(pc, v, ((struct svc_ctx *)obj)->sc_s);
}

/* SLA targets: whole business minutes, at most a year of them. */
#define SLA_MINUTES_MAX (366 * 24 * 60)

static void
sla_minutes(struct cat_pctx *pc, yaml_node_t *v, const char *key, int64_t *out)
{
	int64_t m;

	if (cat_read_int(pc, v, key, &m) == -1)
		return;
	if (m < 1 || m > SLA_MINUTES_MAX) {
		cat_report_error(pc, v->start_mark, "'%s' must be 1..%d minutes (got %lld)",
			key, SLA_MINUTES_MAX, (long long)m);
		return;
	}
	*out = m;
}

static void
sla_calendar(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_sla *sl = &((struct svc_ctx *)obj)->sc_s->s_sla;

	/* The daemon's calendar codes: [a-z0-9_]{2,40}; it checks they exist. */
	(void)cat_read_ref(pc, v, "calendar", CAT_SET_WORD, 2, 40, NULL, sl->sl_calendar,
		sizeof(sl->sl_calendar));
}

static void
sla_response(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	sla_minutes(
		pc, v, "response_minutes", &((struct svc_ctx *)obj)->sc_s->s_sla.sl_response);
}

static void
sla_resolution(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	sla_minutes(pc, v, "resolution_minutes",
		&((struct svc_ctx *)obj)->sc_s->s_sla.sl_resolution);
}

static const struct cat_key sla_keys[] = {
	{"calendar", 1, sla_calendar},
	{"resolution_minutes", 1, sla_resolution},
	{"response_minutes", 0, sla_response},
};

static void
svc_sla(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_sla *sl = &((struct svc_ctx *)obj)->sc_s->s_sla;

	sl->sl_line = (int)v->start_mark.line + 1;
	(void)cat_read_map(pc, v, sla_keys, NELEM(sla_keys), obj, "'sla'");
	/* Half an SLA is none: a calendar without a target cannot run. */
	if (sl->sl_resolution == 0)
		sl->sl_calendar[0] = '\0';
}

static const struct cat_key service_keys[] = {
	{"approvals", 0, svc_approvals},
	{"area", 1, svc_area},
	{"charging", 1, svc_charging},
	{"code", 1, svc_code},
	{"description", 0, svc_description},
	{"description_en", 0, svc_description_en},
	{"form", 0, svc_form},
	{"maturity", 1, svc_maturity},
	{"name", 1, svc_name},
	{"name_en", 0, svc_name_en},
	{"offer", 1, svc_offer},
	{"order", 1, svc_order},
	{"prices", 0, svc_prices},
	{"queue", 1, svc_queue},
	{"sla", 0, svc_sla},
	{"subtasks", 0, svc_subtasks},
	{"unit", 1, svc_unit},
};

/* The rules between keys */

/*
 * Is there a default (tenant-less) price of kind?  A price that could not
 * be read might be one: then yes, rather than a second complaint.
 */
static int
rule_has_default(const struct svc_ctx *sc, enum cat_price_kind kind)
{
	const struct cat_service *s = sc->sc_s;
	size_t i;
	int found = 0;

	if (sc->sc_prices_unread)
		return 1;
	for (i = 0; i < s->s_nprices; i++) {
		if (!sc->sc_notes[i].pn_ok)
			return 1;
		if (s->s_prices[i].p_kind == kind && s->s_prices[i].p_tenant[0] == '\0')
			found = 1;
	}
	return found;
}

static int
rule_offered(const struct cat_service *s, const char *tenant)
{
	size_t i;

	for (i = 0; i < s->s_ntenants; i++)
		if (strcmp(s->s_tenants[i], tenant) == 0)
			return 1;
	return 0;
}

/* What one price must agree with: the others, the offer, the charging. */
static void
rule_check_price(struct cat_pctx *pc, const struct svc_ctx *sc, size_t i)
{
	const struct cat_service *s = sc->sc_s;
	const struct cat_price *p = &s->s_prices[i], *q;
	const char *kind = cat_price_kind_names[p->p_kind];
	yaml_mark_t m = sc->sc_notes[i].pn_mark;
	char day[16];
	size_t j;

	for (j = 0; j < i; j++) {
		q = &s->s_prices[j];
		if (sc->sc_notes[j].pn_ok && cat_price_cmp(p, q) == 0)
			cat_report_error(pc, m,
				"a second %s price%s%s from %s (the first is on line %d)", kind,
				p->p_tenant[0] ? " for " : "", p->p_tenant,
				cat_date_format(p->p_from, day, sizeof(day)), q->p_line);
	}
	if (p->p_tenant[0] != '\0' && sc->sc_have_tenants && !rule_offered(s, p->p_tenant))
		cat_report_error(pc, m, "a price for %s, but the service is not offered in %s",
			p->p_tenant, p->p_tenant);
	if (p->p_tenant[0] != '\0' && !rule_has_default(sc, p->p_kind))
		cat_report_error(pc, m,
			"the %s price for %s overrides nothing: add a %s price without a "
			"tenant",
			kind, p->p_tenant, kind);
	if (!sc->sc_have_charging)
		return;
	if (s->s_charging == CAT_CHARGE_BASIT && p->p_kind != CAT_PRICE_YEARLY)
		cat_report_error(
			pc, m, "a Bas-IT service has yearly prices only, not %s", kind);
	if (s->s_charging == CAT_CHARGE_BASIT && p->p_tenant[0] != '\0')
		cat_report_error(
			pc, m, "Bas-IT is split equally: no price for %s alone", p->p_tenant);
	if (s->s_charging == CAT_CHARGE_CONSUMPTION && p->p_kind == CAT_PRICE_YEARLY)
		cat_report_error(pc, m, "yearly prices are for Bas-IT (charging: basit)");
	if (s->s_charging == CAT_CHARGE_CONSUMPTION && p->p_kind == CAT_PRICE_MONTHLY &&
		sc->sc_have_unit && (s->s_unit == CAT_UNIT_ORDER || s->s_unit == CAT_UNIT_HOUR))
		cat_report_error(pc, m,
			"a monthly price needs something to count each month: unit device, "
			"account or system, not %s",
			cat_unit_names[s->s_unit]);
}

/* Bas-IT: per year, split equally, so offered to every municipality. */
static void
rule_check_basit(struct cat_pctx *pc, const struct svc_ctx *sc, yaml_mark_t where)
{
	const struct cat_service *s = sc->sc_s;
	const char *const *t;

	if (sc->sc_have_unit && s->s_unit != CAT_UNIT_YEAR)
		cat_report_error(pc, sc->sc_unit_mark,
			"a Bas-IT service is counted per year (unit: year), not per %s",
			cat_unit_names[s->s_unit]);
	if (!rule_has_default(sc, CAT_PRICE_YEARLY))
		cat_report_error(pc, where, "a Bas-IT service needs a yearly price");
	for (t = pc->pc_tenants; sc->sc_have_tenants && t != NULL && *t != NULL; t++)
		if (!rule_offered(s, *t))
			cat_report_error(pc, sc->sc_tenants_mark,
				"Bas-IT is shared by every municipality, but %s is not in "
				"'tenants'",
				*t);
}

static void
rule_check_service(struct cat_pctx *pc, const struct svc_ctx *sc)
{
	const struct cat_service *s = sc->sc_s;
	yaml_mark_t where = sc->sc_have_prices ? sc->sc_prices_mark : sc->sc_mark;
	size_t i;

	for (i = 0; sc->sc_notes != NULL && i < s->s_nprices; i++)
		if (sc->sc_notes[i].pn_ok)
			rule_check_price(pc, sc, i);
	if (!sc->sc_have_charging)
		return;
	if (s->s_charging == CAT_CHARGE_BASIT) {
		rule_check_basit(pc, sc, where);
		return;
	}
	if (!sc->sc_have_unit)
		return;
	if (s->s_unit == CAT_UNIT_YEAR)
		cat_report_error(pc, sc->sc_unit_mark,
			"unit year is for Bas-IT services (charging: basit)");
	if ((s->s_unit == CAT_UNIT_DEVICE || s->s_unit == CAT_UNIT_ACCOUNT ||
		    s->s_unit == CAT_UNIT_SYSTEM) &&
		!rule_has_default(sc, CAT_PRICE_MONTHLY))
		cat_report_error(pc, where, "a service charged per %s needs a monthly price",
			cat_unit_names[s->s_unit]);
	if (s->s_unit == CAT_UNIT_HOUR && !rule_has_default(sc, CAT_PRICE_HOURLY))
		cat_report_error(pc, where, "a service charged per hour needs an hourly price");
}

/* Absent lists become empty ones, so that the daemon never meets NULL. */
static int
svc_fill_defaults(struct cat_service *s)
{
	if (s->s_description == NULL && (s->s_description = strdup("")) == NULL)
		return -1;
	if (s->s_description_en == NULL && (s->s_description_en = strdup("")) == NULL)
		return -1;
	if (s->s_roles == NULL && (s->s_roles = calloc(1, sizeof(*s->s_roles))) == NULL)
		return -1;
	if (s->s_departments == NULL &&
		(s->s_departments = calloc(1, sizeof(*s->s_departments))) == NULL)
		return -1;
	return 0;
}

void
cat_parse_services(struct cat_pctx *pc, yaml_node_t *seq)
{
	struct cat_catalogue *c = pc->pc_cat;
	struct svc_ctx sc;
	yaml_node_t *item;
	size_t i;
	long n;

	if ((n = cat_read_list(pc, seq, "services")) == -1)
		return;
	if ((c->c_services = calloc((size_t)n + 1, sizeof(*c->c_services))) == NULL) {
		cat_report_error(pc, seq->start_mark, "out of memory");
		return;
	}
	c->c_nservices = (size_t)n;
	for (i = 0; i < (size_t)n; i++) {
		item = cat_node_at(pc, seq->data.sequence.items.start[i]);
		memset(&sc, 0, sizeof(sc));
		sc.sc_s = &c->c_services[i];
		sc.sc_index = i;
		sc.sc_mark = item->start_mark;
		sc.sc_s->s_line = (int)item->start_mark.line + 1;
		/* The rules run whatever else was wrong: every flag above says
		 * whether its value was read, so nothing is reported twice. */
		if (cat_read_map(
			    pc, item, service_keys, NELEM(service_keys), &sc, "a service") == 0)
			rule_check_service(pc, &sc);
		if (svc_fill_defaults(sc.sc_s) == -1)
			cat_report_error(pc, item->start_mark, "out of memory");
		free(sc.sc_notes);
	}
}
