import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';

// Workflow histories as JSON files for replay tests. The SDK's own historyToJSON/historyFromJSON fail in
// this install ("type must be a Type": @temporalio/common carries its own protobufjs 8 beside the one the
// generated protos were built with), so this uses the protos' own object mapping: 64-bit ids and bytes
// become strings, enums their names, and the file reads back to the identical message.

const HistoryMessage = temporal.api.history.v1.History;

export function historyToFile(history: History): string {
  const message = HistoryMessage.fromObject(history);
  const plain = HistoryMessage.toObject(message, { longs: String, enums: String, bytes: String });
  return `${JSON.stringify(plain, null, 2)}\n`;
}

export function historyFromFile(text: string): History {
  return HistoryMessage.fromObject(JSON.parse(text) as Record<string, unknown>);
}
