#!/usr/bin/env node
// openapi-check.js: keeps daemon/openapi.yaml honest, as TAP.
//  - @redocly/cli lints it with the strict recommended rules;
//  - its paths and methods equal the daemon's route table (sdeskctl routes);
//  - x-permission equals each route's permission;
//  - the Error code enum equals the error registry (sdeskctl errors), and
//    every status the registry uses for a path's errors is documented.
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const path = require('path');
const { top, specPath, loadSpec } = require('./openapi-lib');

let n = 0, failed = 0;
function ok(cond, name, diag) {
	n++;
	console.log(`${cond ? '' : 'not '}ok ${n} - ${name}`);
	if (!cond) {
		failed++;
		if (diag) console.log(String(diag).split('\n').map((l) => '# ' + l).join('\n'));
	}
}

const redocly = path.join(__dirname, 'node_modules', '.bin', 'redocly');
const lint = spawnSync(redocly, ['lint', '--extends=recommended-strict', specPath],
	{ encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
ok(lint.status === 0, 'redocly lint (recommended-strict) passes', lint.stdout + lint.stderr);

const spec = loadSpec();
const sdeskctl = path.join(top, 'sdeskctl');
const routes = execFileSync(sdeskctl, ['routes'], { encoding: 'utf8' }).trim().split('\n')
	.map((l) => l.split('\t')).map(([m, p, perm]) => ({ method: m.toLowerCase(), path: p, perm }));

const specOps = [];
for (const [p, item] of Object.entries(spec.paths))
	for (const m of ['get', 'post', 'put', 'patch', 'delete'])
		if (item[m]) specOps.push({ method: m, path: p, op: item[m] });

const key = (x) => `${x.method.toUpperCase()} ${x.path}`;
const inSpec = new Set(specOps.map(key));
const inDaemon = new Set(routes.map(key));
const missing = [...inDaemon].filter((k) => !inSpec.has(k));
const extra = [...inSpec].filter((k) => !inDaemon.has(k));
ok(missing.length === 0, 'every route of the daemon is documented', missing.join('\n'));
ok(extra.length === 0, 'the document describes no route the daemon lacks', extra.join('\n'));

const permWrong = [];
for (const r of routes) {
	const s = specOps.find((o) => key(o) === key(r));
	if (!s) continue;
	const want = r.perm === '-' ? undefined : r.perm;
	if (s.op['x-permission'] !== want)
		permWrong.push(`${key(r)}: daemon ${r.perm}, document ${s.op['x-permission']}`);
	if ((want === undefined) !== (Array.isArray(s.op.security) && s.op.security.length === 0))
		permWrong.push(`${key(r)}: public in one, protected in the other`);
}
ok(permWrong.length === 0, 'x-permission and security match the route table', permWrong.join('\n'));

const registry = execFileSync(sdeskctl, ['errors'], { encoding: 'utf8' }).trim().split('\n')
	.map((l) => l.split('\t')).map(([code, status]) => ({ code, status: Number(status) }));
const documented = spec.components.schemas.Error.properties.error.properties.code.enum;
ok(JSON.stringify([...documented].sort()) === JSON.stringify(registry.map((e) => e.code).sort()),
	'Error.code lists exactly the registry', `document: ${documented}\nregistry: ${registry.map((e) => e.code)}`);

const ids = specOps.map((o) => o.op.operationId);
ok(new Set(ids).size === ids.length && ids.every(Boolean), 'operationIds present and unique');

console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
