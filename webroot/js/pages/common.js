// pages/common.js: what several pages show the same way: statuses in words,
// history events, people with their VIP mark, the time left to the nearest
// SLA deadline as text, shape and colour, and the catalogue's names, prices
// and approval steps.
import { h } from '../dom.js';
import { t, lang, money, duration, workTime, dateTime } from '../i18n.js';

export function statusText(status) {
	return h('span', { class: `status status-${status}` }, t(`status.${status}`));
}

export function person(p) {
	if (!p) return t('desk.unassigned');
	return h('span', { class: 'person' }, p.name,
		p.vip ? [' ', h('abbr', { class: 'vip', title: t('vip.long') }, t('vip'))] : null);
}

export function eventText(ev) {
	const d = ev.data || {};
	switch (ev.kind) {
	case 'status':
		return t('event.status', { from: t(`status.${d.from}`), to: t(`status.${d.to}`) });
	case 'escalated':
		return t('event.escalated', { queue: d.queue || '' }) + (d.reason ? `: ${d.reason}` : '');
	case 'rated':
		return t('event.rated', { score: d.score });
	case 'resolved':
		return t('event.resolved') + (d.text ? `: ${d.text}` : '');
	case 'created': case 'assigned': case 'forwarded': case 'reply': case 'note': case 'reopened':
	case 'closed': case 'attachment': case 'link': case 'priority': case 'classification':
		return t(`event.${ev.kind}`);
	default:
		return t('event.other', { kind: ev.kind });
	}
}

export function historyList(events) {
	return h('ol', { class: 'history' }, events.map((ev) => h('li', null,
		h('time', { datetime: ev.at }, dateTime(ev.at)), ' ',
		eventText(ev), ev.actor ? h('span', { class: 'muted' }, ` ${t('by', { name: ev.actor.name })}`) : null)));
}

// A ticket's SLA clocks as the API names them, in the order people read them.
export const clockKinds = ['first_response', 'next_update', 'resolution', 'ola_line1', 'ola_line2'];

// Wall-clock targets per priority, only for when the API has no SLA clock.
const estimateHours = { 1: 4, 2: 8, 3: 24, 4: 72 };

// The nearest deadline of a ticket: {left, total, paused, estimate, kind} in
// seconds.  The API's clocks ("sla": {kind: clock}, staff only) count
// business time: the running clock with the least left.  Without clocks,
// an estimate from priority and age on the wall clock.
export function slaOf(tk, now = Date.now()) {
	const s = tk.sla;
	if (s && typeof s === 'object') {
		const clocks = clockKinds.filter((k) => s[k]).map((k) => ({ ...s[k], kind: k }));
		const running = clocks.filter((c) => c.state === 'running')
			.sort((a, b) => a.remaining_minutes - b.remaining_minutes);
		if (running.length) {
			const c = running[0];
			return { left: c.remaining_minutes * 60, total: c.target_minutes * 60, paused: false, estimate: false, kind: c.kind };
		}
		if (clocks.length) return { left: null, total: null, paused: clocks.some((c) => c.state === 'paused'), estimate: false };
	}
	const total = (estimateHours[tk.priority] || 24) * 3600;
	const age = (now - Date.parse(tk.created_at)) / 1000;
	return { left: total - age, total, paused: false, estimate: true, age };
}

export function slaLevel(x) {
	if (x.paused || x.left === null) return 'ok';
	if (x.left < 0) return 'late';
	if (x.total ? x.left < x.total * 0.25 : x.left < 3600) return 'warn';
	return 'ok';
}

const shapes = { ok: '●', warn: '▲', late: '■' };

// Text first, then shape and colour: nothing is said by colour alone.
export function slaCell(tk) {
	const x = slaOf(tk);
	const level = slaLevel(x);
	// The engine's clocks count opening hours; the estimate counts the clock on the wall.
	const span = x.estimate ? duration : workTime;
	let text;
	if (x.paused) text = t('sla.paused');
	else if (x.left === null) text = '';
	else if (x.left < 0) text = t('sla.late', { t: span(-x.left) });
	else text = t('sla.left', { t: span(x.left) });
	if (text && x.kind) text = `${t(`sla.clock.${x.kind}`)}: ${text}`;
	return h('span', { class: `sla sla-${level}`, title: x.estimate ? t('sla.estimate') : null },
		h('span', { class: 'sla-shape', 'aria-hidden': 'true' }, shapes[level]), ' ',
		h('span', { class: 'visually-hidden' }, `${t(`sla.level.${level}`)}: `), text,
		x.estimate ? h('span', { class: 'visually-hidden' }, ` (${t('sla.estimate')})`) : null);
}

// The name or text in the page's language (the API sends both).
export function loc(obj, key) {
	return (lang() === 'en' && obj[`${key}_en`]) || obj[key] || '';
}

// "2 150,00 kr (engångskostnad)" / "430,00 kr/mån": every price the service has.
export function priceText(price) {
	const parts = [];
	for (const kind of ['one_time', 'monthly', 'yearly', 'hourly']) {
		const ore = price[`${kind}_ore`];
		if (ore !== null && ore !== undefined) parts.push(t(`price.${kind}`, { amount: money(ore) }));
	}
	return parts.length ? parts.join(', ') : t('price.none');
}

export function stepName(step) {
	return t(`approval.step.${step}`);
}

// Who must approve, in words.
export function approvalText(svc) {
	const steps = svc.approvals || [];
	if (!steps.length) return t('catalogue.approval.none');
	return t('catalogue.approval.needed', { who: steps.map((s) => t(`approval.who.${s}`)).join(t('and')) });
}
