// pages/login.js: logging in with the municipality's directory (or a local
// account), and two-step verification: enrolment with the QR code, the key
// and the one-time recovery codes, and the code (or recovery code) challenge.
import { api } from '../api.js';
import { h, clear, field, formAlert, busy, showError, select } from '../dom.js';
import { t } from '../i18n.js';
import { state, setSession, go, home } from '../app.js';

let tenantsCache = null;

const loginMessages = {
	invalid_credentials: 'login.err.credentials',
	directory_unavailable: 'login.err.directory',
	account_locked: 'login.err.locked',
	too_many_attempts: 'login.err.throttled',
};

export async function loginPage(main) {
	if (state.session && state.session.mfa === 'ok') {
		go(home());
		return t('login.title');
	}
	if (!tenantsCache) tenantsCache = (await api('GET', '/api/v1/tenants')).tenants;
	const remembered = localStorage.getItem('sdesk.tenant') || '';
	const tenant = select('tenant', [['', t('login.tenant.choose')],
		...tenantsCache.map((x) => [x.code, x.name])], remembered, { required: true, autocomplete: 'organization' });
	const user = h('input', { name: 'login', required: true, autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' });
	const pw = h('input', { name: 'password', type: 'password', required: true, autocomplete: 'current-password' });
	const form = h('form', { class: 'card narrow', novalidate: true },
		formAlert(),
		field(t('login.tenant'), tenant),
		field(t('login.user'), user, t('login.user.hint')),
		field(t('login.password'), pw),
		h('button', { type: 'submit', class: 'primary' }, t('login.submit')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const missing = !tenant.value ? ['tenant', 'login.err.tenant'] : !user.value.trim() ? ['login', 'login.err.user']
			: !pw.value ? ['password', 'login.err.password'] : null;
		if (missing) return showError(form, { field: missing[0], message: t(missing[1]) });
		return busy(form, async () => {
			try {
				const s = await api('POST', '/api/v1/session',
					{ tenant: tenant.value, login: user.value.trim(), password: pw.value }, { quiet: true });
				localStorage.setItem('sdesk.tenant', tenant.value);
				setSession(s);
				go(s.mfa === 'ok' ? home() : '#/mfa');
			} catch (err) {
				pw.value = '';
				if (loginMessages[err.code]) err.message = t(loginMessages[err.code]);
				throw err;
			}
		});
	});
	clear(main, h('div', { class: 'login' },
		h('h1', null, t('login.title')),
		h('p', { class: 'lead' }, t('login.intro')),
		form,
		h('p', { class: 'help' }, t('login.help'))));
	return t('login.title');
}

const mfaMessages = { invalid_code: 'mfa.err.code', code_reused: 'mfa.err.reused' };

// Sends a code; on success the session (and its CSRF token) is the new one.
async function sendCode(url, body) {
	try {
		return await api('POST', url, body, { quiet: true });
	} catch (err) {
		if (mfaMessages[err.code]) err.message = t(mfaMessages[err.code]);
		if (err.field === 'recovery_code' || err.field === 'code' || !err.field) err.field = Object.keys(body)[0];
		throw err;
	}
}

function codeInput(name = 'code') {
	return h('input', {
		name, required: true, autocomplete: 'one-time-code', inputmode: name === 'code' ? 'numeric' : 'text',
		pattern: name === 'code' ? '[0-9]{6,8}' : null, maxlength: name === 'code' ? '8' : '40', class: 'code',
	});
}

export async function mfaPage(main) {
	const s = state.session;
	if (!s) {
		go('#/login');
		return '';
	}
	if (s.mfa === 'ok') {
		go(home());
		return '';
	}
	return s.mfa === 'enrol' ? enrol(main) : challenge(main, false);
}

async function enrol(main) {
	const e = await api('POST', '/api/v1/session/mfa/enrolment');
	const code = codeInput();
	const form = h('form', { class: 'card narrow', novalidate: true },
		formAlert(),
		field(t('mfa.code'), code),
		h('button', { type: 'submit', class: 'primary' }, t('mfa.enrol.submit')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		if (!/^[0-9]{6,8}$/.test(code.value.trim())) return showError(form, { field: 'code', message: t('mfa.err.format') });
		return busy(form, async () => {
			const r = await sendCode('/api/v1/session/mfa/enrolment/confirm', { code: code.value.trim() });
			setSession(r.session);
			showRecovery(main, r.recovery_codes);
		});
	});
	// The QR code is the API's SVG, shown as an image: it can never run as markup.
	const qr = h('img', {
		class: 'qr', width: '220', height: '220', alt: t('mfa.enrol.qr'),
		src: `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(e.qr_svg)))}`,
	});
	clear(main, h('h1', null, t('mfa.enrol.title')),
		h('p', { class: 'lead' }, t('mfa.enrol.intro')),
		h('ol', { class: 'steps' },
			h('li', null, t('mfa.enrol.step1')),
			h('li', null, t('mfa.enrol.step2'),
				h('div', { class: 'qr-box' }, qr,
					h('p', null, t('mfa.enrol.secret'), ' ', h('code', { class: 'secret' }, e.secret.replace(/(.{4})/g, '$1 ').trim())))),
			h('li', null, t('mfa.enrol.step3'), form)));
	return t('mfa.enrol.title');
}

function showRecovery(main, codes) {
	clear(main, h('h1', null, t('mfa.recovery.title')),
		h('p', { class: 'lead' }, t('mfa.recovery.intro')),
		h('h2', null, t('mfa.recovery.list')),
		h('ul', { class: 'recovery' }, codes.map((c) => h('li', null, h('code', null, c)))),
		h('button', { type: 'button', class: 'primary', onclick: () => go(home()) }, t('mfa.recovery.done')));
	const h1 = main.querySelector('h1');
	h1.setAttribute('tabindex', '-1');
	h1.focus();
	document.title = `${t('mfa.recovery.title')} – ${t('app.name')}`;
}

function challenge(main, recovery) {
	const name = recovery ? 'recovery_code' : 'code';
	const input = codeInput(name);
	const form = h('form', { class: 'card narrow', novalidate: true },
		formAlert(),
		field(t(recovery ? 'mfa.recovery.code' : 'mfa.code'), input),
		h('button', { type: 'submit', class: 'primary' }, t('mfa.challenge.submit')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const v = input.value.trim().toUpperCase();
		if (!recovery && !/^[0-9]{6,8}$/.test(v)) return showError(form, { field: 'code', message: t('mfa.err.format') });
		return busy(form, async () => {
			const r = await sendCode('/api/v1/session/mfa', { [name]: v });
			setSession(r.session);
			go(home());
		});
	});
	clear(main, h('h1', null, t('mfa.challenge.title')),
		h('p', { class: 'lead' }, t('mfa.challenge.intro')),
		form,
		h('p', null, h('button', {
			type: 'button', class: 'link-button',
			onclick: () => { challenge(main, !recovery); main.querySelector('input').focus(); },
		}, t(recovery ? 'mfa.challenge.usecode' : 'mfa.challenge.userecovery'))));
	return t('mfa.challenge.title');
}
