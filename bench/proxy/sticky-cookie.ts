import type { ProbeAnswer } from "../harness/probe-http.ts";

/** The `name=value` a returning client sends back: taken from the answer's Set-Cookie of that name. */
export function readStickyCookie(answer: ProbeAnswer, name: string): string | null {
  const header = answer.headers["set-cookie"];
  const cookies = header === undefined ? [] : Array.isArray(header) ? header : [header];
  for (const cookie of cookies) {
    const pair = cookie.split(";")[0]?.trim() ?? "";
    if (pair.startsWith(`${name}=`) && pair.length > name.length + 1) return pair;
  }
  return null;
}
