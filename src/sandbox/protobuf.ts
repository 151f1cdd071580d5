// Decoding of the protobuf bodies client-go sends for core types (helm stores releases as Secrets and
// its client prefers `application/vnd.kubernetes.protobuf`). Only the kinds clients send this way are
// described; the answer is always JSON, which client-go accepts.
import protobuf from 'protobufjs';
import type { KubeObject } from './object.js';

// Field numbers from k8s.io/api/core/v1/generated.proto and k8s.io/apimachinery (runtime, meta/v1).
const schema = `
syntax = "proto2";
package k8s;
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; optional string contentEncoding = 3; optional string contentType = 4; }
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message OwnerReference { optional string kind = 1; optional string name = 3; optional string uid = 4; optional string apiVersion = 5; optional bool controller = 6; optional bool blockOwnerDeletion = 7; }
message ObjectMeta {
  optional string name = 1; optional string generateName = 2; optional string namespace = 3; optional string selfLink = 4;
  optional string uid = 5; optional string resourceVersion = 6; optional int64 generation = 7;
  optional Time creationTimestamp = 8; optional Time deletionTimestamp = 9; optional int64 deletionGracePeriodSeconds = 10;
  map<string, string> labels = 11; map<string, string> annotations = 12; repeated OwnerReference ownerReferences = 13;
  repeated string finalizers = 14;
}
message Secret { optional ObjectMeta metadata = 1; map<string, bytes> data = 2; optional string type = 3; map<string, string> stringData = 4; optional bool immutable = 5; }
message ConfigMap { optional ObjectMeta metadata = 1; map<string, string> data = 2; map<string, bytes> binaryData = 3; optional bool immutable = 4; }
message NamespaceSpec { repeated string finalizers = 1; }
message Namespace { optional ObjectMeta metadata = 1; optional NamespaceSpec spec = 2; }
message Preconditions { optional string uid = 1; optional string resourceVersion = 2; }
message DeleteOptions { optional int64 gracePeriodSeconds = 1; optional Preconditions preconditions = 2; optional bool orphanDependents = 3; optional string propagationPolicy = 4; repeated string dryRun = 5; }
`;

const root = protobuf.parse(schema).root;
const Unknown = root.lookupType('k8s.Unknown');
const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

export class ProtobufError extends Error {
  constructor(
    message: string,
    /** The body is well-formed but of a kind the sandbox has no schema for (answered 415). */
    readonly unsupported = false,
  ) {
    super(message);
  }
}

export const isProtobuf = (contentType: string | undefined): boolean =>
  (contentType ?? '').startsWith('application/vnd.kubernetes.protobuf');

const timeToString = (time: unknown): string | undefined => {
  const seconds = (time as { seconds?: string } | undefined)?.seconds;
  return seconds ? new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
};

/** Decodes a `k8s\0`-framed body into the JSON form of the object. */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (!body.subarray(0, 4).equals(magic))
    throw new ProtobufError('protobuf body does not start with "k8s\\0"');
  const unknown = Unknown.toObject(Unknown.decode(body.subarray(4)), { bytes: Buffer }) as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: Buffer;
  };
  const kind = unknown.typeMeta?.kind ?? '';
  const apiVersion = unknown.typeMeta?.apiVersion ?? '';
  let type: protobuf.Type;
  try {
    type = root.lookupType(`k8s.${kind}`);
  } catch {
    throw new ProtobufError(
      `protobuf bodies of kind "${kind}" are not supported by the sandbox; send JSON`,
      true,
    );
  }
  const decoded = type.toObject(type.decode(unknown.raw ?? Buffer.alloc(0)), {
    longs: Number,
    bytes: String, // base64, as in JSON
    defaults: false,
  }) as Record<string, unknown> & { metadata?: Record<string, unknown> };
  const meta = decoded.metadata;
  if (meta) {
    meta.creationTimestamp = timeToString(meta.creationTimestamp);
    meta.deletionTimestamp = timeToString(meta.deletionTimestamp);
    for (const key of Object.keys(meta)) {
      const value = meta[key];
      if (
        value === undefined ||
        (typeof value === 'object' && value !== null && Object.keys(value).length === 0)
      )
        delete meta[key];
    }
  }
  return { apiVersion, kind, ...decoded } as KubeObject;
}
