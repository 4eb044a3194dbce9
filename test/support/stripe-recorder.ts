import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// stripe-mock is stateless: it answers every create with the same fixture and ignores Idempotency-Key, so
// it cannot tell us how many authorizations a crash caused. This pass-through in front of it records each
// request's method, path and Idempotency-Key, then forwards it unchanged.

export interface StripeCall {
  method: string;
  path: string;
  idempotencyKey?: string;
  /** The form-encoded request body, once it has been read. */
  body?: string;
}

export interface StripeRecorder {
  baseUrl: string;
  calls: StripeCall[];
  stop(): Promise<void>;
}

export async function startStripeRecorder(target: string): Promise<StripeRecorder> {
  const upstream = new URL(target);
  const calls: StripeCall[] = [];
  const server: Server = createServer((req, res) => {
    const key = req.headers['idempotency-key'];
    const call: StripeCall = {
      method: req.method ?? '',
      path: req.url ?? '',
      ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
    };
    calls.push(call);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      call.body = Buffer.concat(chunks).toString('utf8');
    });
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
