import { ReturnUnansweredError } from '../returns/return-reads';
import { HttpProblem } from './problem';

export const returnNotFound = () => new HttpProblem(404, 'return-not-found', 'No such return');

/** A return's workflow that does not answer in time (no worker) is a 503 the caller may retry. */
export function asReturnProblem(error: unknown): unknown {
  if (error instanceof ReturnUnansweredError)
    return new HttpProblem(503, 'return-unavailable', error.message);
  return error;
}
