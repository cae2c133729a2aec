import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The newcomer test: what someone who has just cloned the repository gets. A fresh clone of the committed HEAD
// (not the working tree), `npm ci`, `npm start` on the embedded database, then the home page and a procedure
// page must answer and the demo accounts must have been printed. Slow (minutes), so it runs only on request:
//   MOTCUA_NEWCOMER_TEST=1 node --import tsx --test e2e/newcomer.test.ts

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const enabled = process.env.MOTCUA_NEWCOMER_TEST === '1';

const minutes = 60_000;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs a command to its end, keeping its output; rejects with the output's tail when it fails or overruns. */
function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} took more than ${options.timeoutMs / 1000} s:\n${tail(output)}`));
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ code, signal, output });
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}:\n${tail(output)}`));
    });
  });
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Signals the child's whole process group (npm → sh → tsx → node), which it leads since it was detached. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function isReady(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

test('a newcomer clones, installs and starts the demo, which serves the catalogue', { timeout: 12 * minutes }, async (t) => {
  if (!enabled) {
    t.skip('set MOTCUA_NEWCOMER_TEST=1');
    return;
  }
  const workDir = mkdtempSync(join(tmpdir(), 'motcua-newcomer-'));
  const cloneDir = join(workDir, 'motcua');
  // A newcomer's shell: no database server, no settings of ours, no npm settings inherited from a parent npm run.
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('npm_') || /^(DATABASE_URL|PORT|HOST|BASE_URL|DATA_DIR|NODE_ENV|LOG_LEVEL|NODE_OPTIONS|NODE_TEST_CONTEXT)$/.test(key)) continue;
    env[key] = value;
  }
  env.PUPPETEER_SKIP_DOWNLOAD = 'true';
  let demo: ChildProcess | undefined;
  try {
    const started = performance.now();
    await run('git', ['clone', '--quiet', repoRoot, cloneDir], { cwd: workDir, env, timeoutMs: 2 * minutes });
    const cloned = performance.now();
    await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: cloneDir, env, timeoutMs: 5 * minutes });
    const installed = performance.now();

    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    demo = spawn('npm', ['start'], {
      cwd: cloneDir,
      env: { ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(workDir, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    demo.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let exited = false;
    demo.on('exit', () => (exited = true));

    // Ready when the demo prints its address (after the accounts); the health check is the fallback.
    const deadline = Date.now() + 3 * minutes;
    let readyAt: number | undefined;
    while (Date.now() < deadline && !exited) {
      if (/ready at http:\/\/\S+/i.test(output)) {
        readyAt = performance.now();
        break;
      }
      if (await isReady(baseUrl)) {
        readyAt = performance.now();
        // The address line follows the listen by a moment; give it a little time before judging the output.
        for (let i = 0; i < 20 && !/ready at http:\/\/\S+/i.test(output); i++) await sleep(250);
        break;
      }
      await sleep(500);
    }
    assert.ok(
      readyAt !== undefined,
      `${exited ? `npm start exited (${demo.exitCode ?? demo.signalCode}) before it was ready` : 'npm start was not ready within 3 minutes'}:\n${tail(output)}`,
    );
    const seconds = (from: number, to: number) => ((to - from) / 1000).toFixed(1);
    t.diagnostic(
      `clone ${seconds(started, cloned)} s, npm ci ${seconds(cloned, installed)} s, npm start ${seconds(installed, readyAt)} s; ` +
        `clone → ready ${seconds(started, readyAt)} s`,
    );
    console.log(`newcomer: clone → ready in ${seconds(started, readyAt)} s (npm ci ${seconds(cloned, installed)} s, start ${seconds(installed, readyAt)} s)`);

    const home = await fetch(`${baseUrl}/`);
    assert.equal(home.status, 200, 'the home page answers');
    assert.match(await home.text(), /<input[^>]*id="q"/, 'the home page has the search field');

    const procedure = await fetch(`${baseUrl}/thu-tuc/1.001193`);
    assert.equal(procedure.status, 200, 'the birth registration page answers');
    assert.match(await procedure.text(), /Thủ tục đăng ký khai sinh/);

    // demo.ts prints a "Demo accounts" heading, then one indented line per account: username, password, role.
    const lines = output.split('\n');
    const heading = lines.findIndex((l) => /demo accounts/i.test(l));
    assert.ok(heading >= 0, `the demo accounts are printed:\n${tail(output)}`);
    const accounts = lines.slice(heading + 1).filter((l) => /^\s+\S+\s{2,}\S+\s{2,}\S+/.test(l));
    assert.ok(accounts.length > 0, `at least one demo account line follows the heading:\n${tail(output)}`);
  } finally {
    if (demo) {
      const stopped = new Promise<void>((resolve) => {
        if (demo?.exitCode !== null || demo?.signalCode !== null) resolve();
        else demo.once('exit', () => resolve());
      });
      killGroup(demo, 'SIGTERM');
      const timer = setTimeout(() => killGroup(demo as ChildProcess, 'SIGKILL'), 10_000);
      await stopped;
      clearTimeout(timer);
    }
    rmSync(workDir, { recursive: true, force: true });
  }
});
