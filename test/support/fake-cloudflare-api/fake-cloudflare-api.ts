import type { IncomingMessage, ServerResponse } from "node:http";
import { startTrackedServer, type TrackedServer } from "../tracked-server.ts";
import { CustomCertificateStore, type CustomCertificateStoreOptions } from "./custom-certificates.ts";
import { DnsZone } from "./dns-records.ts";
import { ApiFailure, type ApiMessage, failure, paginate, sendFailure, sendResult } from "./envelope.ts";
import { KvNamespace } from "./kv-namespace.ts";
import { type AccountZone, WorkerDomainStore, WorkerRouteStore } from "./workers-attachments.ts";

/**
 * What a token may do, as the dashboard's permission groups say it: Zone DNS Edit, Workers KV Storage Edit, SSL
 * and Certificates Edit, Workers Scripts Edit (Custom Domains, routes and scripts).
 */
export type Permission = "dns" | "kv" | "ssl" | "workers";

export interface FakeCloudflareApiOptions {
  readonly token?: string;
  /** What the token may do; all by default. A call outside them is a 403 with code 10000, as Cloudflare answers. */
  readonly permissions?: readonly Permission[];
  readonly zone?: { readonly id: string; readonly name: string };
  /** More zones of the account, each with its own DNS records and Workers routes (the first zone is `zone`). */
  readonly moreZones?: readonly { readonly id: string; readonly name: string }[];
  /** Workers deployed on the account: what Custom Domains and routes may name. Default `edge-ingress`. */
  readonly workerScripts?: readonly string[];
  readonly accountId?: string;
  readonly namespaceId?: string;
  /** KV's one write per second per key; 0 turns the check off. */
  readonly kvWriteIntervalMs?: number;
  readonly customCertificates?: Partial<CustomCertificateStoreOptions>;
  readonly now?: () => Date;
}

/** One call as the fake saw it. */
export interface CloudflareRequest {
  readonly method: string;
  /** Path under `/client/v4`, e.g. `/zones/<id>/dns_records`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** HTTP status of the answer. */
  status: number;
  /** `errors[].code` of a failed answer. */
  errorCodes: number[];
}

export interface InjectedFault {
  readonly status: number;
  readonly errors?: readonly ApiMessage[];
  /** Sent as `Retry-After` (seconds, or an HTTP date). */
  readonly retryAfter?: string;
}

interface Fault {
  readonly match: (request: CloudflareRequest) => boolean;
  readonly fault: InjectedFault;
  remaining: number;
}

type Handler = (call: CloudflareRequest, params: readonly string[], response: ServerResponse) => void;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly permission: Permission | null;
  readonly handle: Handler;
}

export const API_PREFIX = "/client/v4";

/**
 * The Cloudflare v4 API on 127.0.0.1 for what edge-ingress calls — an account's zones (each with DNS records
 * and Workers routes; the first also with custom certificates), its Workers Custom Domains and its Workers KV
 * namespace — speaking its wire format: the
 * `{success, errors, messages, result, result_info}` envelope, Bearer tokens with permissions, v4 pagination,
 * and the API's refusals (identical records, CNAME clashes, KV limits, one KV write per second per key). Tests
 * break it with `fail` (any status, error codes, Retry-After) and read what was stored directly.
 */
export class FakeCloudflareApi {
  readonly token: string;
  readonly zoneId: string;
  readonly zoneName: string;
  readonly accountId: string;
  readonly namespaceId: string;
  readonly dns: DnsZone;
  readonly kv: KvNamespace;
  readonly certificates: CustomCertificateStore;
  /** Every zone of the account, the first being `zoneId`/`zoneName` (whose DNS is `dns`). */
  readonly zones: readonly AccountZone[];
  readonly workerDomains: WorkerDomainStore;
  readonly workerScripts: ReadonlySet<string>;
  readonly requests: CloudflareRequest[] = [];
  private readonly permissions: ReadonlySet<Permission>;
  private readonly faults: Fault[] = [];
  private readonly routes: readonly Route[];
  private listener: TrackedServer | null = null;
  private port = 0;

  constructor(options: FakeCloudflareApiOptions = {}) {
    const now = options.now ?? (() => new Date());
    this.token = options.token ?? "fake-cloudflare-token";
    this.permissions = new Set(options.permissions ?? ["dns", "kv", "ssl", "workers"]);
    this.zoneId = options.zone?.id ?? "023e105f4ecef8ad9ca31a8372d0c353";
    this.zoneName = options.zone?.name ?? "example.com";
    this.accountId = options.accountId ?? "01a7362d577a6c3019a474fd6f485823";
    this.namespaceId = options.namespaceId ?? "0f2ac74b498b48028cb68387c421e279";
    this.dns = new DnsZone(this.zoneId, this.zoneName, now);
    this.workerScripts = new Set(options.workerScripts ?? ["edge-ingress"]);
    this.zones = [
      { id: this.zoneId, name: this.zoneName, dns: this.dns, routes: new WorkerRouteStore(this.zoneName, this.workerScripts) },
      ...(options.moreZones ?? []).map((z) => ({ id: z.id, name: z.name, dns: new DnsZone(z.id, z.name, now), routes: new WorkerRouteStore(z.name, this.workerScripts) })),
    ];
    this.workerDomains = new WorkerDomainStore(() => this.zones, this.workerScripts);
    this.kv = new KvNamespace(this.namespaceId, options.kvWriteIntervalMs ?? 1000, () => now().getTime());
    this.certificates = new CustomCertificateStore(
      this.zoneId,
      this.zoneName,
      { allowed: options.customCertificates?.allowed ?? true, newIdOnReplace: options.customCertificates?.newIdOnReplace ?? false },
      now,
    );
    this.routes = this.buildRoutes();
  }

  /** The SDK's `baseURL`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}${API_PREFIX}`;
  }

  async start(): Promise<void> {
    const listener = await startTrackedServer(this.port, (request, response) => this.handle(request, response), (response, error) => sendFailure(response, failure(500, 10001, `fake server error: ${String(error)}`)));
    this.port = listener.port;
    this.listener = listener;
  }

  async stop(): Promise<void> {
    const listener = this.listener;
    this.listener = null;
    await listener?.close();
  }

  /** The next `times` requests that match get `fault` instead of an answer. */
  fail(match: (request: CloudflareRequest) => boolean, fault: InjectedFault, times = 1): void {
    this.faults.push({ match, fault, remaining: times });
  }

  /** A zone of the account, by name. */
  zone(name: string): AccountZone {
    const zone = this.zones.find((z) => z.name === name);
    if (zone === undefined) throw new Error(`the fake has no zone ${name}`);
    return zone;
  }

  /** Calls that changed something (not GETs). */
  writes(): CloudflareRequest[] {
    return this.requests.filter((r) => r.method !== "GET");
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const text = await readBody(request);
    const call: CloudflareRequest = {
      method: request.method ?? "GET",
      path: url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: parseJson(text),
      status: 0,
      errorCodes: [],
    };
    this.requests.push(call);
    response.on("finish", () => {
      call.status = response.statusCode;
    });
    try {
      this.authenticate(request.headers.authorization);
      const fault = this.faults.find((f) => f.remaining > 0 && f.match(call));
      if (fault !== undefined) {
        fault.remaining -= 1;
        const { status, errors, retryAfter } = fault.fault;
        throw new ApiFailure(status, errors ?? [defaultError(status)], retryAfter === undefined ? {} : { "retry-after": retryAfter });
      }
      if (text !== "" && call.body === undefined) throw failure(400, 6007, "Malformed JSON in request body");
      this.route(call, url, response);
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      call.errorCodes = error.errors.map((e) => e.code);
      sendFailure(response, error);
    }
  }

  private authenticate(header: string | undefined): void {
    const match = /^Bearer (\S+)$/.exec(header ?? "");
    if (match === null) throw failure(400, 6003, "Invalid request headers: invalid format for Authorization header");
    if (match[1] !== this.token) throw failure(403, 9109, "Invalid access token");
  }

  private route(call: CloudflareRequest, url: URL, response: ServerResponse): void {
    const pathMatches = this.routes.map((route) => ({ route, match: route.pattern.exec(call.path) })).filter((m) => m.match !== null);
    if (pathMatches.length === 0) throw failure(404, 7003, `Could not route to ${call.path}, perhaps your object identifier is invalid?`);
    const chosen = pathMatches.find((m) => m.route.method === call.method);
    if (chosen === undefined || chosen.match === null) throw failure(405, 10405, `Method ${call.method} not allowed for ${call.path}`);
    if (chosen.route.permission !== null && !this.permissions.has(chosen.route.permission)) throw failure(403, 10000, "Authentication error");
    chosen.route.handle({ ...call, query: Object.fromEntries(url.searchParams) }, chosen.match.slice(1), response);
  }

  private buildRoutes(): Route[] {
    const zone = `/zones/(${escape(this.zoneId)})`;
    const anyZone = "/zones/([0-9a-f]{32})";
    const account = `/accounts/${escape(this.accountId)}`;
    const zoneOf = (params: readonly string[]): AccountZone => {
      const id = param(params, 0);
      const found = this.zones.find((z) => z.id === id);
      if (found === undefined) throw failure(404, 7003, `Could not route to /zones/${id}, perhaps your object identifier is invalid?`);
      return found;
    };
    const namespace = `/accounts/${escape(this.accountId)}/storage/kv/namespaces/(${escape(this.namespaceId)})`;
    const query = (call: CloudflareRequest): URLSearchParams => new URLSearchParams(call.query);
    const at = (path: string): RegExp => new RegExp(`^${path}$`);
    return [
      { method: "GET", pattern: at(anyZone), permission: null, handle: (_c, p, res) => {
        const found = zoneOf(p);
        sendResult(res, { id: found.id, name: found.name, status: "active" });
      } },
      { method: "GET", pattern: at("/zones"), permission: null, handle: (c, _p, res) => {
        const params = query(c);
        const accountId = params.get("account.id");
        const name = params.get("name");
        const zones = this.zones
          .filter((z) => (accountId === null || accountId === this.accountId) && (name === null || z.name === name))
          .map((z) => ({ id: z.id, name: z.name, status: "active", paused: false, type: "full", account: { id: this.accountId, name: "edge-ingress tests" } }))
          .sort((a, b) => a.name.localeCompare(b.name));
        const { page, info } = paginate(zones, params, 20, 50);
        sendResult(res, page, info);
      } },
      { method: "GET", pattern: at(`${anyZone}/dns_records`), permission: "dns", handle: (c, p, res) => {
        const { page, info } = zoneOf(p).dns.list(query(c));
        sendResult(res, page, info);
      } },
      { method: "POST", pattern: at(`${anyZone}/dns_records`), permission: "dns", handle: (c, p, res) => sendResult(res, zoneOf(p).dns.create(c.body)) },
      { method: "GET", pattern: at(`${anyZone}/dns_records/([0-9a-f]+)`), permission: "dns", handle: (_c, p, res) => sendResult(res, zoneOf(p).dns.get(param(p, 1))) },
      { method: "PUT", pattern: at(`${anyZone}/dns_records/([0-9a-f]+)`), permission: "dns", handle: (c, p, res) => sendResult(res, zoneOf(p).dns.update(param(p, 1), c.body, false)) },
      { method: "PATCH", pattern: at(`${anyZone}/dns_records/([0-9a-f]+)`), permission: "dns", handle: (c, p, res) => sendResult(res, zoneOf(p).dns.update(param(p, 1), c.body, true)) },
      { method: "DELETE", pattern: at(`${anyZone}/dns_records/([0-9a-f]+)`), permission: "dns", handle: (_c, p, res) => sendResult(res, zoneOf(p).dns.delete(param(p, 1))) },
      { method: "GET", pattern: at(`${anyZone}/workers/routes`), permission: "workers", handle: (_c, p, res) => sendResult(res, zoneOf(p).routes.all()) },
      { method: "POST", pattern: at(`${anyZone}/workers/routes`), permission: "workers", handle: (c, p, res) => sendResult(res, zoneOf(p).routes.create(c.body)) },
      { method: "GET", pattern: at(`${anyZone}/workers/routes/([0-9a-f]+)`), permission: "workers", handle: (_c, p, res) => sendResult(res, zoneOf(p).routes.get(param(p, 1))) },
      { method: "PUT", pattern: at(`${anyZone}/workers/routes/([0-9a-f]+)`), permission: "workers", handle: (c, p, res) => sendResult(res, zoneOf(p).routes.update(param(p, 1), c.body)) },
      { method: "DELETE", pattern: at(`${anyZone}/workers/routes/([0-9a-f]+)`), permission: "workers", handle: (_c, p, res) => sendResult(res, zoneOf(p).routes.delete(param(p, 1))) },
      { method: "GET", pattern: at(`${account}/workers/domains`), permission: "workers", handle: (c, _p, res) => sendResult(res, this.workerDomains.list(query(c))) },
      { method: "PUT", pattern: at(`${account}/workers/domains`), permission: "workers", handle: (c, _p, res) => sendResult(res, this.workerDomains.attach(c.body)) },
      { method: "GET", pattern: at(`${account}/workers/domains/([0-9a-f]+)`), permission: "workers", handle: (_c, p, res) => sendResult(res, this.workerDomains.get(param(p, 0))) },
      { method: "DELETE", pattern: at(`${account}/workers/domains/([0-9a-f]+)`), permission: "workers", handle: (_c, p, res) => {
        this.workerDomains.detach(param(p, 0));
        sendResult(res, null);
      } },
      { method: "GET", pattern: at(`${account}/workers/scripts/([^/]+)/script-settings`), permission: "workers", handle: (_c, p, res) => {
        const name = decodeURIComponent(param(p, 0));
        if (!this.workerScripts.has(name)) throw failure(404, 10007, "This Worker does not exist on your account.");
        sendResult(res, { logpush: false, tail_consumers: [], observability: null, tags: [] });
      } },
      { method: "GET", pattern: at(`${zone}/custom_certificates`), permission: "ssl", handle: (c, _p, res) => {
        const all = this.certificates.all();
        const params = query(c);
        const perPage = Math.min(50, Number(params.get("per_page") ?? 20));
        const page = Number(params.get("page") ?? 1);
        const slice = all.slice((page - 1) * perPage, page * perPage);
        sendResult(res, slice, { page, per_page: perPage, count: slice.length, total_count: all.length, total_pages: Math.ceil(all.length / perPage) });
      } },
      { method: "POST", pattern: at(`${zone}/custom_certificates`), permission: "ssl", handle: (c, _p, res) => sendResult(res, this.certificates.create(c.body)) },
      { method: "GET", pattern: at(`${zone}/custom_certificates/([0-9a-f]+)`), permission: "ssl", handle: (_c, p, res) => sendResult(res, this.certificates.get(param(p, 1))) },
      { method: "PATCH", pattern: at(`${zone}/custom_certificates/([0-9a-f]+)`), permission: "ssl", handle: (c, p, res) => sendResult(res, this.certificates.replace(param(p, 1), c.body)) },
      { method: "DELETE", pattern: at(`${zone}/custom_certificates/([0-9a-f]+)`), permission: "ssl", handle: (_c, p, res) => sendResult(res, this.certificates.delete(param(p, 1))) },
      { method: "GET", pattern: at(namespace), permission: "kv", handle: (_c, _p, res) => sendResult(res, { id: this.namespaceId, title: "edge-ingress", supports_url_encoding: true }) },
      { method: "PUT", pattern: at(`${namespace}/bulk`), permission: "kv", handle: (c, _p, res) => sendResult(res, this.kv.bulkWrite(c.body)) },
      { method: "POST", pattern: at(`${namespace}/bulk/delete`), permission: "kv", handle: (c, _p, res) => sendResult(res, this.kv.bulkDelete(c.body)) },
      { method: "GET", pattern: at(`${namespace}/values/([^/]+)`), permission: "kv", handle: (_c, p, res) => {
        const entry = this.kv.get(decodeURIComponent(param(p, 1)));
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": entry.value.length });
        res.end(entry.value);
      } },
      { method: "GET", pattern: at(`${namespace}/metadata/([^/]+)`), permission: "kv", handle: (_c, p, res) => sendResult(res, this.kv.get(decodeURIComponent(param(p, 1))).metadata) },
    ];
  }
}

function defaultError(status: number): ApiMessage {
  if (status === 429) return { code: 971, message: "Please wait and consider throttling your request speed" };
  if (status >= 500) return { code: 10002, message: "An unknown error has occurred" };
  return { code: 10001, message: `injected failure ${status}` };
}

function param(params: readonly string[], index: number): string {
  const value = params[index];
  if (value === undefined) throw new Error(`route parameter ${index} missing`);
  return value;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
