import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { compileTable } from "../../../core/compile/compile-table.ts";
import { defaultCompileOptions } from "../../../core/compile/compile-options.ts";
import { copyOnFreeNodePorts } from "../../../sync-agent/local/isolated-demo.ts";
import { canBind, checkPortsFree } from "../../../sync-agent/local/local-ports.ts";
import { loadManifests } from "../../../sync-agent/manifests/load-manifests.ts";

const DEMO = join(import.meta.dirname, "../../../examples/demo");
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("copyOnFreeNodePorts", () => {
  test("moves every nodePort of the demo to a free port and changes nothing else", async () => {
    const target = await mkdtemp(join(tmpdir(), "edge-ingress-copy-"));
    folders.push(target);
    const moved = await copyOnFreeNodePorts(DEMO, target);
    expect([...moved.keys()].sort()).toEqual([30080, 30081, 30090, 30100, 30109]);
    expect(new Set(moved.values()).size).toBe(5);
    for (const port of moved.values()) for (const address of ["127.0.0.2", "127.0.0.3", "127.0.0.4"]) expect(await canBind(address, port)).toBe(true);

    const original = compileTable(await loadManifests(DEMO), defaultCompileOptions).content;
    const copy = compileTable(await loadManifests(target), defaultCompileOptions).content;
    expect(copy.backends.map((backend) => backend.nodePort)).toEqual(original.backends.map((backend) => moved.get(backend.nodePort)));
    expect({ ...copy, backends: copy.backends.map((backend) => ({ ...backend, nodePort: 0 })) }).toEqual({
      ...original,
      backends: original.backends.map((backend) => ({ ...backend, nodePort: 0 })),
    });
    // Comments and layout are kept: only the numbers differ.
    const shop = await readFile(join(target, "shop.yaml"), "utf8");
    const expected = (await readFile(join(DEMO, "shop.yaml"), "utf8")).replace(/nodePort: (\d+)/g, (_, port: string) => `nodePort: ${moved.get(Number(port))}`);
    expect(shop).toBe(expected);
  });
});

describe("checkPortsFree", () => {
  test("names every port already taken", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      await expect(checkPortsFree([{ address: "127.0.0.1", port, what: "edge (http)" }])).rejects.toMatchObject({
        code: "PORT_IN_USE",
        message: `already in use: edge (http) 127.0.0.1:${port}`,
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await expect(checkPortsFree([{ address: "127.0.0.1", port, what: "edge (http)" }])).resolves.toBeUndefined();
  });
});
