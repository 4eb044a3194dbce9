import type { Client } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';

/** A query waits for a worker; with none answering, a read gives up after this and says so. */
const queryPatienceMs = 3_000;

/** The workflow's answer to `query`, or `undefined` when no worker answered within the patience. */
export async function queryWithin<T>(
  temporal: Client,
  workflowId: string,
  query: QueryDefinition<T>,
): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), queryPatienceMs);
  });
  try {
    return await Promise.race([temporal.workflow.getHandle(workflowId).query(query), gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}
