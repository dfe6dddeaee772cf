// pages/cases.js: "Mina ärenden": the requester's cases, and one case with
// its status in words, the public replies and history, a reply with files,
// reopening within the allowed days, closing, and rating the help.
import { api, upload } from '../api.js';
import { h, clear, field, formAlert, busy, showError, id } from '../dom.js';
import { t, dateTime, date } from '../i18n.js';
import { render } from '../app.js';
import { statusText, person, historyList } from './common.js';

let flash = null;

// A message for the next rendering of the page (after a change reloads it).
export function setFlash(text) {
	flash = text;
}

export function takeFlash() {
	const f = flash;
	flash = null;
	return f ? h('p', { class: 'flash', role: 'status' }, f) : null;
}

function caseTable(list, caption) {
	return h('table', { class: 'list' },
		h('caption', null, caption),
		h('thead', null, h('tr', null,
			h('th', { scope: 'col' }, t('cases.col.number')), h('th', { scope: 'col' }, t('cases.col.subject')),
			h('th', { scope: 'col' }, t('cases.col.status')), h('th', { scope: 'col' }, t('cases.col.updated')))),
		h('tbody', null, list.map((x) => h('tr', null,
			h('td', { 'data-label': t('cases.col.number') }, h('a', { href: `#/cases/${x.number}` }, x.number)),
			h('td', { 'data-label': t('cases.col.subject') }, x.subject),
			h('td', { 'data-label': t('cases.col.status') }, statusText(x.status)),
			h('td', { 'data-label': t('cases.col.updated') }, date(x.updated_at))))));
}

export async function listPage(main) {
	const mine = (await api('GET', '/api/v1/me/tickets')).requested;
	const done = (x) => ['resolved', 'closed'].includes(x.status);
	const open = mine.filter((x) => !done(x)), finished = mine.filter(done);
	clear(main, h('h1', null, t('cases.title')), takeFlash(),
		mine.length ? null : h('p', null, t('cases.none')),
		open.length ? caseTable(open, t('cases.open')) : null,
		finished.length ? caseTable(finished, t('cases.done')) : null);
	return t('cases.title');
}

async function change(tk, body, message) {
	await api('PATCH', `/api/v1/tickets/${tk.number}`, { version: tk.version, ...body });
	setFlash(message);
	await render();
}

function ratingForm(tk) {
	const r = tk.rating;
	const legend = h('legend', null, t('case.rate.legend'));
	const group = h('fieldset', { class: 'radios stars' }, legend,
		[1, 2, 3, 4, 5].map((n) => {
			const rid = id('score');
			return h('div', { class: 'radio' },
				h('input', { type: 'radio', name: 'score', id: rid, value: n, checked: r && r.score === n }),
				h('label', { for: rid }, t(`case.rate.${n}`)));
		}));
	const comment = h('textarea', { name: 'comment', rows: '3', maxlength: '2000' });
	comment.value = r ? r.comment : '';
	const err = h('p', { class: 'field-error', id: id('score-error'), hidden: true });
	const form = h('form', { class: 'card', novalidate: true },
		formAlert(), group, err, field(`${t('case.rate.comment')} ${t('form.optional')}`, comment),
		h('button', { type: 'submit', class: 'primary' }, t(r ? 'case.rate.change' : 'case.rate.submit')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const chosen = form.querySelector('input[name="score"]:checked');
		if (!chosen) return showError(form, { message: t('case.rate.err') });
		return busy(form, async () => {
			await api('POST', `/api/v1/tickets/${tk.number}/rating`,
				{ score: Number(chosen.value), comment: comment.value.trim() });
			setFlash(t('case.rate.thanks'));
			await render();
		});
	});
	return h('section', { 'aria-labelledby': 'rate-h' },
		h('h2', { id: 'rate-h' }, t('case.rate.title')),
		r ? h('p', null, t('case.rate.given', { score: r.score })) : null,
		form);
}

function replyForm(tk) {
	const body = h('textarea', { name: 'body', rows: '4', required: true, maxlength: '20000' });
	const files = h('input', { type: 'file', name: 'files', multiple: true });
	const form = h('form', { class: 'card', novalidate: true },
		formAlert(), field(t('case.reply.body'), body), field(`${t('case.reply.files')} ${t('form.optional')}`, files),
		h('button', { type: 'submit', class: 'primary' }, t('case.reply.submit')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		if (!body.value.trim() && !files.files.length) return showError(form, { field: 'body', message: t('case.reply.body') });
		return busy(form, async () => {
			if (body.value.trim()) await api('POST', `/api/v1/tickets/${tk.number}/entries`, { body: body.value.trim() });
			await upload(tk.number, [...files.files]);
			setFlash(t('case.reply.sent'));
			await render();
		});
	});
	return h('section', { 'aria-labelledby': 'reply-h' }, h('h2', { id: 'reply-h' }, t('case.reply')), form);
}

function resolvedBox(tk) {
	const moves = tk.allowed_status || [];
	const actions = h('form', { class: 'actions' });
	if (moves.includes('in_progress')) {
		actions.append(h('button', {
			type: 'button', onclick: () => busy(actions, () => change(tk, { status: 'in_progress' }, t('case.reopened'))),
		}, t('case.reopen')));
	}
	if (moves.includes('closed')) {
		actions.append(h('button', {
			type: 'button', class: 'primary', onclick: () => busy(actions, () => change(tk, { status: 'closed' }, t('case.closed.done'))),
		}, t('case.close')));
	}
	actions.prepend(formAlert());
	return h('section', { class: 'resolved', 'aria-labelledby': 'res-h' },
		h('h2', { id: 'res-h' }, t('case.resolved.title')),
		tk.resolution ? h('p', null, h('strong', null, `${t('case.resolution')}: `), tk.resolution.text) : null,
		moves.includes('in_progress') ? h('p', null, t('case.reopen.text')) : null,
		actions);
}

export async function casePage(main, ctx) {
	const n = encodeURIComponent(ctx.params.n);
	const [tk, entries, history, files] = await Promise.all([
		api('GET', `/api/v1/tickets/${n}`), api('GET', `/api/v1/tickets/${n}/entries`),
		api('GET', `/api/v1/tickets/${n}/history`), api('GET', `/api/v1/tickets/${n}/attachments`)]);
	const replies = entries.entries.filter((e) => e.kind === 'reply');
	const moves = tk.allowed_status || [];
	const withdraw = h('form', { class: 'actions' }, formAlert(), h('button', {
		type: 'button', onclick: () => busy(withdraw, () => change(tk, { status: 'resolved' }, t('status.resolved'))),
	}, t('case.withdraw')));
	const canRate = tk.status === 'resolved' || (tk.status === 'closed' && !tk.rating);
	clear(main,
		h('p', { class: 'crumbs' }, h('a', { href: '#/cases' }, t('cases.title'))),
		h('h1', null, tk.subject), takeFlash(),
		h('div', { class: 'status-box' }, h('p', { class: 'status-line' }, `${t('case.status')}: `, statusText(tk.status)),
			h('p', null, t(`status.explain.${tk.status}`))),
		h('dl', { class: 'facts' },
			h('dt', null, t('receipt.number')), h('dd', null, tk.number),
			h('dt', null, t('case.created')), h('dd', null, dateTime(tk.created_at)),
			h('dt', null, t('case.handler')), h('dd', null, tk.assignee ? person(tk.assignee) : t('case.handler.none'))),
		['resolved'].includes(tk.status) ? resolvedBox(tk) : null,
		canRate ? ratingForm(tk) : (tk.rating ? h('p', null, t('case.rate.given', { score: tk.rating.score })) : null),
		h('section', { 'aria-labelledby': 'desc-h' }, h('h2', { id: 'desc-h' }, t('case.description')),
			h('p', { class: 'prewrap' }, tk.description || '–')),
		h('section', { 'aria-labelledby': 'conv-h' }, h('h2', { id: 'conv-h' }, t('case.conversation')),
			replies.length ? h('ol', { class: 'entries' }, replies.map((e) => h('li', { class: 'entry' },
				h('p', { class: 'entry-head' }, h('strong', null, e.author ? e.author.name : ''), ' ',
					h('time', { datetime: e.created_at }, dateTime(e.created_at))),
				h('p', { class: 'prewrap' }, e.body)))) : h('p', null, t('case.conversation.none'))),
		h('section', { 'aria-labelledby': 'files-h' }, h('h2', { id: 'files-h' }, t('case.files')),
			files.attachments.length ? h('ul', null, files.attachments.map((a) => h('li', null,
				h('a', { href: `/api/v1/tickets/${n}/attachments/${a.id}`, download: a.filename }, a.filename),
				` (${Math.ceil(a.size / 1024)} kB)`))) : h('p', null, t('case.files.none'))),
		tk.status !== 'closed' ? replyForm(tk) : null,
		moves.includes('resolved') && tk.status === 'new' ? withdraw : null,
		h('details', { class: 'history-box' }, h('summary', null, t('case.history')), historyList(history.history)));
	return t('case.title', { n: tk.number });
}
