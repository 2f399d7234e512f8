import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { LocalStackError, startWranglerDev } from "../../../sync-agent/local/start-wrangler-dev.ts";
import { makeTempDir } from "../../support/temp-dir.ts";

test("a port taken by another server after the check fails the start with PORT_IN_USE, rather than passing that server off as the edge", async () => {
  const other = createServer((_request, response) => response.end("someone else"));
  await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
  const port = (other.address() as AddressInfo).port;
  const dir = await makeTempDir({});
  try {
    const started = startWranglerDev({
      root: fileURLToPath(new URL("../../../", import.meta.url)),
      port,
      protocol: "http",
      vars: {},
      stateDir: `${dir.dir}/state`,
      kvDir: `${dir.dir}/kv`,
    });
    await expect(started).rejects.toBeInstanceOf(LocalStackError);
    await expect(started).rejects.toMatchObject({ code: "PORT_IN_USE" });
  } finally {
    other.close();
    await dir.remove();
  }
});
