// pages/chief.js: the digitalisation chief's dashboard: per municipality and
// month, tickets in and out, backlog, first-contact resolution against the
// 80% target and satisfaction, as SVG charts and as one table with a CSV
// download; SLA compliance per clock once the SLA engine's report answers.
import { api } from '../api.js';
import { h, clear, field, select } from '../dom.js';
import { t, number, lang } from '../i18n.js';
import { chart, legend } from '../chart.js';
import { state } from '../app.js';
import { clockKinds } from './common.js';

function monthsBack(n) {
	const d = new Date();
	const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, 1));
	return m.toISOString().slice(0, 7);
}

// Sums the municipalities' rows month by month ("all four").
function combine(rows) {
	const by = new Map();
	for (const r of rows) {
		const m = by.get(r.month) || { month: r.month, created: 0, resolved: 0, backlog: 0, fcr: 0, of: 0, ratings: 0, sum: 0 };
		m.created += r.created;
		m.resolved += r.resolved;
		m.backlog += r.backlog;
		m.fcr += r.first_contact.resolved;
		m.of += r.first_contact.of;
		m.ratings += r.satisfaction.ratings;
		m.sum += (r.satisfaction.average || 0) * r.satisfaction.ratings;
		by.set(r.month, m);
	}
	return [...by.values()].sort((a, b) => a.month.localeCompare(b.month))
		.map((m) => ({ ...m, rate: m.of ? m.fcr / m.of : null, average: m.ratings ? m.sum / m.ratings : null }));
}

function figure(titleKey, svg, series, extra) {
	return h('figure', { class: 'chart-box' }, h('figcaption', null, h('h2', null, t(titleKey))), svg, legend(series, extra));
}

const pct = (v) => (v === null ? '–' : `${number(v * 100)} %`);

function table(rows) {
	const cols = ['chief.tenant.col', 'chief.month', 'chief.created', 'chief.resolved', 'chief.backlog', 'chief.fcr.col', 'chief.ratings', 'chief.average'];
	const cells = rows.map((r) => [r.tenant, r.month, r.created, r.resolved, r.backlog,
		`${r.first_contact.resolved} ${t('chief.fcr.of')} ${r.first_contact.of} (${pct(r.first_contact.rate)})`,
		r.satisfaction.ratings, r.satisfaction.average === null ? '–' : number(r.satisfaction.average, 1)]);
	return h('table', { class: 'list figures' },
		h('caption', null, t('chief.table')),
		h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
		h('tbody', null, cells.map((c) => h('tr', null, c.map((v, i) => (i < 2
			? h('th', { scope: 'row', 'data-label': t(cols[i]) }, String(v))
			: h('td', { 'data-label': t(cols[i]) }, String(v))))))));
}

// CSV for a spreadsheet: semicolons and decimal commas in Swedish, UTF-8 with BOM.
function csv(rows) {
	const sep = lang() === 'sv' ? ';' : ',';
	const dec = (v, d) => (v === null ? '' : lang() === 'sv' ? v.toFixed(d).replace('.', ',') : v.toFixed(d));
	const head = ['tenant', 'month', 'created', 'resolved', 'backlog', 'first_contact_resolved', 'first_contact_of',
		'first_contact_rate', 'ratings', 'satisfaction_average'];
	const lines = rows.map((r) => [r.tenant, r.month, r.created, r.resolved, r.backlog, r.first_contact.resolved,
		r.first_contact.of, dec(r.first_contact.rate, 3), r.satisfaction.ratings, dec(r.satisfaction.average, 2)].join(sep));
	return `\ufeff${[head.join(sep)].concat(lines).join('\r\n')}\r\n`;
}

function download(name, text) {
	const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
	const a = h('a', { href: url, download: name, hidden: true });
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// The last day of a month "YYYY-MM", as "YYYY-MM-DD".
function monthEnd(m) {
	const [y, mo] = m.split('-').map(Number);
	return new Date(Date.UTC(y, mo, 0)).toISOString().slice(0, 10);
}

// SLA compliance of the tickets closed each month, per clock: a chart of
// the share met (for the charts grid, or null) and a section with the
// counts behind it as a table.
async function slaSection(from, to, tenant, allMonths) {
	const head = h('h2', { id: 'sla-h' }, t('chief.sla'));
	let rows;
	try {
		const q = `group=month&from=${from}-01&to=${monthEnd(to)}${tenant ? `&tenant=${tenant}` : ''}`;
		rows = (await api('GET', `/api/v1/reports/sla?${q}`, undefined, { quiet: true })).rows || [];
	} catch (e) {
		return { figure: null, section: h('section', { 'aria-labelledby': 'sla-h' }, head, h('p', { class: 'note' }, t('chief.sla.error'))) };
	}
	if (!rows.length) return { figure: null, section: h('section', { 'aria-labelledby': 'sla-h' }, head, h('p', null, t('chief.sla.none'))) };
	const months = [...new Set(rows.map((r) => r.key))].sort();
	const kinds = clockKinds.filter((k) => rows.some((r) => r.clock === k));
	const cell = (m, k) => rows.find((r) => r.key === m && r.clock === k);
	const series = ['first_response', 'resolution'].filter((k) => kinds.includes(k)).map((k, i) => ({
		name: t(`sla.clock.${k}`), values: allMonths.map((m) => (cell(m, k) ? cell(m, k).percent : null)), kind: 'line', cls: `s${i + 1}`,
	}));
	const svg = chart({ title: t('chief.sla.chart'), desc: t('chief.chart.desc'), labels: allMonths.map((m) => m.slice(2)), series, max: 100,
		format: (v) => `${Math.round(v)}%` });
	const table = h('table', { class: 'list figures sla-figures' },
		h('caption', null, t('chief.sla.table')),
		h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('chief.month')),
			kinds.map((k) => h('th', { scope: 'col' }, t(`sla.clock.${k}`))))),
		h('tbody', null, months.map((m) => h('tr', null, h('th', { scope: 'row', 'data-label': t('chief.month') }, m),
			kinds.map((k) => {
				const c = cell(m, k);
				return h('td', { 'data-label': t(`sla.clock.${k}`) }, c
					? t('chief.sla.cell', { met: c.met, total: c.total, p: `${number(c.percent, 1)} %` }) : '–');
			})))));
	return {
		figure: h('figure', { class: 'chart-box' }, h('figcaption', null, h('h2', null, t('chief.sla.chart'))), svg, legend(series)),
		section: h('section', { 'aria-labelledby': 'sla-h' }, head, h('p', { class: 'muted' }, t('chief.sla.intro')),
			h('div', { class: 'figures-box' }, table)),
	};
}

export async function dashboardPage(main, ctx) {
	const from = ctx.query.get('from') || monthsBack(11);
	const to = ctx.query.get('to') || monthsBack(0);
	const tenant = ctx.query.get('tenant') || '';
	const report = await api('GET', `/api/v1/reports/tickets?from=${from}&to=${to}${tenant ? `&tenant=${tenant}` : ''}`);
	const tenants = [...new Set(report.rows.map((r) => r.tenant))];
	const pick = select('tenant', [['', t('chief.tenant.all')], ...(state.session.tenants || []).map((c) => [c, c])], tenant);
	const fromIn = h('input', { type: 'month', name: 'from', value: from, required: true });
	const toIn = h('input', { type: 'month', name: 'to', value: to, required: true });
	const form = h('form', { class: 'card filters' }, h('div', { class: 'row' },
		field(t('chief.tenant'), pick), field(t('chief.from'), fromIn), field(t('chief.to'), toIn)),
		h('button', { type: 'submit', class: 'primary' }, t('chief.show')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		location.hash = `#/chief?from=${fromIn.value}&to=${toIn.value}${pick.value ? `&tenant=${pick.value}` : ''}`;
	});
	const m = combine(report.rows);
	const labels = m.map((x) => x.month.slice(2));
	const desc = t('chief.chart.desc');
	const inout = [{ name: t('chief.created'), values: m.map((x) => x.created), kind: 'bar', cls: 's1' },
		{ name: t('chief.resolved'), values: m.map((x) => x.resolved), kind: 'bar', cls: 's2' }];
	const backlog = [{ name: t('chief.backlog'), values: m.map((x) => x.backlog), kind: 'line', cls: 's1' }];
	const fcr = [{ name: t('chief.fcr'), values: m.map((x) => (x.rate === null ? null : x.rate * 100)), kind: 'line', cls: 's2' }];
	const sat = [{ name: t('chief.satisfaction'), values: m.map((x) => x.average), kind: 'line', cls: 's1' }];
	const targetPct = report.first_contact_target * 100;
	const csvButton = h('button', {
		type: 'button', onclick: () => download(`sdesk-arenden-${tenant || 'alla'}-${from}-${to}.csv`, csv(report.rows)),
	}, t('chief.csv'));
	const sla = await slaSection(from, to, tenant, m.map((x) => x.month));
	clear(main, h('h1', null, t('chief.title')), h('p', { class: 'lead' }, t('chief.intro')), form,
		h('p', { class: 'muted' }, `${t('chief.tenant')}: ${tenant || tenants.join(', ')}`),
		h('div', { class: 'charts' },
			figure('chief.inout', chart({ title: t('chief.inout'), desc, labels, series: inout }), inout),
			figure('chief.backlog', chart({ title: t('chief.backlog'), desc, labels, series: backlog }), backlog),
			figure('chief.fcr', chart({ title: t('chief.fcr'), desc, labels, series: fcr, max: 100, target: targetPct, format: (v) => `${Math.round(v)}%` }),
				fcr, [{ name: t('chief.fcr.target', { p: `${targetPct} %` }), cls: 'target' }]),
			figure('chief.satisfaction', chart({ title: t('chief.satisfaction'), desc, labels, series: sat, max: 5, ticks: 5, format: (v) => number(v, 0) }), sat),
			sla.figure),
		sla.section,
		h('section', { class: 'figures-box' }, table(tenant ? report.rows : m.map((x) => ({
			tenant: t('chief.all'), month: x.month, created: x.created, resolved: x.resolved, backlog: x.backlog,
			first_contact: { resolved: x.fcr, of: x.of, rate: x.rate }, satisfaction: { ratings: x.ratings, average: x.average },
		}))), csvButton));
	return t('chief.title');
}
