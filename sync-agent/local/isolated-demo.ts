import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMap, isScalar, isSeq, parseAllDocuments, type Document } from "yaml";
import { defaultCompileOptions } from "../../core/compile/compile-options.ts";
import { loadManifests } from "../manifests/load-manifests.ts";
import type { Logger } from "../observe/logger.ts";
import { findFreePort } from "./local-ports.ts";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "./local-stack.ts";

export interface IsolatedDemoOptions {
  /** Repository root: where wrangler.toml and examples/demo are. */
  readonly root: string;
  readonly https: boolean;
  readonly logger: Logger;
  readonly health?: LocalStackOptions["health"];
  readonly onEdgeLine?: (line: string) => void;
}

export interface IsolatedDemo {
  readonly stack: LocalStack;
  /** The copy of the demo manifests the agent watches: edit it to change the cluster. */
  readonly manifests: string;
  /** The demo's nodePort → the port this copy uses instead. */
  readonly nodePorts: ReadonlyMap<number, number>;
  /** Stops the stack and removes the copy. */
  stop(): Promise<void>;
}

/**
 * The bundled demo on ports nobody else uses, for tests and benchmarks that may run beside `npm start` or each
 * other: a temporary copy of examples/demo whose nodePorts are moved to free ports, and edges on free ports.
 */
export async function startIsolatedDemo(options: IsolatedDemoOptions): Promise<IsolatedDemo> {
  const manifests = await mkdtemp(join(tmpdir(), "edge-ingress-demo-"));
  try {
    const nodePorts = await copyOnFreeNodePorts(join(options.root, "examples/demo"), manifests);
    const httpPort = await findFreePort();
    let httpsPort: number | null = null;
    if (options.https) do httpsPort = await findFreePort(); while (httpsPort === httpPort);
    const stack = await startLocalStack({
      root: options.root,
      manifests,
      httpPort,
      httpsPort,
      demoNodes: true,
      compile: defaultCompileOptions,
      logger: options.logger,
      ...(options.health === undefined ? {} : { health: options.health }),
      ...(options.onEdgeLine === undefined ? {} : { onEdgeLine: options.onEdgeLine }),
    });
    return {
      stack,
      manifests,
      nodePorts,
      async stop() {
        await stack.stop();
        await rm(manifests, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(manifests, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Copies the manifests of `source` (one folder, YAML) into `target`, each Service nodePort (and
 * healthCheckNodePort) moved to a port free on every Node address. Only those numbers change: the rest of each file,
 * comments and layout included, is copied as written.
 */
export async function copyOnFreeNodePorts(source: string, target: string): Promise<Map<number, number>> {
  const cluster = await loadManifests(source);
  const addresses = cluster.nodes.flatMap((node) => (node.status?.addresses ?? []).flatMap((entry) => (entry.address?.startsWith("127.") === true ? [entry.address] : [])));
  const moved = new Map<number, number>();
  for (const name of (await readdir(source)).sort()) {
    if (!/\.ya?ml$/.test(name)) continue;
    let text = await readFile(join(source, name), "utf8");
    const found = parseAllDocuments(text).flatMap((document) => ("contents" in document ? nodePortScalars(document) : []));
    // From the end, so that the ranges still to replace keep their offsets.
    for (const scalar of found.sort((a, b) => b.start - a.start)) {
      let port = moved.get(scalar.port);
      if (port === undefined) {
        do port = await findFreePort(addresses.length > 0 ? addresses : ["127.0.0.1"]);
        while ([...moved.values()].includes(port));
        moved.set(scalar.port, port);
      }
      text = `${text.slice(0, scalar.start)}${port}${text.slice(scalar.end)}`;
    }
    await writeFile(join(target, name), text);
  }
  return moved;
}

function nodePortScalars(document: Document): { port: number; start: number; end: number }[] {
  if (document.get("kind") !== "Service") return [];
  const scalars: unknown[] = [document.getIn(["spec", "healthCheckNodePort"], true)];
  const ports = document.getIn(["spec", "ports"]);
  if (isSeq(ports)) for (const item of ports.items) if (isMap(item)) scalars.push(item.get("nodePort", true));
  return scalars.flatMap((scalar) => {
    if (!isScalar(scalar) || typeof scalar.value !== "number" || scalar.range == null) return [];
    return [{ port: scalar.value, start: scalar.range[0], end: scalar.range[1] }];
  });
}
