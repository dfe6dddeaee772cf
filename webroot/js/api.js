// api.js: the JSON API, with the session cookie; every change carries the
// session's CSRF token in X-CSRF-Token.  Errors become ApiError with the
// API's stable code and its message (in the page's language).
import { lang, t } from './i18n.js';

let csrf = '';
let onSignedOut = () => {};

export function setCsrf(token) {
	csrf = token || '';
}

export function whenSignedOut(fn) {
	onSignedOut = fn;
}

export class ApiError extends Error {
	constructor(status, body) {
		const e = (body && body.error) || {};
		super(e.message || t('err.generic'));
		this.status = status;
		this.code = e.code || (status === 0 ? 'network' : 'unknown');
		this.field = e.field || null;
		this.allowed = e.allowed || null;
	}
}

// api('GET', '/api/v1/session'); a Blob or File body goes up as raw bytes.
export async function api(method, path, body, opts = {}) {
	const headers = { Accept: 'application/json', 'Accept-Language': lang() };
	let payload;
	if (body instanceof Blob) {
		headers['Content-Type'] = 'application/octet-stream';
		payload = body;
	} else if (body !== undefined) {
		headers['Content-Type'] = 'application/json';
		payload = JSON.stringify(body);
	}
	if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
	let res;
	try {
		res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
	} catch (e) {
		throw new ApiError(0, { error: { code: 'network', message: t('err.network') } });
	}
	const type = res.headers.get('Content-Type') || '';
	const data = res.status !== 204 && type.startsWith('application/json') ? await res.json() : null;
	if (!res.ok) {
		const err = new ApiError(res.status, data);
		if (res.status === 401 && !opts.quiet && err.code === 'unauthenticated') onSignedOut(err);
		throw err;
	}
	return data;
}

// Uploads files to a ticket one by one; returns the attachments.
export async function upload(number, files, internal = false) {
	const out = [];
	for (const f of files) {
		const q = `filename=${encodeURIComponent(f.name)}${internal ? '&internal=1' : ''}`;
		out.push(await api('POST', `/api/v1/tickets/${encodeURIComponent(number)}/attachments?${q}`, f));
	}
	return out;
}
