import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import {
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';

const reads = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Which traces to keep. Everything that changes something (an order, a payment, a webhook, a workflow's
 * work) is always traced; catalog and search reads, which are most requests and all alike, only at
 * `readRatio`. Child spans follow their parent's decision, so a read that is not kept costs no Redis or
 * MongoDB spans either.
 */
class ReadsAtRatioSampler implements Sampler {
  private readonly always = new AlwaysOnSampler();
  private readonly ratio: TraceIdRatioBasedSampler;

  constructor(private readonly readRatio: number) {
    this.ratio = new TraceIdRatioBasedSampler(readRatio);
  }

  shouldSample(
    context: Context,
    traceId: string,
    _spanName: string,
    _spanKind: SpanKind,
    attributes: Attributes,
    _links: Link[],
  ): SamplingResult {
    const method = attributes['http.method'] ?? attributes['http.request.method'];
    if (typeof method === 'string' && reads.has(method)) return this.ratio.shouldSample(context, traceId);
    return this.always.shouldSample();
  }

  toString(): string {
    return `ReadsAtRatio{${this.readRatio}}`;
  }
}

export function marketplaceSampler(readRatio: number): Sampler {
  return new ParentBasedSampler({ root: new ReadsAtRatioSampler(readRatio) });
}
