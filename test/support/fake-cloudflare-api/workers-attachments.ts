import { randomBytes } from "node:crypto";
import type { DnsZone } from "./dns-records.ts";
import { failure } from "./envelope.ts";

export interface WorkerDomain {
  readonly id: string;
  readonly zone_id: string;
  readonly zone_name: string;
  readonly hostname: string;
  readonly service: string;
  readonly environment: string;
  readonly cert_id: string;
}

export interface WorkerRoute {
  readonly id: string;
  readonly pattern: string;
  readonly script?: string;
}

export interface AccountZone {
  readonly id: string;
  readonly name: string;
  readonly dns: DnsZone;
  readonly routes: WorkerRouteStore;
}

const ADDRESS_OR_ALIAS = new Set(["A", "AAAA", "CNAME"]);

/**
 * An account's Workers Custom Domains (`/accounts/:id/workers/domains`), with the refusals an attacher trips
 * over: no wildcard hostnames, a hostname in one of the account's zones, a hostname whose DNS already holds an
 * A/AAAA/CNAME record of someone else's (unless `override_existing_dns_record`), a hostname attached to another
 * Worker (unless `override_existing_origin`), a Worker that exists. Attaching again to the same Worker is a
 * no-op answering the existing domain. Error codes are the fake's own (100100s), not the real API's.
 */
export class WorkerDomainStore {
  private readonly domains = new Map<string, WorkerDomain>();

  constructor(private readonly zones: () => readonly AccountZone[], private readonly scripts: ReadonlySet<string>) {}

  all(): WorkerDomain[] {
    return [...this.domains.values()].sort((a, b) => a.hostname.localeCompare(b.hostname));
  }

  list(query: URLSearchParams): WorkerDomain[] {
    return this.all().filter((domain) => (["hostname", "service", "zone_id", "zone_name", "environment"] as const).every((field) => {
      const wanted = query.get(field);
      return wanted === null || domain[field] === wanted;
    }));
  }

  get(id: string): WorkerDomain {
    const domain = this.domains.get(id);
    if (domain === undefined) throw failure(404, 100101, "Domain not found.");
    return domain;
  }

  attach(input: unknown): WorkerDomain {
    if (typeof input !== "object" || input === null) throw failure(400, 100100, "Request body is invalid.");
    const body = input as Record<string, unknown>;
    const hostname = typeof body.hostname === "string" ? body.hostname.toLowerCase() : "";
    const service = typeof body.service === "string" ? body.service : "";
    if (hostname === "" || service === "") throw failure(400, 100100, "hostname and service are required.");
    if (hostname.includes("*")) throw failure(400, 100102, "Wildcard hostnames are not supported by Custom Domains: use a Worker route.");
    if (!this.scripts.has(service)) throw failure(404, 10007, "This Worker does not exist on your account.");
    const zone = [...this.zones()].filter((z) => hostname === z.name || hostname.endsWith(`.${z.name}`)).sort((a, b) => b.name.length - a.name.length)[0];
    if (zone === undefined) throw failure(400, 100103, `Hostname ${hostname} is not in a zone of this account.`);
    if (typeof body.zone_id === "string" && body.zone_id !== zone.id) throw failure(400, 100104, `Hostname ${hostname} is not in zone ${body.zone_id}.`);
    const existing = this.all().find((d) => d.hostname === hostname);
    if (existing !== undefined) {
      if (existing.service === service) return existing;
      if (body.override_existing_origin !== true) throw failure(409, 100105, `Hostname ${hostname} is already attached to the Worker ${existing.service}.`);
      this.domains.delete(existing.id);
    }
    if (body.override_existing_dns_record !== true && zone.dns.all().some((r) => r.name === hostname && ADDRESS_OR_ALIAS.has(r.type))) {
      throw failure(409, 100117, `Hostname ${hostname} already has externally managed DNS records (A, CNAME, etc). Either delete them, try a different hostname, or use the option override_existing_dns_record to override.`);
    }
    const domain: WorkerDomain = {
      id: randomBytes(16).toString("hex"),
      zone_id: zone.id,
      zone_name: zone.name,
      hostname,
      service,
      environment: "production",
      cert_id: randomBytes(16).toString("hex"),
    };
    this.domains.set(domain.id, domain);
    return domain;
  }

  detach(id: string): void {
    this.get(id);
    this.domains.delete(id);
  }
}

/**
 * One zone's Workers routes (`/zones/:id/workers/routes`): a pattern inside the zone, unique per zone (code
 * 10020, as Cloudflare answers), an optional script that must exist. Other codes are the fake's own.
 */
export class WorkerRouteStore {
  private readonly routes = new Map<string, WorkerRoute>();

  constructor(private readonly zoneName: string, private readonly scripts: ReadonlySet<string>) {}

  all(): WorkerRoute[] {
    return [...this.routes.values()].sort((a, b) => a.pattern.localeCompare(b.pattern));
  }

  get(id: string): WorkerRoute {
    const route = this.routes.get(id);
    if (route === undefined) throw failure(404, 10021, "Route not found.");
    return route;
  }

  create(input: unknown): WorkerRoute {
    const fields = this.check(input, null);
    const route: WorkerRoute = { id: randomBytes(16).toString("hex"), ...fields };
    this.routes.set(route.id, route);
    return route;
  }

  update(id: string, input: unknown): WorkerRoute {
    this.get(id);
    const route: WorkerRoute = { id, ...this.check(input, id) };
    this.routes.set(id, route);
    return route;
  }

  delete(id: string): { id: string } {
    this.get(id);
    this.routes.delete(id);
    return { id };
  }

  private check(input: unknown, replacing: string | null): { pattern: string; script?: string } {
    if (typeof input !== "object" || input === null) throw failure(400, 10019, "Request body is invalid.");
    const { pattern, script } = input as Record<string, unknown>;
    if (typeof pattern !== "string" || pattern === "") throw failure(400, 10019, "pattern is required.");
    if (script !== undefined && typeof script !== "string") throw failure(400, 10019, "script must be a string.");
    const host = pattern.replace(/^https?:\/\//, "").split("/")[0]?.replace(/^\*\.?/, "") ?? "";
    if (host !== this.zoneName && !host.endsWith(`.${this.zoneName}`)) throw failure(400, 10022, `Route pattern ${pattern} is not in the zone ${this.zoneName}.`);
    if (script !== undefined && !this.scripts.has(script)) throw failure(404, 10007, "This Worker does not exist on your account.");
    if (this.all().some((r) => r.id !== replacing && r.pattern === pattern)) throw failure(409, 10020, "A route with the same pattern already exists.");
    return { pattern, ...(script === undefined ? {} : { script }) };
  }
}

