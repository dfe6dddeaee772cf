/*
 * sla_regulatory.c: deadlines that law sets for security incidents.
 *
 * They run in calendar time from the moment the organisation became aware,
 * not in business time: 24 h is 24 real hours, also across a DST switch
 * or a weekend. The NIS2 final report is due one month after the incident
 * notification was submitted (art. 23(4)(d)); the month is a calendar
 * month of the Stockholm local date, clamped to the month's last day, at
 * the same wall time. Until the notification has been made we count from
 * its deadline, the latest it may lawfully be made, so the date shown
 * never moves earlier once the real submission is recorded late.
 */
#include "sla.h"

#define HOUR_SECONDS 3600

/* 1 if t lies in the local years SLA_YEAR_MIN..SLA_YEAR_MAX. */
static int
regulatory_in_range(int64_t t)
{
	/* 1 January is always CET: local midnight is 23:00 UTC the day before. */
	return t >= sla_date_to_days(SLA_YEAR_MIN, 1, 1) * 86400 - 3600 &&
		t < sla_date_to_days(SLA_YEAR_MAX + 1, 1, 1) * 86400 - 3600;
}

int
sla_compute_regulatory(int64_t aware, int64_t notified, struct sla_regulatory *out)
{
	int64_t base;

	if (!regulatory_in_range(aware))
		return -1;
	if (notified != SLA_TIME_NEVER && (notified < aware || !regulatory_in_range(notified)))
		return -1;
	out->sr_aware = aware;
	out->sr_nis2_early_warning = aware + 24 * HOUR_SECONDS;
	out->sr_nis2_notification = aware + 72 * HOUR_SECONDS;
	out->sr_gdpr_imy = aware + 72 * HOUR_SECONDS;
	out->sr_final_from_actual = notified != SLA_TIME_NEVER;
	base = out->sr_final_from_actual ? notified : out->sr_nis2_notification;
	out->sr_nis2_final_report = sla_add_local_months(base, 1);
	return 0;
}
