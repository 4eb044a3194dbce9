import autocannon from 'autocannon';

// Load generators shared by every measurement: HTTP load through autocannon, and a closed loop of concurrent
// async calls for code that is not behind HTTP (a Redis script, a database query).

export interface LoadFigures {
  p50Ms: number;
  p99Ms: number;
  perSecond: number;
  /** Requests that failed (non-2xx or connection errors); a figure built on failures is worthless. */
  failures: number;
}

export async function httpLoad(
  url: string,
  { connections = 50, seconds = 5, warmupSeconds = 1 } = {},
): Promise<LoadFigures> {
  if (warmupSeconds > 0) await autocannon({ url, connections, duration: warmupSeconds });
  const result = await autocannon({ url, connections, duration: seconds });
  return {
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    perSecond: result.requests.average,
    failures: result.non2xx + result.errors,
  };
}

/** Runs `operation` with `concurrency` calls in flight for `seconds`, timing each call. */
export async function loopLoad(
  operation: (i: number) => Promise<unknown>,
  { concurrency = 50, seconds = 5 } = {},
): Promise<LoadFigures> {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const i = next++;
        const t0 = performance.now();
        try {
          await operation(i);
          latencies.push(performance.now() - t0);
        } catch {
          failures += 1;
        }
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    perSecond: latencies.length / elapsedS,
    failures,
  };
}

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
