import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { exportJWK, generateKeyPair } from "jose";
import { defineConfig } from "vitest/config";

// A push key pair for this test run: the worker gets the public half as its secret, the tests sign with the other.
const pushKeys = await generateKeyPair("ES256", { extractable: true });

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/worker/**", "node_modules/**"],
          environment: "node",
          testTimeout: 20_000,
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
          // One KV namespace serves every worker test file: run them one after another.
          fileParallelism: false,
          testTimeout: 20_000,
        },
      },
    ],
  },
});
