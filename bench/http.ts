import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadOutcome, LoadSpec } from './load-client.js';
import { integer, ms, percentiles, ratio, table, type Percentiles } from './stats.js';

const loadClient = fileURLToPath(new URL('./load-client.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface HttpSettings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export interface HttpTarget {
  name: string;
  baseUrl: string;
  /** Requested in turn; several realistic queries rather than one cached one. */
  paths: string[];
}

export interface HttpResult {
  name: string;
  paths: string[];
  requests: number;
  rps: number;
  latency: Percentiles;
  errors: number;
  non2xx: number;
}

/**
 * Loads one target with autocannon from a separate process (the server keeps this process's event loop for
 * itself; the two share the machine's cores, so only ratios measured in one run compare).
 */
export async function measureHttp(target: HttpTarget, settings: HttpSettings): Promise<HttpResult> {
  const spec: LoadSpec = { baseUrl: target.baseUrl, paths: target.paths, ...settings };
  const outcome = await new Promise<LoadOutcome>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', loadClient, JSON.stringify(spec)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) return reject(new Error(`load client failed (${code}) for ${target.name}:\n${stderr.slice(-2000)}`));
      resolve(JSON.parse(last) as LoadOutcome);
    });
  });
  return {
    name: target.name,
    paths: target.paths,
    requests: outcome.completed,
    rps: outcome.completed / outcome.seconds,
    latency: percentiles(outcome.latencies),
    errors: outcome.errors + outcome.timeouts,
    non2xx: outcome.non2xx,
  };
}

/** The table every HTTP benchmark prints: absolute figures and each one's ratio to the bare route. */
export function httpTable(results: HttpResult[], baseline: HttpResult): string {
  return table(
    ['target', 'req/s', 'p50', 'p95', 'p99', 'req/s vs bare', 'p50 vs bare', 'errors / non-2xx'],
    results.map((r) => [
      r.name,
      integer(r.rps),
      ms(r.latency.p50),
      ms(r.latency.p95),
      ms(r.latency.p99),
      r === baseline ? '1×' : ratio(r.rps, baseline.rps),
      r === baseline ? '1×' : ratio(r.latency.p50, baseline.latency.p50),
      `${r.errors} / ${r.non2xx}`,
    ]),
  );
}
