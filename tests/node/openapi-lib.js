// openapi-lib.js: loads daemon/openapi.yaml and matches requests to it.
// Shared by the spec check and the response validator.
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const top = process.env.SDESK_TOP || path.resolve(__dirname, '..', '..');
const specPath = path.join(top, 'daemon', 'openapi.yaml');

function loadSpec() {
	return YAML.parse(fs.readFileSync(specPath, 'utf8'));
}

// "/api/v1/tenants/{code}" -> RegExp, most specific templates first.
function pathMatchers(spec) {
	return Object.keys(spec.paths)
		.map((p) => ({
			template: p,
			re: new RegExp('^' + p.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
				.replace(/\\?\{[^}]+\\?\}/g, '[^/]+') + '$'),
			literal: p.replace(/\{[^}]+\}/g, '').length,
		}))
		.sort((a, b) => b.literal - a.literal);
}

function findTemplate(matchers, urlPath) {
	const m = matchers.find((x) => x.re.test(urlPath));
	return m ? m.template : null;
}

// JSON Pointer escaping for $ref into the spec.
function pointer(...parts) {
	return parts.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

module.exports = { top, specPath, loadSpec, pathMatchers, findTemplate, pointer };
