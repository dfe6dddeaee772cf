/*
 * api/metrics.c: GET /metrics in the Prometheus text exposition format.
 */
#include <stdlib.h>

#include "sdesk.h"

enum MHD_Result
sd_api_metrics(struct sd_req *r)
{
	enum MHD_Result ret;
	size_t len = 0;
	char *text;

	if ((text = sd_metrics_render(r->rq_app, &len)) == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	ret = sd_reply_buf(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
	free(text);
	return ret;
}
