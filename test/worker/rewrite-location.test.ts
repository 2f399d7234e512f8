import { describe, expect, it } from "vitest";
import { rewriteLocation } from "../../worker/proxy/rewrite-location.ts";

const upstream = "n-abc.nodes.example.com:31644";
const client = { scheme: "https", host: "shop.example" } as const;

describe("a backend's Location, seen through the edge", () => {
  it("names the client's scheme and host when it named the target the edge fetched", () => {
    expect(rewriteLocation("http://n-abc.nodes.example.com:31644/docs/", upstream, client)).toBe("https://shop.example/docs/");
    expect(rewriteLocation("http://n-abc.nodes.example.com:31644/login?next=%2Fcart#top", upstream, client)).toBe("https://shop.example/login?next=%2Fcart#top");
  });

  it("also when the backend trusted X-Forwarded-Proto but not -Host, wrote it scheme-relative, or in capitals", () => {
    expect(rewriteLocation("https://n-abc.nodes.example.com:31644/a", upstream, client)).toBe("https://shop.example/a");
    expect(rewriteLocation("//n-abc.nodes.example.com:31644/a", upstream, client)).toBe("https://shop.example/a");
    expect(rewriteLocation("HTTP://N-ABC.nodes.example.com:31644/a", upstream, client)).toBe("https://shop.example/a");
    expect(rewriteLocation("http://n-abc.nodes.example.com:31644", upstream, client)).toBe("https://shop.example");
  });

  it("keeps a port the client used", () => {
    expect(rewriteLocation("http://127.0.0.2:30080/x", "127.0.0.2:30080", { scheme: "http", host: "app.example:8080" })).toBe("http://app.example:8080/x");
  });

  it("is left alone when it names anywhere else", () => {
    for (const elsewhere of [
      "/relative/path",
      "https://login.example.org/authorize",
      "http://n-abc.nodes.example.com:316440/a",
      "http://n-abc.nodes.example.com:3164/a",
      "http://n-abc.nodes.example.com/a",
      "http://n-abc.nodes.example.com:31644.evil.example/a",
      "http://user@n-abc.nodes.example.com:31644/a",
    ]) {
      expect(rewriteLocation(elsewhere, upstream, client)).toBeNull();
    }
  });
});
