import { Context, log } from '@temporalio/activity';

/**
 * A warning from code that runs as an activity on a worker (where the SDK's logger adds the workflow and
 * activity ids) and also outside one: the API calls inventory steps directly, and tests and scripts call
 * activities as plain functions. Outside an activity the SDK's logger throws, which must never turn a
 * warning about a side effect into a failed stock move; there the line goes to stderr as JSON.
 */
export function warnFromActivity(message: string, meta: Record<string, unknown>): void {
  let inActivity = true;
  try {
    Context.current();
  } catch {
    inActivity = false;
  }
  if (inActivity) log.warn(message, meta);
  else process.stderr.write(`${JSON.stringify({ level: 'warn', msg: message, ...meta })}\n`);
}
