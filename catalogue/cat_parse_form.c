/*
 * cat_parse_form.c: reading what an order asks (the form) and what it sets
 * off (subtasks for other queues).  The rules are listed at the top of
 * cat_parse.c.
 */
#include <stdlib.h>
#include <string.h>

#include "cat_parse.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct field_ctx {
	struct cat_field *fc_f;
	int fc_have_type, fc_have_min, fc_have_max, fc_have_choices;
	long fc_nchoices_listed;
	yaml_mark_t fc_name_mark, fc_min_mark, fc_max_mark, fc_choices_mark;
};

static void
field_name(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct field_ctx *fc = obj;
	struct cat_field *f = fc->fc_f;

	fc->fc_name_mark = v->start_mark;
	if (cat_read_string(pc, v, "name", f->f_name, sizeof(f->f_name), 1) == -1)
		return;
	if (!cat_chars_valid(f->f_name, CAT_SET_WORD, 1, CAT_CODE_MAX - 1)) {
		cat_report_error(pc, v->start_mark,
			"field name '%s' is not 1..%d of a-z, 0-9, _", f->f_name,
			CAT_CODE_MAX - 1);
		f->f_name[0] = '\0';
	}
}

static void
field_type(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct field_ctx *fc = obj;
	int r;

	r = cat_read_enum(pc, v, "type", cat_field_type_names, NELEM(cat_field_type_names));
	if (r == -1)
		return;
	fc->fc_f->f_type = (enum cat_field_type)r;
	fc->fc_have_type = 1;
}

static void
field_label(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_field *f = ((struct field_ctx *)obj)->fc_f;

	(void)cat_read_string(pc, v, "label", f->f_label, sizeof(f->f_label), 1);
}

static void
field_label_en(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_field *f = ((struct field_ctx *)obj)->fc_f;

	(void)cat_read_string(pc, v, "label_en", f->f_label_en, sizeof(f->f_label_en), 0);
}

static void
field_required(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	(void)cat_read_bool(pc, v, "required", &((struct field_ctx *)obj)->fc_f->f_required);
}

static void
field_min(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct field_ctx *fc = obj;

	if (cat_read_int(pc, v, "min", &fc->fc_f->f_min) == 0) {
		fc->fc_have_min = 1;
		fc->fc_min_mark = v->start_mark;
	}
}

static void
field_max(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct field_ctx *fc = obj;

	if (cat_read_int(pc, v, "max", &fc->fc_f->f_max) == 0) {
		fc->fc_have_max = 1;
		fc->fc_max_mark = v->start_mark;
	}
}

static void
field_choices(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct field_ctx *fc = obj;
	struct cat_field *f = fc->fc_f;
	char text[CAT_NAME_MAX];
	yaml_node_t *item;
	long i, n;
	size_t j;

	if ((n = cat_read_list(pc, v, "choices")) == -1)
		return;
	fc->fc_have_choices = 1;
	fc->fc_nchoices_listed = n;
	fc->fc_choices_mark = v->start_mark;
	if ((f->f_choices = calloc((size_t)n + 1, sizeof(*f->f_choices))) == NULL) {
		cat_report_error(pc, v->start_mark, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		item = cat_node_at(pc, v->data.sequence.items.start[i]);
		if (cat_read_string(pc, item, "choice", text, sizeof(text), 1) == -1)
			continue;
		for (j = 0; j < f->f_nchoices && strcmp(f->f_choices[j], text) != 0; j++)
			;
		if (j < f->f_nchoices) {
			cat_report_error(
				pc, item->start_mark, "choice '%s' is listed twice", text);
			continue;
		}
		if ((f->f_choices[f->f_nchoices] = strdup(text)) == NULL) {
			cat_report_error(pc, item->start_mark, "out of memory");
			return;
		}
		f->f_nchoices++;
	}
}

static const struct cat_key field_keys[] = {
	{"choices", 0, field_choices},
	{"label", 1, field_label},
	{"label_en", 0, field_label_en},
	{"max", 0, field_max},
	{"min", 0, field_min},
	{"name", 1, field_name},
	{"required", 0, field_required},
	{"type", 1, field_type},
};

/* min and max: only for numbers (value) and text (length). */
static void
field_check_range(struct cat_pctx *pc, struct field_ctx *fc)
{
	struct cat_field *f = fc->fc_f;
	const char *type = cat_field_type_names[f->f_type];

	if (f->f_type != CAT_FIELD_NUMBER && f->f_type != CAT_FIELD_TEXT) {
		if (fc->fc_have_min)
			cat_report_error(pc, fc->fc_min_mark,
				"'min' is for number and text fields, not %s", type);
		if (fc->fc_have_max)
			cat_report_error(pc, fc->fc_max_mark,
				"'max' is for number and text fields, not %s", type);
		f->f_min = f->f_max = 0;
		return;
	}
	if (!fc->fc_have_min && !fc->fc_have_max)
		return;
	if (f->f_type == CAT_FIELD_TEXT && fc->fc_have_min && f->f_min < 0)
		cat_report_error(
			pc, fc->fc_min_mark, "'min' of a text is a length: not negative");
	if (f->f_type == CAT_FIELD_TEXT && fc->fc_have_max && f->f_max < 0)
		cat_report_error(
			pc, fc->fc_max_mark, "'max' of a text is a length: not negative");
	if (fc->fc_have_min && fc->fc_have_max && f->f_min > f->f_max)
		cat_report_error(pc, fc->fc_max_mark, "'max' %lld is less than 'min' %lld",
			(long long)f->f_max, (long long)f->f_min);
	if (!fc->fc_have_min)
		f->f_min = cat_field_min_absent(f->f_type);
	if (!fc->fc_have_max)
		f->f_max = CAT_FIELD_MAX_ABSENT;
	if (cat_field_unbounded(f))
		cat_report_error(pc, fc->fc_have_min ? fc->fc_min_mark : fc->fc_max_mark,
			"a range of 0 to 0 reads as no limit at all: leave 'min' and 'max' "
			"out");
}

static void
field_check(struct cat_pctx *pc, struct field_ctx *fc, yaml_node_t *item)
{
	struct cat_field *f = fc->fc_f;

	if (!fc->fc_have_type)
		return; /* already reported: missing or unknown */
	if (f->f_type == CAT_FIELD_CHOICE && !fc->fc_have_choices)
		cat_report_error(pc, item->start_mark, "a choice field needs 'choices'");
	else if (f->f_type == CAT_FIELD_CHOICE && fc->fc_nchoices_listed == 0)
		cat_report_error(pc, fc->fc_choices_mark, "'choices' is empty");
	else if (f->f_type != CAT_FIELD_CHOICE && fc->fc_have_choices)
		cat_report_error(pc, fc->fc_choices_mark,
			"'choices' is for choice fields, not %s",
			cat_field_type_names[f->f_type]);
	field_check_range(pc, fc);
}

void
cat_parse_form(struct cat_pctx *pc, yaml_node_t *v, struct cat_service *s)
{
	struct field_ctx fc;
	yaml_node_t *item;
	long i, n;
	size_t j;

	if ((n = cat_read_list(pc, v, "form")) == -1)
		return;
	if ((s->s_fields = calloc((size_t)n + 1, sizeof(*s->s_fields))) == NULL) {
		cat_report_error(pc, v->start_mark, "out of memory");
		return;
	}
	s->s_nfields = (size_t)n;
	for (i = 0; i < n; i++) {
		item = cat_node_at(pc, v->data.sequence.items.start[i]);
		memset(&fc, 0, sizeof(fc));
		fc.fc_f = &s->s_fields[i];
		fc.fc_f->f_line = (int)item->start_mark.line + 1;
		if (cat_read_map(
			    pc, item, field_keys, NELEM(field_keys), &fc, "a form field") == -1)
			continue;
		field_check(pc, &fc, item);
		for (j = 0; fc.fc_f->f_name[0] != '\0' && j < (size_t)i; j++)
			if (strcmp(s->s_fields[j].f_name, fc.fc_f->f_name) == 0)
				cat_report_error(pc, fc.fc_name_mark,
					"form field '%s' is already on line %d",
					fc.fc_f->f_name, s->s_fields[j].f_line);
	}
}

/* Subtasks */

static void
subtask_queue(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_subtask *st = obj;

	(void)cat_read_ref(pc, v, "queue", CAT_SET_WORD, 1, CAT_CODE_MAX - 1, pc->pc_queues,
		st->st_queue, sizeof(st->st_queue));
}

static void
subtask_title(struct cat_pctx *pc, yaml_node_t *v, void *obj)
{
	struct cat_subtask *st = obj;

	(void)cat_read_string(pc, v, "title", st->st_title, sizeof(st->st_title), 1);
}

static const struct cat_key subtask_keys[] = {
	{"queue", 1, subtask_queue},
	{"title", 1, subtask_title},
};

void
cat_parse_subtasks(struct cat_pctx *pc, yaml_node_t *v, struct cat_service *s)
{
	yaml_node_t *item;
	long i, n;

	if ((n = cat_read_list(pc, v, "subtasks")) == -1)
		return;
	if ((s->s_subtasks = calloc((size_t)n + 1, sizeof(*s->s_subtasks))) == NULL) {
		cat_report_error(pc, v->start_mark, "out of memory");
		return;
	}
	s->s_nsubtasks = (size_t)n;
	for (i = 0; i < n; i++) {
		item = cat_node_at(pc, v->data.sequence.items.start[i]);
		s->s_subtasks[i].st_line = (int)item->start_mark.line + 1;
		(void)cat_read_map(pc, item, subtask_keys, NELEM(subtask_keys),
			&s->s_subtasks[i], "a subtask");
	}
}
