import { createRequire } from 'node:module';
import protos from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root.js';

// Histories as the standard proto3 JSON (what `temporal workflow show --output json` and the Web UI download
// write). @temporalio/common's historyToJSON / historyFromJSON cannot be used here: this install holds two copies
// of protobufjs 8 (one under @temporalio/common, one under @temporalio/proto), and protojson from the first
// refuses the types of the second ("type must be a Type"). Using the copy that loaded the types avoids it.

type History = protos.temporal.api.history.v1.IHistory;
interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): History | null;
}

const require = createRequire(import.meta.url);
const protojson = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson;
const root = patchProtobufRoot(protos) as unknown as { lookupType(name: string): unknown };
const historyType = root.lookupType('temporal.api.history.v1.History');

export function historyToJson(history: History): string {
  return JSON.stringify(protojson.toJson(historyType, protos.temporal.api.history.v1.History.fromObject(history)), null, 2);
}

/** A History whose event ids are Longs, which the replay worker takes as is. */
export function historyFromJson(json: unknown): History {
  const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history) throw new TypeError('not a history');
  return history;
}
