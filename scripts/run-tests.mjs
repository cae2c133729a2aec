#!/usr/bin/env node
// Runs every *.test.ts / *.test.tsx below the given folders (default: src and e2e) with Node's own
// test runner through tsx, so that the runner prints its standard summary (tests / pass / fail).
// Node 20's --test does not expand globs itself, hence this small finder.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'));
const folders = roots.length > 0 ? roots : ['src', 'e2e'];

function find(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (/\.test\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

// MOTCUA_BROWSER_JOURNEYS=skip leaves out the Chromium journeys (*.e2e.test.ts): CI runs them on one of its two
// database passes only (.ci/run), since they exercise the browser and the pages, not the database's dialect.
const skipJourneys = process.env.MOTCUA_BROWSER_JOURNEYS === 'skip';
const files = folders
  .flatMap((f) => find(f, []))
  .filter((f) => !(skipJourneys && f.endsWith('.e2e.test.ts')))
  .sort();
if (files.length === 0) {
  console.error(`no test files under ${folders.join(', ')}`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...passThrough, ...files],
  { stdio: 'inherit', env: process.env },
);
process.exit(result.status ?? 1);
