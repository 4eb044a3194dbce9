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

/** Requests held back from stripe-mock until released: a payment provider that is slow to answer. */
export interface StripeHold {
  /** How many matching requests arrived and are waiting. */
  readonly waiting: number;
  /** Forwards every held request, and the ones that arrive later, at once. */
  release(): void;
}

export interface StripeRecorder {
  baseUrl: string;
  calls: StripeCall[];
  /** Holds requests that match until `release()`: a test can then act while they are surely in flight. */
  hold(matches: (call: StripeCall) => boolean): StripeHold;
  stop(): Promise<void>;
}

interface OpenHold {
  matches: (call: StripeCall) => boolean;
  waiting: number;
  released: Promise<void>;
}

export async function startStripeRecorder(
  target: string,
  answer: (call: StripeCall) => StripeAnswer | undefined = () => undefined,
): Promise<StripeRecorder> {
  const upstream = new URL(target);
  const calls: StripeCall[] = [];
  const holds: OpenHold[] = [];
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
      const forward = () => {
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
      };
      const hold = holds.find((h) => h.matches(call));
      if (!hold) return forward();
      hold.waiting += 1;
      void hold.released.then(forward);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    hold: (matches) => {
      let release = () => {};
      const open: OpenHold = {
        matches,
        waiting: 0,
        released: new Promise<void>((resolve) => (release = resolve)),
      };
      holds.push(open);
      return {
        get waiting() {
          return open.waiting;
        },
        release: () => {
          if (holds.includes(open)) holds.splice(holds.indexOf(open), 1);
          release();
        },
      };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
