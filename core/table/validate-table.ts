import { z } from "zod";
import { compileRegexPath, compileRegexSearch } from "../match/regex-path.ts";
import { hashTableContent } from "./hash-table.ts";
import { backendService, ruleSource, TABLE_SCHEMA, type RoutingTable } from "./schema.ts";
import { routePolicySchema } from "./validate-route-policy.ts";
import { compileHeaderPattern } from "../match/rule-conditions.ts";

/** One thing wrong with a table: where (a JSON path such as `backends[3].nodePort`) and what. */
export interface TableIssue {
  readonly path: string;
  readonly message: string;
}

export type TableValidation =
  | { readonly ok: true; readonly table: RoutingTable }
  | { readonly ok: false; readonly issues: readonly TableIssue[] };

const port = z.number().int().min(1).max(65535);
const name = z.string().min(1).max(253);

export const nodeSchema = z.strictObject({
  name,
  address: z.string().min(1).max(64),
  hostname: z.string().min(1).max(253).optional(),
});

const affinitySchema = z.discriminatedUnion("mode", [
  z.strictObject({
    mode: z.literal("cookie"),
    name: z.string().regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, "must be a cookie name token"),
    maxAge: z.number().int().min(0).optional(),
    path: z.string().startsWith("/"),
    sameSite: z.enum(["Strict", "Lax", "None"]).optional(),
  }),
  z.strictObject({ mode: z.literal("client-ip"), timeoutSeconds: z.number().int().min(1).max(86400) }),
]);

const healthCheckSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("tcp") }),
  z.strictObject({ kind: z.literal("http"), path: z.string().startsWith("/"), port: port.optional() }),
]);

export const backendSchema = z.strictObject({
  id: z.string().refine((id) => backendService(id) !== null, "must be namespace/service:port[@namespace/ingress]"),
  nodePort: port,
  protocol: z.literal("https").optional(),
  trafficPolicy: z.literal("Local").optional(),
  healthCheckNodePort: port.optional(),
  healthCheck: healthCheckSchema.optional(),
  affinity: affinitySchema.optional(),
  targets: z.union([
    z.literal("all-nodes"),
    z.array(z.strictObject({ node: name, weight: z.number().int().min(1) })),
  ]),
  down: z.array(name).optional(),
  failedOpen: z.literal(true).optional(),
});

const token = z.string().min(1).max(256).regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, "must be a token");

const nameValue = (nameSchema: z.ZodString) => z.strictObject({ name: nameSchema, value: z.string().max(4096).regex(/^[\x20-\x7e\x80-\xff]*$/, "must be printable") });

const ruleMatchSchema = z.strictObject({
  scheme: z.enum(["http", "https"]).optional(),
  method: z.string().regex(/^[A-Z]{1,32}$/, "must be an upper-case method").optional(),
  headers: z.array(z.strictObject({
    name: token.regex(/^[^A-Z]*$/, "must be lower case"),
    value: z.string().max(4096).regex(/^[\x20-\x7e\x80-\xff]*$/, "must be printable"),
    regex: z.literal(true).optional(),
  }).refine((header) => header.regex !== true || compileHeaderPattern(header.value) !== null, "must be a pattern the edge's engine (RE2) takes")).min(1).max(16).optional(),
  query: z.array(nameValue(z.string().min(1).max(256).regex(/^[\x21-\x7e]+$/, "must be visible ASCII"))).min(1).max(16).optional(),
});

export const ruleSchema = z.strictObject({
  // A pattern (RegularExpression) need not start with "/": see checkRulePath.
  path: z.string().min(1),
  pathType: z.enum(["Exact", "Prefix", "ImplementationSpecific", "RegularExpression"]),
  ignoreCase: z.literal(true).optional(),
  // "" only for an HTTPRoute rule whose backends all failed to resolve (it answers 500): see findBrokenReferences.
  backend: z.string(),
  ingress: z.string().min(1),
  canary: z.strictObject({
    backend: z.string().min(1),
    ingress: z.string().min(1),
    header: token.optional(),
    headerValue: z.string().min(1).max(1024).regex(/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/, "must be visible ASCII").optional(),
    headerPattern: z.string().refine((pattern) => compileRegexSearch(pattern).ok, "must be a pattern the edge's engine (RE2) takes").optional(),
    cookie: token.optional(),
    weight: z.number().int().min(0).max(1_000_000).optional(),
    weightTotal: z.number().int().min(1).max(1_000_000).optional(),
  }).optional(),
  match: ruleMatchSchema.optional(),
  split: z.array(z.strictObject({ backend: z.string().min(1).optional(), weight: z.number().int().min(1).max(1_000_000) })).min(1).max(16).optional(),
}).superRefine(checkRulePath, {
  // Also beside other issues of the rule (so that every problem is reported), once path and type are strings.
  when: (payload) => {
    const value: unknown = payload.value;
    return typeof value === "object" && value !== null && "path" in value && typeof value.path === "string" && "pathType" in value && typeof value.pathType === "string";
  },
});

export const hostRedirectSchema = z.strictObject({
  from: z.string().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a lower-case DNS name"),
  to: z.string().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a lower-case DNS name"),
  ingress: z.string().min(1),
});

const tableSchema = z.strictObject({
  schema: z.literal(TABLE_SCHEMA),
  version: z.string().regex(/^sha256:[0-9a-f]{64}$/, "must be sha256:<64 hex digits>"),
  generation: z.number().int().min(0),
  nodes: z.array(nodeSchema),
  hosts: z.array(z.strictObject({ host: z.string(), rules: z.array(ruleSchema) })),
  defaultBackend: z.strictObject({ backend: z.string().min(1), ingress: z.string().min(1) }).nullable(),
  backends: z.array(backendSchema),
  tls: z.array(z.strictObject({ host: z.string().min(1), redirect: z.boolean() })),
  problems: z.array(z.strictObject({ kind: z.string(), object: z.string(), reason: z.string() })),
  policies: z.array(routePolicySchema).optional(),
  hostRedirects: z.array(hostRedirectSchema).optional(),
});

/** A RegularExpression rule's pattern must compile (so the edge never holds one it cannot run); any other path is absolute. */
function checkRulePath(rule: { readonly path: string; readonly pathType: string; readonly ignoreCase?: true | undefined }, ctx: z.RefinementCtx): void {
  if (rule.pathType === "RegularExpression") {
    const compiled = compileRegexPath(rule.path, { ignoreCase: rule.ignoreCase === true });
    if (!compiled.ok) ctx.addIssue({ code: "custom", path: ["path"], message: compiled.problem });
    return;
  }
  if (!rule.path.startsWith("/")) ctx.addIssue({ code: "custom", path: ["path"], message: 'Invalid string: must start with "/"' });
  if (rule.ignoreCase !== undefined) ctx.addIssue({ code: "custom", path: ["ignoreCase"], message: "only a RegularExpression path is matched without case" });
}

/**
 * Checks shape and internal references (every rule names a known backend, every target a known Node, hosts
 * unique). Reports every problem found, not just the first. Does not recompute the version: see
 * {@link verifyTableVersion}.
 */
export function validateTable(value: unknown): TableValidation {
  const parsed = tableSchema.safeParse(value);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })) };
  }
  const table: RoutingTable = parsed.data;
  const issues = findBrokenReferences(table);
  return issues.length === 0 ? { ok: true, table } : { ok: false, issues };
}

/** True when `version` is the hash of the content: the table was not altered after it was sealed. */
export async function verifyTableVersion(table: RoutingTable): Promise<boolean> {
  return (await hashTableContent(table)) === table.version;
}

function findBrokenReferences(table: RoutingTable): TableIssue[] {
  const issues: TableIssue[] = [];
  const nodeNames = new Set<string>();
  table.nodes.forEach((node, i) => {
    if (nodeNames.has(node.name)) issues.push({ path: `nodes[${i}].name`, message: `duplicate node "${node.name}"` });
    nodeNames.add(node.name);
  });
  const backendIds = new Set<string>();
  table.backends.forEach((backend, i) => {
    if (backendIds.has(backend.id)) issues.push({ path: `backends[${i}].id`, message: `duplicate backend "${backend.id}"` });
    backendIds.add(backend.id);
    if (backend.failedOpen === true && backend.down !== undefined) {
      issues.push({ path: `backends[${i}].failedOpen`, message: "a backend that fails open marks no target down: drop down or failedOpen" });
    }
    if (backend.failedOpen === true && backend.targets !== "all-nodes" && backend.targets.length === 0) {
      issues.push({ path: `backends[${i}].failedOpen`, message: "a backend without targets has nothing to fail open to" });
    }
    if (backend.targets !== "all-nodes") {
      backend.targets.forEach((target, j) => {
        if (!nodeNames.has(target.node)) {
          issues.push({ path: `backends[${i}].targets[${j}].node`, message: `unknown node "${target.node}"` });
        }
      });
    }
  });
  const hosts = new Set<string>();
  table.hosts.forEach((entry, i) => {
    if (hosts.has(entry.host)) issues.push({ path: `hosts[${i}].host`, message: `duplicate host "${entry.host}"` });
    hosts.add(entry.host);
    if (entry.host.startsWith("**.") && entry.rules.some((rule) => ruleSource(rule.ingress).kind !== "HTTPRoute")) {
      issues.push({ path: `hosts[${i}].host`, message: "only HTTPRoute rules are served on an any-depth wildcard host" });
    }
    entry.rules.forEach((rule, j) => {
      const fromRoute = ruleSource(rule.ingress).kind === "HTTPRoute";
      if (rule.backend === "" ? !fromRoute : !backendIds.has(rule.backend)) {
        issues.push({ path: `hosts[${i}].rules[${j}].backend`, message: rule.backend === "" ? "only an HTTPRoute rule may have no backend" : `unknown backend "${rule.backend}"` });
      }
      if ((rule.match !== undefined || rule.split !== undefined) && !fromRoute) {
        issues.push({ path: `hosts[${i}].rules[${j}]`, message: "match and split are for HTTPRoute rules" });
      }
      rule.split?.forEach((share, k) => {
        if (share.backend !== undefined && !backendIds.has(share.backend)) {
          issues.push({ path: `hosts[${i}].rules[${j}].split[${k}].backend`, message: `unknown backend "${share.backend}"` });
        }
      });
      if (rule.canary !== undefined && !backendIds.has(rule.canary.backend)) {
        issues.push({ path: `hosts[${i}].rules[${j}].canary.backend`, message: `unknown backend "${rule.canary.backend}"` });
      }
    });
  });
  const policies = new Set<string>();
  table.policies?.forEach((policy, i) => {
    if (policies.has(policy.ingress)) issues.push({ path: `policies[${i}].ingress`, message: `duplicate policy for "${policy.ingress}"` });
    policies.add(policy.ingress);
  });
  const redirected = new Set<string>();
  table.hostRedirects?.forEach((redirect, i) => {
    if (redirected.has(redirect.from) || hosts.has(redirect.from)) issues.push({ path: `hostRedirects[${i}].from`, message: `"${redirect.from}" is redirected twice or also served` });
    redirected.add(redirect.from);
  });
  if (table.defaultBackend !== null && !backendIds.has(table.defaultBackend.backend)) {
    issues.push({ path: "defaultBackend.backend", message: `unknown backend "${table.defaultBackend.backend}"` });
  }
  return issues;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  return out === "" ? "(root)" : out;
}
