// pages/ticket.js: one ticket in the technician's workspace: requester with
// the VIP mark, classification, the whole conversation and history, public
// reply or internal note with time logged, status moves the API allows,
// assign (to me or a colleague), escalate with a reason, link tickets and
// files.  It refreshes every 30 seconds; forms and half-written text are
// never touched by a refresh.
import { api, upload } from '../api.js';
import { h, clear, field, formAlert, busy, showError, select, id } from '../dom.js';
import { t, dateTime, workTime } from '../i18n.js';
import { state, render } from '../app.js';
import { statusText, person, historyList, slaCell, loc, clockKinds } from './common.js';
import { setFlash, takeFlash } from './cases.js';
import { deskBar, REFRESH_MS } from './desk.js';

const resolutionCodes = ['solved', 'workaround', 'no_fault_found', 'duplicate', 'cancelled', 'referred'];
const linkKinds = ['duplicate_of', 'parent_of', 'child_of', 'caused_by'];

// A change that fails because someone else saved first reloads the page.
async function act(cur, fn, message) {
	try {
		await fn();
	} catch (err) {
		if (err.code === 'conflict' && err.field === 'version') {
			setFlash(t('ticket.conflict'));
			await render();
			return;
		}
		throw err;
	}
	setFlash(message);
	await render();
}

function facts(tk, names) {
	const row = (k, v) => [h('dt', null, t(k)), h('dd', null, v)];
	return h('dl', { class: 'facts' },
		row('ticket.requester', [person(tk.requester), tk.requester ? ` (${tk.requester.tenant})` : '',
			tk.department ? ` · ${tk.department.name}` : '']),
		tk.registered_by ? row('ticket.registered_by', person(tk.registered_by)) : null,
		row('ticket.channel', t(`channel.${tk.channel}`)),
		row('ticket.type', t(`type.${tk.type}`)),
		row('ticket.queue', names.queues[tk.queue] || tk.queue),
		row('ticket.category', tk.category ? names.categories[tk.category] || tk.category : '–'),
		tk.service ? row('ticket.service', loc(tk.service, 'name') || tk.service.code) : null,
		row('ticket.classification', t(`class.${tk.classification}`)),
		row('ticket.priority', `${t('prio.long', { n: tk.priority })} (${t('ticket.impact')} ${tk.impact}, ${t('ticket.urgency')} ${tk.urgency})`),
		row('case.created', dateTime(tk.created_at)),
		row('case.handler', person(tk.assignee)),
		tk.rating ? row('ticket.rating', `${tk.rating.score}/5${tk.rating.comment ? ` – ${tk.rating.comment}` : ''}`) : null);
}

// Every clock of the ticket: where it stands, its target and when it runs
// out, in the business time of its calendar.
function slaBox(tk) {
	const s = tk.sla || {};
	const kinds = clockKinds.filter((k) => s[k]);
	if (!kinds.length) return null;
	const mins = (m) => workTime(m * 60);
	const rows = kinds.map((k) => {
		const c = s[k];
		let state;
		if (c.met === true) state = t('sla.met');
		else if (c.met === false) state = t('sla.breached');
		else if (c.state === 'paused') state = t('sla.paused');
		else if (c.state === 'stopped') state = t(c.breached ? 'sla.breached' : 'sla.stopped');
		else if (c.remaining_minutes < 0) state = t('sla.late', { t: mins(-c.remaining_minutes) });
		else state = t('sla.left', { t: mins(c.remaining_minutes) });
		return h('tr', { dataset: { clock: k } }, h('th', { scope: 'row' }, t(`sla.clock.${k}`)), h('td', null, state),
			h('td', null, mins(c.target_minutes)), h('td', null, c.state === 'running' && c.due_at ? dateTime(c.due_at) : '–'));
	});
	return h('section', { 'aria-labelledby': 'sla-box-h', class: 'sla-box' }, h('h2', { id: 'sla-box-h' }, t('ticket.sla')),
		h('table', { class: 'list' },
			h('thead', null, h('tr', null, ['ticket.sla.clock', 'ticket.sla.state', 'ticket.sla.target', 'ticket.sla.due']
				.map((x) => h('th', { scope: 'col' }, t(x))))),
			h('tbody', null, rows)),
		h('p', { class: 'muted' }, t('ticket.sla.note')));
}

function summary(tk) {
	return h('p', { class: 'summary' }, statusText(tk.status), ' · ',
		h('abbr', { title: t('prio.long', { n: tk.priority }) }, t('prio', { n: tk.priority })),
		['resolved', 'closed'].includes(tk.status) ? null : [' · ', slaCell(tk)],
		tk.vip ? [' · ', h('strong', { class: 'vip' }, t('vip.long'))] : null);
}

function conversation(entries) {
	if (!entries.length) return h('p', null, t('ticket.entries.none'));
	return h('ol', { class: 'entries' }, entries.map((e) => h('li', { class: `entry entry-${e.kind}` },
		h('p', { class: 'entry-head' }, h('span', { class: `tag tag-${e.kind}` }, t(e.kind === 'note' ? 'ticket.internal' : 'ticket.public')),
			' ', h('strong', null, e.author ? e.author.name : ''), ' ', h('time', { datetime: e.created_at }, dateTime(e.created_at)),
			e.minutes ? h('span', { class: 'muted' }, ` · ${t('ticket.minutes', { n: e.minutes })}`) : null),
		h('p', { class: 'prewrap' }, e.body))));
}

function replyForm(cur) {
	const kindSet = h('fieldset', { class: 'radios inline' }, h('legend', null, t('ticket.reply.kind')),
		['reply', 'note'].map((k) => {
			const rid = id('kind');
			return h('div', { class: 'radio' }, h('input', { type: 'radio', name: 'kind', id: rid, value: k, checked: k === 'reply' }),
				h('label', { for: rid }, t(`ticket.reply.kind.${k}`)));
		}));
	const body = h('textarea', { name: 'body', id: 'reply-body', rows: '5', required: true, maxlength: '20000' });
	const minutes = h('input', { name: 'minutes', type: 'number', min: '0', max: '1440', step: '1', inputmode: 'numeric', class: 'short' });
	const form = h('form', { class: 'card', novalidate: true }, formAlert(), kindSet, field(t('ticket.reply.body'), body),
		field(`${t('ticket.reply.minutes')} ${t('form.optional')}`, minutes),
		h('button', { type: 'submit', class: 'primary' }, t('ticket.reply.submit')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		if (!body.value.trim()) return showError(form, { field: 'body', message: t('ticket.reply.body') });
		const b = { kind: form.querySelector('input[name="kind"]:checked').value, body: body.value.trim() };
		if (minutes.value) b.minutes = Number(minutes.value);
		return busy(form, () => act(cur, () => api('POST', `/api/v1/tickets/${cur.tk.number}/entries`, b), t('ticket.reply.saved')));
	});
	return h('section', { 'aria-labelledby': 'reply-h' }, h('h2', { id: 'reply-h' }, t('ticket.reply.title')), form);
}

function patch(cur, body) {
	return api('PATCH', `/api/v1/tickets/${cur.tk.number}`, { version: cur.tk.version, ...body });
}

function assignForm(cur, members) {
	const me = state.session.person.id;
	const tk = cur.tk;
	const who = select('assignee', [['', t('ticket.assign.none')], ...members.map((m) => [m.id, `${m.name}`])],
		tk.assignee ? tk.assignee.id : '');
	const form = h('form', { class: 'card', novalidate: true }, formAlert(),
		!tk.assignee || tk.assignee.id !== me ? h('p', null, h('button', {
			type: 'button', id: 'take-button', class: 'primary',
			onclick: () => busy(form, () => act(cur, () => patch(cur, { assignee: me }), t('ticket.taken'))),
		}, t('ticket.take'))) : null,
		field(t('ticket.assign.to'), who),
		h('button', { type: 'submit' }, t('ticket.assign.submit')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		busy(form, () => act(cur, () => patch(cur, { assignee: who.value ? Number(who.value) : null }), t('ticket.saved')));
	});
	return h('section', { 'aria-labelledby': 'assign-h' }, h('h2', { id: 'assign-h' }, t('ticket.assign')), form);
}

function statusForm(cur) {
	const moves = cur.tk.allowed_status || [];
	if (!moves.length) return h('section', null, h('h2', null, t('ticket.status.title')), h('p', null, t('ticket.status.none')));
	const to = select('status', moves.map((m) => [m, t(`status.${m}`)]), moves.includes('resolved') ? 'resolved' : moves[0]);
	const code = select('resolution_code', resolutionCodes.map((c) => [c, t(`res.${c}`)]), 'solved');
	const text = h('textarea', { name: 'resolution_text', rows: '3', maxlength: '5000' });
	const resBox = h('div', { class: 'resolution' }, field(t('ticket.resolution.code'), code), field(t('ticket.resolution.text'), text));
	const sync = () => { resBox.hidden = to.value !== 'resolved'; };
	to.addEventListener('change', sync);
	sync();
	const form = h('form', { class: 'card', novalidate: true }, formAlert(), field(t('ticket.status.to'), to), resBox,
		h('button', { type: 'submit' }, t('ticket.status.submit')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const b = { status: to.value };
		if (to.value === 'resolved') {
			if (!text.value.trim()) return showError(form, { field: 'resolution_text', message: t('ticket.resolution.text') });
			b.resolution_code = code.value;
			b.resolution_text = text.value.trim();
		}
		return busy(form, () => act(cur, () => patch(cur, b), t('ticket.saved')));
	});
	return h('section', { 'aria-labelledby': 'status-h' }, h('h2', { id: 'status-h' }, t('ticket.status.title')), form);
}

function escalateForm(cur, queues) {
	const others = queues.filter((q) => q.code !== cur.tk.queue);
	const to = select('queue', others.map((q) => [q.code, q.name]), others.length ? others[0].code : '');
	const reason = h('textarea', { name: 'reason', rows: '3', required: true, maxlength: '2000' });
	const form = h('form', { class: 'card', novalidate: true }, formAlert(), field(t('ticket.escalate.queue'), to),
		field(t('ticket.escalate.reason'), reason), h('button', { type: 'submit' }, t('ticket.escalate.submit')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		if (!reason.value.trim()) return showError(form, { field: 'reason', message: t('ticket.escalate.reason') });
		return busy(form, () => act(cur, () => api('POST', `/api/v1/tickets/${cur.tk.number}/escalate`,
			{ queue: to.value, reason: reason.value.trim() }), t('ticket.escalated')));
	});
	return h('section', { 'aria-labelledby': 'esc-h' }, h('h2', { id: 'esc-h' }, t('ticket.escalate.title')), form);
}

function linkForm(cur, links) {
	const kind = select('kind', linkKinds.map((k) => [k, t(`link.${k}`)]), 'duplicate_of');
	const other = h('input', { name: 'ticket', required: true, autocomplete: 'off', placeholder: 'FAR-2026-000001' });
	const form = h('form', { class: 'card', novalidate: true }, formAlert(), field(t('ticket.link.kind'), kind),
		field(t('ticket.link.other'), other), h('button', { type: 'submit' }, t('ticket.link.submit')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		if (!other.value.trim()) return showError(form, { field: 'ticket', message: t('ticket.link.other') });
		return busy(form, () => act(cur, () => api('POST', `/api/v1/tickets/${cur.tk.number}/links`,
			{ kind: kind.value, ticket: other.value.trim().toUpperCase() }), t('ticket.saved')));
	});
	return h('section', { 'aria-labelledby': 'link-h' }, h('h2', { id: 'link-h' }, t('ticket.link.title')),
		links.length ? h('ul', null, links.map((l) => h('li', null, `${t(`link.${l.kind}`)}: `,
			h('a', { href: `#/desk/ticket/${l.ticket}` }, l.ticket), ` ${l.subject} – `, statusText(l.status)))) : null,
		form);
}

function filesBox(cur, files) {
	const n = cur.tk.number;
	const input = h('input', { type: 'file', name: 'file', multiple: true });
	const internalId = id('internal');
	const internal = h('input', { type: 'checkbox', id: internalId, name: 'internal' });
	const form = h('form', { class: 'card', novalidate: true }, formAlert(), field(t('ticket.files.add'), input),
		h('div', { class: 'check' }, internal, h('label', { for: internalId }, t('ticket.files.internal'))),
		h('button', { type: 'submit' }, t('ticket.files.submit')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		if (!input.files.length) return showError(form, { field: 'file', message: t('ticket.files.add') });
		return busy(form, () => act(cur, () => upload(n, [...input.files], internal.checked), t('ticket.files.uploaded')));
	});
	return h('section', { 'aria-labelledby': 'files-h' }, h('h2', { id: 'files-h' }, t('ticket.files')),
		files.length ? h('ul', null, files.map((a) => h('li', null,
			h('a', { href: `/api/v1/tickets/${n}/attachments/${a.id}`, download: a.filename }, a.filename),
			a.internal ? ` (${t('ticket.internal')})` : ''))) : null,
		form);
}

async function load(n) {
	const [tk, entries, history] = await Promise.all([api('GET', `/api/v1/tickets/${n}`),
		api('GET', `/api/v1/tickets/${n}/entries`), api('GET', `/api/v1/tickets/${n}/history`)]);
	return { tk, entries: entries.entries, history: history.history };
}

export async function ticketPage(main, ctx) {
	const n = encodeURIComponent(ctx.params.n);
	const [data, files, links, queues, cats] = await Promise.all([load(n), api('GET', `/api/v1/tickets/${n}/attachments`),
		api('GET', `/api/v1/tickets/${n}/links`), api('GET', '/api/v1/queues'), api('GET', '/api/v1/categories')]);
	const names = {
		queues: Object.fromEntries(queues.queues.map((x) => [x.code, x.name])),
		categories: Object.fromEntries(cats.categories.map((x) => [x.code, x.name])),
	};
	const cur = { tk: data.tk };
	const tk = cur.tk;
	const q = queues.queues.find((x) => x.code === tk.queue);
	const title = t('ticket.title', { n: tk.number, subject: tk.subject });
	const parts = {
		summary: summary(tk), facts: [facts(tk, names), slaBox(tk)], conv: conversation(data.entries),
		hist: historyList(data.history),
	};
	const convBox = h('div', null, parts.conv);
	const histBox = h('div', null, parts.hist);
	clear(main, deskBar(), h('h1', null, title), takeFlash(), h('div', { id: 'ticket-summary' }, parts.summary),
		h('div', { class: 'ticket-layout' },
			h('div', { class: 'ticket-main' },
				h('div', { id: 'ticket-facts' }, parts.facts),
				h('section', { 'aria-labelledby': 'd-h' }, h('h2', { id: 'd-h' }, t('ticket.description')),
					h('p', { class: 'prewrap' }, tk.description || '–')),
				h('section', { 'aria-labelledby': 'c-h' }, h('h2', { id: 'c-h' }, t('ticket.entries')), convBox),
				replyForm(cur),
				h('section', { 'aria-labelledby': 'h-h' }, h('h2', { id: 'h-h' }, t('ticket.history')), histBox)),
			h('div', { class: 'ticket-side', 'aria-label': t('ticket.actions'), role: 'region' },
				assignForm(cur, q ? q.members : []), statusForm(cur), escalateForm(cur, queues.queues),
				linkForm(cur, links.links), filesBox(cur, files.attachments))));
	// Refresh what others change; the forms (and anything typed) stay.
	const timer = setInterval(async () => {
		if (document.hidden) return;
		try {
			const d = await load(n);
			cur.tk = d.tk;
			main.querySelector('#ticket-summary').replaceChildren(summary(d.tk));
			main.querySelector('#ticket-facts').replaceChildren(...[facts(d.tk, names), slaBox(d.tk)].filter(Boolean));
			convBox.replaceChildren(conversation(d.entries));
			histBox.replaceChildren(historyList(d.history));
		} catch (e) {
			// The next round tries again.
		}
	}, REFRESH_MS);
	ctx.onLeave(() => clearInterval(timer));
	return title;
}
