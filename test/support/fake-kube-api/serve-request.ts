import type { IncomingMessage, ServerResponse } from "node:http";
import { applyPatch, PatchError, patchTypeOf } from "./apply-patch.ts";
import { parseFieldSelector } from "./field-selector.ts";
import { type KubeObject, type ObjectStore, StoreError } from "./object-store.ts";
import type { ApiRequest } from "./request-log.ts";
import type { RequestPath } from "./request-path.ts";
import { apiVersionOf } from "./resource-types.ts";
import { WatchStream } from "./watch-stream.ts";

export interface WatchOptions {
  readonly onOpen: (stream: WatchStream) => void;
  readonly onClose: (stream: WatchStream) => void;
}

/** Answers one API request against the store, the way kube-apiserver would for these resources. */
export async function serveRequest(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  path: RequestPath,
  call: ApiRequest,
  store: ObjectStore,
  watch: WatchOptions,
): Promise<void> {
  const { type, namespace, name, subresource } = path;
  try {
    switch (call.verb) {
      case "list": {
        const selected = parseFieldSelector(type, url.searchParams.get("fieldSelector")) ?? (() => true);
        return sendJson(response, 200, {
          kind: `${type.kind}List`,
          apiVersion: apiVersionOf(type),
          metadata: { resourceVersion: String(store.currentVersion()) },
          items: store.list(type, namespace).filter(selected),
        });
      }
      case "watch":
        return openWatch(response, url, path, store, watch, call);
      case "get":
        return sendJson(response, 200, store.get(type, namespace, requireName(name)));
      case "create": {
        const body = await readJson(request);
        const object = withPlace(body, namespace);
        return sendJson(response, 201, store.create(type, object));
      }
      case "update": {
        const body = withPlace(await readJson(request), namespace);
        if (body.metadata.name !== name) throw new StoreError(400, "BadRequest", "the name in the body does not match the URL");
        if (subresource === "status") {
          const current = store.get(type, namespace, body.metadata.name);
          const wanted = body.metadata.resourceVersion;
          return sendJson(response, 200, store.update(type, { ...current, status: body.status, metadata: { ...current.metadata, ...(wanted === undefined ? {} : { resourceVersion: wanted }) } }));
        }
        const current = store.get(type, namespace, body.metadata.name);
        return sendJson(response, 200, store.update(type, subresource === null && "status" in current ? { ...body, status: current.status } : body));
      }
      case "patch": {
        const patchType = patchTypeOf(request.headers["content-type"]);
        if (patchType === null) throw new StoreError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
        const current = store.get(type, namespace, requireName(name));
        const patched = applyPatch(current, await readJson(request), patchType) as KubeObject;
        const precondition = patched.metadata.resourceVersion;
        const next = subresource === "status"
          ? { ...current, status: patched.status, metadata: { ...current.metadata, resourceVersion: precondition } }
          : { ...patched, ...("status" in current ? { status: current.status } : {}) };
        return sendJson(response, 200, store.update(type, next as KubeObject));
      }
      case "delete":
        return sendJson(response, 200, store.delete(type, namespace, requireName(name)));
    }
  } catch (error) {
    if (error instanceof StoreError) return sendStatus(response, error.code, error.reason, error.message);
    if (error instanceof PatchError || error instanceof SyntaxError) return sendStatus(response, 422, "Invalid", error.message);
    throw error;
  }
}

function openWatch(response: ServerResponse, url: URL, path: RequestPath, store: ObjectStore, watch: WatchOptions, call: ApiRequest): void {
  // Filtering on the object as it is now is enough for the fields served here (a Secret's type is immutable);
  // kube-apiserver also turns an object leaving the selection into DELETED and one entering it into ADDED.
  const selected = parseFieldSelector(path.type, url.searchParams.get("fieldSelector")) ?? (() => true);
  const raw = url.searchParams.get("resourceVersion") ?? "";
  const bookmarks = url.searchParams.get("allowWatchBookmarks") === "true";
  let unsubscribe = (): void => {};
  let timer: NodeJS.Timeout | undefined;
  const stream = new WatchStream(response, bookmarks, () => {
    unsubscribe();
    clearTimeout(timer);
    watch.onClose(stream);
  });
  call.status = 200;
  watch.onOpen(stream);
  const from = raw === "" || raw === "0" ? null : Number(raw);
  if (from === null) {
    // No resourceVersion: the current state as synthetic ADDED events, then changes.
    for (const object of store.list(path.type, path.namespace).filter(selected)) stream.send("ADDED", object);
  } else {
    const events = store.eventsSince(path.type, path.namespace, Number.isFinite(from) ? from : 0);
    if (events === "expired") {
      stream.expire(`too old resource version: ${raw} (${store.currentVersion()})`);
      return;
    }
    for (const event of events) if (selected(event.object)) stream.send(event.eventType, event.object);
  }
  unsubscribe = store.subscribe((event) => {
    if (event.type !== path.type) return;
    if (path.namespace !== null && event.object.metadata.namespace !== path.namespace) return;
    if (!selected(event.object)) return;
    stream.send(event.eventType, event.object);
  });
  const timeout = Number(url.searchParams.get("timeoutSeconds") ?? "");
  if (Number.isFinite(timeout) && timeout > 0) timer = setTimeout(() => stream.end(), timeout * 1000);
}

function withPlace(body: unknown, namespace: string | null): KubeObject {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new StoreError(400, "BadRequest", "body must be an object");
  const object = body as KubeObject;
  const metadata = (object.metadata ?? {}) as KubeObject["metadata"];
  if (typeof metadata.name !== "string" || metadata.name === "") throw new StoreError(422, "Invalid", "metadata.name: Required value");
  if (namespace !== null && metadata.namespace !== undefined && metadata.namespace !== namespace) {
    throw new StoreError(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
  }
  return { ...object, metadata: { ...metadata, ...(namespace === null ? {} : { namespace }) } };
}

function requireName(name: string | null): string {
  if (name === null) throw new StoreError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  return name;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  response.end(text);
}

export function sendStatus(response: ServerResponse, code: number, reason: string, message: string): void {
  sendJson(response, code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
}
