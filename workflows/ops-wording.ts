// The wording moved to domain/ops-wording.ts (activities word payout runs the same way, and may not import
// workflows/). Kept so the routes and workflows of the other capabilities compile until their imports are
// pointed there; nothing new should import this file.
export * from '../domain/ops-wording';
