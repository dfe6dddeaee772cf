/*
 * cat_parse.h: the parser's shared state and node readers, used by
 * cat_parse.c (the file, areas, errors) and cat_parse_service.c (services).
 * Internal to the catalogue library.
 */
#ifndef SDESK_CAT_PARSE_H
#define SDESK_CAT_PARSE_H

#include <yaml.h>

#include "cat_impl.h"

/* Past this many problems the rest are summed up in one last line. */
#define CAT_ERRORS_MAX 1000

struct cat_pctx {
	yaml_document_t *pc_doc;
	const char *const *pc_tenants; /* valid_* from the caller, or NULL */
	const char *const *pc_queues;
	const char *const *pc_roles;
	struct cat_errors *pc_errs; /* may be NULL: then only counted */
	size_t pc_nerr;             /* every problem, even ones not stored */
	struct cat_catalogue *pc_cat;
};

/* A key of a mapping and what reads its value into obj. */
typedef void cat_key_fn(struct cat_pctx *pc, yaml_node_t *value, void *obj);
struct cat_key {
	const char *k_name;
	int k_required;
	cat_key_fn *k_fn;
};

/* Records a problem at mark (0-based in libyaml, 1-based in the list). */
void cat_report_error(struct cat_pctx *pc, yaml_mark_t mark, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Reads a mapping by a table of keys sorted by name: unknown, repeated and
 * missing keys are reported; each known key's value goes to its k_fn.
 * what names the mapping in messages ("a service").  -1 when node is no
 * mapping at all.
 */
int cat_read_map(struct cat_pctx *pc, yaml_node_t *node, const struct cat_key *keys,
	size_t nkeys, void *obj, const char *what);

/* The node an item or pair index refers to. */
yaml_node_t *cat_node_at(struct cat_pctx *pc, yaml_node_item_t index);

/* The number of items of a list, or -1 (reported) when node is no list. */
long cat_read_list(struct cat_pctx *pc, yaml_node_t *node, const char *key);

/* A single value as text, or NULL (reported). Borrowed from the document. */
const char *cat_read_scalar(struct cat_pctx *pc, yaml_node_t *node, const char *key);

/* Text into dst: refuses empty text when required and text past len-1. */
int cat_read_string(struct cat_pctx *pc, yaml_node_t *node, const char *key, char *dst,
	size_t len, int required);

/* Long text (descriptions): *out is malloc'd (old value freed). */
int cat_read_text(struct cat_pctx *pc, yaml_node_t *node, const char *key, char **out);

/* An unquoted whole number. */
int cat_read_int(struct cat_pctx *pc, yaml_node_t *node, const char *key, int64_t *out);

/* An unquoted true or false. */
int cat_read_bool(struct cat_pctx *pc, yaml_node_t *node, const char *key, int *out);

/* One of names[0..n): its index, or -1 (reported). */
int cat_read_enum(struct cat_pctx *pc, yaml_node_t *node, const char *key,
	const char *const *names, size_t n);

/*
 * A reference to something outside the file (tenant, queue, role) into dst:
 * it must be min..max characters of set and, when valid is not NULL, one of
 * valid.  what names the kind of thing ("queue").
 */
int cat_read_ref(struct cat_pctx *pc, yaml_node_t *node, const char *what, const char *set,
	size_t min, size_t max, const char *const *valid, char *dst, size_t len);

/* The services list, after the areas have been read (cat_parse_service.c). */
void cat_parse_services(struct cat_pctx *pc, yaml_node_t *seq);

/* A service's form and subtasks (cat_parse_form.c). */
void cat_parse_form(struct cat_pctx *pc, yaml_node_t *v, struct cat_service *s);
void cat_parse_subtasks(struct cat_pctx *pc, yaml_node_t *v, struct cat_service *s);

#endif
