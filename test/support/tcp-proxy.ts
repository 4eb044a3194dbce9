import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './free-port';

// A TCP pass-through this test owns, put between our clients and a shared service. Cutting it is, for the
// clients, exactly the service going down (open connections reset, new ones refused), while the shared
// service keeps serving everyone else.

export interface TcpProxy {
  url: string;
  port: number;
  /** Drops every open connection and stops listening: connections are refused until restore(). */
  cut(): Promise<void>;
  restore(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;

  function listen(): Promise<void> {
    if (server) return Promise.resolve();
    const s = createServer((client) => {
      // A connection accepted while cut() is closing this server would keep close() waiting forever.
      if (server !== s) {
        client.destroy();
        return;
      }
      const upstream = connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    server = s;
    return new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
  }

  async function cut() {
    const s = server;
    server = undefined;
    const closed = s ? new Promise<void>((resolve) => s.close(() => resolve())) : Promise.resolve();
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  await listen();
  return { url: `http://127.0.0.1:${port}`, port, cut, restore: listen, stop: cut };
}
