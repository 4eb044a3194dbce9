import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

// A redis-server of the test's own (the same Debian binary scripts/stack/install-redis.sh provides), so a
// fault test can kill and restart it without touching the shared stack's Redis on 6379. It keeps nothing
// on disk (no RDB snapshots, no AOF): a restart loses every key, the hardest case for the stock counters.

export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGKILL, as a crashed host would: no shutdown save, and nothing on disk to load back. */
  kill(): Promise<void>;
  /** Starts again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const binary = process.env.REDIS_SERVER_BIN ?? 'redis-server';

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'fault-redis-'));
  let child: ChildProcess | undefined;

  async function start() {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
    args.push('--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning');
    child = spawn(binary, args, { stdio: 'ignore' });
    const started = child;
    for (let i = 0; i < 100; i++) {
      if (started.exitCode !== null) throw new Error(`redis-server exited with ${started.exitCode}`);
      if (await ping(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`private redis-server on ${port} did not answer PING`);
  }

  async function kill() {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    restart: start,
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
