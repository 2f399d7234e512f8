import { randomBytes } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import { failure, paginate, type ResultInfo } from "./envelope.ts";

export interface DnsRecord {
  readonly id: string;
  readonly zone_id: string;
  readonly zone_name: string;
  readonly name: string;
  readonly type: string;
  readonly content: string;
  readonly proxiable: boolean;
  readonly proxied: boolean;
  readonly ttl: number;
  readonly comment: string | null;
  readonly tags: readonly string[];
  readonly created_on: string;
  readonly modified_on: string;
}

type RecordInput = Partial<Pick<DnsRecord, "name" | "type" | "content" | "proxied" | "ttl" | "comment" | "tags">>;

const PROXIABLE = new Set(["A", "AAAA", "CNAME"]);
const ADDRESS_OR_ALIAS = new Set(["A", "AAAA", "CNAME"]);

/**
 * One zone's DNS records, with the rules of the v4 API that a record manager trips over: names are made fully
 * qualified (a name outside the zone gets the zone appended), A/AAAA content must be an address of that family,
 * TTL is 1 (automatic) or 60–86400, identical records and CNAME clashes are refused.
 */
export class DnsZone {
  private readonly records = new Map<string, DnsRecord>();

  constructor(readonly id: string, readonly name: string, private readonly now: () => Date) {}

  all(): DnsRecord[] {
    return [...this.records.values()].sort(byNameTypeContent);
  }

  list(query: URLSearchParams): { page: DnsRecord[]; info: ResultInfo } {
    const filters: ((record: DnsRecord) => boolean)[] = [];
    const type = query.get("type");
    if (type !== null) filters.push((r) => r.type === type);
    for (const field of ["name", "content"] as const) {
      const plain = query.get(field);
      if (plain !== null) filters.push((r) => matchText(r[field], "exact", plain));
      for (const op of ["exact", "contains", "startswith", "endswith"] as const) {
        const value = query.get(`${field}.${op}`);
        if (value !== null) filters.push((r) => matchText(r[field], op, value));
      }
    }
    const proxied = query.get("proxied");
    if (proxied !== null) filters.push((r) => String(r.proxied) === proxied);
    const any = query.get("match") === "any";
    const matching = this.all().filter((r) => filters.length === 0 || (any ? filters.some((f) => f(r)) : filters.every((f) => f(r))));
    return paginate(matching, query, 100, 5_000_000);
  }

  get(id: string): DnsRecord {
    const record = this.records.get(id);
    if (record === undefined) throw failure(404, 81044, "Record does not exist.");
    return record;
  }

  create(input: unknown): DnsRecord {
    const fields = readInput(input);
    if (fields.type === undefined || fields.name === undefined || fields.content === undefined) {
      throw failure(400, 9000, "DNS record type, name and content are required.");
    }
    const stamp = this.now().toISOString();
    const record = this.check({ id: randomBytes(16).toString("hex"), created_on: stamp }, fields, null);
    this.records.set(record.id, record);
    return record;
  }

  /** PUT replaces every field; PATCH changes only the ones given. */
  update(id: string, input: unknown, partial: boolean): DnsRecord {
    const existing = this.get(id);
    const fields = readInput(input);
    const merged: RecordInput = partial ? { ...existing, ...fields } : fields;
    if (merged.type === undefined || merged.name === undefined || merged.content === undefined) {
      throw failure(400, 9000, "DNS record type, name and content are required.");
    }
    const record = this.check({ id, created_on: existing.created_on }, merged, id);
    this.records.set(id, record);
    return record;
  }

  delete(id: string): { id: string } {
    this.get(id);
    this.records.delete(id);
    return { id };
  }

  private check(identity: { id: string; created_on: string }, fields: RecordInput, replacing: string | null): DnsRecord {
    const type = String(fields.type).toUpperCase();
    const name = this.qualify(String(fields.name));
    const content = String(fields.content);
    if (type === "A" && !isIPv4(content)) throw failure(400, 9005, "Content for A record must be a valid IPv4 address.");
    if (type === "AAAA" && !isIPv6(content)) throw failure(400, 9006, "Content for AAAA record must be a valid IPv6 address.");
    const ttl = fields.ttl ?? 1;
    if (!(ttl === 1 || (Number.isInteger(ttl) && ttl >= 60 && ttl <= 86_400))) {
      throw failure(400, 9021, "Invalid TTL. Must be between 60 and 86400 seconds, or 1 for Automatic.");
    }
    const proxiable = PROXIABLE.has(type);
    if (fields.proxied === true && !proxiable) throw failure(400, 9004, `This record type cannot be proxied.`);
    const others = [...this.records.values()].filter((r) => r.id !== replacing && r.name === name);
    if (others.some((r) => r.type === type && r.content === content)) throw failure(400, 81058, "An identical record already exists.");
    if (type === "CNAME" && others.some((r) => ADDRESS_OR_ALIAS.has(r.type))) {
      throw failure(400, 81053, "An A, AAAA, or CNAME record with that host already exists.");
    }
    if (ADDRESS_OR_ALIAS.has(type) && others.some((r) => r.type === "CNAME")) {
      throw failure(400, 81054, "A CNAME record with that host already exists.");
    }
    return {
      ...identity,
      zone_id: this.id,
      zone_name: this.name,
      name,
      type,
      content,
      proxiable,
      proxied: fields.proxied === true,
      ttl,
      comment: fields.comment ?? null,
      tags: fields.tags ?? [],
      modified_on: this.now().toISOString(),
    };
  }

  /** The API takes relative names and names outside the zone alike, and makes both names inside it. */
  private qualify(name: string): string {
    const lower = name.toLowerCase().replace(/\.$/, "");
    if (lower === "@" || lower === this.name) return this.name;
    return lower.endsWith(`.${this.name}`) ? lower : `${lower}.${this.name}`;
  }
}

function readInput(input: unknown): RecordInput {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw failure(400, 9207, "Request body is invalid.");
  const body = input as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, check] of Object.entries(FIELD_TYPES)) {
    const value = body[key];
    if (value === undefined) continue;
    if (!check(value)) throw failure(400, 9207, `Request body is invalid: ${key} has the wrong type.`);
    out[key] = value;
  }
  return out as RecordInput;
}

const FIELD_TYPES: Readonly<Record<string, (value: unknown) => boolean>> = {
  name: (v) => typeof v === "string" && v !== "",
  type: (v) => typeof v === "string",
  content: (v) => typeof v === "string",
  proxied: (v) => typeof v === "boolean",
  ttl: (v) => typeof v === "number",
  comment: (v) => typeof v === "string" || v === null,
  tags: (v) => Array.isArray(v) && v.every((t) => typeof t === "string"),
};

function matchText(value: string, op: "exact" | "contains" | "startswith" | "endswith", wanted: string): boolean {
  const a = value.toLowerCase();
  const b = wanted.toLowerCase();
  switch (op) {
    case "exact":
      return a === b;
    case "contains":
      return a.includes(b);
    case "startswith":
      return a.startsWith(b);
    case "endswith":
      return a.endsWith(b);
  }
}

function byNameTypeContent(a: DnsRecord, b: DnsRecord): number {
  return a.name.localeCompare(b.name) || a.type.localeCompare(b.type) || a.content.localeCompare(b.content);
}
