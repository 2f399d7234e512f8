import { describe, expect, it } from "vitest";
import { readRequestTarget } from "../../worker/proxy/request-target.ts";

/** The reference: the same parts read through the runtime's URL parser. */
function throughUrl(raw: string) {
  const url = new URL(raw);
  const scheme = url.protocol === "https:" ? "https" : "http";
  return { scheme, host: url.host, port: url.port === "" ? (scheme === "https" ? "443" : "80") : url.port, path: url.pathname, search: url.search };
}

describe("readRequestTarget", () => {
  it.each([
    "http://app.example/",
    "https://app.example/a/b?x=1&y=2",
    "http://app.example:8080/hello/../there?x=1",
    "https://app.example:8443/",
    "http://app.example/?",
    "http://app.example/p?a?b=/c",
    "http://app.example/%2e%2e/admin?%20",
    "http://[2001:db8::1]/v6",
    "http://[2001:db8::1]:8080/v6?q",
    "http://127.0.0.1:8787/.well-known/edge-ingress/status",
    "http://app.example/#fragment",
    "http://user:secret@app.example/p",
    "HTTP://App.Example/Upper",
  ])("reads %s as the URL parser does", (raw) => {
    // Requests carry URLs the runtime serialized; serialize first, as it would have.
    const serialized = new URL(raw).href;
    expect(readRequestTarget(serialized)).toEqual(throughUrl(serialized));
  });

  it("refuses schemes other than http and https", () => {
    expect(readRequestTarget("ftp://app.example/file")).toBeNull();
    expect(readRequestTarget("not a url")).toBeNull();
  });
});
