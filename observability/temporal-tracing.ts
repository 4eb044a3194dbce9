import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import { tracing } from './tracing';

// The Temporal side of a trace: the client puts the caller's span context in the workflow's headers, the
// workflow's spans (exported from the sandbox through a sink) continue it, and each activity continues
// the workflow's. With tracing off none of this is installed.

/** The workflow-side interceptor module, bundled into workflow code when tracing is on. */
export const workflowTracingModule =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export function clientTracingInterceptors(): WorkflowClientInterceptor[] {
  return tracing().enabled ? [new OpenTelemetryWorkflowClientInterceptor()] : [];
}

export function activityTracingInterceptors(): ActivityInterceptorsFactory[] {
  if (!tracing().enabled) return [];
  return [
    (ctx) => ({
      inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
      outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
    }),
  ];
}

export function workflowTracingModules(): string[] {
  return tracing().enabled ? [workflowTracingModule] : [];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function workflowTracingSinks(): InjectedSinks<any> {
  const current = tracing();
  return current.enabled ? { exporter: makeWorkflowExporter(current.spanProcessor, current.resource) } : {};
}
