import { randomBytes } from 'node:crypto';
import express from 'express';

// The baseline for POST /orders latency: a bare Express process with the same JSON parser and the same 202
// answer, doing nothing else. The difference to ours is auth, validation, the idempotency record and the
// workflow start.
const app = express();
app.use(express.json({ limit: '100kb' }));
app.post('/orders', (_req, res) => {
  const orderId = `ord_${randomBytes(8).toString('hex')}`;
  res.status(202).location(`/orders/${orderId}`).json({ orderId, status: 'received' });
});
app.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
