import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { renderAgentPod } from "./support/agent-pod.ts";
import { makeTempDir } from "./support/temp-dir.ts";

interface Step {
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Readonly<Record<string, unknown>>;
}
interface Workflow {
  readonly on: { readonly push?: { readonly tags?: readonly string[] }; readonly workflow_dispatch?: unknown };
  readonly permissions: Readonly<Record<string, string>>;
  readonly jobs: Readonly<Record<string, { readonly steps: readonly Step[] }>>;
}

describe(".github/workflows/release.yml", () => {
  let workflow: Workflow;
  let steps: readonly Step[];
  let version: string;
  let deployImage: string;
  let scratch: { dir: string; remove: () => Promise<void> };
  beforeAll(async () => {
    workflow = parse(await readFile(".github/workflows/release.yml", "utf8")) as Workflow;
    steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    version = (JSON.parse(await readFile("package.json", "utf8")) as { version: string }).version;
    deployImage = (await renderAgentPod()).container.image ?? "";
    scratch = await makeTempDir({});
  });
  afterAll(() => scratch.remove());

  const step = (action: string): Step | undefined => steps.find((s) => s.uses?.startsWith(`${action}@`));

  /** The version step's script, run by bash as the runner would, for a ref; returns its exit code and outputs. */
  async function checkVersion(refType: string, refName: string): Promise<{ code: number; outputs: Record<string, string> }> {
    const script = steps.find((s) => s.id === "version")?.run ?? "exit 99";
    const output = join(scratch.dir, `${refType}-${refName}`);
    const env = { PATH: process.env.PATH ?? "", GITHUB_REF_TYPE: refType, GITHUB_REF_NAME: refName, GITHUB_OUTPUT: output, GITHUB_REPOSITORY_OWNER: "Edge-Ingress" };
    const code = await promisify(execFile)("bash", ["-e", "-c", script], { env }).then(() => 0, (error: { code?: number }) => error.code ?? 1);
    const text = await readFile(output, "utf8").catch(() => "");
    return { code, outputs: Object.fromEntries(text.split("\n").filter(Boolean).map((line) => line.split("=", 2) as [string, string])) };
  }

  test("runs on v* tags and by hand", () => {
    expect(workflow.on.push?.tags).toEqual(["v*"]);
    expect(workflow.on).toHaveProperty("workflow_dispatch");
    expect(workflow.permissions).toEqual({ contents: "read", packages: "write" });
  });

  test("on the tag of package.json's version, publishes the image deploy/ runs", async () => {
    const { code, outputs } = await checkVersion("tag", `v${version}`);
    expect(code).toBe(0);
    expect(`${outputs.image}:${outputs.version}`).toBe(deployImage);
  });

  test("refuses another tag, or a branch", async () => {
    expect((await checkVersion("tag", "v999.0.0")).code).toBe(1);
    expect((await checkVersion("branch", "main")).code).toBe(1);
  });

  test("builds for amd64 and arm64 and pushes what metadata-action names", () => {
    const build = step("docker/build-push-action");
    expect(build?.with).toMatchObject({ platforms: "linux/amd64,linux/arm64", push: true, tags: "${{ steps.meta.outputs.tags }}" });
    expect(step("docker/metadata-action")?.with?.images).toBe("${{ steps.version.outputs.image }}");
    expect(step("docker/metadata-action")?.with?.tags).toBe("type=raw,value=${{ steps.version.outputs.version }}");
    for (const action of ["docker/setup-qemu-action", "docker/setup-buildx-action", "docker/login-action"]) expect(step(action), action).toBeDefined();
  });

  test("pins every action to a major version", () => {
    const uses = steps.flatMap((s) => (s.uses === undefined ? [] : [s.uses]));
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
  });
});
