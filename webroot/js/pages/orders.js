// pages/orders.js: "Mina beställningar" and one order (also the receipt
// right after ordering): where it stands in words, the approval steps and
// who decided, the fulfilment ticket, withdrawing it while it waits; and
// the approval inbox of managers and IT architects.
import { api } from '../api.js';
import { h, clear, field, formAlert, busy } from '../dom.js';
import { t, date, dateTime } from '../i18n.js';
import { state, render, setApprovalCount, approver } from '../app.js';
import { setFlash, takeFlash } from './cases.js';
import { loc, priceText, stepName } from './common.js';

let placed = null;

// The order just placed: its page opens as the receipt.
export function setPlaced(number) {
	placed = number;
}

export function orderStatus(status) {
	return h('span', { class: `status ostatus-${status}` }, t(`ostatus.${status}`));
}

function orderRows(list) {
	return list.map((o) => h('tr', null,
		h('td', { 'data-label': t('orders.col.number') }, h('a', { href: `#/orders/${encodeURIComponent(o.number)}` }, o.number)),
		h('td', { 'data-label': t('orders.col.service') }, loc(o.service, 'name')),
		h('td', { 'data-label': t('orders.col.status') }, orderStatus(o.status)),
		h('td', { 'data-label': t('orders.col.date') }, date(o.created_at))));
}

function orderTable(list, caption) {
	return h('table', { class: 'list orders' },
		h('caption', null, caption),
		h('thead', null, h('tr', null,
			h('th', { scope: 'col' }, t('orders.col.number')), h('th', { scope: 'col' }, t('orders.col.service')),
			h('th', { scope: 'col' }, t('orders.col.status')), h('th', { scope: 'col' }, t('orders.col.date')))),
		h('tbody', null, orderRows(list)));
}

export async function listPage(main) {
	const r = await api('GET', '/api/v1/orders?mine=true&limit=100');
	const open = (o) => ['pending_approval', 'in_fulfilment'].includes(o.status);
	const current = r.orders.filter(open), done = r.orders.filter((o) => !open(o));
	clear(main, h('h1', null, t('orders.title')), takeFlash(),
		r.orders.length ? null : h('p', null, t('orders.none')),
		current.length ? orderTable(current, t('orders.open')) : null,
		done.length ? orderTable(done, t('orders.done')) : null,
		r.next_cursor ? h('p', { class: 'muted' }, t('orders.more')) : null,
		h('p', { class: 'actions' }, h('a', { class: 'button', href: '#/order' }, t('orders.new'))));
	return t('orders.title');
}

// One approval step: "Chef: godkänd av Anders By, 3 feb. 2026 10:12".
function stepItem(a) {
	return h('li', { class: `step step-${a.status}` },
		h('strong', null, `${stepName(a.step)}: `), t(`approval.status.${a.status}`),
		a.by ? ` ${t('by', { name: a.by.name })}` : null,
		a.decided_at ? [', ', h('time', { datetime: a.decided_at }, dateTime(a.decided_at))] : null,
		a.reason ? h('span', { class: 'reason' }, ` – ”${a.reason}”`) : null);
}

// What the status means for this order, with the ticket or the reason.
function statusBox(o) {
	const rejected = o.approvals.find((a) => a.status === 'rejected');
	const ticket = o.ticket ? h('a', { href: `#/cases/${encodeURIComponent(o.ticket)}`, class: 'ticket-link' }, o.ticket) : null;
	let detail;
	if (o.status === 'rejected' && rejected) {
		detail = h('p', { class: 'reason-box' }, h('strong', null, t('order.rejected.by', { name: rejected.by ? rejected.by.name : '' })),
			' ', rejected.reason ? `”${rejected.reason}”` : '');
	} else if (o.status === 'pending_approval') {
		const waiting = o.approvals.filter((a) => a.status === 'pending').map((a) => t(`approval.who.${a.step}`));
		detail = h('p', null, t('ostatus.explain.pending_approval', { who: waiting.join(t('and')) }));
	} else if (o.status === 'in_fulfilment') {
		detail = h('p', null, t('ostatus.explain.in_fulfilment'), ' ', ticket ? [t('order.ticket.in'), ' ', ticket, '.'] : null);
	} else if (o.status === 'delivered') {
		detail = h('p', null, t('ostatus.explain.delivered', { date: date(o.delivered_at) }),
			ticket ? [' ', t('order.ticket.was'), ' ', ticket, '.'] : null);
	} else {
		detail = h('p', null, t(`ostatus.explain.${o.status}`));
	}
	return h('div', { class: `status-box order-status order-${o.status}` },
		h('p', { class: 'status-line' }, `${t('case.status')}: `, orderStatus(o.status)), detail);
}

function answerValue(f, v) {
	if (v && typeof v === 'object') return v.login ? `${v.name} (${v.login})` : (v.name || v.code || JSON.stringify(v));
	if (typeof v === 'boolean' || (f && f.type === 'boolean')) return t(String(v) === 'true' ? 'yes' : 'no');
	return String(v);
}

function answersList(o, form) {
	const keys = Object.keys(o.answers || {});
	if (!keys.length) return null;
	const byName = Object.fromEntries((form || []).map((f) => [f.name, f]));
	const order = form ? [...form.map((f) => f.name).filter((k) => keys.includes(k)), ...keys.filter((k) => !byName[k])] : keys;
	return h('section', { 'aria-labelledby': 'answers-h' }, h('h2', { id: 'answers-h' }, t('order.answers')),
		h('dl', { class: 'facts' }, order.map((k) => [
			h('dt', null, byName[k] ? loc(byName[k], 'label') : k),
			h('dd', null, answerValue(byName[k], o.answers[k]))])));
}

function cancelForm(o) {
	const form = h('form', { class: 'actions' }, formAlert(),
		h('button', { type: 'submit' }, t('order.cancel')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		busy(form, async () => {
			await api('POST', `/api/v1/orders/${encodeURIComponent(o.number)}/cancel`);
			setFlash(t('order.cancelled'));
			await render();
		});
	});
	return h('section', { 'aria-labelledby': 'cancel-h' }, h('h2', { id: 'cancel-h' }, t('order.cancel.title')),
		h('p', null, t('order.cancel.text')), form);
}

function facts(o) {
	const row = (k, v) => [h('dt', null, t(k)), h('dd', null, v)];
	return h('dl', { class: 'facts' },
		row('order.number', h('span', { class: 'order-number' }, o.number)),
		row('order.service', [h('a', { href: `#/order/${encodeURIComponent(o.service.code)}` }, loc(o.service, 'name')),
			o.service.withdrawn ? ` (${t('order.withdrawn')})` : null]),
		row('order.ordered_by', o.ordered_by ? o.ordered_by.name : '–'),
		row('order.cost_centre', o.cost_centre ? `${o.cost_centre.code} ${o.cost_centre.name}` : '–'),
		row('order.quantity', String(o.quantity)),
		row('order.price', priceText({ ...o.price })),
		row('order.created', dateTime(o.created_at)));
}

export async function orderPage(main, ctx) {
	const n = ctx.params.n;
	const o = await api('GET', `/api/v1/orders/${encodeURIComponent(n)}`);
	const svc = await api('GET', `/api/v1/catalogue/services/${encodeURIComponent(o.service.code)}`, undefined, { quiet: true })
		.catch(() => null);
	const fresh = placed === o.number;
	placed = null;
	const mine = o.ordered_by && o.ordered_by.id === state.session.person.id;
	const title = fresh ? t('order.receipt.title') : t('order.title.one', { name: loc(o.service, 'name') });
	clear(main,
		h('p', { class: 'crumbs' }, h('a', { href: '#/orders' }, t('orders.title'))),
		h('h1', null, title), takeFlash(),
		fresh ? h('div', { class: 'receipt' },
			h('p', { class: 'case-number' }, h('span', null, t('order.number')), ' ', h('strong', { id: 'order-number' }, o.number)),
			h('p', null, t('order.receipt.text'))) : null,
		statusBox(o),
		facts(o),
		answersList(o, svc && svc.form),
		h('section', { 'aria-labelledby': 'steps-h' }, h('h2', { id: 'steps-h' }, t('order.approvals')),
			o.approvals.length ? h('ul', { class: 'steps-list' }, o.approvals.map(stepItem)) : h('p', null, t('order.approvals.none'))),
		mine && o.status === 'pending_approval' ? cancelForm(o) : null,
		!mine && o.status === 'pending_approval' && approver()
			? h('p', null, h('a', { href: '#/approvals' }, t('order.decide'))) : null);
	return fresh ? t('order.receipt.title') : t('order.title.one', { name: o.number });
}

// One order waiting for the caller, with approve and reject.
function decisionCard(o, form0) {
	const hid = `dec-${o.number}`;
	const reason = h('textarea', { name: 'reason', rows: '2', maxlength: '2000' });
	const form = h('form', { class: 'decision', novalidate: true, 'aria-labelledby': hid },
		formAlert(),
		field(t('approvals.reason'), reason, t('approvals.reason.hint')),
		h('div', { class: 'actions' },
			h('button', { type: 'submit', class: 'primary', value: 'approve' }, t('approvals.approve')),
			h('button', { type: 'submit', value: 'reject' }, t('approvals.reject'))));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const decision = ev.submitter && ev.submitter.value === 'reject' ? 'reject' : 'approve';
		busy(form, async () => {
			const body = { decision };
			if (reason.value.trim()) body.reason = reason.value.trim();
			await api('POST', `/api/v1/orders/${encodeURIComponent(o.number)}/decision`, body);
			setFlash(t(decision === 'reject' ? 'approvals.rejected' : 'approvals.approved', { n: o.number }));
			await render();
		});
	});
	const byName = Object.fromEntries((form0 || []).map((f) => [f.name, f]));
	const answers = Object.entries(o.answers || {});
	return h('li', { class: 'card approval', dataset: { order: o.number } },
		h('h2', { id: hid }, loc(o.service, 'name'), ' ',
			h('a', { href: `#/orders/${encodeURIComponent(o.number)}`, class: 'order-number' }, o.number)),
		h('dl', { class: 'facts' },
			h('dt', null, t('order.ordered_by')), h('dd', null, o.ordered_by ? o.ordered_by.name : '–'),
			h('dt', null, t('order.cost_centre')), h('dd', null, o.cost_centre ? `${o.cost_centre.code} ${o.cost_centre.name}` : '–'),
			h('dt', null, t('order.quantity')), h('dd', null, String(o.quantity)),
			h('dt', null, t('order.price')), h('dd', null, priceText({ ...o.price })),
			h('dt', null, t('order.created')), h('dd', null, dateTime(o.created_at)),
			answers.length ? [h('dt', null, t('order.answers')), h('dd', null,
				answers.map(([k, v]) => h('span', { class: 'answer' },
					`${byName[k] ? loc(byName[k], 'label') : k}: ${answerValue(byName[k], v)}`)))] : null),
		h('ul', { class: 'steps-list' }, o.approvals.map(stepItem)),
		form);
}

export async function approvalsPage(main) {
	const r = await api('GET', '/api/v1/approvals');
	setApprovalCount(r.orders.length);
	// The forms' labels, once per service.
	const codes = [...new Set(r.orders.map((o) => o.service.code))];
	const forms = Object.fromEntries(await Promise.all(codes.map(async (c) => [c,
		(await api('GET', `/api/v1/catalogue/services/${encodeURIComponent(c)}`, undefined, { quiet: true })
			.catch(() => ({}))).form])));
	clear(main, h('h1', null, t('approvals.title')), takeFlash(),
		h('p', { class: 'lead' }, r.orders.length ? t('approvals.intro', { n: r.orders.length }) : t('approvals.none')),
		r.orders.length ? h('ul', { class: 'approval-list' }, r.orders.map((o) => decisionCard(o, forms[o.service.code]))) : null);
	return t('approvals.title');
}
