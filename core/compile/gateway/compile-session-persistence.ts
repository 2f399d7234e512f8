import { hashString } from "../../balance/hash-string.ts";
import type { CookieAffinity } from "../../table/schema.ts";
import type { SessionPersistence } from "./gateway-objects.ts";

export interface CompiledPersistence {
  /** The cookie affinity the rule's backends carry; null when the rule asks for none (or for one not served). */
  readonly cookie: CookieAffinity | null;
  /** What the edge cannot honour of it, one sentence each. */
  readonly problems: readonly string[];
  /** A persistence the edge cannot give at all (`type: Header`): the rule answers 500 rather than pretend. */
  readonly unsupported: boolean;
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;
const COOKIE_PATH = /^\/[\x21-\x3a\x3c-\x7e]{0,1023}$/;
/** GEP-2257 durations: up to four `<1-5 digits><h|m|s|ms>` parts. */
const DURATION = /^(?:[0-9]{1,5}(?:h|m|s|ms)){1,4}$/;
const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/**
 * An HTTPRoute rule's `sessionPersistence` onto the edge's signed-cookie affinity: the cookie names the Node (an
 * HMAC of backend, Node and nodePort), so a client that sends it back is served by the same Node while it is up.
 * Both spellings of the API are read: v1.1–v1.3 (`sessionName`, `cookieConfig`, `idleTimeout`) and later
 * (`cookie.name`, `cookie.path`, `cookie.lifetimeType`). `source` is the rule (`HTTPRoute ns/name#rule`): without a
 * name, the cookie gets one of its own (the spec asks for a unique name), so two rules never overwrite each other's.
 */
export function compileSessionPersistence(persistence: SessionPersistence | undefined, source: string, where: string): CompiledPersistence {
  if (persistence === undefined) return { cookie: null, problems: [], unsupported: false };
  const problems: string[] = [];
  const type = persistence.type ?? "Cookie";
  if (type !== "Cookie") {
    return { cookie: null, problems: [`${where}: sessionPersistence type ${type} is not supported at the edge (only Cookie); requests are answered 500`], unsupported: true };
  }
  const rawName = persistence.cookie?.name ?? persistence.sessionName;
  let name = `edge-route-${(hashString(source) >>> 0).toString(16).padStart(8, "0")}`;
  if (rawName !== undefined) {
    if (COOKIE_NAME.test(rawName)) name = rawName;
    else problems.push(`${where}: sessionPersistence cookie name ${JSON.stringify(rawName)} is not a cookie name token; ${name} used`);
  }
  let path = "/";
  const rawPath = persistence.cookie?.path;
  if (rawPath !== undefined) {
    if (COOKIE_PATH.test(rawPath)) path = rawPath;
    else problems.push(`${where}: sessionPersistence cookie path ${JSON.stringify(rawPath)} is not an absolute path without ';'; / used`);
  }
  const lifetime = persistence.cookie?.lifetimeType ?? persistence.cookieConfig?.lifetimeType ?? "Session";
  const absolute = persistence.absoluteTimeout === undefined ? undefined : parseSeconds(persistence.absoluteTimeout);
  if (absolute === null) problems.push(`${where}: sessionPersistence absoluteTimeout ${JSON.stringify(persistence.absoluteTimeout)} is not a duration (GEP-2257); left out`);
  let maxAge: number | undefined;
  if (lifetime === "Permanent") {
    if (absolute === undefined) problems.push(`${where}: sessionPersistence lifetimeType Permanent without absoluteTimeout; a session cookie used`);
    else if (absolute !== null) maxAge = absolute;
  } else {
    if (lifetime !== "Session") problems.push(`${where}: sessionPersistence lifetimeType ${lifetime} is not Session or Permanent; a session cookie used`);
    // The cookie is the edge's only state, and it carries no time: the edge cannot end a session cookie's session.
    if (absolute !== undefined && absolute !== null) problems.push(`${where}: sessionPersistence absoluteTimeout on a Session cookie is not enforced at the edge (only lifetimeType Permanent's Max-Age is)`);
  }
  if (persistence.idleTimeout !== undefined) {
    problems.push(`${where}: sessionPersistence idleTimeout is not supported at the edge (the cookie carries no time); sessions end with the cookie`);
  }
  return { cookie: { mode: "cookie", name, path, ...(maxAge === undefined ? {} : { maxAge }) }, problems, unsupported: false };
}

/** A GEP-2257 duration in whole seconds (rounded up, so a session never ends early); null when malformed. */
function parseSeconds(duration: string): number | null {
  if (!DURATION.test(duration)) return null;
  let ms = 0;
  for (const [, amount, unit] of duration.matchAll(/([0-9]+)(h|ms|m|s)/g)) ms += Number(amount) * (UNIT_MS[unit ?? ""] ?? 0);
  return Math.ceil(ms / 1000);
}
