import { describe, expect, test } from "vitest";
import type { TableNode } from "../../../core/table/schema.ts";
import { formatOwnerContent, ownerRecordName, parseOwnerContent } from "../../../sync-agent/cloudflare/dns-ownership.ts";
import { type ExistingRecord, planNodeDns } from "../../../sync-agent/cloudflare/node-dns-plan.ts";

const domain = "nodes.example.com";
const node = (name: string, address: string): TableNode => ({ name, address, hostname: `${name}.${domain}` });
let nextId = 0;
const record = (type: string, name: string, content: string, extra: Partial<ExistingRecord> = {}): ExistingRecord =>
  ({ id: `r${++nextId}`, type, name, content, proxied: false, ttl: 60, ...extra });
const claim = (name: string, owner = "cluster-a") => record("TXT", ownerRecordName(name), formatOwnerContent(owner));
const plan = (nodes: TableNode[], existing: ExistingRecord[] = []) =>
  planNodeDns({ nodes, nodeDomain: domain, ownerId: "cluster-a", existing, ttl: 60 });
const ops = (result: ReturnType<typeof plan>) =>
  result.changes.flatMap((c) => c.steps.map((s) => `${s.op} ${s.record.type} ${s.record.name}${s.op === "delete" ? "" : ` ${s.record.content}`}`));

describe("planning node DNS records", () => {
  test("a new Node gets its ownership record first, then a grey-clouded A record", () => {
    const result = plan([node("node-a", "203.0.113.5")]);
    expect(ops(result)).toEqual([
      `create TXT _edge-ingress-owner.node-a.${domain} "heritage=edge-ingress,edge-ingress/owner=cluster-a"`,
      `create A node-a.${domain} 203.0.113.5`,
    ]);
    const create = result.changes[0]?.steps[1];
    expect(create?.op === "create" && create.record.proxied).toBe(false);
  });

  test("an IPv6 Node gets an AAAA record", () => {
    expect(ops(plan([node("node-6", "2001:db8::5")]))).toContain(`create AAAA node-6.${domain} 2001:db8::5`);
  });

  test("records that already match change nothing, however the IPv6 address is written", () => {
    const existing = [claim(`node-a.${domain}`), record("A", `node-a.${domain}`, "203.0.113.5"), claim(`node-6.${domain}`), record("AAAA", `node-6.${domain}`, "2001:db8:0:0::5")];
    expect(plan([node("node-a", "203.0.113.5"), node("node-6", "2001:DB8::5")], existing).changes).toEqual([]);
  });

  test("an owned record with a new address, a proxied flag or another TTL is updated in place", () => {
    const a = record("A", `node-a.${domain}`, "203.0.113.5");
    const b = record("A", `node-b.${domain}`, "203.0.113.6", { proxied: true });
    const c = record("A", `node-c.${domain}`, "203.0.113.7", { ttl: 300 });
    const result = plan([node("node-a", "203.0.113.50"), node("node-b", "203.0.113.6"), node("node-c", "203.0.113.7")],
      [claim(a.name), a, claim(b.name), b, claim(c.name), c]);
    expect(result.changes.flatMap((ch) => ch.steps.map((s) => (s.op === "update" ? s.id : s.op)))).toEqual([a.id, b.id, c.id]);
  });

  test("a Node whose address changes family loses its A record and gains an AAAA", () => {
    const a = record("A", `node-a.${domain}`, "203.0.113.5");
    expect(ops(plan([node("node-a", "2001:db8::1")], [claim(a.name), a]))).toEqual([`create AAAA node-a.${domain} 2001:db8::1`, `delete A node-a.${domain}`]);
  });

  test("the records of a Node that is gone are deleted, the address before the ownership record", () => {
    const a = record("A", `node-gone.${domain}`, "203.0.113.9");
    expect(ops(plan([], [claim(a.name), a]))).toEqual([`delete A node-gone.${domain}`, `delete TXT _edge-ingress-owner.node-gone.${domain}`]);
  });

  test("a record it did not create is never touched, and the clash is reported", () => {
    const foreign = record("A", `node-a.${domain}`, "198.51.100.1");
    const result = plan([node("node-a", "203.0.113.5")], [foreign]);
    expect(result.changes).toEqual([]);
    expect(result.conflicts).toEqual([{ node: "node-a", name: `node-a.${domain}`, reason: "a A record not created by edge-ingress exists (198.51.100.1)" }]);
  });

  test("a name claimed by another owner is left to it, even when its Node is gone here", () => {
    const theirs = record("A", `node-a.${domain}`, "198.51.100.1");
    const result = plan([node("node-a", "203.0.113.5")], [claim(theirs.name, "cluster-b"), theirs]);
    expect(result.changes).toEqual([]);
    expect(result.conflicts[0]?.reason).toBe("claimed by another edge-ingress owner (cluster-b)");
    expect(plan([], [claim(theirs.name, "cluster-b"), theirs]).changes).toEqual([]);
  });

  test("a CNAME added by hand on an owned name is reported, not replaced", () => {
    const cname = record("CNAME", `node-a.${domain}`, "elsewhere.example.net");
    const result = plan([node("node-a", "203.0.113.5")], [claim(cname.name), cname]);
    expect(result.changes).toEqual([]);
    expect(result.conflicts).toHaveLength(1);
  });

  test("records of other types on a Node's name (MX, a plain TXT) do not block it", () => {
    const mx = record("MX", `node-a.${domain}`, "mail.example.com");
    expect(ops(plan([node("node-a", "203.0.113.5")], [mx]))).toHaveLength(2);
  });

  test("extra address records on an owned name are removed, and a duplicate claim too", () => {
    const a1 = record("A", `node-a.${domain}`, "203.0.113.5");
    const a2 = record("A", `node-a.${domain}`, "203.0.113.99");
    const dup = claim(a1.name);
    expect(ops(plan([node("node-a", "203.0.113.5")], [claim(a1.name), dup, a1, a2]))).toEqual([`delete A node-a.${domain}`, `delete TXT _edge-ingress-owner.node-a.${domain}`]);
  });

  test("Nodes without a usable name or address are reported and skipped", () => {
    const result = plan([{ name: "bare", address: "203.0.113.5" }, { name: "x", address: "203.0.113.5", hostname: "x.other.org" }, node("weird", "not-an-ip")]);
    expect(result.changes).toEqual([]);
    expect(result.invalid.map((i) => i.node)).toEqual(["bare", "x", "weird"]);
  });

  test("ownership values are recognised only when they carry the edge-ingress heritage", () => {
    expect(parseOwnerContent(formatOwnerContent("cluster-a"))).toBe("cluster-a");
    expect(parseOwnerContent("heritage=edge-ingress,edge-ingress/owner=x")).toBe("x");
    expect(parseOwnerContent('"heritage=external-dns,external-dns/owner=cluster-a"')).toBeNull();
    expect(parseOwnerContent("v=spf1 -all")).toBeNull();
  });
});
