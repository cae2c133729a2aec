// The load generator, run as its own process by http.ts so that it does not share the server's event loop.
// Input: one JSON argument (LoadSpec). Output: one JSON line (LoadOutcome) on stdout.
import autocannon, { type AutocannonOptions } from 'autocannon';

export interface LoadSpec {
  baseUrl: string;
  /** Paths requested in turn by every connection. */
  paths: string[];
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export interface LoadOutcome {
  completed: number;
  seconds: number;
  /** Every response time in milliseconds (autocannon's own histogram has 1 ms resolution: too coarse here). */
  latencies: number[];
  errors: number;
  timeouts: number;
  non2xx: number;
}

function load(spec: LoadSpec, seconds: number, record: boolean): Promise<LoadOutcome> {
  const options: AutocannonOptions = {
    url: spec.baseUrl,
    connections: spec.connections,
    duration: seconds,
    timeout: 10,
    requests: spec.paths.map((path) => ({ method: 'GET', path })),
  };
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const started = performance.now();
    const instance = autocannon(options, (error, result) => {
      if (error) return reject(error);
      resolve({
        completed: latencies.length,
        seconds: (performance.now() - started) / 1000,
        latencies: record ? latencies : [],
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
      });
    });
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
      latencies.push(responseTimeMs);
    });
  });
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
if (spec.warmupSeconds > 0) await load(spec, spec.warmupSeconds, false);
const outcome = await load(spec, spec.durationSeconds, true);
process.stdout.write(`${JSON.stringify(outcome)}\n`);
