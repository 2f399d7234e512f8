import { probeHttp } from "../harness/probe-http.ts";
import { PROXY_CASES, TARGET_LABELS, type ProxyCase } from "./proxy-cases.ts";
import { START_TARGET, TARGET_KEYS, type TargetEndpoint, type TargetKey, type TargetSetup } from "./proxy-targets.ts";
import { readStickyCookie } from "./sticky-cookie.ts";

export interface ReadyCase {
  readonly case: ProxyCase;
  readonly endpoint: TargetEndpoint;
  /** Sent with every request: the Host, and for a returning client its cookie. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface FailedCase {
  readonly case: ProxyCase;
  readonly error: string;
}

/**
 * Starts every target and checks that it answers from a Node before any load: a target that fails is left out
 * with its reason (its requests/s would be of errors), and the others are still measured.
 */
export async function prepareCases(setup: TargetSetup): Promise<{ ready: ReadyCase[]; failed: FailedCase[] }> {
  const host = { Host: setup.host };
  const endpoints = new Map<TargetKey, TargetEndpoint | Error>();
  for (const key of TARGET_KEYS) {
    console.log(`starting ${TARGET_LABELS[key]} …`);
    try {
      const endpoint = await START_TARGET[key](setup);
      await expectBackendAnswer(endpoint.url, host);
      endpoints.set(key, endpoint);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      console.log(`  left out: ${failure.message.split("\n")[0] ?? ""}`);
      endpoints.set(key, failure);
    }
  }
  const ready: ReadyCase[] = [];
  const failed: FailedCase[] = [];
  for (const proxyCase of PROXY_CASES) {
    const endpoint = endpoints.get(proxyCase.target);
    if (endpoint === undefined || endpoint instanceof Error) {
      failed.push({ case: proxyCase, error: endpoint?.message ?? "not started" });
      continue;
    }
    if (!proxyCase.returning) {
      ready.push({ case: proxyCase, endpoint, headers: proxyCase.withoutAffinity === true ? { Host: setup.plainHost } : host });
      continue;
    }
    const cookie = readStickyCookie(await probeHttp(endpoint.url, host), setup.cookieName);
    if (cookie === null) failed.push({ case: proxyCase, error: `GET ${endpoint.url} set no ${setup.cookieName} cookie` });
    else ready.push({ case: proxyCase, endpoint, headers: { ...host, Cookie: cookie } });
  }
  return { ready, failed };
}

async function expectBackendAnswer(url: string, headers: Readonly<Record<string, string>>): Promise<void> {
  const answer = await probeHttp(url, headers);
  if (answer.status !== 200 || !answer.body.startsWith("node ")) {
    throw new Error(`GET ${url} answered ${answer.status}, not a backend's 200: ${answer.body.slice(0, 300)}`);
  }
}
