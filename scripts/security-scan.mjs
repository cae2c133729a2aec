#!/usr/bin/env node
// `npm run security:scan`: starts the demo on 127.0.0.1 and attacks it with Debian's sqlmap, wapiti and nmap's
// http scripts, over the public surface and the surface of a signed-in citizen, each bounded in time. Fails (exit 1)
// on an injectable parameter, a high or critical wapiti finding, an nmap VULNERABLE verdict, or any 5xx answer
// the server gave during the scan. Reports go to ./security-report/.
//
// Only 127.0.0.1 is ever scanned. Rate limits are raised for the scan (the scanners would otherwise see 429s and
// test nothing); the rate limiter has tests of its own.
//
//   npm run security:scan [-- --quick] [-- --keep-data]
//
// Needs: apt-get install sqlmap wapiti nmap
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const quick = process.argv.includes('--quick');
const keepData = process.argv.includes('--keep-data');
const root = resolve(new URL('..', import.meta.url).pathname);
const out = join(root, 'security-report');
const dataDir = join(root, '.data-scan');
const budget = quick ? { sqlmap: 60, wapiti: 120, nmap: 60 } : { sqlmap: 150, wapiti: 300, nmap: 120 };

const missing = ['sqlmap', 'wapiti', 'nmap'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
if (missing.length) {
  console.error(`missing: ${missing.join(', ')} — install with: sudo apt-get install -y sqlmap wapiti nmap`);
  process.exit(2);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
if (!keepData) rmSync(dataDir, { recursive: true, force: true });

// ---- the target: the demo, on the loopback only ----
const serverLog = [];
const server = spawn(process.execPath, ['--import', 'tsx', 'src/main/demo.ts'], {
  cwd: root,
  env: {
    ...process.env,
    DATABASE_URL: '',
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    AUTH_RATE_LIMIT: '1000000',
    LOOKUP_RATE_LIMIT: '1000000',
    SEARCH_RATE_LIMIT: '1000000',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let base = '';
const ready = new Promise((resolveReady, reject) => {
  const timer = setTimeout(() => reject(new Error('the demo did not start within 180 s')), 180_000);
  const onData = (chunk) => {
    const text = chunk.toString();
    serverLog.push(text);
    const m = /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
    if (m && !base) {
      base = m[1];
      clearTimeout(timer);
      resolveReady();
    }
  };
  server.stdout.on('data', onData);
  server.stderr.on('data', (c) => serverLog.push(c.toString()));
  server.on('exit', (code) => reject(new Error(`the demo exited (${code}):\n${serverLog.join('').slice(-3000)}`)));
});

function stop() {
  if (server.exitCode === null) server.kill('SIGTERM');
}
process.on('exit', stop);

await ready;
console.log(`target: ${base} (demo on the embedded database in ${dataDir})`);
const host = new URL(base).host;
const port = new URL(base).port;

// ---- a signed-in citizen (cookie jar over fetch) ----
async function signIn(account, password) {
  const jar = new Map();
  const keep = (res) => {
    for (const c of res.headers.getSetCookie?.() ?? []) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const page = await fetch(`${base}/dang-nhap`, { redirect: 'manual' });
  keep(page);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const res = await fetch(`${base}/dang-nhap`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
    body: new URLSearchParams({ _csrf: token, account, password }).toString(),
  });
  keep(res);
  const home = await fetch(`${base}/ho-so`, { redirect: 'manual', headers: { cookie: cookie() } });
  return { jar, cookie: cookie(), signedIn: home.status === 200 };
}
const citizen = await signIn('citizen@demo.motcua.vn', 'Demo@2026');
console.log(`citizen session: ${citizen.signedIn ? 'signed in' : 'NOT signed in (logged-in surface skipped)'}`);

// ---- sqlmap: every parameter of the main inputs, stacked queries included ----
const sqlmapTargets = [
  { name: 'search', args: ['-u', `${base}/thu-tuc?q=khai+sinh&trang=1`, '-p', 'q,trang'] },
  { name: 'search-api', args: ['-u', `${base}/api/v1/procedures?q=khai+sinh&pageSize=5`, '-p', 'q,pageSize'] },
  { name: 'lookup', args: ['-u', `${base}/tra-cuu`, '--data', 'code=H42-261123-0001&check=1234&_csrf=x', '-p', 'code,check', '--csrf-token', '_csrf', '--csrf-url', `${base}/tra-cuu`] },
  { name: 'sign-in', args: ['-u', `${base}/dang-nhap`, '--data', 'account=a%40b.vn&password=x&_csrf=x', '-p', 'account', '--csrf-token', '_csrf', '--csrf-url', `${base}/dang-nhap`] },
];
if (citizen.signedIn) {
  sqlmapTargets.push(
    { name: 'my-dossier', args: ['-u', `${base}/ho-so/H42-261123-0001*`, '--cookie', citizen.cookie] },
    { name: 'profile', args: ['-u', `${base}/tai-khoan`, '--data', 'fullName=Nguyen+Van+A&phone=0912345678&_csrf=x', '-p', 'fullName,phone', '--csrf-token', '_csrf', '--csrf-url', `${base}/tai-khoan`, '--cookie', citizen.cookie] },
  );
}
const findings = [];
for (const target of sqlmapTargets) {
  const dir = join(out, `sqlmap-${target.name}`);
  const args = [
    ...target.args,
    '--batch', '--dbms=PostgreSQL', '--technique=BEUSTQ', `--level=${quick ? 1 : 3}`, `--risk=${quick ? 1 : 2}`,
    '--time-sec=2', '--timeout=15', '--retries=1', '--ignore-code=400,401,404', '--disable-coloring', `--output-dir=${dir}`, '--flush-session',
    // sqlmap refreshes the CSRF token before each request, which it can only do single-threaded.
    ...(target.args.includes('--csrf-token') ? [] : ['--threads=2']),
  ];
  const started = Date.now();
  const run = spawnSync('timeout', [String(budget.sqlmap), 'sqlmap', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const text = `${run.stdout}\n${run.stderr}`;
  writeFileSync(join(out, `sqlmap-${target.name}.log`), text);
  const injectable = /identified the following injection point|is vulnerable|appears to be '.*' injectable/i.test(text);
  const clean = /do(es)? not (seem|appear) to be injectable/i.test(text);
  const timedOut = run.status === 124;
  const failed = !injectable && !clean && !timedOut;
  const verdict = injectable ? 'INJECTABLE' : clean ? 'no injection found' : timedOut ? 'stopped at the time bound before a verdict' : 'DID NOT RUN';
  console.log(`sqlmap ${target.name}: ${verdict} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (injectable) findings.push(`sqlmap: ${target.name} is injectable (see security-report/sqlmap-${target.name}.log)`);
  if (failed) findings.push(`sqlmap: ${target.name} did not run (see security-report/sqlmap-${target.name}.log): ${/\[CRITICAL\] (.*)/.exec(text)?.[1] ?? 'no verdict'}`);
}

// ---- wapiti: crawl and attack, public and as the citizen ----
function wapiti(name, cookieFile) {
  const report = join(out, `wapiti-${name}.json`);
  const args = [
    '-u', `${base}/`, '--scope', 'folder', '-m', 'sql,timesql,xss,permanentxss,exec,file,crlf,redirect,http_headers,cookieflags,csp,methods,xxe',
    '-d', quick ? '2' : '3', '--max-links-per-page', '20', '--max-files-per-dir', '40',
    '--max-scan-time', String(budget.wapiti), '--max-attack-time', String(Math.round(budget.wapiti / 6)),
    // No -x exclusions: wapiti 3.0.4 on Python 3.11 fails to compile them. A crawl that signs the citizen out
    // simply goes on as a visitor.
    '-f', 'json', '-o', report, '--flush-session', '--flush-attacks',
    ...(cookieFile ? ['-c', cookieFile] : []),
  ];
  const run = spawnSync('timeout', [String(budget.wapiti + 120), 'wapiti', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  writeFileSync(join(out, `wapiti-${name}.log`), `${run.stdout}\n${run.stderr}`);
  if (!existsSync(report)) {
    findings.push(`wapiti ${name}: no report (exit ${run.status}; see security-report/wapiti-${name}.log)`);
    return;
  }
  const json = JSON.parse(readFileSync(report, 'utf8'));
  const counts = { 1: 0, 2: 0, 3: 0, 4: 0 };
  for (const [category, list] of Object.entries(json.vulnerabilities ?? {})) {
    for (const v of list) {
      counts[v.level] = (counts[v.level] ?? 0) + 1;
      if (Number(v.level) >= 3) findings.push(`wapiti ${name}: ${category} (level ${v.level}) ${v.method} ${v.path} ${v.parameter ?? ''}: ${v.info}`);
    }
  }
  for (const [category, list] of Object.entries(json.anomalies ?? {})) {
    for (const a of list) findings.push(`wapiti ${name}: anomaly ${category} ${a.method} ${a.path} ${a.parameter ?? ''}: ${a.info}`);
  }
  console.log(`wapiti ${name}: low ${counts[1]}, medium ${counts[2]}, high ${counts[3]}, critical ${counts[4]}; anomalies ${Object.values(json.anomalies ?? {}).flat().length}`);
}
wapiti('public');
if (citizen.signedIn) {
  const domain = host.split(':')[0];
  const cookies = {};
  for (const [name, value] of citizen.jar) cookies[name] = { value, version: 0, expires: null, secure: false, port: null };
  const cookieFile = join(out, 'citizen-cookies.json');
  writeFileSync(cookieFile, JSON.stringify({ [domain]: { '/': cookies }, [`.${domain}`]: { '/': cookies } }, null, 2));
  wapiti('citizen', cookieFile);
}

// ---- nmap's http scripts against the one port ----
{
  const xml = join(out, 'nmap.xml');
  const scripts = 'http-csrf,http-sql-injection,http-stored-xss,http-dombased-xss,http-phpself-xss,http-unsafe-output-escaping,http-methods,http-headers,http-internal-ip-disclosure,http-security-headers,http-cookie-flags,http-trace';
  const run = spawnSync('timeout', [String(budget.nmap + 30), 'nmap', '-Pn', '-n', '-p', port, '--script', scripts, '--script-timeout', `${budget.nmap}s`, '-oX', xml, '127.0.0.1'], { encoding: 'utf8' });
  writeFileSync(join(out, 'nmap.log'), `${run.stdout}\n${run.stderr}`);
  const vulnerable = (run.stdout.match(/State: VULNERABLE|VULNERABLE:/g) ?? []).length;
  console.log(`nmap http scripts: ${vulnerable ? `${vulnerable} VULNERABLE` : 'nothing vulnerable'}`);
  if (vulnerable) findings.push('nmap: VULNERABLE verdicts (see security-report/nmap.log)');
}

// ---- the server's own view: no request may have ended in a 5xx ----
stop();
await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
const log = serverLog.join('');
writeFileSync(join(out, 'server.log'), log);
let requests = 0;
const failures = [];
for (const line of log.split('\n')) {
  if (!line.startsWith('{')) continue;
  try {
    const entry = JSON.parse(line);
    const status = entry.res?.statusCode;
    if (typeof status === 'number') {
      requests++;
      if (status >= 500) failures.push(entry.reqId);
    }
  } catch {
    // not a log line
  }
}
console.log(`server: ${requests} requests answered, ${failures.length} with a 5xx`);
if (failures.length) findings.push(`server: ${failures.length} requests ended in 5xx (request ids in security-report/server.log): ${failures.slice(0, 5).join(', ')}`);

const summary = [`# Security scan of ${base} (${new Date().toISOString()})`, '', `mode: ${quick ? 'quick' : 'full'}; requests answered: ${requests}`, '', findings.length ? '## Findings' : 'No high findings, no injection, no 5xx.', ...findings.map((f) => `- ${f}`), ''].join('\n');
writeFileSync(join(out, 'summary.md'), summary);
console.log(`\n${summary}`);
process.exit(findings.length ? 1 : 0);
