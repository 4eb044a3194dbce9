// A separate OS process standing for every other shopper during a flash sale: it reads one product page
// (GET /products/:id) until told to stop on stdin, then prints its latencies. Each of <concurrency> readers
// starts a read at most every <intervalMs>, so the shoppers ask at a steady pace (concurrency × 1000 /
// intervalMs reads a second) however fast the API answers; 0 reads back to back.
// Usage: node flash-sale-probe.js <apiUrl> <productId> <concurrency> [intervalMs]
import { Agent, request } from 'node:http';
import { percentile } from './load';

export interface ProbeReport {
  requests: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const [apiUrl = '', productId = '', concurrency = '4', intervalMs = '0'] = process.argv.slice(2);
  const url = `${apiUrl}/products/${productId}`;
  let stopping = false;
  process.stdin.on('data', () => (stopping = true));
  process.stdin.on('end', () => (stopping = true));
  const latencies: number[] = [];
  let failures = 0;
  await Promise.all(
    Array.from({ length: Number(concurrency) }, async () => {
      while (!stopping) {
        const started = performance.now();
        const status = await get(url).catch(() => 0);
        if (status === 200) latencies.push(performance.now() - started);
        else failures += 1;
        const rest = Number(intervalMs) - (performance.now() - started);
        if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const report: ProbeReport = {
    requests: latencies.length + failures,
    failures,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies[latencies.length - 1] ?? Number.NaN,
  };
  agent.destroy();
  process.stdout.write(JSON.stringify(report));
  process.stdin.destroy();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
