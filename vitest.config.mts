import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { exportJWK, generateKeyPair } from "jose";
import { defineConfig } from "vitest/config";

// A push key pair for this test run: the worker gets the public half as its secret, the tests sign with the other.
const pushKeys = await generateKeyPair("ES256", { extractable: true });
// The HTTPS test backends' certificate (test/worker/node/global-setup.ts) is what workerd trusts, as a private CA
// would be: its default trust store (Miniflare's outbound network trusts "browser CAs") is read from SSL_CERT_FILE,
// inherited when the pool starts workerd, after this file has run. Miniflare offers no other way that reaches both
// fetch() and connect(): the pool refuses a network outboundService. Tests talk to loopback only, so no public CA
// is missed; Node itself keeps its bundled CAs (it reads SSL_CERT_FILE only with --use-openssl-ca).
process.env.SSL_CERT_FILE = fileURLToPath(new URL("./test/support/tls-fixtures/backend.crt.pem", import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/worker/**", "node_modules/**"],
          environment: "node",
          // A hang's safety net, not a speed check: a loaded machine makes tests slower, never red.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                EDGE_ALLOW_IP_TARGETS: "true",
                EDGE_TABLE_REFRESH_MS: "0",
                EDGE_POINTER_CHECK_MS: "0",
                EDGE_UPSTREAM_TIMEOUT_MS: "1000",
                EDGE_COOKIE_KEY: "test-cookie-key-0123456789abcdef0123456789",
                EDGE_PUSH_PUBLIC_JWK: JSON.stringify(await exportJWK(pushKeys.publicKey)),
                TEST_PUSH_PRIVATE_JWK: JSON.stringify(await exportJWK(pushKeys.privateKey)),
              },
            },
          }),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          globalSetup: ["test/worker/node/global-setup.ts"],
          // One KV namespace serves every worker test file: run them one after another. Each test builds its own
          // worker instance (fresh isolate state), so files can share one module graph: 3× faster.
          fileParallelism: false,
          isolate: false,
          // A hang's safety net, not a speed check: a loaded machine makes tests slower, never red.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
