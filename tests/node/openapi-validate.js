#!/usr/bin/env node
// openapi-validate.js: validates real responses against daemon/openapi.yaml.
// Reads one JSON object per line on stdin:
//   {"method":"GET","path":"/api/v1/session","status":200,"type":"application/json","body":"..."}
// and answers one line each: "ok", "skip <why>" or "error <what is wrong>".
// The integration tests (tests/lib/SdeskTest.pm) feed it every response.
'use strict';
const readline = require('readline');
const Ajv2020 = require('ajv/dist/2020');
const addFormats = require('ajv-formats');
const { loadSpec, pathMatchers, findTemplate, pointer } = require('./openapi-lib');

const spec = loadSpec();
const matchers = pathMatchers(spec);
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, 'openapi');
const cache = new Map();

function validator(ref) {
	if (!cache.has(ref)) cache.set(ref, ajv.compile({ $ref: ref }));
	return cache.get(ref);
}

function check(msg) {
	const template = findTemplate(matchers, msg.path);
	const isJson = /^application\/json/.test(msg.type || '');
	let body;
	if (isJson && msg.body !== '') {
		try {
			body = JSON.parse(msg.body);
		} catch (e) {
			return `error ${msg.method} ${msg.path} ${msg.status}: body is not JSON`;
		}
	}
	if (!template && !/^\/api(\/|$)/.test(msg.path) && msg.status < 400 && !isJson) {
		// The web pages under webroot (daemon/static.c) are not part of the API.
		return 'skip web page';
	}
	if (!template) {
		// Unknown paths can only have errors, in the one error shape.
		if (msg.status < 400) return `error ${msg.method} ${msg.path}: ${msg.status} from an undocumented path`;
		const v = validator('openapi#/components/schemas/Error');
		return v(body) ? 'ok' : `error ${msg.path} ${msg.status}: ${ajv.errorsText(v.errors)}`;
	}
	const method = msg.method.toLowerCase() === 'head' ? 'get' : msg.method.toLowerCase();
	const op = spec.paths[template][method];
	if (!op) {
		if (msg.status !== 405) return `error ${msg.method} ${template}: ${msg.status} for an undocumented method`;
		const v = validator('openapi#/components/schemas/Error');
		return v(body) ? 'ok' : `error ${msg.method} ${template} 405: ${ajv.errorsText(v.errors)}`;
	}
	const s = String(msg.status);
	const code = op.responses[s] ? s : op.responses[s[0] + 'XX'] ? s[0] + 'XX' : op.responses.default ? 'default' : null;
	if (!code) return `error ${msg.method} ${template}: status ${s} is not documented`;
	let resp = op.responses[code];
	let base = ['openapi#', 'paths', template, method, 'responses', code];
	if (resp.$ref) {
		base = ['openapi#'].concat(resp.$ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')));
		resp = base.slice(1).reduce((o, k) => o[k], spec);
	}
	if (!resp.content) {
		return msg.body === '' ? 'ok' : `error ${msg.method} ${template} ${s}: documented without a body`;
	}
	const type = Object.keys(resp.content).find((t) => t === '*/*' || (msg.type || '').startsWith(t));
	if (!type) return `error ${msg.method} ${template} ${s}: content type ${msg.type} not documented`;
	// HEAD has the GET answer's headers and no body.
	if (msg.method.toUpperCase() === 'HEAD') return 'ok';
	if (!/json/.test(type) || !resp.content[type].schema) return 'ok';
	const ref = base[0] + pointer('', ...base.slice(1), 'content', type, 'schema');
	const v = validator(ref);
	return v(body) ? 'ok' : `error ${msg.method} ${template} ${s}: ${ajv.errorsText(v.errors)}`;
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
	let out;
	try {
		out = check(JSON.parse(line));
	} catch (e) {
		out = `error validator: ${e.message}`;
	}
	process.stdout.write(out.replace(/\n/g, ' ') + '\n');
});
