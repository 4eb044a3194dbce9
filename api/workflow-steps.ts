import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { HttpProblem } from './problem';

/**
 * Runs a workflow update on behalf of a request. A validator's refusal (wrong state for this step) is the
 * caller's 409 with the workflow's own reason; a workflow that does not exist is a 404.
 */
export async function runStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      throw new HttpProblem(
        409,
        'invalid-state',
        `Cannot ${what} now`,
        error.cause?.message ?? error.message,
      );
    }
    if (error instanceof WorkflowNotFoundError) throw new HttpProblem(404, 'not-found', `Nothing to ${what}`);
    throw error;
  }
}
