/*
 * ticket_rules.c: the rules of a ticket's life, as plain C: the status
 * machine (who may move a ticket from where to where), impact × urgency →
 * priority with the VIP step, first-contact resolution and the reopen
 * window.  No HTTP, no SQL; tests/unit/ticket_rules.c checks it.
 */
#include <stdio.h>
#include <string.h>

#include "sdesk.h"

static const char *const status_names[SD_TS__COUNT] = {"new", "assigned", "in_progress",
	"waiting_requester", "waiting_supplier", "resolved", "closed"};

/*
 * Allowed moves.  Staff move tickets along the work; the requester can
 * only reopen a resolved ticket (within the window), confirm it closed, or
 * withdraw one that nobody has started on.
 */
static const struct {
	unsigned char tr_from, tr_to;
	unsigned char tr_staff, tr_requester;
} transitions[] = {
	{SD_TS_NEW, SD_TS_ASSIGNED, 1, 0},
	{SD_TS_NEW, SD_TS_IN_PROGRESS, 1, 0},
	{SD_TS_NEW, SD_TS_WAITING_REQUESTER, 1, 0},
	{SD_TS_NEW, SD_TS_WAITING_SUPPLIER, 1, 0},
	{SD_TS_NEW, SD_TS_RESOLVED, 1, 1},
	{SD_TS_ASSIGNED, SD_TS_NEW, 1, 0},
	{SD_TS_ASSIGNED, SD_TS_IN_PROGRESS, 1, 0},
	{SD_TS_ASSIGNED, SD_TS_WAITING_REQUESTER, 1, 0},
	{SD_TS_ASSIGNED, SD_TS_WAITING_SUPPLIER, 1, 0},
	{SD_TS_ASSIGNED, SD_TS_RESOLVED, 1, 0},
	{SD_TS_IN_PROGRESS, SD_TS_ASSIGNED, 1, 0},
	{SD_TS_IN_PROGRESS, SD_TS_WAITING_REQUESTER, 1, 0},
	{SD_TS_IN_PROGRESS, SD_TS_WAITING_SUPPLIER, 1, 0},
	{SD_TS_IN_PROGRESS, SD_TS_RESOLVED, 1, 0},
	{SD_TS_WAITING_REQUESTER, SD_TS_IN_PROGRESS, 1, 1},
	{SD_TS_WAITING_REQUESTER, SD_TS_RESOLVED, 1, 0},
	{SD_TS_WAITING_SUPPLIER, SD_TS_IN_PROGRESS, 1, 0},
	{SD_TS_WAITING_SUPPLIER, SD_TS_RESOLVED, 1, 0},
	{SD_TS_RESOLVED, SD_TS_CLOSED, 1, 1},
	{SD_TS_RESOLVED, SD_TS_IN_PROGRESS, 1, 1},
};

int
sd_ticket_status_parse(const char *name)
{
	int i;

	for (i = 0; i < SD_TS__COUNT; i++)
		if (strcmp(name, status_names[i]) == 0)
			return i;
	return -1;
}

const char *
sd_ticket_status_name(int status)
{
	return status >= 0 && status < SD_TS__COUNT ? status_names[status] : "?";
}

int
sd_ticket_is_open(int status)
{
	return status != SD_TS_RESOLVED && status != SD_TS_CLOSED;
}

int
sd_ticket_may_move(int from, int to, int staff)
{
	size_t i;

	for (i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (transitions[i].tr_from == from && transitions[i].tr_to == to)
			return staff ? transitions[i].tr_staff : transitions[i].tr_requester;
	return 0;
}

size_t
sd_ticket_moves(int from, int staff, const char **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(transitions) / sizeof(transitions[0]) && n < max; i++)
		if (transitions[i].tr_from == from &&
			(staff ? transitions[i].tr_staff : transitions[i].tr_requester))
			out[n++] = status_names[transitions[i].tr_to];
	return n;
}

void
sd_priority_matrix_default(struct sd_priority_matrix *m)
{
	static const unsigned char def[3][3] = {{1, 2, 3}, {2, 3, 4}, {3, 4, 4}};

	memcpy(m->pm_priority, def, sizeof(def));
}

int
sd_ticket_priority(const struct sd_priority_matrix *m, int impact, int urgency, int vip)
{
	int p;

	if (impact < 1 || impact > 3 || urgency < 1 || urgency > 3)
		return -1;
	p = m->pm_priority[impact - 1][urgency - 1];
	/* A VIP's ticket goes one step up, never above P1. */
	if (vip && p > 1)
		p--;
	return p;
}

int
sd_ticket_first_contact(int resolved_by_first_line, int escalated)
{
	return resolved_by_first_line && !escalated;
}

int
sd_ticket_reopen_allowed(long long resolved_at, long long now, unsigned days)
{
	/* A clock a little behind the database's still counts as "just now". */
	return resolved_at > 0 && now - resolved_at <= (long long)days * 24 * 3600;
}

int
sd_ticket_number(char *out, size_t len, const char *tenant, int year, long long seq)
{
	int n = snprintf(out, len, "%s-%04d-%06lld", tenant, year, seq);

	return n > 0 && (size_t)n < len ? 0 : -1;
}
