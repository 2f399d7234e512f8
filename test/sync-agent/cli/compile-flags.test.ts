import { parseArgs } from "node:util";
import { describe, expect, it } from "vitest";
import { compileFlagSpec, readCompileFlags } from "../../../sync-agent/cli/compile-flags.ts";

function classesFrom(args: string[], env: NodeJS.ProcessEnv = {}): { classes: unknown; problems: string[] } {
  const problems: string[] = [];
  const { values } = parseArgs({ args: ["--manifests", "m", ...args], options: compileFlagSpec, strict: true });
  const { options } = readCompileFlags(values, env, problems);
  return { classes: options.ingressClass, problems };
}

describe("--ingress-class", () => {
  it("serves edge when neither the flag nor EDGE_INGRESS_CLASS is given", () => {
    expect(classesFrom([])).toEqual({ classes: "edge", problems: [] });
  });
  it("takes one class", () => {
    expect(classesFrom(["--ingress-class", "nginx"]).classes).toBe("nginx");
  });
  it("is repeatable and comma-separated, duplicates dropped, in the order given", () => {
    expect(classesFrom(["--ingress-class", "edge,nginx", "--ingress-class", "nginx", "--ingress-class", " internal "]).classes).toEqual(["edge", "nginx", "internal"]);
  });
  it("reads a comma-separated EDGE_INGRESS_CLASS when the flag is not given", () => {
    expect(classesFrom([], { EDGE_INGRESS_CLASS: "edge,nginx" }).classes).toEqual(["edge", "nginx"]);
  });
  it("prefers the flag to EDGE_INGRESS_CLASS", () => {
    expect(classesFrom(["--ingress-class", "public"], { EDGE_INGRESS_CLASS: "edge,nginx" }).classes).toBe("public");
  });
  it("lists every invalid class name", () => {
    expect(classesFrom(["--ingress-class", "Nginx,edge,,-x"]).problems).toEqual([
      '--ingress-class "Nginx" is not a valid IngressClass name',
      '--ingress-class "" is not a valid IngressClass name',
      '--ingress-class "-x" is not a valid IngressClass name',
    ]);
  });
});
