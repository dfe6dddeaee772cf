// pages/order.js: "Beställ": the catalogue as the user may see it (GET
// /api/v1/catalogue), grouped by service area with prices and who approves,
// a filter box; and one service's page with its order form, built from the
// service's form definition.  The form only hints (required, lengths,
// ranges); the server judges, and its error is shown on the field it names.
import { api } from '../api.js';
import { h, clear, field, formAlert, busy, radioGroup, announce, id } from '../dom.js';
import { t } from '../i18n.js';
import { state, can, go } from '../app.js';
import { loc, priceText, approvalText } from './common.js';
import { setPlaced } from './orders.js';

// Staff browse every municipality's services; here they see their own
// municipality's offer, which they may order from like anyone there.
export function ownView(sep) {
	return can('catalogue.browse_all') ? `${sep}tenant=${encodeURIComponent(state.session.person.tenant)}` : '';
}

function serviceCard(s) {
	return h('li', { class: 'service', dataset: { code: s.code } },
		h('h3', null, h('a', { href: `#/order/${encodeURIComponent(s.code)}` }, loc(s, 'name'))),
		h('p', { class: 'service-text' }, loc(s, 'description')),
		h('dl', { class: 'service-facts' },
			h('dt', null, t('catalogue.price')), h('dd', { class: 'price' }, priceText(s.price)),
			s.charging === 'basit' ? [h('dt', null, t('catalogue.charging')), h('dd', null, t('catalogue.basit'))] : null,
			h('dt', null, t('catalogue.approval')), h('dd', { class: 'approval' }, approvalText(s))),
		s.orderable ? null : h('p', { class: 'muted not-orderable' },
			t(s.order === 'manager' ? 'catalogue.by_manager' : 'catalogue.not_orderable')));
}

// Shows the services that match the filter; areas left empty are hidden.
function applyFilter(sections, q, onlyMine, count) {
	const words = q.toLowerCase().split(/\s+/).filter(Boolean);
	let shown = 0;
	for (const sec of sections) {
		let inArea = 0;
		for (const [li, text, orderable] of sec.items) {
			li.hidden = !words.every((w) => text.includes(w)) || (onlyMine && !orderable);
			if (!li.hidden) inArea += 1;
		}
		sec.el.hidden = inArea === 0;
		shown += inArea;
	}
	count.textContent = t('catalogue.count', { n: shown });
	return shown;
}

// Before the first catalogue import: the categories, each opening the
// short form as an order.
async function fallback(main) {
	const cats = (await api('GET', '/api/v1/categories')).categories;
	clear(main, h('h1', null, t('order.title')),
		h('p', { class: 'lead' }, t('order.intro')),
		h('p', { class: 'note' }, t('order.catalogue.soon')),
		h('ul', { class: 'tiles services' }, cats.map((c) => h('li', { class: 'tile' },
			h('a', { href: `#/report?type=request&category=${encodeURIComponent(c.code)}` },
				h('span', { class: 'tile-title' }, c.name))))));
	return t('order.title');
}

export async function cataloguePage(main, ctx) {
	const cat = await api('GET', `/api/v1/catalogue${ownView('?')}`);
	if (cat.version === null) return fallback(main);
	const filter = h('input', { type: 'search', name: 'filter', autocomplete: 'off', value: ctx.query.get('q') || '' });
	const count = h('p', { class: 'muted', id: id('count') });
	const sections = cat.areas.map((a) => {
		const list = cat.services.filter((s) => s.area === a.code);
		const hid = id('area');
		const items = list.map((s) => [serviceCard(s),
			`${s.code} ${s.name} ${s.name_en} ${s.description} ${s.description_en}`.toLowerCase(), s.orderable]);
		const el = h('section', { class: 'area', 'aria-labelledby': hid },
			h('h2', { id: hid }, loc(a, 'name')), h('ul', { class: 'service-list' }, items.map((x) => x[0])));
		return { el, items };
	});
	// Most services are ordered by managers; an employee may want only the rest.
	const someNot = cat.services.some((s) => !s.orderable) && cat.services.some((s) => s.orderable);
	const mineId = id('mine');
	const onlyMine = someNot ? h('input', { type: 'checkbox', name: 'orderable', id: mineId }) : null;
	const form = h('form', { class: 'search filter', role: 'search', 'aria-label': t('catalogue.filter.label') },
		field(t('catalogue.filter'), filter, t('catalogue.filter.hint')),
		onlyMine ? h('div', { class: 'check' }, onlyMine, h('label', { for: mineId }, t('catalogue.only_orderable'))) : null);
	form.addEventListener('submit', (ev) => ev.preventDefault());
	let timer = null;
	const update = () => {
		clearTimeout(timer);
		const n = applyFilter(sections, filter.value, onlyMine && onlyMine.checked, count);
		timer = setTimeout(() => announce(n ? t('catalogue.count', { n }) : t('catalogue.none')), 400);
	};
	filter.addEventListener('input', update);
	if (onlyMine) onlyMine.addEventListener('change', update);
	ctx.onLeave(() => clearTimeout(timer));
	clear(main, h('h1', null, t('order.title')),
		h('p', { class: 'lead' }, t('order.intro')),
		form, count,
		cat.services.length ? null : h('p', null, t('catalogue.empty')),
		sections.map((s) => s.el),
		h('p', { class: 'help' }, h('a', { href: '#/orders' }, t('catalogue.mine'))));
	applyFilter(sections, filter.value, false, count);
	return t('order.title');
}

// A hint from the definition: "Minst 2 och högst 100 tecken."
function rangeHint(f) {
	const kind = f.type === 'number' ? 'num' : 'len';
	const lo = f.min !== undefined && f.min !== null, hi = f.max !== undefined && f.max !== null;
	if (lo && hi) return t(`form.${kind}.between`, { min: f.min, max: f.max });
	if (lo) return t(`form.${kind}.min`, { min: f.min });
	if (hi) return t(`form.${kind}.max`, { max: f.max });
	return null;
}

// People the user may look up (managers, staff) come as suggestions.
function personInput(name, attrs) {
	const input = h('input', { ...attrs, name, autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none' });
	if (!can('person.read')) return [input];
	const list = h('datalist', { id: id('people') });
	input.setAttribute('list', list.id);
	let timer = null;
	input.addEventListener('input', () => {
		clearTimeout(timer);
		const q = input.value.trim();
		if (q.length < 2) return;
		timer = setTimeout(async () => {
			try {
				const r = await api('GET', `/api/v1/people?limit=10&q=${encodeURIComponent(q)}`, undefined, { quiet: true });
				list.replaceChildren(...r.people.map((p) => h('option', { value: p.login }, p.name)));
			} catch (e) {
				// Suggestions are a help; typing the login works without them.
			}
		}, 250);
	});
	return [input, list];
}

// One control per field of the service's form; names are "answers.<name>"
// so that the server's error.field finds its control.
function formField(f) {
	const name = `answers.${f.name}`;
	const label = loc(f, 'label');
	const req = !!f.required;
	const base = { required: req };
	switch (f.type) {
	case 'choice': {
		const opts = (f.choices || []).map((c) => [c, c]);
		return radioGroup(name, label, opts, undefined, { required: req });
	}
	case 'boolean':
		return radioGroup(name, label, [['true', t('yes')], ['false', t('no')]], undefined,
			{ required: req, inline: true });
	case 'number':
		return field(label, h('input', {
			...base, name, type: 'text', inputmode: 'numeric', class: 'short', autocomplete: 'off',
		}), rangeHint(f) || t('form.num'));
	case 'date':
		return field(label, h('input', { ...base, name, type: 'date', class: 'date' }), t('form.date'));
	case 'person': {
		const [input, list] = personInput(name, base);
		return [field(label, input, t('form.person')), list];
	}
	case 'cost_centre':
		return field(label, h('input', { ...base, name, class: 'short', autocomplete: 'off' }), t('form.cost_centre'));
	default: {
		const attrs = { ...base, name, autocomplete: 'off', minlength: f.min ?? null, maxlength: f.max ?? null };
		const long = f.max === undefined || f.max === null || f.max > 150;
		return field(label, long ? h('textarea', { ...attrs, rows: '3' }) : h('input', attrs), rangeHint(f));
	}
	}
}

// The answers as the API takes them: empty means unanswered; whole numbers
// go as numbers, yes/no as booleans, anything else as typed (the server
// says what is wrong with it).
function answersOf(form, fields) {
	const out = {};
	for (const f of fields) {
		const name = `answers.${f.name}`;
		const el = form.querySelector(`[name="${CSS.escape(name)}"]:checked`)
			|| form.querySelector(`[name="${CSS.escape(name)}"]:not([type="radio"])`);
		const v = el ? el.value.trim() : '';
		if (v === '') continue;
		if (f.type === 'number' && /^-?\d{1,15}$/.test(v)) out[f.name] = Number(v);
		else if (f.type === 'boolean') out[f.name] = v === 'true';
		else out[f.name] = v;
	}
	return out;
}

function orderForm(svc) {
	const fields = svc.form || [];
	const bought = svc.unit === 'device' || svc.price.one_time_ore !== null;
	const quantity = bought ? h('input', {
		name: 'quantity', type: 'text', inputmode: 'numeric', class: 'short', value: '1', autocomplete: 'off',
	}) : null;
	const cc = can('order.approve') ? h('input', { name: 'cost_centre', class: 'short', autocomplete: 'off' }) : null;
	const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'form-h' },
		h('h2', { id: 'form-h' }, t('service.form')),
		h('p', { class: 'hint' }, t('service.form.intro')),
		formAlert(),
		fields.map(formField),
		quantity ? field(t('service.quantity'), quantity, t('service.quantity.hint')) : null,
		cc ? field(`${t('service.cost_centre')} ${t('form.optional')}`, cc, t('service.cost_centre.hint')) : null,
		h('button', { type: 'submit', class: 'primary' }, t('order.submit')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		busy(form, async () => {
			const body = { service: svc.code, answers: answersOf(form, fields) };
			if (quantity && quantity.value.trim() !== '') {
				const q = quantity.value.trim();
				body.quantity = /^\d{1,6}$/.test(q) ? Number(q) : 0;
			}
			if (cc && cc.value.trim()) body.cost_centre = cc.value.trim();
			const o = await api('POST', '/api/v1/orders', body);
			setPlaced(o.number);
			go(`#/orders/${encodeURIComponent(o.number)}`);
		});
	});
	return form;
}

export async function servicePage(main, ctx) {
	let svc;
	try {
		svc = await api('GET', `/api/v1/catalogue/services/${encodeURIComponent(ctx.params.code)}${ownView('?')}`);
	} catch (err) {
		if (err.status !== 404) throw err;
		clear(main, h('p', { class: 'crumbs' }, h('a', { href: '#/order' }, t('order.title'))),
			h('h1', null, t('service.notfound')), h('p', null, t('service.notfound.text')));
		return t('service.notfound');
	}
	const title = loc(svc, 'name');
	clear(main,
		h('p', { class: 'crumbs' }, h('a', { href: '#/order' }, t('order.title'))),
		h('h1', null, title),
		h('p', { class: 'lead' }, loc(svc, 'description')),
		h('dl', { class: 'facts' },
			h('dt', null, t('catalogue.price')), h('dd', { class: 'price' }, priceText(svc.price)),
			svc.charging === 'basit' ? [h('dt', null, t('catalogue.charging')), h('dd', null, t('catalogue.basit'))] : null,
			h('dt', null, t('catalogue.approval')), h('dd', null, approvalText(svc)),
			svc.addon ? [h('dt', null, t('service.addon')), h('dd', null, t('service.addon.text'))] : null),
		svc.orderable ? orderForm(svc)
			: h('p', { class: 'note' }, t(svc.order === 'manager' ? 'service.by_manager' : 'catalogue.not_orderable')),
		h('p', null, h('a', { href: `#/report?service=${encodeURIComponent(svc.code)}` }, t('service.report'))));
	return t('order.form.title', { name: title });
}
