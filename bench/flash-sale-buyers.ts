// A separate OS process of storefront buyers in a flash sale, each doing what a browser tab would: join the
// line, poll as told, and check out the moment it holds the units. Usage:
//   node flash-sale-buyers.js <plan.json>   (plan: FlashSaleBuyersPlan); prints a FlashSaleBuyersReport.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export interface FlashSaleBuyersPlan {
  apiUrls: string[];
  sku: string;
  /** Buyers arrive spread over this many milliseconds, as a crowd does when a sale is announced. */
  arrivalMs: number;
  buyers: { token: string; ip: string }[];
}

/** One winner's steps, as epoch milliseconds on this machine's clock, to see where its time goes. */
export interface WinnerSteps {
  ticket: string;
  orderId: string;
  arrivedAt: number;
  joinedAt: number;
  /** When this buyer first saw its ticket held (on a poll or on the join itself). */
  heldSeenAt: number;
  /** When POST /orders answered 202. */
  placedAt: number;
  requests: number;
}

export interface FlashSaleBuyersReport {
  buyers: number;
  joined: number;
  held: number;
  ordered: WinnerSteps[];
  /** Per buyer told sold out: when (epoch ms) and after how many requests of its own. */
  soldOutAt: number[];
  soldOutRequests: number[];
  soldOut: number;
  expired: number;
  throttled: number;
  /** Answers no storefront should ever see (5xx, unexpected 4xx); the run is invalid if any. */
  unexpected: string[];
  requests: number;
}

const shipTo = {
  name: 'Flash Buyer',
  line1: '1 Main St',
  city: 'Austin',
  region: 'TX',
  postalCode: '78701',
  country: 'US',
};

// A bounded pool per process, as a real crowd arrives over many connections but each client reuses one.
const agent = new Agent({ keepAlive: true, maxSockets: 128 });

interface Answer {
  status: number;
  body: Record<string, unknown>;
  retryAfterS: number;
}

function send(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${path}`,
      {
        method,
        agent,
        headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
            retryAfterS: Number(res.headers['retry-after'] ?? 1),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function buyer(plan: FlashSaleBuyersPlan, index: number, report: FlashSaleBuyersReport): Promise<void> {
  const me = plan.buyers[index];
  if (!me) return;
  const baseUrl = plan.apiUrls[index % plan.apiUrls.length] ?? '';
  const headers = { authorization: `Bearer ${me.token}`, 'x-forwarded-for': me.ip };
  let mine = 0;
  const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    for (let attempt = 1; ; attempt += 1) {
      report.requests += 1;
      mine += 1;
      // A kept-alive socket the server closed while idle fails the next request on it; browsers retry
      // such a request once, and every call here is safe to repeat (joins per buyer, orders per key).
      const answer = await send(baseUrl, method, path, { ...headers, ...extra }, body).catch(
        (error: unknown) => {
          if (attempt < 3 && (error as { code?: string }).code === 'ECONNRESET') return undefined;
          throw error;
        },
      );
      if (!answer) continue;
      if (answer.status !== 429) return answer;
      report.throttled += 1;
      await pause(answer.retryAfterS * 1000);
    }
  };
  const unexpected = (what: string, answer: Answer): void => {
    report.unexpected.push(`${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
  };

  const soldOut = () => {
    report.soldOut += 1;
    report.soldOutAt.push(Date.now());
    report.soldOutRequests.push(mine);
  };

  await pause(Math.random() * plan.arrivalMs);
  const arrivedAt = Date.now();
  const joined = await call('POST', `/flash-sales/${plan.sku}/queue`, { quantity: 1 });
  const joinedAt = Date.now();
  if (joined.status === 409) return soldOut();
  if (joined.status !== 201 && joined.status !== 200) return unexpected('join', joined);
  report.joined += 1;
  const ticket = String(joined.body.ticket);
  let view = joined.body;
  for (;;) {
    if (view.status === 'held') {
      report.held += 1;
      const heldSeenAt = Date.now();
      const placed = await call(
        'POST',
        '/orders',
        { flashSale: { sku: plan.sku, ticket }, shipTo, paymentMethodId: 'pm_card_visa' },
        { 'idempotency-key': `flash-${ticket}` },
      );
      if (placed.status !== 202) return unexpected('checkout', placed);
      const steps = { arrivedAt, joinedAt, heldSeenAt, placedAt: Date.now(), requests: mine };
      report.ordered.push({ ticket, orderId: String(placed.body.orderId), ...steps });
      return;
    }
    if (view.status === 'sold_out') return soldOut();
    if (view.status === 'expired') {
      report.expired += 1;
      return;
    }
    // Ordered from another tab: this one has nothing left to do.
    if (view.status === 'ordered') return;
    await pause(Number(view.pollAfterMs ?? 1000) * (0.9 + Math.random() * 0.2));
    const polled = await call('GET', `/flash-sales/${plan.sku}/queue/${ticket}`);
    if (polled.status !== 200) return unexpected('poll', polled);
    view = polled.body;
  }
}

async function main(): Promise<void> {
  const plan = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as FlashSaleBuyersPlan;
  const report: FlashSaleBuyersReport = {
    buyers: plan.buyers.length,
    joined: 0,
    held: 0,
    ordered: [],
    soldOutAt: [],
    soldOutRequests: [],
    soldOut: 0,
    expired: 0,
    throttled: 0,
    unexpected: [],
    requests: 0,
  };
  await Promise.all(
    plan.buyers.map((_, i) =>
      buyer(plan, i, report).catch((error: unknown) => {
        report.unexpected.push(`buyer ${i}: ${error instanceof Error ? error.message : String(error)}`);
      }),
    ),
  );
  agent.destroy();
  process.stdout.write(JSON.stringify(report));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
