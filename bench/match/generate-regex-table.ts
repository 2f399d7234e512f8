import { TABLE_SCHEMA, type Backend, type HostRoutes, type Rule, type RoutingTable } from "../../core/table/schema.ts";

const WORDS = ["api", "users", "orders", "static", "assets", "search", "cart", "docs", "blog", "feed"];

/** The shapes ingress-nginx users write (its docs and issues): a literal start, then classes, groups, anchors. */
function patternOf(name: string, shape: number): string {
  switch (shape % 5) {
    case 0: return `/${name}/v[0-9]+/(.*)`;
    case 1: return `/${name}(/|$)(.*)`;
    case 2: return `/${name}/[a-z0-9-]+/items/([0-9]+)$`;
    case 3: return `/${name}/(users|orders)/[0-9]{1,6}`;
    default: return `/${name}/static/.+\\.(css|js|png)$`;
  }
}

/** A path that a pattern of the shape matches (or, with `miss`, one that starts alike and does not). */
function pathFor(name: string, shape: number, random: () => number, miss: boolean): string {
  const n = Math.floor(random() * 1000);
  const word = WORDS[Math.floor(random() * WORDS.length)] ?? "api";
  if (miss) return `/${name}x/${word}/${n}`;
  switch (shape % 5) {
    case 0: return `/${name}/v${n % 9}/${word}/${n}`;
    case 1: return `/${name}/${word}/${n}`;
    case 2: return `/${name}/${word}-${n}/items/${n}`;
    case 3: return `/${name}/${n % 2 === 0 ? "users" : "orders"}/${n}/profile`;
    default: return `/${name}/static/${word}/app-${n}.js`;
  }
}

export interface RegexCase {
  readonly table: RoutingTable;
  readonly requests: readonly { readonly host: string; readonly path: string }[];
}

function tableOf(hosts: HostRoutes[], backends: Backend[]): RoutingTable {
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

function regexRule(path: string, backend: string, ingress: string): Rule {
  return { path, pathType: "RegularExpression", ignoreCase: true, backend, ingress };
}

/**
 * One host in ingress-nginx's regex mode with `patterns` patterns (`/svc{i}/…` in five shapes, case-insensitive),
 * and requests for it: 80% that one pattern matches, 20% that none does (they start like one).
 */
export function generateOneRegexHost(patterns: number, requests: number, random: () => number): RegexCase {
  const backends: Backend[] = [];
  const rules: Rule[] = [];
  for (let i = 0; i < patterns; i++) {
    const id = `regex/svc${i}:80`;
    backends.push({ id, nodePort: 30000 + (i % 2768), targets: "all-nodes" });
    rules.push(regexRule(patternOf(`svc${i}`, i), id, "regex/ing"));
  }
  const list = Array.from({ length: requests }, () => {
    const i = Math.floor(random() * patterns);
    return { host: "regex.example.com", path: pathFor(`svc${i}`, i, random, random() >= 0.8) };
  });
  return { table: tableOf([{ host: "regex.example.com", rules }], backends), requests: JSON.parse(JSON.stringify(list)) as typeof list };
}

/**
 * `hosts` hosts in regex mode, each with `perHost` patterns of the five shapes over a few words, and requests spread
 * evenly over them (80% matching, 20% not).
 */
export function generateRegexHosts(hosts: number, perHost: number, requests: number, random: () => number): RegexCase {
  const backends: Backend[] = [];
  const entries: HostRoutes[] = [];
  for (let h = 0; h < hosts; h++) {
    const rules: Rule[] = [];
    for (let r = 0; r < perHost; r++) {
      const id = `ns${h}/svc${r}:80`;
      backends.push({ id, nodePort: 30000 + ((h * perHost + r) % 2768), targets: "all-nodes" });
      rules.push(regexRule(patternOf(WORDS[r % WORDS.length] ?? "api", r), id, `ns${h}/ing`));
    }
    entries.push({ host: `app${h}.regex.example.com`, rules });
  }
  const list = Array.from({ length: requests }, () => {
    const h = Math.floor(random() * hosts);
    const r = Math.floor(random() * perHost);
    return { host: `app${h}.regex.example.com`, path: pathFor(WORDS[r % WORDS.length] ?? "api", r, random, random() >= 0.8) };
  });
  return { table: tableOf(entries, backends), requests: JSON.parse(JSON.stringify(list)) as typeof list };
}
