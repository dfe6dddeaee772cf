/*
 * ticket_rules.c: the ticket status machine, priorities, first-contact
 * resolution and the reopen window.
 */
#include <string.h>

#include "sdesk.h"
#include "tap.h"

static void
check_moves(void)
{
	const char *moves[SD_TS__COUNT];
	size_t n;
	int s;

	tap_ok(sd_ticket_may_move(SD_TS_NEW, SD_TS_IN_PROGRESS, 1),
		"staff: new -> in_progress");
	tap_ok(!sd_ticket_may_move(SD_TS_NEW, SD_TS_IN_PROGRESS, 0),
		"requester: not new -> in_progress");
	tap_ok(!sd_ticket_may_move(SD_TS_NEW, SD_TS_CLOSED, 1), "nobody skips resolution");
	tap_ok(!sd_ticket_may_move(SD_TS_CLOSED, SD_TS_IN_PROGRESS, 1), "closed is final");
	tap_ok(sd_ticket_may_move(SD_TS_RESOLVED, SD_TS_IN_PROGRESS, 0), "requester reopens");
	tap_ok(sd_ticket_may_move(SD_TS_RESOLVED, SD_TS_CLOSED, 0), "requester confirms");
	tap_ok(sd_ticket_may_move(SD_TS_NEW, SD_TS_RESOLVED, 0),
		"requester withdraws an untouched ticket");
	tap_ok(!sd_ticket_may_move(SD_TS_IN_PROGRESS, SD_TS_RESOLVED, 0),
		"requester cannot resolve work in progress");
	tap_ok(sd_ticket_may_move(SD_TS_WAITING_REQUESTER, SD_TS_IN_PROGRESS, 0),
		"requester's answer resumes the work");
	n = sd_ticket_moves(SD_TS_CLOSED, 1, moves, SD_TS__COUNT);
	TAP_IS_INT(n, 0, "no moves from closed");
	n = sd_ticket_moves(SD_TS_RESOLVED, 0, moves, SD_TS__COUNT);
	TAP_IS_INT(n, 2, "requester has two moves from resolved");
	TAP_IS_STR(n > 0 ? moves[0] : NULL, "closed", "first: closed");
	for (s = 0; s < SD_TS__COUNT; s++)
		if (sd_ticket_may_move(s, s, 1))
			break;
	TAP_IS_INT(s, SD_TS__COUNT, "no status moves to itself");
	for (s = 0; s < SD_TS__COUNT; s++)
		if (sd_ticket_status_parse(sd_ticket_status_name(s)) != s)
			break;
	TAP_IS_INT(s, SD_TS__COUNT, "names and statuses round-trip");
	TAP_IS_INT(sd_ticket_status_parse("deleted"), -1, "unknown status");
	tap_ok(!sd_ticket_is_open(SD_TS_RESOLVED) && sd_ticket_is_open(SD_TS_WAITING_SUPPLIER),
		"open means not resolved or closed");
}

static void
check_priority(void)
{
	struct sd_priority_matrix m;

	sd_priority_matrix_default(&m);
	TAP_IS_INT(sd_ticket_priority(&m, 1, 1, 0), 1, "high impact, high urgency: P1");
	TAP_IS_INT(sd_ticket_priority(&m, 2, 2, 0), 3, "medium, medium: P3");
	TAP_IS_INT(sd_ticket_priority(&m, 3, 3, 0), 4, "low, low: P4");
	TAP_IS_INT(sd_ticket_priority(&m, 3, 3, 1), 3, "VIP raises P4 to P3");
	TAP_IS_INT(sd_ticket_priority(&m, 1, 1, 1), 1, "VIP cannot go above P1");
	TAP_IS_INT(sd_ticket_priority(&m, 0, 1, 0), -1, "impact out of range");
	TAP_IS_INT(sd_ticket_priority(&m, 1, 4, 0), -1, "urgency out of range");
	m.pm_priority[1][1] = 2;
	TAP_IS_INT(sd_ticket_priority(&m, 2, 2, 0), 2, "the matrix is configurable");
}

int
main(void)
{
	char buf[32];

	check_moves();
	check_priority();
	tap_ok(sd_ticket_first_contact(1, 0), "first line, not escalated: FCR");
	tap_ok(!sd_ticket_first_contact(1, 1), "escalated and back: not FCR");
	tap_ok(!sd_ticket_first_contact(0, 0), "solved by second line: not FCR");
	tap_ok(sd_ticket_reopen_allowed(1000, 1000 + 5 * 86400, 5), "reopen on the last day");
	tap_ok(!sd_ticket_reopen_allowed(1000, 1001 + 5 * 86400, 5), "not after the window");
	tap_ok(!sd_ticket_reopen_allowed(0, 10, 5), "never resolved: no reopen");
	sd_ticket_number(buf, sizeof(buf), "BEN", 2026, 42);
	TAP_IS_STR(buf, "BEN-2026-000042", "case number format");
	sd_ticket_number(buf, sizeof(buf), "FAR", 2027, 1234567);
	TAP_IS_STR(buf, "FAR-2027-1234567", "numbers grow past six digits");
	tap_ok(sd_ticket_number(buf, 8, "FAR", 2027, 1) < 0, "too small a buffer is refused");
	return tap_done();
}
