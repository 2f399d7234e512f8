import { request, type Agent } from "node:http";

export interface ProbeAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/**
 * One plain GET, to check a target answers before loading it. node:http rather than fetch(), because fetch
 * will not send a chosen Host header. An `agent` keeps connections alive between calls.
 */
export function probeHttp(url: string, headers: Readonly<Record<string, string>> = {}, timeoutMs = 5_000, agent?: Agent): Promise<ProbeAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: "GET", headers, timeout: timeoutMs, ...(agent === undefined ? {} : { agent }) }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      response.on("error", reject);
    });
    outgoing.on("timeout", () => outgoing.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    outgoing.on("error", reject);
    outgoing.end();
  });
}
