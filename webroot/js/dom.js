// dom.js: building the page.  Text from the API only ever goes in as text
// (never innerHTML), so nothing a user typed can become markup.
import { t } from './i18n.js';

// h('p', {class: 'x', onclick: fn}, 'text', child, [more])
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false) continue;
		if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
		else if (k === 'class') el.className = v;
		else if (k === 'dataset') Object.assign(el.dataset, v);
		else if (k === 'value') el.value = v;
		else if (k === 'checked' || k === 'selected') el[k] = !!v;
		else el.setAttribute(k, v === true ? '' : String(v));
	}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const c of children) {
		if (c === null || c === undefined || c === false) continue;
		if (Array.isArray(c)) append(el, c);
		else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
}

export function clear(el, ...children) {
	el.replaceChildren();
	append(el, children);
	return el;
}

let uid = 0;
export function id(prefix = 'f') {
	uid += 1;
	return `${prefix}-${uid}`;
}

// A labelled field with a hint and a place for its error message.
export function field(label, control, hint) {
	const cid = control.id || (control.id = id());
	const hintEl = hint ? h('p', { class: 'hint', id: `${cid}-hint` }, hint) : null;
	const errEl = h('p', { class: 'field-error', id: `${cid}-error`, hidden: true });
	const desc = [hintEl && hintEl.id, errEl.id].filter(Boolean).join(' ');
	control.setAttribute('aria-describedby', desc);
	return h('div', { class: 'field', dataset: { field: control.name || '' } },
		h('label', { for: cid }, label, control.required ? h('span', { class: 'req' }, ` ${t('form.required')}`) : null),
		hintEl, errEl, control);
}

// Shows an API error: on its field when it names one, else in the form's alert.
export function showError(form, err) {
	clearErrors(form);
	const ctl = err.field ? form.querySelector(`[name="${CSS.escape(err.field)}"]`) : null;
	const alert = form.querySelector('.form-alert');
	if (ctl && ctl.type !== 'hidden') {
		// A group of radios has one error line for the whole group.
		const box = ctl.closest('[data-field]');
		const e = form.querySelector(`#${CSS.escape(ctl.id)}-error`) || (box && box.querySelector('.field-error'));
		if (e) {
			e.textContent = err.message;
			e.hidden = false;
		}
		for (const c of form.querySelectorAll(`[name="${CSS.escape(err.field)}"]`)) c.setAttribute('aria-invalid', 'true');
		(form.querySelector(`[name="${CSS.escape(err.field)}"]:checked`) || ctl).focus();
	}
	if (alert) {
		alert.textContent = err.message;
		alert.hidden = false;
		if (!ctl) alert.focus();
	}
}

export function clearErrors(form) {
	for (const e of form.querySelectorAll('.field-error')) {
		e.textContent = '';
		e.hidden = true;
	}
	for (const c of form.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
	const alert = form.querySelector('.form-alert');
	if (alert) alert.hidden = true;
}

// A group of radio buttons under one legend, with a hint and an error line
// that every button points to.  options: [[value, label], ...].
export function radioGroup(name, legend, options, value, opts = {}) {
	const gid = id('g');
	const hintEl = opts.hint ? h('p', { class: 'hint', id: `${gid}-hint` }, opts.hint) : null;
	const errEl = h('p', { class: 'field-error', id: `${gid}-error`, hidden: true });
	const desc = [hintEl && hintEl.id, errEl.id].filter(Boolean).join(' ');
	return h('fieldset', { class: `radios${opts.inline ? ' inline' : ''}`, dataset: { field: name } },
		h('legend', null, legend, opts.required ? h('span', { class: 'req' }, ` ${t('form.required')}`) : null),
		hintEl, errEl,
		options.map(([v, label]) => {
			const rid = id(name.replace(/[^a-z0-9_-]/gi, '-'));
			return h('div', { class: 'radio' },
				h('input', {
					type: 'radio', name, id: rid, value: v, checked: value !== undefined && String(v) === String(value),
					'aria-describedby': desc,
				}),
				h('label', { for: rid }, label));
		}));
}

export function formAlert() {
	return h('div', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true });
}

// Disables a form's buttons while fn runs; errors are shown on the form.
export async function busy(form, fn) {
	const buttons = [...form.querySelectorAll('button')];
	buttons.forEach((b) => { b.disabled = true; });
	form.setAttribute('aria-busy', 'true');
	try {
		clearErrors(form);
		return await fn();
	} catch (err) {
		if (err && err.status !== undefined) showError(form, err);
		else throw err;
		return undefined;
	} finally {
		buttons.forEach((b) => { b.disabled = false; });
		form.removeAttribute('aria-busy');
	}
}

// Polite announcements for screen readers (saved, refreshed, found 3).
export function announce(text) {
	const live = document.getElementById('live');
	live.textContent = '';
	setTimeout(() => { live.textContent = text; }, 50);
}

export function select(name, options, value, attrs = {}) {
	return h('select', { name, ...attrs },
		options.map(([v, label]) => h('option', { value: v, selected: String(v) === String(value) }, label)));
}

export function link(href, text, attrs = {}) {
	return h('a', { href, ...attrs }, text);
}
