import { describe, expect, it } from "vitest";
import { createReferenceFinder } from "../../../core/match/reference-finder.ts";
import { createPackedFinder } from "../../../core/match/packed-finder.ts";
import { NO_RULE, numberRules, type RouteFinder } from "../../../core/match/route-finder.ts";
import { createTrieFinder } from "../../../core/match/trie-finder.ts";
import type { RoutingTable } from "../../../core/table/schema.ts";
import { buildTable, type RuleSpec } from "../../support/table-builder.ts";

/** One suite, every finder: the Ingress matching rules as the Kubernetes API and conformance suite state them. */
const finders: Record<string, (table: RoutingTable) => RouteFinder> = {
  "packed finder": createPackedFinder,
  "packed finder with a trie for every host": (table) => createPackedFinder(table, { maxScannedRules: 0 }),
  "trie finder": createTrieFinder,
  "reference finder": createReferenceFinder,
};

interface Built {
  readonly finder: RouteFinder;
  readonly table: RoutingTable;
}

function winner({ finder, table }: Built, host: string, path: string): string | null {
  const found = finder.find(host, path);
  if (found === NO_RULE) return null;
  const hit = numberRules(table)[found];
  return hit === undefined ? `no rule numbered ${found}` : `${hit.host}|${hit.rule.path}|${hit.rule.pathType}`;
}

describe.each(Object.entries(finders))("%s", (_name, createFinder) => {
  const create = (table: RoutingTable): Built => ({ finder: createFinder(table), table });
  const on = (rules: readonly RuleSpec[], host = "foo.com") => create(buildTable({ [host]: rules }));

  describe("Prefix paths match element by element", () => {
    const finder = on([["/foo", "Prefix"]]);
    it.each(["/foo", "/foo/", "/foo/bar", "/foo/bar/baz"])("/foo matches %s", (path) => {
      expect(winner(finder, "foo.com", path)).toBe("foo.com|/foo|Prefix");
    });
    it.each(["/foobar", "/fo", "/FOO", "/", "/bar/foo"])("/foo does not match %s", (path) => {
      expect(winner(finder, "foo.com", path)).toBeNull();
    });
    it("ignores a trailing slash on the rule: /aaa/bbb/ matches /aaa/bbb", () => {
      expect(winner(on([["/aaa/bbb/", "Prefix"]]), "foo.com", "/aaa/bbb")).toBe("foo.com|/aaa/bbb/|Prefix");
    });
    it("lets Prefix / match every path", () => {
      expect(winner(on([["/", "Prefix"]]), "foo.com", "/anything/at/all")).toBe("foo.com|/|Prefix");
    });
    it("does not let /foo/bar match /foo/barbaz", () => {
      expect(winner(on([["/foo/bar", "Prefix"]]), "foo.com", "/foo/barbaz")).toBeNull();
    });
  });

  describe("Exact paths match strictly and case-sensitively", () => {
    const finder = on([["/foo", "Exact"]]);
    it("matches the same path", () => expect(winner(finder, "foo.com", "/foo")).toBe("foo.com|/foo|Exact"));
    it.each(["/foo/", "/FOO", "/foo/bar", "/fo"])("does not match %s", (path) => {
      expect(winner(finder, "foo.com", path)).toBeNull();
    });
    it("does not let Exact /foo/ match /foo", () => expect(winner(on([["/foo/", "Exact"]]), "foo.com", "/foo")).toBeNull());
  });

  describe("ImplementationSpecific is treated as Prefix", () => {
    const finder = on([["/docs", "ImplementationSpecific"]]);
    it("matches below the path", () => expect(winner(finder, "foo.com", "/docs/intro")).toBe("foo.com|/docs|ImplementationSpecific"));
    it("does not match a longer segment", () => expect(winner(finder, "foo.com", "/docsx")).toBeNull());
  });

  describe("precedence", () => {
    it("prefers a matching Exact over a Prefix of the same path, whatever the order", () => {
      expect(winner(on([["/foo", "Prefix"], ["/foo", "Exact"]]), "foo.com", "/foo")).toBe("foo.com|/foo|Exact");
    });
    it("prefers the longest matching Prefix, whatever the order", () => {
      const finder = on([["/aaa", "Prefix"], ["/aaa/bbb", "Prefix"]]);
      expect(winner(finder, "foo.com", "/aaa/bbb/ccc")).toBe("foo.com|/aaa/bbb|Prefix");
      expect(winner(finder, "foo.com", "/aaa/ccc")).toBe("foo.com|/aaa|Prefix");
    });
    it("measures length as written: Prefix /foo/ beats Prefix /foo for /foo and /foo/", () => {
      const finder = on([["/foo", "Prefix"], ["/foo/", "Prefix"]]);
      expect(winner(finder, "foo.com", "/foo")).toBe("foo.com|/foo/|Prefix");
      expect(winner(finder, "foo.com", "/foo/")).toBe("foo.com|/foo/|Prefix");
    });
    it("falls back to Prefix / when Exact /aaa does not match /aaa/", () => {
      expect(winner(on([["/", "Prefix"], ["/aaa", "Exact"]]), "foo.com", "/aaa/")).toBe("foo.com|/|Prefix");
    });
  });

  describe("RegularExpression paths (ingress-nginx regex locations)", () => {
    it("match from the path's start, end anywhere unless the pattern says $, and keep case unless told not to", () => {
      const finder = on([["/id/[0-9]+", "RegularExpression", true], ["/Docs/[a-z]+$", "RegularExpression"]]);
      expect(winner(finder, "foo.com", "/id/123a")).toBe("foo.com|/id/[0-9]+|RegularExpression");
      expect(winner(finder, "foo.com", "/ID/7")).toBe("foo.com|/id/[0-9]+|RegularExpression");
      expect(winner(finder, "foo.com", "/x/id/7")).toBeNull();
      expect(winner(finder, "foo.com", "/Docs/intro")).toBe("foo.com|/Docs/[a-z]+$|RegularExpression");
      expect(winner(finder, "foo.com", "/docs/intro")).toBeNull();
      expect(winner(finder, "foo.com", "/Docs/intro2")).toBeNull();
    });
    it("try longer patterns first and let the first that matches win, even over a longer literal match", () => {
      const finder = on([["/foo/bar/bar", "RegularExpression", true], ["/foo/bar/[a-z]{3}", "RegularExpression", true], ["/foo", "RegularExpression", true]]);
      expect(winner(finder, "foo.com", "/foo/bar/bar")).toBe("foo.com|/foo/bar/[a-z]{3}|RegularExpression");
      expect(winner(finder, "foo.com", "/foo/bar/b")).toBe("foo.com|/foo|RegularExpression");
    });
    it("break a tie of length by pattern, descending, as ingress-nginx sorts its locations", () => {
      const finder = on([["/a.", "RegularExpression", true], ["/.b", "RegularExpression", true]]);
      expect(winner(finder, "foo.com", "/ab")).toBe("foo.com|/a.|RegularExpression");
    });
    it("come after an equal Exact path and before any Prefix", () => {
      const finder = on([["/api", "Exact"], ["/api/v1", "Prefix"], ["/api.*", "RegularExpression", true]]);
      expect(winner(finder, "foo.com", "/api")).toBe("foo.com|/api|Exact");
      expect(winner(finder, "foo.com", "/api/v1/x")).toBe("foo.com|/api.*|RegularExpression");
      expect(winner(on([["/", "Prefix"], ["/x[0-9]", "RegularExpression"]]), "foo.com", "/y")).toBe("foo.com|/|Prefix");
    });
    it("fall through to the wildcard and host-less rules when no pattern of the host matches", () => {
      const finder = create(buildTable({ "a.foo.com": [["/v[0-9]+/", "RegularExpression", true]], "": [["/", "Prefix"]] }));
      expect(winner(finder, "a.foo.com", "/v2/x")).toBe("a.foo.com|/v[0-9]+/|RegularExpression");
      expect(winner(finder, "a.foo.com", "/w2/x")).toBe("|/|Prefix");
    });
    it("find the one pattern among many that matches, whatever literal text they start with", () => {
      const rules: RuleSpec[] = Array.from({ length: 200 }, (_, i) => [`/svc${i}/v[0-9]+/(.*)`, "RegularExpression", true] as const);
      const finder = on([...rules, ["/(.*)/health$", "RegularExpression", true], ["/KB/[0-9]+", "RegularExpression", true]]);
      expect(winner(finder, "foo.com", "/SVC17/v2/items")).toBe("foo.com|/svc17/v[0-9]+/(.*)|RegularExpression");
      expect(winner(finder, "foo.com", "/svc170/v2/items")).toBe("foo.com|/svc170/v[0-9]+/(.*)|RegularExpression");
      expect(winner(finder, "foo.com", "/svc17/health")).toBe("foo.com|/(.*)/health$|RegularExpression");
      expect(winner(finder, "foo.com", "/kb/12")).toBe("foo.com|/KB/[0-9]+|RegularExpression");
      expect(winner(finder, "foo.com", "/svc999/v2/items")).toBeNull();
    });
    it("match a path beyond ASCII as RE2 folds case: the Kelvin sign is a k", () => {
      const finder = on([["/kb/[0-9]+", "RegularExpression", true], ["/other", "RegularExpression", true]]);
      expect(winner(finder, "foo.com", "/\u212Ab/1")).toBe("foo.com|/kb/[0-9]+|RegularExpression");
    });
  });

  describe("hosts", () => {
    const finder = create(buildTable({
      "foo.bar.com": [["/", "Prefix"]],
      "*.foo.com": [["/", "Prefix"]],
      "": [["/", "Prefix"]],
    }));
    it("matches a precise host exactly", () => expect(winner(finder, "foo.bar.com", "/")).toBe("foo.bar.com|/|Prefix"));
    it("lets *.foo.com match exactly one extra label", () => expect(winner(finder, "bar.foo.com", "/")).toBe("*.foo.com|/|Prefix"));
    it("does not let *.foo.com match two extra labels", () => expect(winner(finder, "baz.bar.foo.com", "/")).toBe("|/|Prefix"));
    it("does not let *.foo.com match foo.com", () => expect(winner(finder, "foo.com", "/")).toBe("|/|Prefix"));
    it("sends other hosts to the host-less rules", () => expect(winner(finder, "other.example", "/")).toBe("|/|Prefix"));
    it("matches nothing for an unknown host when there are no host-less rules", () => {
      expect(winner(create(buildTable({ "foo.bar.com": [["/", "Prefix"]] })), "subdomain.bar.com", "/")).toBeNull();
    });
    it("prefers a precise host, then a wildcard, then host-less rules, falling through when a host has no matching path", () => {
      const layered = create(buildTable({
        "a.foo.com": [["/api", "Prefix"]],
        "*.foo.com": [["/web", "Prefix"]],
        "": [["/", "Prefix"]],
      }));
      expect(winner(layered, "a.foo.com", "/api/x")).toBe("a.foo.com|/api|Prefix");
      expect(winner(layered, "a.foo.com", "/web/x")).toBe("*.foo.com|/web|Prefix");
      expect(winner(layered, "a.foo.com", "/other")).toBe("|/|Prefix");
    });
  });
});
