import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../observability/logger';

export interface LogCapture {
  logger: Logger;
  /** Every line written so far, as written. */
  text(): string;
  /** Every line parsed: each must be one JSON object. */
  lines(): Record<string, unknown>[];
}

/** The real logger (same redaction, same serializers) writing into memory, so a test can read its lines. */
export function captureLogs(name: string, level: 'trace' | 'debug' | 'info' = 'trace'): LogCapture {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({ level, name, destination });
  const text = () => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
