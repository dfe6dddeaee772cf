/*
 * cat_write.c: a catalogue as a file, in one canonical form written by
 * libyaml's emitter.  Keys come in a fixed order; areas and services by
 * code, prices by tenant (default first), kind and date, tenants, roles and
 * departments alphabetically; form fields and subtasks in their own order,
 * which means something.  Prices, form fields and subtasks are one flow
 * mapping a line; everything else is block style.  Amounts are always
 * quoted ("450.00"), dates plain (2026-07-01), other text quoted only when
 * it would otherwise read as something else (a number, a boolean, empty).
 * UTF-8 is written as is; lines are never folded.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "cat_impl.h"

struct wctx {
	yaml_emitter_t w_em;
	char *w_buf;
	size_t w_len, w_cap;
	int w_failed; /* sticky: one check at the end instead of one per event */
};

static int
write_out(void *data, unsigned char *bytes, size_t size)
{
	struct wctx *w = data;
	size_t cap;
	char *p;

	if (w->w_len + size + 1 > w->w_cap) {
		for (cap = w->w_cap ? w->w_cap : 4096; cap < w->w_len + size + 1; cap *= 2)
			;
		if ((p = realloc(w->w_buf, cap)) == NULL)
			return 0;
		w->w_buf = p;
		w->w_cap = cap;
	}
	memcpy(w->w_buf + w->w_len, bytes, size);
	w->w_len += size;
	w->w_buf[w->w_len] = '\0';
	return 1;
}

/* Emits an initialised event, or records that it could not be made. */
static void
write_event(struct wctx *w, int initialised, yaml_event_t *ev)
{
	if (!initialised) {
		w->w_failed = 1;
		return;
	}
	if (w->w_failed) {
		yaml_event_delete(ev);
		return;
	}
	/* The emitter takes the event, emitted or not. */
	if (!yaml_emitter_emit(&w->w_em, ev))
		w->w_failed = 1;
}

static void
write_scalar(struct wctx *w, const char *text, yaml_scalar_style_t style)
{
	yaml_event_t ev;
	int ok;

	if (text == NULL) {
		w->w_failed = 1;
		return;
	}
	ok = yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)(uintptr_t)text,
		(int)strlen(text), 1, 1, style);
	write_event(w, ok, &ev);
}

/*
 * Would text, unquoted, be read by a YAML 1.1 reader as something other
 * than a string: empty, null, a boolean, a number, a date or time?  Then it
 * gets quotes, so that other tools read the file the way sdesk does.
 */
static int
write_looks_typed(const char *text)
{
	static const char *const words[] = {"y", "n", "yes", "no", "on", "off", "true", "false",
		"null", "~", ".inf", "-.inf", "+.inf", ".nan", "<<", "="};
	const char *p = text;
	size_t i;

	if (text[0] == '\0')
		return 1;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(text, words[i]) == 0)
			return 1;
	/* Numbers of every base, floats, sexagesimals, dates: a sign at most,
	 * then a digit (or a dot and a digit), then digits and a few signs. */
	if (*p == '-' || *p == '+')
		p++;
	if (*p == '.')
		p++;
	return *p >= '0' && *p <= '9' &&
		strspn(text, "0123456789+-.:_eExXoObBaAcCdDfF") == strlen(text);
}

static void
write_text(struct wctx *w, const char *text)
{
	yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;

	if (text == NULL)
		text = "";
	if (write_looks_typed(text))
		style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	else if (strchr(text, '\n') != NULL)
		style = YAML_LITERAL_SCALAR_STYLE;
	write_scalar(w, text, style);
}

static void
write_key_text(struct wctx *w, const char *key, const char *text)
{
	write_scalar(w, key, YAML_PLAIN_SCALAR_STYLE);
	write_text(w, text);
}

/* Names of enums, numbers and dates: always plain. */
static void
write_key_plain(struct wctx *w, const char *key, const char *text)
{
	write_scalar(w, key, YAML_PLAIN_SCALAR_STYLE);
	write_scalar(w, text, YAML_PLAIN_SCALAR_STYLE);
}

static void
write_key_int(struct wctx *w, const char *key, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	write_key_plain(w, key, buf);
}

static void
write_map_start(struct wctx *w, yaml_mapping_style_t style)
{
	yaml_event_t ev;

	write_event(w, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, style), &ev);
}

static void
write_map_end(struct wctx *w)
{
	yaml_event_t ev;

	write_event(w, yaml_mapping_end_event_initialize(&ev), &ev);
}

static void
write_seq_start(struct wctx *w, const char *key, yaml_sequence_style_t style)
{
	yaml_event_t ev;

	write_scalar(w, key, YAML_PLAIN_SCALAR_STYLE);
	write_event(w, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, style), &ev);
}

static void
write_seq_end(struct wctx *w)
{
	yaml_event_t ev;

	write_event(w, yaml_sequence_end_event_initialize(&ev), &ev);
}

static int
write_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A flow list of strings, sorted (a copy of the pointers is sorted). */
static void
write_sorted_list(struct wctx *w, const char *key, const char *const *items, size_t n)
{
	const char **sorted = NULL;
	size_t i;

	if (n > 0 && (sorted = calloc(n, sizeof(*sorted))) == NULL) {
		w->w_failed = 1;
		return;
	}
	for (i = 0; i < n; i++)
		sorted[i] = items[i];
	cat_sort(sorted, n, sizeof(*sorted), write_str_cmp);
	write_seq_start(w, key, YAML_FLOW_SEQUENCE_STYLE);
	for (i = 0; i < n; i++)
		write_text(w, sorted[i]);
	write_seq_end(w);
	free(sorted);
}

static void
write_offer(struct wctx *w, const struct cat_service *s)
{
	const char **tenants = NULL;
	size_t i;

	if (s->s_ntenants > 0 && (tenants = calloc(s->s_ntenants, sizeof(*tenants))) == NULL) {
		w->w_failed = 1;
		return;
	}
	for (i = 0; i < s->s_ntenants; i++)
		tenants[i] = s->s_tenants[i];
	write_scalar(w, "offer", YAML_PLAIN_SCALAR_STYLE);
	write_map_start(w, YAML_BLOCK_MAPPING_STYLE);
	write_sorted_list(w, "tenants", tenants, s->s_ntenants);
	write_sorted_list(w, "roles", (const char *const *)s->s_roles, s->s_nroles);
	write_sorted_list(
		w, "departments", (const char *const *)s->s_departments, s->s_ndepartments);
	write_key_plain(w, "addon", s->s_addon ? "true" : "false");
	write_map_end(w);
	free(tenants);
}

static void
write_price(struct wctx *w, const struct cat_price *p)
{
	char amount[32], day[16];

	write_map_start(w, YAML_FLOW_MAPPING_STYLE);
	write_key_plain(w, "kind", cat_price_kind_name(p->p_kind));
	write_scalar(w, "amount", YAML_PLAIN_SCALAR_STYLE);
	write_scalar(w, cat_money_format(p->p_ore, amount, sizeof(amount)),
		YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	write_key_plain(w, "from", cat_date_format(p->p_from, day, sizeof(day)));
	if (p->p_tenant[0] != '\0')
		write_key_text(w, "tenant", p->p_tenant);
	write_map_end(w);
	if (p->p_ore < 0)
		w->w_failed = 1; /* the parser would refuse it */
}

static int
write_price_cmp(const void *a, const void *b)
{
	return cat_price_cmp(
		*(const struct cat_price *const *)a, *(const struct cat_price *const *)b);
}

static void
write_prices(struct wctx *w, const struct cat_service *s)
{
	const struct cat_price **sorted = NULL;
	size_t i;

	if (s->s_nprices > 0 && (sorted = calloc(s->s_nprices, sizeof(*sorted))) == NULL) {
		w->w_failed = 1;
		return;
	}
	for (i = 0; i < s->s_nprices; i++)
		sorted[i] = &s->s_prices[i];
	cat_sort(sorted, s->s_nprices, sizeof(*sorted), write_price_cmp);
	write_seq_start(w, "prices", YAML_BLOCK_SEQUENCE_STYLE);
	for (i = 0; i < s->s_nprices; i++)
		write_price(w, sorted[i]);
	write_seq_end(w);
	free(sorted);
}

/* min and max as the parser reads them back: see cat_parse_form.c. */
static void
write_field_range(struct wctx *w, const struct cat_field *f)
{
	if (cat_field_unbounded(f))
		return;
	if (f->f_min != cat_field_min_absent(f->f_type))
		write_key_int(w, "min", f->f_min);
	if (f->f_max != CAT_FIELD_MAX_ABSENT)
		write_key_int(w, "max", f->f_max);
}

static void
write_field(struct wctx *w, const struct cat_field *f)
{
	size_t i;

	write_map_start(w, YAML_FLOW_MAPPING_STYLE);
	write_key_text(w, "name", f->f_name);
	write_key_plain(w, "type", cat_field_type_name(f->f_type));
	write_key_text(w, "label", f->f_label);
	if (f->f_label_en[0] != '\0')
		write_key_text(w, "label_en", f->f_label_en);
	write_key_plain(w, "required", f->f_required ? "true" : "false");
	if (f->f_type == CAT_FIELD_NUMBER || f->f_type == CAT_FIELD_TEXT)
		write_field_range(w, f);
	if (f->f_type == CAT_FIELD_CHOICE) {
		write_seq_start(w, "choices", YAML_FLOW_SEQUENCE_STYLE);
		for (i = 0; i < f->f_nchoices; i++)
			write_text(w, f->f_choices[i]);
		write_seq_end(w);
	}
	write_map_end(w);
}

static void
write_lists(struct wctx *w, const struct cat_service *s)
{
	size_t i;

	write_prices(w, s);
	write_seq_start(w, "form", YAML_BLOCK_SEQUENCE_STYLE);
	for (i = 0; i < s->s_nfields; i++)
		write_field(w, &s->s_fields[i]);
	write_seq_end(w);
	write_seq_start(w, "subtasks", YAML_BLOCK_SEQUENCE_STYLE);
	for (i = 0; i < s->s_nsubtasks; i++) {
		write_map_start(w, YAML_FLOW_MAPPING_STYLE);
		write_key_text(w, "queue", s->s_subtasks[i].st_queue);
		write_key_text(w, "title", s->s_subtasks[i].st_title);
		write_map_end(w);
	}
	write_seq_end(w);
}

/* A service's own SLA, only when it has one. */
static void
write_sla(struct wctx *w, const struct cat_sla *sl)
{
	if (sl->sl_calendar[0] == '\0')
		return;
	write_scalar(w, "sla", YAML_PLAIN_SCALAR_STYLE);
	write_map_start(w, YAML_FLOW_MAPPING_STYLE);
	write_key_text(w, "calendar", sl->sl_calendar);
	if (sl->sl_response > 0)
		write_key_int(w, "response_minutes", sl->sl_response);
	write_key_int(w, "resolution_minutes", sl->sl_resolution);
	write_map_end(w);
}

static void
write_service(struct wctx *w, const struct cat_service *s)
{
	unsigned bit;

	write_map_start(w, YAML_BLOCK_MAPPING_STYLE);
	write_key_text(w, "code", s->s_code);
	write_key_text(w, "area", s->s_area);
	write_key_text(w, "name", s->s_name);
	write_key_text(w, "name_en", s->s_name_en);
	write_key_text(w, "description", s->s_description);
	write_key_text(w, "description_en", s->s_description_en);
	write_key_text(w, "queue", s->s_queue);
	write_key_int(w, "maturity", s->s_maturity);
	write_key_plain(w, "charging",
		(unsigned)s->s_charging < 2 ? cat_charging_names[s->s_charging] : NULL);
	write_key_plain(w, "unit", cat_unit_name(s->s_unit));
	write_key_plain(
		w, "order", (unsigned)s->s_order < 2 ? cat_order_names[s->s_order] : NULL);
	write_seq_start(w, "approvals", YAML_FLOW_SEQUENCE_STYLE);
	for (bit = 0; bit < 2; bit++)
		if (s->s_approvals & (1u << bit))
			write_scalar(w, cat_approval_names[bit], YAML_PLAIN_SCALAR_STYLE);
	write_seq_end(w);
	write_sla(w, &s->s_sla);
	write_offer(w, s);
	write_lists(w, s);
	write_map_end(w);
}

static int
write_area_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct cat_area *const *)a)->a_code,
		(*(const struct cat_area *const *)b)->a_code);
}

static int
write_service_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct cat_service *const *)a)->s_code,
		(*(const struct cat_service *const *)b)->s_code);
}

static void
write_catalogue(struct wctx *w, const struct cat_catalogue *c, const struct cat_area **areas,
	const struct cat_service **services)
{
	size_t i;

	write_map_start(w, YAML_BLOCK_MAPPING_STYLE);
	write_key_int(w, "version", c->c_version);
	write_seq_start(w, "areas", YAML_BLOCK_SEQUENCE_STYLE);
	for (i = 0; i < c->c_nareas; i++) {
		write_map_start(w, YAML_BLOCK_MAPPING_STYLE);
		write_key_text(w, "code", areas[i]->a_code);
		write_key_text(w, "name", areas[i]->a_name);
		write_key_text(w, "name_en", areas[i]->a_name_en);
		write_map_end(w);
	}
	write_seq_end(w);
	write_seq_start(w, "services", YAML_BLOCK_SEQUENCE_STYLE);
	for (i = 0; i < c->c_nservices; i++)
		write_service(w, services[i]);
	write_seq_end(w);
	write_map_end(w);
}

/* The stream and document around the catalogue. */
static void
write_stream(struct wctx *w, const struct cat_catalogue *c, const struct cat_area **areas,
	const struct cat_service **services)
{
	yaml_event_t ev;

	write_event(w, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING), &ev);
	write_event(w, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1), &ev);
	write_catalogue(w, c, areas, services);
	write_event(w, yaml_document_end_event_initialize(&ev, 1), &ev);
	write_event(w, yaml_stream_end_event_initialize(&ev), &ev);
	if (!w->w_failed && !yaml_emitter_flush(&w->w_em))
		w->w_failed = 1;
}

int
cat_write(const struct cat_catalogue *c, char **out, size_t *len)
{
	const struct cat_service **services = NULL;
	const struct cat_area **areas = NULL;
	struct wctx w;
	size_t i;

	*out = NULL;
	*len = 0;
	memset(&w, 0, sizeof(w));
	if (!yaml_emitter_initialize(&w.w_em))
		return -1;
	if ((areas = calloc(c->c_nareas + 1, sizeof(*areas))) == NULL ||
		(services = calloc(c->c_nservices + 1, sizeof(*services))) == NULL)
		goto fail;
	for (i = 0; i < c->c_nareas; i++)
		areas[i] = &c->c_areas[i];
	for (i = 0; i < c->c_nservices; i++)
		services[i] = &c->c_services[i];
	cat_sort(areas, c->c_nareas, sizeof(*areas), write_area_cmp);
	cat_sort(services, c->c_nservices, sizeof(*services), write_service_cmp);
	yaml_emitter_set_output(&w.w_em, write_out, &w);
	yaml_emitter_set_unicode(&w.w_em, 1);
	yaml_emitter_set_width(&w.w_em, -1);
	yaml_emitter_set_break(&w.w_em, YAML_LN_BREAK);
	write_stream(&w, c, areas, services);
	if (w.w_failed)
		goto fail;
	free(areas);
	free(services);
	yaml_emitter_delete(&w.w_em);
	*out = w.w_buf;
	*len = w.w_len;
	return 0;
fail:
	free(areas);
	free(services);
	yaml_emitter_delete(&w.w_em);
	free(w.w_buf);
	return -1;
}
