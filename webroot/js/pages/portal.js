// pages/portal.js: the employee portal: the start page ("digital answers
// first": one search over services, answers and the user's own cases, with
// "Anmäl ett fel" and "Beställ" one click away), the report form and the
// receipt with the case number.  Ordering is in order.js and orders.js.
import { api, upload } from '../api.js';
import { h, clear, field, formAlert, busy, showError, select, id } from '../dom.js';
import { t } from '../i18n.js';
import { state, go, can } from '../app.js';
import { statusText, loc, priceText } from './common.js';
import { ownView } from './order.js';

let categories = null;
let receipt = null;

async function loadCategories() {
	if (!categories) categories = (await api('GET', '/api/v1/categories')).categories;
	return categories;
}

// The services the person sees, for "which service is it about?" (none
// before the first import, or when the catalogue does not answer).
async function loadCatalogue() {
	try {
		return await api('GET', `/api/v1/catalogue${ownView('?')}`, undefined, { quiet: true });
	} catch (e) {
		return { areas: [], services: [] };
	}
}

// A choice of service grouped by area; "" for none.
function servicePicker(cat, chosen) {
	return h('select', { name: 'service' },
		h('option', { value: '' }, t('report.service.none')),
		cat.areas.map((a) => {
			const list = cat.services.filter((x) => x.area === a.code);
			return list.length ? h('optgroup', { label: loc(a, 'name') },
				list.map((x) => h('option', { value: x.code, selected: x.code === chosen }, loc(x, 'name')))) : null;
		}));
}

// Services in the catalogue matching the words (the server searches names
// and descriptions in both languages); none before the first import.
async function findServices(q) {
	try {
		const r = await api('GET', `/api/v1/catalogue?q=${encodeURIComponent(q)}${ownView('&')}`, undefined, { quiet: true });
		return r.services;
	} catch (e) {
		return [];
	}
}

function tiles(openCount) {
	const tile = (href, title, text, extra) => h('li', { class: 'tile' },
		h('a', { href }, h('span', { class: 'tile-title' }, title), h('span', { class: 'tile-text' }, text), extra));
	return h('ul', { class: 'tiles' },
		can('ticket.create') ? tile('#/report', t('start.report.title'), t('start.report.text')) : null,
		can('ticket.create') ? tile('#/order', t('start.order.title'), t('start.order.text')) : null,
		tile('#/cases', t('start.cases.title'), t('start.cases.text'),
			openCount ? h('span', { class: 'badge' }, t('start.cases.open', { n: openCount })) : null));
}

async function search(q, out) {
	const needle = q.toLowerCase();
	const [cats, svc, mine] = await Promise.all([loadCategories(), findServices(q),
		api('GET', `/api/v1/tickets?requester=me&limit=10&q=${encodeURIComponent(q)}`).catch(() => ({ tickets: [] }))]);
	const cat = cats.filter((c) => c.name.toLowerCase().includes(needle) || c.code.includes(needle));
	const groups = [];
	if (svc.length) {
		groups.push(h('h3', null, t('start.results.services')), h('ul', { class: 'results' },
			svc.map((s) => h('li', null, h('a', { href: `#/order/${encodeURIComponent(s.code)}` }, loc(s, 'name')),
				' – ', priceText(s.price),
				s.orderable ? null : h('span', { class: 'muted' }, ` (${t('catalogue.by_manager.short')})`)))));
	}
	if (cat.length) {
		groups.push(h('h3', null, t('start.results.categories')), h('ul', { class: 'results' },
			cat.map((c) => h('li', null, h('a', { href: `#/report?category=${encodeURIComponent(c.code)}` }, c.name)))));
	}
	if (mine.tickets.length) {
		groups.push(h('h3', null, t('start.results.cases')), h('ul', { class: 'results' },
			mine.tickets.map((x) => h('li', null, h('a', { href: `#/cases/${x.number}` }, `${x.number}: ${x.subject}`),
				' – ', statusText(x.status)))));
	}
	clear(out, h('h2', null, t('start.results')),
		groups.length ? groups : h('p', null, t('start.results.none', { q })));
}

export async function startPage(main) {
	const mine = await api('GET', '/api/v1/me/tickets');
	const open = mine.requested.filter((x) => !['resolved', 'closed'].includes(x.status)).length;
	const q = h('input', { type: 'search', name: 'q', autocomplete: 'off' });
	const results = h('section', { class: 'search-results', 'aria-live': 'polite' });
	const form = h('form', { class: 'search', role: 'search' },
		field(t('start.search'), q, t('start.search.hint')),
		h('button', { type: 'submit', class: 'primary' }, t('start.search.button')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		if (q.value.trim()) busy(form, () => search(q.value.trim(), results));
	});
	clear(main,
		h('p', { class: 'greeting' }, t('start.greeting', { name: state.session.person.name.split(' ')[0] })),
		h('h1', null, t('start.title')),
		form, results, tiles(open),
		h('p', { class: 'help' }, t('start.phone')));
	return t('start.title');
}

function radios(name, legend, options, value) {
	return h('fieldset', { class: 'radios' }, h('legend', null, legend),
		options.map(([v, label]) => {
			const rid = id(name);
			return h('div', { class: 'radio' },
				h('input', { type: 'radio', name, id: rid, value: v, checked: String(v) === String(value) }),
				h('label', { for: rid }, label));
		}));
}

// The short form behind "Anmäl ett fel" (and behind "Beställ" until a
// catalogue is imported).
export async function reportPage(main, ctx) {
	const [cats, catalogue] = await Promise.all([loadCategories(), loadCatalogue()]);
	const ordering = ctx.query.get('type') === 'request';
	const chosen = cats.find((c) => c.code === ctx.query.get('category'));
	const title = ordering ? t('order.form.title', { name: chosen ? chosen.name : t('order.title') }) : t('report.title');
	const subject = h('input', { name: 'subject', required: true, maxlength: '200', autocomplete: 'off' });
	const description = h('textarea', { name: 'description', rows: '5', maxlength: '20000' });
	const category = select('category', [['', t('report.category.none')], ...cats.map((c) => [c.code, c.name])],
		chosen ? chosen.code : '');
	const service = catalogue.services.length ? servicePicker(catalogue, ctx.query.get('service')) : null;
	const files = h('input', { type: 'file', name: 'files', multiple: true });
	const form = h('form', { class: 'card', novalidate: true },
		formAlert(),
		field(t(ordering ? 'order.subject' : 'report.subject'), subject, ordering ? null : t('report.subject.hint')),
		field(t('report.description'), description, t('report.description.hint')),
		field(t('report.category'), category),
		service ? field(t('report.service'), service, t('report.service.hint')) : null,
		ordering ? null : radios('urgency', t('report.urgency'),
			[1, 2, 3].map((n) => [n, t(`report.urgency.${n}`)]), 2),
		ordering ? null : radios('impact', t('report.impact'),
			[3, 2, 1].map((n) => [n, t(`report.impact.${n}`)]), 3),
		field(t('report.files'), files, t('report.files.hint')),
		h('button', { type: 'submit', class: 'primary' }, t(ordering ? 'order.submit' : 'report.submit')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		if (!subject.value.trim()) return showError(form, { field: 'subject', message: t('report.err.subject') });
		return busy(form, async () => {
			const body = { type: ordering ? 'request' : 'incident', subject: subject.value.trim() };
			if (description.value.trim()) body.description = description.value.trim();
			if (category.value) body.category = category.value;
			if (service && service.value) body.service = service.value;
			if (!ordering) {
				body.urgency = Number(form.elements.urgency.value);
				body.impact = Number(form.elements.impact.value);
			}
			const ticket = await api('POST', '/api/v1/tickets', body);
			receipt = { number: ticket.number, files: 0, failed: [] };
			for (const f of files.files) {
				try {
					await upload(ticket.number, [f]);
					receipt.files += 1;
				} catch (err) {
					receipt.failed.push({ name: f.name, message: err.message });
				}
			}
			go(`#/receipt/${ticket.number}`);
		});
	});
	clear(main, h('h1', null, title),
		h('p', { class: 'lead' }, t(ordering ? 'order.catalogue.soon' : 'report.intro')), form);
	return title;
}

export async function receiptPage(main, ctx) {
	const n = ctx.params.n;
	const r = receipt && receipt.number === n ? receipt : null;
	clear(main, h('div', { class: 'receipt' },
		h('h1', null, t('receipt.title')),
		h('p', { class: 'case-number' }, h('span', null, t('receipt.number')), ' ', h('strong', { id: 'case-number' }, n)),
		h('p', null, t('receipt.text')),
		r && r.files ? h('p', null, t('receipt.files', { n: r.files })) : null,
		r ? r.failed.map((f) => h('p', { class: 'warning', role: 'alert' }, t('receipt.files.failed', f))) : null,
		h('p', { class: 'actions' },
			h('a', { class: 'button primary', href: `#/cases/${n}` }, t('receipt.view')),
			h('a', { class: 'button', href: '#/' }, t('receipt.home')))));
	return t('receipt.title');
}
