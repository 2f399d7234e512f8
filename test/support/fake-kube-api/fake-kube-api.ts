import type { IncomingMessage, ServerResponse } from "node:http";
import { startTrackedServer, type TrackedServer } from "../tracked-server.ts";
import { type KubeObject, ObjectStore } from "./object-store.ts";
import type { ApiRequest } from "./request-log.ts";
import { parseDiscoveryPath, parseRequestPath } from "./request-path.ts";
import { RESOURCE_TYPES, type ResourceType, resourceTypeOfKind } from "./resource-types.ts";
import { sendJson, sendStatus, serveRequest } from "./serve-request.ts";
import type { WatchStream } from "./watch-stream.ts";

export interface FakeKubeApiOptions {
  /** Bearer tokens clients may present (the kubeconfig carries one); each is a user in the request log. */
  readonly tokens?: readonly string[];
  /** Send a BOOKMARK to watches that allow them this often; 0 = only when `sendBookmarks()` is called. */
  readonly bookmarkIntervalMs?: number;
  /** The Gateway API CRDs are installed from the start (else only once `installGatewayApi()` is called). */
  readonly gatewayApi?: boolean;
}

/** A fault to inject: requests matching `match` get `status` (at most `times` times). */
interface Fault {
  readonly match: (request: ApiRequest) => boolean;
  readonly status: number;
  remaining: number;
}

/**
 * A Kubernetes API server on 127.0.0.1 for the resources edge-ingress uses, speaking the real wire protocol:
 * lists with a resourceVersion, chunked watch streams (bookmarks when asked), 410 Gone, optimistic concurrency,
 * status subresources, patches. Tests drive the cluster with `apply`/`remove` and break it with `dropWatches`,
 * `expireWatches`, `fail` and `restart`. Every request is recorded for the RBAC check.
 */
export class FakeKubeApi {
  readonly store = new ObjectStore();
  readonly requests: ApiRequest[] = [];
  /** API discovery requests (`group/version`): non-resource URLs, which RBAC's discovery role allows everyone. */
  readonly discoveries: string[] = [];
  readonly tokens: readonly string[];
  private listener: TrackedServer | null = null;
  private port = 0;
  private readonly watches = new Set<WatchStream>();
  private readonly faults: Fault[] = [];
  private bookmarkTimer: NodeJS.Timeout | undefined;
  private gatewayApi: boolean;

  constructor(private readonly options: FakeKubeApiOptions = {}) {
    this.tokens = options.tokens ?? ["fake-token"];
    this.gatewayApi = options.gatewayApi === true;
  }

  /** Installs the Gateway API CRDs: their kinds are served (and discovered) from now on. */
  installGatewayApi(): void {
    this.gatewayApi = true;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const listener = await startTrackedServer(this.port, (request, response) => this.handle(request, response), (response, error) => sendStatus(response, 500, "InternalError", String(error)));
    this.port = listener.port;
    this.listener = listener;
    const interval = this.options.bookmarkIntervalMs ?? 0;
    if (interval > 0) this.bookmarkTimer = setInterval(() => this.sendBookmarks(), interval);
  }

  /** The server goes away: every connection cut, the port closed. The store (etcd) survives. */
  async stop(): Promise<void> {
    clearInterval(this.bookmarkTimer);
    const listener = this.listener;
    this.listener = null;
    for (const stream of [...this.watches]) stream.drop();
    await listener?.close();
  }

  /** Stops, stays down for `downMs`, then listens again on the same port. */
  async restart(downMs = 0): Promise<void> {
    await this.stop();
    if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.start();
  }

  // --- driving the cluster -------------------------------------------------------------------------------

  /** Creates or replaces an object (its `kind` says where it goes); watches see ADDED or MODIFIED. */
  apply(object: object): KubeObject {
    const typed = object as KubeObject;
    return this.store.put(resourceTypeOfKind(String(typed.kind)), typed);
  }

  remove(kind: string, namespace: string | null, name: string): void {
    this.store.delete(resourceTypeOfKind(kind), namespace, name);
  }

  get(kind: string, namespace: string | null, name: string): KubeObject {
    return this.store.get(resourceTypeOfKind(kind), namespace, name);
  }

  list(kind: string): KubeObject[] {
    return this.store.list(resourceTypeOfKind(kind), null);
  }

  // --- breaking it ----------------------------------------------------------------------------------------

  /** Cuts every open watch connection mid-stream. */
  dropWatches(): void {
    for (const stream of [...this.watches]) stream.drop();
  }

  /** Compacts history and tells every open watch that its resourceVersion is gone (ERROR 410): clients must relist. */
  expireWatches(): void {
    this.store.compact();
    for (const stream of [...this.watches]) stream.expire("too old resource version");
  }

  /** Compacts history only: the next watch from an old resourceVersion gets 410. */
  compact(): void {
    this.store.compact();
  }

  /** The next `times` requests that match get `status` instead of an answer. Returns a function that lifts the fault. */
  fail(match: (request: ApiRequest) => boolean, status: number, times = 1): () => void {
    const fault = { match, status, remaining: times };
    this.faults.push(fault);
    return () => { fault.remaining = 0; };
  }

  sendBookmarks(): void {
    const version = String(this.store.currentVersion());
    for (const stream of this.watches) {
      if (stream.bookmarks) stream.send("BOOKMARK", { kind: "Bookmark", metadata: { resourceVersion: version } });
    }
  }

  openWatchCount(): number {
    return this.watches.size;
  }

  // --- serving --------------------------------------------------------------------------------------------

  private discover(response: ServerResponse, group: string, version: string): void {
    this.discoveries.push(`${group}/${version}`);
    discoverResources(response, group, version, (type) => type.gatewayApi !== true || this.gatewayApi);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.url);
    const user = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (user === undefined || !this.tokens.includes(user)) {
      return sendStatus(response, 401, "Unauthorized", "Unauthorized");
    }
    const discovery = request.method === "GET" ? parseDiscoveryPath(url.pathname) : null;
    if (discovery !== null) return this.discover(response, discovery.group, discovery.version);
    const path = parseRequestPath(url.pathname, (type) => type.gatewayApi !== true || this.gatewayApi);
    if (path === null) return sendStatus(response, 404, "NotFound", `the server could not find the requested resource (${url.pathname})`);
    const verb = verbOf(request.method ?? "GET", path.name !== null, url.searchParams.get("watch") === "true");
    if (verb === null) return sendStatus(response, 405, "MethodNotAllowed", "method not allowed");
    const call: ApiRequest = {
      user,
      verb,
      group: path.type.group,
      resource: path.type.resource,
      subresource: path.subresource,
      namespace: path.namespace,
      name: path.name,
      query: Object.fromEntries(url.searchParams),
      status: 0,
    };
    this.requests.push(call);
    const fault = this.faults.find((f) => f.remaining > 0 && f.match(call));
    if (fault !== undefined) {
      fault.remaining -= 1;
      call.status = fault.status;
      return sendStatus(response, fault.status, fault.status === 410 ? "Expired" : "InternalError", `injected failure ${fault.status}`);
    }
    response.on("finish", () => {
      if (call.status === 0) call.status = response.statusCode;
    });
    await serveRequest(request, response, url, path, call, this.store, {
      onOpen: (stream) => this.watches.add(stream),
      onClose: (stream) => this.watches.delete(stream),
    });
  }
}

/** API discovery of one group version, as kube-apiserver answers it (a non-resource URL: not in the request log). */
function discoverResources(response: ServerResponse, group: string, version: string, installed: (type: ResourceType) => boolean): void {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version && installed(t));
  if (types.length === 0) return sendStatus(response, 404, "NotFound", "the server could not find the requested resource");
  sendJson(response, 200, {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: `${group}/${version}`,
    resources: types.flatMap((t) => [
      { name: t.resource, singularName: t.kind.toLowerCase(), namespaced: t.namespaced, kind: t.kind, verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
      ...t.subresources.map((sub) => ({ name: `${t.resource}/${sub}`, singularName: "", namespaced: t.namespaced, kind: t.kind, verbs: ["get", "patch", "update"] })),
    ]),
  });
}

function verbOf(method: string, named: boolean, watch: boolean): ApiRequest["verb"] | null {
  switch (method) {
    case "GET":
      return watch ? "watch" : named ? "get" : "list";
    case "POST":
      return named ? null : "create";
    case "PUT":
      return named ? "update" : null;
    case "PATCH":
      return named ? "patch" : null;
    case "DELETE":
      return named ? "delete" : null;
    default:
      return null;
  }
}
