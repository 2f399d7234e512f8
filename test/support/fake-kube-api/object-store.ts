import { randomUUID } from "node:crypto";
import { apiVersionOf, type ResourceType } from "./resource-types.ts";

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string; creationTimestamp?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoredEvent {
  readonly resourceVersion: number;
  readonly type: ResourceType;
  readonly eventType: WatchEventType;
  readonly object: KubeObject;
}

/** An API error as the server reports it: HTTP code plus Status `reason`. */
export class StoreError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string) {
    super(message);
  }
}

/**
 * etcd in miniature: one resourceVersion counter for every object, a history of changes that watches replay
 * from, and compaction, after which a watch from an older resourceVersion gets 410 Gone.
 */
export class ObjectStore {
  private version = 1000;
  private readonly objects = new Map<ResourceType, Map<string, KubeObject>>();
  private history: StoredEvent[] = [];
  private compactedThrough = 0;
  private readonly listeners = new Set<(event: StoredEvent) => void>();

  currentVersion(): number {
    return this.version;
  }

  list(type: ResourceType, namespace: string | null): KubeObject[] {
    return [...this.bucket(type).values()]
      .filter((o) => namespace === null || o.metadata.namespace === namespace)
      .map((o) => structuredClone(o));
  }

  get(type: ResourceType, namespace: string | null, name: string): KubeObject {
    const found = this.bucket(type).get(keyOf(type, namespace, name));
    if (found === undefined) throw notFound(type, name);
    return structuredClone(found);
  }

  has(type: ResourceType, namespace: string | null, name: string): boolean {
    return this.bucket(type).has(keyOf(type, namespace, name));
  }

  create(type: ResourceType, object: KubeObject): KubeObject {
    const key = keyOf(type, object.metadata.namespace ?? null, object.metadata.name);
    if (this.bucket(type).has(key)) {
      throw new StoreError(409, "AlreadyExists", `${type.resource} "${object.metadata.name}" already exists`);
    }
    const stored = this.stamp(type, {
      ...object,
      metadata: { creationTimestamp: new Date().toISOString(), ...object.metadata, uid: object.metadata.uid ?? randomUUID() },
    });
    this.bucket(type).set(key, stored);
    this.record(type, "ADDED", stored);
    return structuredClone(stored);
  }

  /** Replaces an object; a `metadata.resourceVersion` in the new object is a precondition, as on the API. */
  update(type: ResourceType, object: KubeObject): KubeObject {
    const key = keyOf(type, object.metadata.namespace ?? null, object.metadata.name);
    const current = this.bucket(type).get(key);
    if (current === undefined) throw notFound(type, object.metadata.name);
    const wanted = object.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== "" && wanted !== current.metadata.resourceVersion) {
      throw new StoreError(409, "Conflict", `Operation cannot be fulfilled on ${type.resource} "${object.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    const stored = this.stamp(type, {
      ...object,
      metadata: { ...object.metadata, uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp },
    });
    if (sameContent(current, stored)) return structuredClone(current);
    this.bucket(type).set(key, stored);
    this.record(type, "MODIFIED", stored);
    return structuredClone(stored);
  }

  /** Test driver: create or replace, no precondition. */
  put(type: ResourceType, object: KubeObject): KubeObject {
    const exists = this.has(type, object.metadata.namespace ?? null, object.metadata.name);
    if (!exists) return this.create(type, object);
    const { resourceVersion: _ignored, ...metadata } = object.metadata;
    return this.update(type, { ...object, metadata: metadata as KubeObject["metadata"] });
  }

  delete(type: ResourceType, namespace: string | null, name: string): KubeObject {
    const key = keyOf(type, namespace, name);
    const current = this.bucket(type).get(key);
    if (current === undefined) throw notFound(type, name);
    this.bucket(type).delete(key);
    const gone = this.stamp(type, current);
    this.record(type, "DELETED", gone);
    return structuredClone(gone);
  }

  /** Changes to `type` after `resourceVersion`, or `"expired"` when history that old has been compacted. */
  eventsSince(type: ResourceType, namespace: string | null, resourceVersion: number): StoredEvent[] | "expired" {
    if (resourceVersion < this.compactedThrough) return "expired";
    return this.history.filter((e) => e.type === type && e.resourceVersion > resourceVersion && (namespace === null || e.object.metadata.namespace === namespace));
  }

  /** Forgets all history: any watch from an earlier resourceVersion now gets 410 Gone. */
  compact(): void {
    this.compactedThrough = this.version;
    this.history = [];
  }

  subscribe(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private stamp(type: ResourceType, object: KubeObject): KubeObject {
    this.version += 1;
    const namespaced = type.namespaced ? { namespace: object.metadata.namespace ?? "default" } : {};
    return structuredClone({
      ...object,
      apiVersion: apiVersionOf(type),
      kind: type.kind,
      metadata: { ...object.metadata, ...namespaced, resourceVersion: String(this.version) },
    });
  }

  private record(type: ResourceType, eventType: WatchEventType, object: KubeObject): void {
    const event = { resourceVersion: this.version, type, eventType, object };
    this.history.push(event);
    for (const listener of this.listeners) listener(event);
  }

  private bucket(type: ResourceType): Map<string, KubeObject> {
    let bucket = this.objects.get(type);
    if (bucket === undefined) {
      bucket = new Map();
      this.objects.set(type, bucket);
    }
    return bucket;
  }
}

function keyOf(type: ResourceType, namespace: string | null, name: string): string {
  return type.namespaced ? `${namespace ?? "default"}/${name}` : name;
}

function notFound(type: ResourceType, name: string): StoreError {
  return new StoreError(404, "NotFound", `${type.resource}${type.group === "" ? "" : `.${type.group}`} "${name}" not found`);
}

/** An update that changes nothing gets no new resourceVersion and no watch event, as on a real API server. */
function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: "" } });
  return strip(a) === strip(b);
}
