/*
 * cat_parse.c: reading a catalogue file.  libyaml does the YAML; this file
 * reads the tree, the areas and the top level, collects every problem with
 * its line and column, and sorts what it read into the canonical order.
 * Services are read in cat_parse_service.c.
 *
 * The rules, all checked, every breach reported (not just the first):
 *
 * The file
 *  - YAML 1.1 that libyaml accepts, one document, no aliases (a catalogue
 *    is reviewed as written; an alias would hide what a service really
 *    says).  A syntax error stops the reading: it is the one problem
 *    reported, with libyaml's position and words.
 *  - Every mapping has only its known keys, each at most once, and all its
 *    required keys.  Values have the right shape (single value, list,
 *    mapping).  Every value is read as text: plain, quoted or block; for
 *    names, labels and descriptions an unquoted ~ or null is empty text.
 *  - Whole numbers and booleans are unquoted: maturity: 3, addon: true.
 *    Numbers have no leading zeros (YAML 1.1 reads 010 as octal) and at
 *    most 18 digits.  Booleans are exactly true or false.
 *  - Top level: version (must be 1), areas (a non-empty list), services.
 *  - Up to 1000 problems are listed, sorted by position; past that, one
 *    last line (line 0) says how many more there were.
 *
 * Codes and names
 *  - Area and service codes: [a-z0-9-], 2..47 characters, unique across
 *    areas and services together.  Form field names: [a-z0-9_], 1..47,
 *    unique within a form.
 *  - Names and labels: 1..199 bytes of UTF-8; name_en, label_en may be
 *    empty.  Descriptions: at most 3999 bytes, may be empty.
 *  - References: a service's area is an area of the file; queues (service
 *    and subtask) are valid_queues; tenants valid_tenants; roles
 *    valid_roles.  Without a list, the form alone is checked: tenants
 *    [A-Z]{3}, queues and roles [a-z0-9_]{1,47}.  Departments are codes
 *    [A-Z0-9-]{1,16} (the daemon's).  No list holds a value twice.
 *
 * Services
 *  - Required: code, area, name, queue, maturity (0..4), charging
 *    (consumption, basit), unit (device, account, system, order, hour,
 *    year), order (anyone, manager), offer with a non-empty tenants list.
 *    Optional: name_en, description, description_en, approvals (manager,
 *    architect), prices, form, subtasks; offer's roles, departments, addon.
 *  - Prices: kind (monthly, one_time, hourly, yearly), amount, from;
 *    optional tenant.  Amounts are exact kronor with a dot and at most two
 *    decimals, quoted or not ("450.00", 450, 0.5): no comma, no exponent,
 *    no sign, no leading zeros, at most 999 999 999.99.  from is a real
 *    date YYYY-MM-DD in 1900..2200.  No two prices share kind, tenant and
 *    from.  A tenant price is for a tenant the service is offered in, and
 *    overrides a default (tenant-less) price of the same kind.
 *  - Bas-IT (charging: basit) is split equally between the municipalities:
 *    unit year, at least one default yearly price, no other kinds, no
 *    tenant prices, offered to every valid tenant.  unit year and yearly
 *    prices are for Bas-IT only.
 *  - Consumption per device, account or system needs a default monthly
 *    price; per hour, a default hourly price.  Monthly prices need
 *    something to count each month, so not with unit order or hour.
 *  - Form fields: name, type (text, number, date, choice, person,
 *    cost_centre, boolean), label; optional label_en, required, min, max,
 *    choices.  A choice field has a non-empty list of distinct choices,
 *    each 1..199 bytes; other types have none.  min and max only for number (value) and text
 *    (length, not negative); min <= max; both 0 is refused (0, 0 means
 *    "no limit" to the daemon, so leave them out).
 *  - Subtasks: queue and title (1..199 bytes).
 *  - Areas: code and name; optional name_en.
 *
 * After a clean read, areas and services are sorted by code, prices by
 * tenant (default first), kind and date, and the tenant, role and
 * department lists alphabetically: the order cat_write writes, so that
 * parse(write(c)) equals c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cat_parse.h"

void
cat_report_error(struct cat_pctx *pc, yaml_mark_t mark, const char *fmt, ...)
{
	struct cat_errors *es = pc->pc_errs;
	struct cat_error *e, *list;
	va_list ap;

	pc->pc_nerr++;
	if (es == NULL || es->es_n >= CAT_ERRORS_MAX)
		return;
	if ((list = realloc(es->es_list, (es->es_n + 1) * sizeof(*list))) == NULL)
		return; /* counted: parse_finish_errors says how many are missing */
	es->es_list = list;
	e = &list[es->es_n++];
	e->e_line = (int)mark.line + 1;
	e->e_column = (int)mark.column + 1;
	va_start(ap, fmt);
	vsnprintf(e->e_msg, sizeof(e->e_msg), fmt, ap);
	va_end(ap);
}

/* A problem that is about no one place (out of memory). */
static void
parse_error_nowhere(struct cat_pctx *pc, const char *msg)
{
	yaml_mark_t none = {0, (size_t)-1, (size_t)-1};

	cat_report_error(pc, none, "%s", msg);
}

yaml_node_t *
cat_node_at(struct cat_pctx *pc, yaml_node_item_t index)
{
	return yaml_document_get_node(pc->pc_doc, index);
}

static int
parse_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct cat_key *)elem)->k_name);
}

int
cat_read_map(struct cat_pctx *pc, yaml_node_t *node, const struct cat_key *keys, size_t nkeys,
	void *obj, const char *what)
{
	const struct cat_key *k;
	yaml_node_pair_t *pair;
	yaml_node_t *kn, *vn;
	unsigned long seen = 0; /* a bit per key; tables are shorter than 32 */
	const char *name;
	size_t i;

	if (node->type != YAML_MAPPING_NODE) {
		cat_report_error(
			pc, node->start_mark, "%s must be a mapping (key: value lines)", what);
		return -1;
	}
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top;
		pair++) {
		kn = cat_node_at(pc, pair->key);
		vn = cat_node_at(pc, pair->value);
		if (kn == NULL || vn == NULL || kn->type != YAML_SCALAR_NODE) {
			cat_report_error(pc, node->start_mark, "a key in %s is not text", what);
			continue;
		}
		name = (const char *)kn->data.scalar.value;
		if ((k = bsearch(name, keys, nkeys, sizeof(*keys), parse_key_cmp)) == NULL) {
			cat_report_error(
				pc, kn->start_mark, "unknown key '%.60s' in %s", name, what);
			continue;
		}
		if (seen & (1ul << (k - keys))) {
			cat_report_error(
				pc, kn->start_mark, "key '%s' appears twice in %s", name, what);
			continue;
		}
		seen |= 1ul << (k - keys);
		k->k_fn(pc, vn, obj);
	}
	for (i = 0; i < nkeys; i++)
		if (keys[i].k_required && !(seen & (1ul << i)))
			cat_report_error(pc, node->start_mark, "missing key '%s' in %s",
				keys[i].k_name, what);
	return 0;
}

long
cat_read_list(struct cat_pctx *pc, yaml_node_t *node, const char *key)
{
	if (node->type != YAML_SEQUENCE_NODE) {
		cat_report_error(pc, node->start_mark, "'%s' must be a list", key);
		return -1;
	}
	return (long)(node->data.sequence.items.top - node->data.sequence.items.start);
}

const char *
cat_read_scalar(struct cat_pctx *pc, yaml_node_t *node, const char *key)
{
	const char *text;

	if (node->type != YAML_SCALAR_NODE) {
		cat_report_error(pc, node->start_mark, "'%s' must be a single value, not a %s",
			key, node->type == YAML_SEQUENCE_NODE ? "list" : "mapping");
		return NULL;
	}
	text = (const char *)node->data.scalar.value;
	if (strlen(text) != node->data.scalar.length) {
		cat_report_error(pc, node->start_mark, "'%s' contains a NUL character", key);
		return NULL;
	}
	return text;
}

/* An unquoted empty value, ~ or null is YAML's null: no text. */
static const char *
parse_text_or_null(struct cat_pctx *pc, yaml_node_t *node, const char *key)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
	const char *text;

	if ((text = cat_read_scalar(pc, node, key)) == NULL)
		return NULL;
	if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		cat_name_index(nulls, sizeof(nulls) / sizeof(nulls[0]), text) != -1)
		return "";
	return text;
}

int
cat_read_string(struct cat_pctx *pc, yaml_node_t *node, const char *key, char *dst, size_t len,
	int required)
{
	const char *text;
	size_t n;

	if ((text = parse_text_or_null(pc, node, key)) == NULL)
		return -1;
	n = strlen(text);
	if (n == 0 && required) {
		cat_report_error(pc, node->start_mark, "'%s' is empty", key);
		return -1;
	}
	if (n >= len) {
		cat_report_error(pc, node->start_mark, "'%s' is %zu bytes long, at most %zu",
			key, n, len - 1);
		return -1;
	}
	memcpy(dst, text, n + 1);
	return 0;
}

int
cat_read_text(struct cat_pctx *pc, yaml_node_t *node, const char *key, char **out)
{
	const char *text;
	char *copy;

	if ((text = parse_text_or_null(pc, node, key)) == NULL)
		return -1;
	if (strlen(text) >= CAT_TEXT_MAX) {
		cat_report_error(pc, node->start_mark, "'%s' is %zu bytes long, at most %d",
			key, strlen(text), CAT_TEXT_MAX - 1);
		return -1;
	}
	if ((copy = strdup(text)) == NULL) {
		parse_error_nowhere(pc, "out of memory");
		return -1;
	}
	free(*out);
	*out = copy;
	return 0;
}

/* Numbers and booleans are written bare; "3" in quotes is text. */
static const char *
parse_plain(struct cat_pctx *pc, yaml_node_t *node, const char *key, const char *want)
{
	const char *text;

	if ((text = cat_read_scalar(pc, node, key)) == NULL)
		return NULL;
	if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		cat_report_error(pc, node->start_mark,
			"'%s' must be %s, written without quotes", key, want);
		return NULL;
	}
	return text;
}

int
cat_read_int(struct cat_pctx *pc, yaml_node_t *node, const char *key, int64_t *out)
{
	const char *text;

	if ((text = parse_plain(pc, node, key, "a whole number")) == NULL)
		return -1;
	if (cat_int_parse(text, out, 0) == -1) {
		cat_report_error(pc, node->start_mark,
			"'%s' must be a whole number of at most %d digits (got '%.40s')", key,
			CAT_INT_DIGITS_MAX, text);
		return -1;
	}
	return 0;
}

int
cat_read_bool(struct cat_pctx *pc, yaml_node_t *node, const char *key, int *out)
{
	const char *text;

	if ((text = parse_plain(pc, node, key, "true or false")) == NULL)
		return -1;
	if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0) {
		cat_report_error(pc, node->start_mark,
			"'%s' must be true or false (got '%.40s')", key, text);
		return -1;
	}
	*out = text[0] == 't';
	return 0;
}

int
cat_read_enum(struct cat_pctx *pc, yaml_node_t *node, const char *key, const char *const *names,
	size_t n)
{
	const char *text;
	char list[160];
	size_t i, used = 0;
	int r;

	if ((text = cat_read_scalar(pc, node, key)) == NULL)
		return -1;
	if ((r = cat_name_index(names, n, text)) != -1)
		return r;
	list[0] = '\0';
	for (i = 0; i < n && used < sizeof(list); i++)
		used += (size_t)snprintf(
			list + used, sizeof(list) - used, "%s%s", i > 0 ? ", " : "", names[i]);
	cat_report_error(
		pc, node->start_mark, "'%s' must be one of %s (got '%.40s')", key, list, text);
	return -1;
}

int
cat_read_ref(struct cat_pctx *pc, yaml_node_t *node, const char *what, const char *set,
	size_t min, size_t max, const char *const *valid, char *dst, size_t len)
{
	const char *text;
	size_t i;

	if ((text = cat_read_scalar(pc, node, what)) == NULL)
		return -1;
	if (!cat_chars_valid(text, set, min, max) || strlen(text) >= len) {
		cat_report_error(pc, node->start_mark, "'%.60s' is not a valid %s", text, what);
		return -1;
	}
	for (i = 0; valid != NULL && valid[i] != NULL; i++)
		if (strcmp(valid[i], text) == 0)
			break;
	if (valid != NULL && valid[i] == NULL) {
		cat_report_error(pc, node->start_mark, "unknown %s '%s'", what, text);
		return -1;
	}
	memcpy(dst, text, strlen(text) + 1);
	return 0;
}

/* Areas */

struct area_ctx {
	struct cat_area *ac_area;
	size_t ac_index;
};

static void
area_code(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct area_ctx *ac = obj;
	struct cat_area *a = ac->ac_area;
	size_t i;

	if (cat_read_string(pc, v, "code", a->a_code, sizeof(a->a_code), 1) == -1)
		return;
	if (!cat_chars_valid(a->a_code, CAT_SET_CODE, 2, CAT_CODE_MAX - 1)) {
		cat_report_error(pc, v->start_mark,
			"area code '%s' is not 2..%d of a-z, 0-9, -", a->a_code,
			CAT_CODE_MAX - 1);
		a->a_code[0] = '\0';
		return;
	}
	for (i = 0; i < ac->ac_index; i++)
		if (strcmp(pc->pc_cat->c_areas[i].a_code, a->a_code) == 0)
			cat_report_error(pc, v->start_mark,
				"code '%s' is already used by the area on line %d", a->a_code,
				pc->pc_cat->c_areas[i].a_line);
}

static void
area_name(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_area *a = ((struct area_ctx *)obj)->ac_area;

	(void)cat_read_string(pc, v, "name", a->a_name, sizeof(a->a_name), 1);
}

static void
area_name_en(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_area *a = ((struct area_ctx *)obj)->ac_area;

	(void)cat_read_string(pc, v, "name_en", a->a_name_en, sizeof(a->a_name_en), 0);
}

static const struct cat_key area_keys[] = {
	{"code", 1, area_code},
	{"name", 1, area_name},
	{"name_en", 0, area_name_en},
};

static void
parse_areas(struct cat_pctx *pc, yaml_node_t *seq)
{
	struct cat_catalogue *c = pc->pc_cat;
	struct area_ctx ac;
	yaml_node_t *item;
	long n;

	if ((n = cat_read_list(pc, seq, "areas")) == -1)
		return;
	if (n == 0) {
		cat_report_error(
			pc, seq->start_mark, "'areas' is empty: a service needs an area");
		return;
	}
	if ((c->c_areas = calloc((size_t)n, sizeof(*c->c_areas))) == NULL) {
		parse_error_nowhere(pc, "out of memory");
		return;
	}
	c->c_nareas = (size_t)n;
	for (ac.ac_index = 0; ac.ac_index < (size_t)n; ac.ac_index++) {
		item = cat_node_at(pc, seq->data.sequence.items.start[ac.ac_index]);
		ac.ac_area = &c->c_areas[ac.ac_index];
		ac.ac_area->a_line = (int)item->start_mark.line + 1;
		(void)cat_read_map(pc, item, area_keys,
			sizeof(area_keys) / sizeof(area_keys[0]), &ac, "an area");
	}
}

/* The top level */

struct top_ctx {
	yaml_node_t *tc_areas;
	yaml_node_t *tc_services;
};

static void
top_areas(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	(void)pc;
	((struct top_ctx *)obj)->tc_areas = v;
}

static void
top_services(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	(void)pc;
	((struct top_ctx *)obj)->tc_services = v;
}

static void
top_version(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	int64_t version;

	(void)obj;
	if (cat_read_int(pc, v, "version", &version) == -1)
		return;
	if (version != 1) {
		cat_report_error(pc, v->start_mark,
			"version %lld is not known (this sdesk reads version 1)",
			(long long)version);
		return;
	}
	pc->pc_cat->c_version = 1;
}

static const struct cat_key top_keys[] = {
	{"areas", 1, top_areas},
	{"services", 1, top_services},
	{"version", 1, top_version},
};

static void
parse_top(struct cat_pctx *pc, yaml_node_t *root)
{
	struct top_ctx tc = {NULL, NULL};

	if (root == NULL) {
		parse_error_nowhere(pc, "the file is empty");
		return;
	}
	if (cat_read_map(pc, root, top_keys, sizeof(top_keys) / sizeof(top_keys[0]), &tc,
		    "the catalogue") == -1)
		return;
	/* Areas first, wherever they stand: services refer to them. */
	if (tc.tc_areas != NULL)
		parse_areas(pc, tc.tc_areas);
	if (tc.tc_services != NULL)
		cat_parse_services(pc, tc.tc_services);
}

/*
 * Runs libyaml's parser over the whole text once, before the tree is
 * built: a syntax error, an alias or a second document is reported here
 * with the position the events carry.
 */
static int
parse_scan(struct cat_pctx *pc, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int done = 0, docs = 0;

	if (!yaml_parser_initialize(&parser)) {
		parse_error_nowhere(pc, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			cat_report_error(pc, parser.problem_mark, "YAML syntax: %s%s%s",
				parser.problem ? parser.problem : "error",
				parser.context ? " " : "",
				parser.context ? parser.context : "");
			break;
		}
		if (ev.type == YAML_ALIAS_EVENT)
			cat_report_error(pc, ev.start_mark,
				"alias *%s: write the value out, aliases are not used here",
				(const char *)ev.data.alias.anchor);
		if (ev.type == YAML_DOCUMENT_START_EVENT && ++docs == 2)
			cat_report_error(
				pc, ev.start_mark, "a second YAML document: one is read");
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return pc->pc_nerr > 0 ? -1 : 0;
}

static int
parse_load(struct cat_pctx *pc, const char *buf, size_t len, yaml_document_t *doc)
{
	yaml_parser_t parser;
	int ok;

	if (!yaml_parser_initialize(&parser)) {
		parse_error_nowhere(pc, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	ok = yaml_parser_load(&parser, doc);
	if (!ok)
		cat_report_error(pc, parser.problem_mark, "YAML: %s",
			parser.problem ? parser.problem : "out of memory");
	yaml_parser_delete(&parser);
	return ok ? 0 : -1;
}

/* Sorting into the canonical order */

static int
sort_area_cmp(const void *a, const void *b)
{
	return strcmp(
		((const struct cat_area *)a)->a_code, ((const struct cat_area *)b)->a_code);
}

static int
sort_service_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cat_service *)a)->s_code,
		((const struct cat_service *)b)->s_code);
}

static int
sort_price_cmp(const void *a, const void *b)
{
	return cat_price_cmp(a, b);
}

static int
sort_tenant_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int
sort_str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
parse_sort(struct cat_catalogue *c)
{
	struct cat_service *s;
	size_t i;

	cat_sort(c->c_areas, c->c_nareas, sizeof(*c->c_areas), sort_area_cmp);
	cat_sort(c->c_services, c->c_nservices, sizeof(*c->c_services), sort_service_cmp);
	for (i = 0; i < c->c_nservices; i++) {
		s = &c->c_services[i];
		cat_sort(s->s_prices, s->s_nprices, sizeof(*s->s_prices), sort_price_cmp);
		cat_sort(s->s_tenants, s->s_ntenants, sizeof(*s->s_tenants), sort_tenant_cmp);
		cat_sort(s->s_roles, s->s_nroles, sizeof(*s->s_roles), sort_str_cmp);
		cat_sort(s->s_departments, s->s_ndepartments, sizeof(*s->s_departments),
			sort_str_cmp);
	}
}

/*
 * Errors by position, keeping the order of those at the same place; then,
 * when not all could be kept, a last line that says how many are missing.
 */
static void
parse_finish_errors(struct cat_errors *es, size_t nerr)
{
	struct cat_error e, *list;
	size_t i, j;

	for (i = 1; i < es->es_n; i++) {
		e = es->es_list[i];
		for (j = i; j > 0 &&
			(es->es_list[j - 1].e_line > e.e_line ||
				(es->es_list[j - 1].e_line == e.e_line &&
					es->es_list[j - 1].e_column > e.e_column));
			j--)
			es->es_list[j] = es->es_list[j - 1];
		es->es_list[j] = e;
	}
	if (nerr <= es->es_n)
		return;
	if ((list = realloc(es->es_list, (es->es_n + 1) * sizeof(*list))) == NULL)
		return;
	es->es_list = list;
	memset(&list[es->es_n], 0, sizeof(*list));
	snprintf(list[es->es_n].e_msg, sizeof(list[es->es_n].e_msg),
		"%zu more problems are not listed", nerr - es->es_n);
	es->es_n++;
}

int
cat_parse(const char *buf, size_t len, const char *const *valid_tenants,
	const char *const *valid_queues, const char *const *valid_roles,
	struct cat_catalogue **out, struct cat_errors *errs)
{
	struct cat_pctx pc;
	yaml_document_t doc;
	int loaded = 0;

	*out = NULL;
	if (errs != NULL) {
		errs->es_list = NULL;
		errs->es_n = 0;
	}
	memset(&pc, 0, sizeof(pc));
	pc.pc_doc = &doc;
	pc.pc_tenants = valid_tenants;
	pc.pc_queues = valid_queues;
	pc.pc_roles = valid_roles;
	pc.pc_errs = errs;
	if ((pc.pc_cat = calloc(1, sizeof(*pc.pc_cat))) == NULL) {
		parse_error_nowhere(&pc, "out of memory");
		goto fail;
	}
	if (buf == NULL || parse_scan(&pc, buf, len) == -1 ||
		parse_load(&pc, buf, len, &doc) == -1)
		goto fail;
	loaded = 1;
	parse_top(&pc, yaml_document_get_root_node(&doc));
	if (pc.pc_nerr > 0)
		goto fail;
	parse_sort(pc.pc_cat);
	yaml_document_delete(&doc);
	*out = pc.pc_cat;
	return 0;
fail:
	if (buf == NULL)
		parse_error_nowhere(&pc, "no catalogue text");
	if (loaded)
		yaml_document_delete(&doc);
	cat_catalogue_free(pc.pc_cat);
	if (errs != NULL)
		parse_finish_errors(errs, pc.pc_nerr);
	return -1;
}

static void
free_strings(char **list)
{
	char **p;

	for (p = list; p != NULL && *p != NULL; p++)
		free(*p);
	free(list);
}

void
cat_catalogue_free(struct cat_catalogue *c)
{
	struct cat_service *s;
	size_t i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->c_nservices && c->c_services != NULL; i++) {
		s = &c->c_services[i];
		free(s->s_description);
		free(s->s_description_en);
		free(s->s_tenants);
		free_strings(s->s_roles);
		free_strings(s->s_departments);
		free(s->s_prices);
		for (j = 0; j < s->s_nfields && s->s_fields != NULL; j++)
			free_strings(s->s_fields[j].f_choices);
		free(s->s_fields);
		free(s->s_subtasks);
	}
	free(c->c_services);
	free(c->c_areas);
	free(c);
}

void
cat_errors_free(struct cat_errors *errs)
{
	if (errs == NULL)
		return;
	free(errs->es_list);
	errs->es_list = NULL;
	errs->es_n = 0;
}
