import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";
import type { CommandIo } from "./command-io.ts";
import { UsageError } from "./usage-error.ts";

export const keygenUsage = `edge-ingress keygen [--json] [--out DIR]
  Makes a new ES256 key pair for signing pushes: the private JWK for the agent's Secret, the public JWK for the
  edge (wrangler secret put EDGE_PUSH_PUBLIC_JWK). --out writes push-key.private.jwk (mode 600) and
  push-key.public.jwk into DIR instead of printing the private key. Never commit the private key: the
  repository ignores keys/ and *.private.jwk.`;

const PRIVATE_KEY_FILE = "push-key.private.jwk";

export async function runKeygen(args: readonly string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: { json: { type: "boolean", default: false }, out: { type: "string" } }, strict: true });
  } catch (error) {
    throw new UsageError([(error as Error).message]);
  }
  const { privateJwk, publicJwk } = await generatePushKeyPair();
  const privateText = JSON.stringify(privateJwk);
  const publicText = JSON.stringify(publicJwk);
  const privateFile = parsed.values.out === undefined ? null : resolve(parsed.values.out, PRIVATE_KEY_FILE);
  if (parsed.values.out !== undefined && privateFile !== null) {
    const dir = parsed.values.out;
    await mkdir(dir, { recursive: true });
    await writeFile(privateFile, `${privateText}\n`, { mode: 0o600 });
    // writeFile's mode applies only to a file it creates: a key written over an older, wider one stays private too.
    await chmod(privateFile, 0o600);
    await writeFile(join(dir, "push-key.public.jwk"), `${publicText}\n`);
  }
  if (parsed.values.json) {
    io.stdout(`${JSON.stringify(privateFile === null ? { privateJwk, publicJwk } : { privateKeyFile: privateFile, publicJwk })}\n`);
    return 0;
  }
  const privatePart = privateFile === null
    ? `# Private key: for the agent only. Store it as its Secret, e.g.
#   kubectl -n edge-ingress create secret generic edge-ingress-push-key --from-file=private.jwk=<file holding the line below>
${privateText}
`
    : `# Private key written to ${privateFile} (mode 600): for the agent only. It must not be committed
# (this repository ignores keys/ and *.private.jwk). Store it as the agent's Secret:
#   kubectl -n edge-ingress create secret generic edge-ingress-push-key --from-file=private.jwk=${privateFile}
`;
  io.stdout(`${privatePart}
# Public key: for the edge worker:
#   npx wrangler secret put EDGE_PUSH_PUBLIC_JWK   (paste the line below)
${publicText}
`);
  return 0;
}

/** A fresh P-256 key pair as JWKs, with a thumbprint `kid` so that logs can say which key signed. */
export async function generatePushKeyPair(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const common = { kid, alg: "ES256", use: "sig" };
  return { privateJwk: { ...(await exportJWK(privateKey)), ...common }, publicJwk: { ...publicJwk, ...common } };
}
