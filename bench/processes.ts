import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

// The order bench runs our processes as they run in production, one node process each, so their memory can
// be read apart and the load generator's own work is not counted against them.

export interface BenchProcess {
  name: string;
  pid: number;
  /** Resident set size now, in bytes, from /proc (0 once the process is gone). */
  rss(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
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

function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Starts `dist/<script>` with the given environment; its output is kept and shown only if it dies early.
 * With `logFile` its output goes to that file, as in production, instead of through this process (which
 * is the load generator, and would pay for reading a busy process's log lines).
 */
export function startProcess(
  name: string,
  script: string,
  env: Record<string, string>,
  { logFile }: { logFile?: string } = {},
): BenchProcess {
  const fd = logFile ? openSync(logFile, 'w') : undefined;
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, '..', script)], {
    env: { ...process.env, ...env },
    stdio: fd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd],
  });
  if (fd !== undefined) closeSync(fd);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code) => {
      exited = true;
      if (code) {
        const log = logFile ? readFileSync(logFile, 'utf8').slice(-4000) : output;
        process.stderr.write(`\nbench: ${name} exited with ${code}:\n${log}\n`);
      }
      resolve();
    });
  });
  if (!child.pid) throw new Error(`could not start ${name}`);
  const pid = child.pid;
  return {
    name,
    pid,
    rss: () => (exited ? 0 : rssOf(pid)),
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Samples the processes' RSS while `work` runs and returns each one's peak. */
export async function peakRssDuring<T>(
  processes: BenchProcess[],
  work: () => Promise<T>,
): Promise<{ result: T; peaks: Map<string, number> }> {
  const peaks = new Map(processes.map((p) => [p.name, p.rss()]));
  const sample = () => {
    for (const p of processes) peaks.set(p.name, Math.max(peaks.get(p.name) ?? 0, p.rss()));
  };
  const timer = setInterval(sample, 100);
  try {
    const result = await work();
    sample();
    return { result, peaks };
  } finally {
    clearInterval(timer);
  }
}
