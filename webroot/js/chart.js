// chart.js: small SVG charts drawn here (no library): grouped bars and
// lines over months, with a target line.  Each chart is an image with a
// title and a description; the same figures are always in a table next to
// it, so nothing is only in the picture.
const NS = 'http://www.w3.org/2000/svg';

function el(tag, attrs, text) {
	const e = document.createElementNS(NS, tag);
	for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
	if (text !== undefined) e.textContent = text;
	return e;
}

let uid = 0;

// series: [{name, values: [..], kind: 'bar'|'line', cls}]; labels: x labels.
export function chart({ title, desc, labels, series, max, target, format = String, ticks = 4 }) {
	uid += 1;
	const W = 640, H = 260, L = 48, R = 12, T = 16, B = 40;
	const all = series.flatMap((s) => s.values).filter((v) => v !== null && v !== undefined);
	// Counts get whole-number steps; a given maximum (100 %, 5) is kept.
	const top = max ?? Math.max(ticks, Math.ceil(Math.max(...all, target ?? 0) / ticks) * ticks);
	const y = (v) => T + (H - T - B) * (1 - v / top);
	const slot = (W - L - R) / Math.max(1, labels.length);
	const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `ct-${uid} cd-${uid}`, class: 'chart' });
	svg.append(el('title', { id: `ct-${uid}` }, title), el('desc', { id: `cd-${uid}` }, desc));
	const axis = el('g', { class: 'axis', 'aria-hidden': 'true' });
	for (let i = 0; i <= ticks; i += 1) {
		const v = (top * i) / ticks;
		axis.append(el('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }),
			el('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, format(v)));
	}
	labels.forEach((lab, i) => axis.append(el('text', { x: L + slot * (i + 0.5), y: H - B + 16, 'text-anchor': 'middle' }, lab)));
	svg.append(axis);
	const bars = series.filter((s) => s.kind === 'bar');
	const bw = (slot * 0.7) / Math.max(1, bars.length);
	bars.forEach((s, k) => {
		const g = el('g', { class: `series ${s.cls}` });
		s.values.forEach((v, i) => {
			if (v === null || v === undefined) return;
			const x = L + slot * i + slot * 0.15 + bw * k;
			g.append(el('rect', { x, y: y(v), width: Math.max(1, bw - 2), height: Math.max(0, y(0) - y(v)) }));
		});
		svg.append(g);
	});
	series.filter((s) => s.kind === 'line').forEach((s) => {
		const pts = s.values.map((v, i) => (v === null || v === undefined ? null : [L + slot * (i + 0.5), y(v)]));
		const d = pts.reduce((acc, p, i) => (p ? `${acc}${acc && pts[i - 1] ? 'L' : 'M'}${p[0]},${p[1]} ` : acc), '');
		const g = el('g', { class: `series ${s.cls}` });
		g.append(el('path', { d, fill: 'none' }));
		pts.forEach((p) => { if (p) g.append(el('circle', { cx: p[0], cy: p[1], r: 4 })); });
		svg.append(g);
	});
	if (target !== undefined) {
		svg.append(el('line', { x1: L, x2: W - R, y1: y(target), y2: y(target), class: 'target', 'aria-hidden': 'true' }));
	}
	return svg;
}

// The legend as plain HTML list: name and the same pattern as the series.
export function legend(series, extra) {
	const ul = document.createElement('ul');
	ul.className = 'legend';
	for (const s of series.concat(extra || [])) {
		const li = document.createElement('li');
		const sw = document.createElement('span');
		sw.className = `swatch ${s.cls}`;
		sw.setAttribute('aria-hidden', 'true');
		li.append(sw, document.createTextNode(s.name));
		ul.append(li);
	}
	return ul;
}
