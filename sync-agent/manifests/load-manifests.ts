import { readdir, readFile } from "node:fs/promises";
import { extname, join, relative } from "node:path";
import { LineCounter, parseAllDocuments } from "yaml";
import type { ClusterState } from "../../core/compile/cluster-objects.ts";
import type { SecretObject } from "../tls/select-tls-secrets.ts";

export class ManifestError extends Error {
  readonly code = "MANIFEST_INVALID";
  constructor(readonly file: string, readonly line: number | null, detail: string) {
    super(`${file}${line === null ? "" : `:${line}`}: ${detail}`);
    this.name = "ManifestError";
  }
}

const EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

interface KubeObject {
  readonly kind?: unknown;
  readonly items?: unknown;
  readonly [key: string]: unknown;
}

/**
 * Every Kubernetes object in a folder (recursively; `.yaml`, `.yml`, `.json`; multi-document YAML and
 * `kind: List`), sorted into the compiler's cluster snapshot. All or nothing: the first unreadable or invalid
 * file is an error naming it (and the line), and nothing half-read is returned.
 */
export async function loadManifests(dir: string): Promise<ClusterState> {
  return (await loadManifestFolder(dir)).cluster;
}

export interface ManifestFolder {
  readonly cluster: ClusterState;
  /** Only with `secrets: true` (the agent's `--upload-certificates`); otherwise Secrets are not even looked at. */
  readonly secrets: readonly SecretObject[];
}

/** {@link loadManifests}, and with `secrets: true` the folder's Secrets too, their `data` and `stringData` checked to be maps of strings. */
export async function loadManifestFolder(dir: string, options: { readonly secrets?: boolean } = {}): Promise<ManifestFolder> {
  const files = await listManifestFiles(dir);
  const state: Record<keyof ClusterState, unknown[]> = {
    ingresses: [], ingressClasses: [], services: [], endpointSlices: [], nodes: [],
    gatewayClasses: [], gateways: [], httpRoutes: [], referenceGrants: [], namespaces: [],
  };
  const secrets: SecretObject[] = [];
  for (const file of files) {
    const shown = relative(process.cwd(), file) || file;
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new ManifestError(shown, null, `cannot read: ${(error as Error).message}`);
    }
    for (const { object, line } of parseObjects(shown, text, extname(file) === ".json")) {
      if (object.kind === "Secret") {
        if (options.secrets === true) secrets.push(checkSecret(shown, line, object));
      } else {
        sortInto(state, object);
      }
    }
  }
  return { cluster: state as unknown as ClusterState, secrets };
}

export async function listManifestFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (error) {
    throw new ManifestError(dir, null, `cannot read folder: ${(error as Error).message}`);
  }
  return entries
    .filter((entry) => entry.isFile() && EXTENSIONS.has(extname(entry.name)) && !entry.name.startsWith("."))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

interface Located {
  readonly object: KubeObject;
  readonly line: number | null;
}

function parseObjects(file: string, text: string, json: boolean): Located[] {
  if (json) {
    try {
      return expand(file, null, JSON.parse(text) as unknown).map((object) => ({ object, line: null }));
    } catch (error) {
      if (error instanceof ManifestError) throw error;
      throw new ManifestError(file, null, `invalid JSON: ${(error as Error).message}`);
    }
  }
  const lines = new LineCounter();
  const objects: Located[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter: lines, prettyErrors: false })) {
    const error = doc.errors[0];
    if (error !== undefined) {
      throw new ManifestError(file, lines.linePos(error.pos[0]).line, `invalid YAML: ${error.message.split("\n")[0] ?? ""}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const line = doc.contents === null ? null : lines.linePos(doc.contents.range[0]).line;
    objects.push(...expand(file, line, value).map((object) => ({ object, line })));
  }
  return objects;
}

function expand(file: string, line: number | null, value: unknown): KubeObject[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ManifestError(file, line, "a manifest must be an object with a kind");
  }
  const object = value as KubeObject;
  if (typeof object.kind !== "string" || object.kind === "") throw new ManifestError(file, line, "object has no kind");
  if (object.kind === "List" || object.kind.endsWith("List")) {
    if (!Array.isArray(object.items)) throw new ManifestError(file, line, `${object.kind} has no items array`);
    return object.items.flatMap((item) => expand(file, line, item));
  }
  return [object];
}

const KINDS: Readonly<Record<string, keyof ClusterState>> = {
  Ingress: "ingresses",
  IngressClass: "ingressClasses",
  Service: "services",
  EndpointSlice: "endpointSlices",
  Node: "nodes",
  Namespace: "namespaces",
};

/** Gateway API kinds, by kind within the group (other APIs have a `Gateway` too, Istio's for one). */
const GATEWAY_KINDS: Readonly<Record<string, keyof ClusterState>> = {
  GatewayClass: "gatewayClasses",
  Gateway: "gateways",
  HTTPRoute: "httpRoutes",
  ReferenceGrant: "referenceGrants",
};

function sortInto(state: Record<keyof ClusterState, unknown[]>, object: KubeObject): void {
  const gateway = typeof object.apiVersion === "string" && object.apiVersion.startsWith("gateway.networking.k8s.io/");
  const kind = gateway ? GATEWAY_KINDS[object.kind as string] : KINDS[object.kind as string];
  if (kind !== undefined) state[kind].push(object);
}

function checkSecret(file: string, line: number | null, object: KubeObject): SecretObject {
  for (const field of ["data", "stringData"] as const) {
    const value = object[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== "object" || Array.isArray(value) || Object.values(value).some((entry) => typeof entry !== "string")) {
      throw new ManifestError(file, line, `Secret ${field} must map keys to strings`);
    }
  }
  return object as SecretObject;
}
