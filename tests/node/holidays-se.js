#!/usr/bin/env node
// Prints what the date-holidays package says about Swedish holidays, as
// reference data for tests/unit/sla_holidays_npm.c:
//   YYYY-MM-DD<TAB>type<TAB>name
// for every entry of every year in [from, to], type being date-holidays'
// own (public, bank, optional, observance, school).
'use strict';

const Holidays = require('date-holidays');

const from = parseInt(process.argv[2], 10);
const to = parseInt(process.argv[3] || process.argv[2], 10);
if (!Number.isInteger(from) || !Number.isInteger(to) || from > to) {
  process.stderr.write('usage: holidays-se.js FROM_YEAR [TO_YEAR]\n');
  process.exit(2);
}

const hd = new Holidays('SE', { languages: ['sv'] });
const out = [];
for (let year = from; year <= to; year++) {
  for (const h of hd.getHolidays(year, 'sv')) {
    // h.date is local Stockholm time, "YYYY-MM-DD hh:mm:ss"; a half day
    // such as valborgsmässoafton starts at 12:00, which we do not need.
    out.push(`${h.date.slice(0, 10)}\t${h.type}\t${h.name}`);
  }
}
process.stdout.write(out.join('\n') + '\n');
