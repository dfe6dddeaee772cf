// keys.js: keyboard shortcuts of the workspace, listed in a help dialog ("?").
// They act only when focus is not in a field and no modifier is held, and
// they can be switched off in the dialog (WCAG 2.1.4), so they never clash
// with typing or with a screen reader's own keys.
import { h, clear } from './dom.js';
import { t } from './i18n.js';
import { can, go } from './app.js';

let pendingG = 0;
let dialog = null;

function enabled() {
	return localStorage.getItem('sdesk.shortcuts') !== 'off';
}

function typing(el) {
	return el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

function moveInList(step) {
	const links = [...document.querySelectorAll('table.tickets a.row-link')];
	if (!links.length) return;
	const i = links.indexOf(document.activeElement);
	const next = links[Math.max(0, Math.min(links.length - 1, i < 0 ? 0 : i + step))];
	next.focus();
}

const actions = {
	n: () => go('#/desk/new'),
	r: () => { const b = document.getElementById('reply-body'); if (b) b.focus(); },
	t: () => { const b = document.getElementById('take-button'); if (b) b.click(); },
	'/': () => { const s = document.getElementById('desk-search'); if (s) s.focus(); },
	j: () => moveInList(1),
	k: () => moveInList(-1),
	'?': () => showHelp(),
};

export function showHelp() {
	if (!dialog) {
		dialog = h('dialog', { class: 'help-dialog', 'aria-labelledby': 'keys-h' });
		document.body.append(dialog);
	}
	const box = h('input', { type: 'checkbox', id: 'keys-on', checked: enabled() });
	box.addEventListener('change', () => localStorage.setItem('sdesk.shortcuts', box.checked ? 'on' : 'off'));
	const row = (k, key) => h('tr', null, h('th', { scope: 'row' }, h('kbd', null, k)), h('td', null, t(key)));
	clear(dialog, h('h2', { id: 'keys-h' }, t('keys.title')), h('p', null, t('keys.intro')),
		h('table', { class: 'keys' }, h('tbody', null,
			row('g q', 'keys.gq'), row('n', 'keys.n'), row('r', 'keys.r'), row('t', 'keys.t'),
			row('/', 'keys.search'), row('j', 'keys.j'), row('k', 'keys.k'), row('?', 'keys.help'))),
		h('div', { class: 'check' }, box, h('label', { for: 'keys-on' }, t('keys.enable'))),
		h('form', { method: 'dialog' }, h('button', { type: 'submit', class: 'primary' }, t('keys.close'))));
	dialog.showModal();
}

export function installShortcuts() {
	document.addEventListener('keydown', (ev) => {
		if (!enabled() || ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target) || !can('ticket.work')) return;
		if (dialog && dialog.open) return;
		if (ev.key === 'g') {
			pendingG = Date.now();
			return;
		}
		if (ev.key === 'q' && Date.now() - pendingG < 1500) {
			pendingG = 0;
			ev.preventDefault();
			go('#/desk');
			return;
		}
		const fn = actions[ev.key];
		if (fn) {
			ev.preventDefault();
			fn();
		}
	});
}
