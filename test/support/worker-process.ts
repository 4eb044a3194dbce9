import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { workflowBundle } from './services';

// Runs test/support/worker-entry in a child process that a test may SIGKILL, and restarts it.

export interface WorkerProcess {
  pid: number;
  /** Resolves with the first output line matching `pattern` (already printed or still to come). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** kill -9: no shutdown, no activity completion reported, the sticky workflow cache lost. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Bundles the workflows once and writes the code where every worker process of this test can load it. */
export async function writeWorkflowBundle(dir: string): Promise<string> {
  const path = join(dir, 'workflow-bundle.js');
  await writeFile(path, (await workflowBundle()).code);
  return path;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [require.resolve('./worker-entry')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });

  const waitForLine = (pattern: RegExp, timeoutMs = 30_000) => {
    const seen = lines.find((line) => pattern.test(line));
    if (seen) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker never printed ${pattern}`)), timeoutMs);
      const gone = () => reject(new Error(`worker exited before printing ${pattern}`));
      child.once('exit', gone);
      waiters.push({
        pattern,
        resolve: (line) => {
          clearTimeout(timer);
          child.off('exit', gone);
          resolve(line);
        },
      });
    });
  };

  await waitForLine(/^polling$/, 60_000);
  return {
    pid: child.pid ?? 0,
    waitForLine,
    async kill() {
      const done = exited(child);
      child.kill('SIGKILL');
      await done;
    },
    async stop() {
      const done = exited(child);
      child.kill('SIGTERM');
      await done;
    },
  };
}
