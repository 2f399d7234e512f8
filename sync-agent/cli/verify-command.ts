import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { importOriginVerifyKeys, ORIGIN_TOKEN_HEADER, OriginTokenError, verifyOriginToken } from "../../core/origin/origin-token.ts";

export const verifyUsage = `edge-ingress verify --method M --host H --path P [--public-jwk FILE] [--token T | --token-file FILE|-]
  Checks an origin token (header ${ORIGIN_TOKEN_HEADER}) as a backend would: signed by the edge's key, not
  expired, bound to this method, host and path. The host is the client's original one: the Host header behind
  the socket transport, X-Forwarded-Host behind the fetch transport. The key (a public JWK or a JWK Set) comes
  from --public-jwk or EDGE_ORIGIN_PUBLIC_JWK; the token from --token, --token-file (- for stdin) or
  EDGE_ORIGIN_TOKEN. Prints one JSON line; exit 0 when valid, 1 when rejected (with the reason), 2 on bad usage.
  --clock-tolerance S   seconds of clock skew allowed (default 15)`;

/** What the command touches; the CLI's CommandIo fits it. */
export interface VerifyIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export async function runVerify(args: readonly string[], io: VerifyIo): Promise<number> {
  const problems: string[] = [];
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        method: { type: "string" },
        host: { type: "string" },
        path: { type: "string" },
        "public-jwk": { type: "string" },
        token: { type: "string" },
        "token-file": { type: "string" },
        "clock-tolerance": { type: "string" },
      },
    }));
  } catch (error) {
    return usageFailure(io, [error instanceof Error ? error.message : String(error)]);
  }
  for (const name of ["method", "host", "path"]) if (values[name] === undefined || values[name] === "") problems.push(`--${name} is required`);
  const tolerance = values["clock-tolerance"] === undefined ? undefined : Number(values["clock-tolerance"]);
  if (tolerance !== undefined && (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > 300)) problems.push("--clock-tolerance must be an integer from 0 to 300");
  if (values.token !== undefined && values["token-file"] !== undefined) problems.push("give --token or --token-file, not both");
  const keyText = readSource("--public-jwk", values["public-jwk"], io.env.EDGE_ORIGIN_PUBLIC_JWK, problems);
  const tokenText = values.token ?? readSource("--token-file", values["token-file"], io.env.EDGE_ORIGIN_TOKEN, problems);
  if (keyText === undefined) problems.push("give the edge's public key: --public-jwk FILE or EDGE_ORIGIN_PUBLIC_JWK");
  let keyJson: unknown;
  if (keyText !== undefined) {
    try {
      keyJson = JSON.parse(keyText);
    } catch {
      problems.push("the public key is not JSON (expected a JWK or a JWK Set)");
    }
  }
  if (problems.length > 0) return usageFailure(io, problems);

  try {
    const keys = await importOriginVerifyKeys(keyJson);
    const claims = await verifyOriginToken(tokenText, { method: values.method ?? "", host: values.host ?? "", path: values.path ?? "" }, keys, tolerance === undefined ? {} : { clockToleranceSeconds: tolerance });
    io.stdout(`${JSON.stringify({ valid: true, claims })}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof OriginTokenError)) throw error;
    io.stdout(`${JSON.stringify({ valid: false, code: error.code, reason: error.message })}\n`);
    io.stderr(`edge-ingress verify: rejected (${error.code}): ${error.message}\n`);
    return 1;
  }
}

/** A flag naming a file ("-" = stdin), else the environment variable; undefined when neither is given. */
function readSource(flag: string, path: string | undefined, fallback: string | undefined, problems: string[]): string | undefined {
  if (path === undefined) return fallback === undefined || fallback === "" ? undefined : fallback;
  try {
    return readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (error) {
    problems.push(`${flag} ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function usageFailure(io: VerifyIo, problems: readonly string[]): number {
  io.stderr(`edge-ingress verify: ${problems.map((p) => `\n  - ${p}`).join("")}\n\n${verifyUsage}\n`);
  return 2;
}
