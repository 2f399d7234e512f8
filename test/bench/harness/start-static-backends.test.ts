import { describe, expect, it } from "vitest";
import { renderStaticBackendConfig } from "../../../bench/harness/start-static-backends.ts";

describe("renderStaticBackendConfig", () => {
  const config = renderStaticBackendConfig(["127.0.0.2", "127.0.0.3"], 30080);

  it("binds every address at the same port, as a NodePort", () => {
    expect(config).toContain("bind 127.0.0.2:30080\n  bind 127.0.0.3:30080");
  });

  it("answers every request itself with the address it was reached on", () => {
    expect(config).toContain(`http-request return status 200 content-type text/plain lf-string "node %[dst]\\n"`);
  });
});
