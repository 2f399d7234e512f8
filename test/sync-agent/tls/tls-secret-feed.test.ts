import { describe, expect, test } from "vitest";
import type { CompileResult } from "../../../core/compile/compile-table.ts";
import type { TlsSecret } from "../../../sync-agent/cloudflare/tls-secret.ts";
import { createLogger } from "../../../sync-agent/observe/logger.ts";
import type { SecretStore } from "../../../sync-agent/tls/secret-store.ts";
import type { SecretObject } from "../../../sync-agent/tls/select-tls-secrets.ts";
import { TlsSecretFeed } from "../../../sync-agent/tls/tls-secret-feed.ts";
import { cluster, ingress } from "../../support/cluster-builder.ts";

class MemorySecretStore implements SecretStore {
  isSynced = false;
  items: SecretObject[] = [];
  synced(): boolean {
    return this.isSynced;
  }
  secrets(): readonly SecretObject[] {
    return this.items;
  }
  onChange(): void {}
}

const state = cluster({ ingresses: [ingress("shop/web", [{ host: "shop.test", service: "web", port: 80 }], { tls: ["shop.test"] })] });
const result = { served: ["shop/web"], gateway: { certificates: [] } } as unknown as CompileResult;

describe("the TLS Secret feed", () => {
  test("hands over nothing until the store has synced: an early empty set would delete every certificate", () => {
    const store = new MemorySecretStore();
    const handed: (readonly TlsSecret[])[] = [];
    const feed = new TlsSecretFeed(store, (secrets) => handed.push(secrets), createLogger({ write: () => {} }));
    feed.update(result, state);
    expect(handed).toEqual([]);
    store.isSynced = true;
    feed.update(result, state);
    expect(handed).toEqual([[]]);
  });

  test("logs each problem once, when it first appears, and again only after it went away and came back", () => {
    const store = new MemorySecretStore();
    store.isSynced = true;
    const lines: string[] = [];
    const feed = new TlsSecretFeed(store, () => {}, createLogger({ write: (line) => lines.push(line) }));
    const problems = () => lines.filter((line) => line.includes('"tls-secret-problem"')).length;
    feed.update(result, state);
    feed.update(result, state);
    expect(problems()).toBe(1);
    store.items = [{ metadata: { namespace: "shop", name: "tls" }, type: "kubernetes.io/tls", stringData: { "tls.crt": "C", "tls.key": "K" } }];
    feed.update(result, state);
    store.items = [];
    feed.update(result, state);
    expect(problems()).toBe(2);
  });
});
