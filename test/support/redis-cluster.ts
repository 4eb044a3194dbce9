import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import type { RedisClient } from '../../integrations/redis';

// The scale tests' own Redis Cluster (scripts/stack/redis-cluster.sh): which node serves a key, and the
// faults a test can cause on it. Nodes are started and restarted only through that script, by port, so
// its pid files stay the one record of what runs.

const run = promisify(execFile);
const clusterScript = resolve(__dirname, '../../../scripts/stack/redis-cluster.sh');

export const testClusterNodes = process.env.TEST_REDIS_CLUSTER_NODES ?? '';

export interface Shard {
  masterPort: number;
  replicaPort: number;
}

/** The master serving a key's slot and its replica, as the cluster itself reports them now. */
export async function shardOf(redis: RedisClient, key: string): Promise<Shard> {
  if (!(redis instanceof Cluster)) throw new Error('not a Redis Cluster client');
  const slot = Number(await redis.cluster('KEYSLOT', key));
  const ranges = (await redis.cluster('SLOTS')) as unknown as Array<
    [number, number, ...Array<[string, number]>]
  >;
  const range = ranges.find(([from, to]) => slot >= from && slot <= to);
  const [, , master, replica] = range ?? [];
  if (!master || !replica) throw new Error(`slot ${slot} has no master with a replica`);
  return { masterPort: Number(master[1]), replicaPort: Number(replica[1]) };
}

async function onNode<T>(port: number, work: (node: Redis) => Promise<T>): Promise<T> {
  const node = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await node.connect();
    return await work(node);
  } finally {
    node.disconnect();
  }
}

export async function roleOf(port: number): Promise<string> {
  return onNode(port, async (node) => String((await node.role())[0])).catch(() => 'down');
}

/** A replica that is linked to its master and in step with it (what a replica needs to acknowledge writes). */
export async function replicaLinked(port: number): Promise<boolean> {
  return onNode(port, async (node) => {
    const info = await node.info('replication');
    return /role:slave/.test(info) && /master_link_status:up/.test(info);
  }).catch(() => false);
}

/** Planned failover: the replica takes over only after it has every write of its master. */
export async function failOverGracefully(replicaPort: number): Promise<void> {
  await onNode(replicaPort, (node) => node.cluster('FAILOVER'));
}

/** kill -9 on the master, as a crashed host: no handover, whatever was not replicated yet is gone. */
export async function killNode(port: number): Promise<void> {
  const info = await onNode(port, (node) => node.info('server'));
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  if (!pid) throw new Error(`no process id from node ${port}`);
  process.kill(pid, 'SIGKILL');
}

/** Starts a killed node again; it rejoins the cluster, as a replica of whoever took its slots. */
export async function restartNode(port: number): Promise<void> {
  await run('bash', [clusterScript, 'start-node', String(port)]);
}
