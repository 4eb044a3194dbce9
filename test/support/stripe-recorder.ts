import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// stripe-mock is stateless: it answers every create with the same fixture and ignores Idempotency-Key, so
// it cannot tell us how many authorizations a crash caused, or for how much. This pass-through in front of
// it records each request's method, path, Idempotency-Key and form parameters, then forwards it unchanged,
// unless `answer` answers it itself: a Stripe error for one kind of request only, or an object stripe-mock's
// fixtures cannot give (two payment methods of one card).

export interface StripeCall {
  method: string;
  path: string;
  idempotencyKey?: string;
  /** The form-encoded body (or query) as sent, e.g. params.get('amount'). */
  params: URLSearchParams;
  /** The form-encoded request body as sent. */
  body: string;
}

export interface StripeAnswer {
  status: number;
  /** A Stripe object, or `{error: {type, code?, message}}` as Stripe sends errors. */
  body: unknown;
}

export interface StripeRecorder {
  baseUrl: string;
  calls: StripeCall[];
  stop(): Promise<void>;
}

export async function startStripeRecorder(
  target: string,
  answer: (call: StripeCall) => StripeAnswer | undefined = () => undefined,
): Promise<StripeRecorder> {
  const upstream = new URL(target);
  const calls: StripeCall[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const key = req.headers['idempotency-key'];
      const url = new URL(req.url ?? '/', 'http://stripe.local');
      const call: StripeCall = {
        method: req.method ?? '',
        path: req.url ?? '',
        ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
        params: new URLSearchParams(body.length > 0 ? body.toString('utf8') : url.search),
        body: body.toString('utf8'),
      };
      calls.push(call);
      const own = answer(call);
      if (own) {
        res.writeHead(own.status, { 'content-type': 'application/json', 'request-id': 'req_recorder' });
        res.end(JSON.stringify(own.body));
        return;
      }
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
      forwarded.end(body);
    });
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
