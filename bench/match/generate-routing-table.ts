import { TABLE_SCHEMA, type Backend, type HostRoutes, type PathType, type RoutingTable } from "../../core/table/schema.ts";


const WORDS = ["api", "v1", "v2", "users", "orders", "static", "assets", "admin", "search", "cart", "docs", "auth", "img", "blog", "feed"];
const RULES_PER_HOST = 10;

/**
 * A table of `rules` path rules: ten per host (a few wildcard hosts and one host-less bucket among them), paths
 * one to four segments deep, mostly Prefix with some Exact — the shape of a busy cluster's Ingresses.
 */
export function generateRoutingTable(rules: number, random: () => number): RoutingTable {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const hostCount = Math.max(1, Math.ceil(rules / RULES_PER_HOST));
  const hosts: HostRoutes[] = [];
  const backends: Backend[] = [];
  for (let h = 0; h < hostCount; h++) {
    const host = h === 0 ? "" : h % 50 === 0 ? `*.team${h}.example.com` : `app${h}.example.com`;
    const seen = new Set<string>();
    const hostRules = [];
    for (let r = 0; r < RULES_PER_HOST && h * RULES_PER_HOST + r < rules; r++) {
      const depth = 1 + Math.floor(random() * 4);
      const path = `/${Array.from({ length: depth }, () => pick(WORDS)).join("/")}`;
      const pathType: PathType = random() < 0.2 ? "Exact" : "Prefix";
      if (seen.has(`${pathType}${path}`)) continue;
      seen.add(`${pathType}${path}`);
      const id = `ns${h}/svc${r}:80`;
      backends.push({ id, nodePort: 30000 + ((h * RULES_PER_HOST + r) % 2768), targets: "all-nodes" });
      hostRules.push({ path, pathType, backend: id, ingress: `ns${h}/ing` });
    }
    hosts.push({ host, rules: hostRules });
  }
  return benchTable(hosts, backends);
}

/** A table of these hosts and backends on one loopback Node; its version is a placeholder, never checked here. */
export function benchTable(hosts: readonly HostRoutes[], backends: readonly Backend[]): RoutingTable {
  return {
    schema: TABLE_SCHEMA,
    version: `sha256:${"0".repeat(64)}`,
    generation: 1,
    nodes: [{ name: "node-a", address: "127.0.0.2" }],
    hosts,
    defaultBackend: null,
    backends,
    tls: [],
    problems: [],
  };
}

export type HostSpread = "uniform" | "zipf";

/**
 * Requests against a generated table: 80% for existing hosts with paths that may or may not match. `uniform`
 * spreads them evenly over every host (the worst case for CPU caches); `zipf` gives the host of rank k a share
 * proportional to 1/k, as real traffic over many sites tends to be.
 */
export function generateRequests(table: RoutingTable, count: number, random: () => number, spread: HostSpread = "uniform"): { host: string; path: string }[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const named = table.hosts.filter((h) => h.host !== "");
  const pickHost = spread === "uniform" ? () => pick(named) : zipfPicker(named, random);
  const requests = Array.from({ length: count }, () => {
    const entry = random() < 0.8 && named.length > 0 ? pickHost() ?? null : null;
    const host = entry === null ? `unknown${Math.floor(random() * 1000)}.example.org` : entry.host.replace("*", "www");
    const depth = 1 + Math.floor(random() * 5);
    const path = `/${Array.from({ length: depth }, () => pick(WORDS)).join("/")}`;
    return { host, path };
  });
  // A request's Host is a fresh flat string parsed from the wire. Without the round trip, each request would point
  // at the table's own host string — a cons string somewhere in a heap of 100k rules — and the benchmark would
  // time the walk to the fixture's strings rather than the match.
  return JSON.parse(JSON.stringify(requests)) as typeof requests;
}

function zipfPicker<T>(items: readonly T[], random: () => number): () => T | undefined {
  const cumulative: number[] = [];
  let total = 0;
  for (let k = 1; k <= items.length; k++) cumulative.push((total += 1 / k));
  return () => {
    const target = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((cumulative[mid] ?? 0) < target) low = mid + 1;
      else high = mid;
    }
    return items[low];
  };
}
