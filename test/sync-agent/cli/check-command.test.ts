import { describe, expect, it } from "vitest";
import { runCli } from "../../../sync-agent/cli/main.ts";
import { nginxClusterYaml } from "../../support/nginx-manifests.ts";
import { makeTempDir } from "../../support/temp-dir.ts";

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: {} });
  return { code, stdout, stderr };
}

const P = "nginx.ingress.kubernetes.io/";

describe("edge-ingress check", () => {
  it("reports each Ingress of the class taken over, by name, and exits 4 when one is refused", async () => {
    const made = await makeTempDir({ "all.yaml": nginxClusterYaml });
    try {
      const result = await run(["check", "--manifests", made.dir, "--ingress-class", "nginx"]);
      expect(result.stdout.split("\n")).toEqual([
        `default/admin: refused: annotation ${P}auth-url is access control the edge does not enforce; the Ingress is not served (it fails closed rather than serve its routes open)`,
        `default/limited: served without ${P}limit-rps, ${P}proxy-buffering`,
        "default/plain: served as is",
        "3 Ingresses: 1 served as is, 1 served without some annotations or with problems, 1 refused",
        "",
      ]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(4);
    } finally {
      await made.remove();
    }
  });

  it("exits 3 when Ingresses are served but without some annotations or with problems, 0 when all are served as is", async () => {
    const withoutAdmin = nginxClusterYaml.split("---").filter((doc) => !doc.includes("name: admin")).join("---");
    const made = await makeTempDir({ "all.yaml": withoutAdmin });
    try {
      expect((await run(["check", "--manifests", made.dir, "--ingress-class", "nginx"])).code).toBe(3);
    } finally {
      await made.remove();
    }
    const plainOnly = nginxClusterYaml.split("---").filter((doc) => !doc.includes("name: admin") && !doc.includes("name: limited")).join("---");
    const clean = await makeTempDir({ "all.yaml": plainOnly });
    try {
      const result = await run(["check", "--manifests", clean.dir, "--ingress-class", "nginx"]);
      expect(result.stdout).toBe("default/plain: served as is\n1 Ingress: 1 served as is, 0 served without some annotations or with problems, 0 refused\n");
      expect(result.code).toBe(0);
    } finally {
      await clean.remove();
    }
  });

  it("names an Ingress's other problems on its line", async () => {
    const broken = nginxClusterYaml.replace(
      "rules: [{ host: plain.test, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web,",
      "rules: [{ host: plain.test, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: gone,",
    );
    const made = await makeTempDir({ "all.yaml": broken });
    try {
      const result = await run(["check", "--manifests", made.dir, "--ingress-class", "nginx"]);
      expect(result.stdout).toContain("default/plain: served with problems: plain.test /: Service default/gone not found; left out\n");
    } finally {
      await made.remove();
    }
  });

  it("names a regex path the edge's engine refuses on its Ingress's line", async () => {
    const regex = nginxClusterYaml.replace(
      'metadata: { name: plain, annotations: { nginx.ingress.kubernetes.io/ssl-redirect: "false" } }',
      'metadata: { name: plain, annotations: { nginx.ingress.kubernetes.io/ssl-redirect: "false", nginx.ingress.kubernetes.io/use-regex: "true" } }',
    ).replace("paths: [{ path: /, pathType: Prefix, backend: { service: { name: web,", 'paths: [{ path: "/(a)\\\\1", pathType: ImplementationSpecific, backend: { service: { name: web,');
    const made = await makeTempDir({ "all.yaml": regex });
    try {
      const result = await run(["check", "--manifests", made.dir, "--ingress-class", "nginx"]);
      expect(result.stdout).toContain("default/plain: served with problems: plain.test /(a)\\1: the pattern is not one the edge's engine (RE2) takes: invalid escape sequence: `\\1` (RE2 has no backreferences or lookaround); left out\n");
      expect(result.code).toBe(4);
    } finally {
      await made.remove();
    }
  });

  it("sees nothing of the nginx class unless told to serve it", async () => {
    const made = await makeTempDir({ "all.yaml": nginxClusterYaml });
    try {
      const result = await run(["check", "--manifests", made.dir]);
      expect(result.stdout).toBe("0 Ingresses: 0 served as is, 0 served without some annotations or with problems, 0 refused\n");
      expect(result.code).toBe(0);
    } finally {
      await made.remove();
    }
  });
});
