import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, test } from "vitest";
import { AGENT_BUNDLE } from "../scripts/agent/bundle-agent.ts";
import { type AgentPod, renderAgentPod } from "./support/agent-pod.ts";

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments and the parser directive left out. */
function parseDockerfile(text: string): Instruction[] {
  const logical = text.replace(/\\\n/g, " ").split("\n").map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
  return logical.map((line) => {
    const [keyword = "", ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
  });
}

/** Stages in order, each its FROM and what follows. */
function stagesOf(instructions: readonly Instruction[]): Instruction[][] {
  const stages: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") stages.push([instruction]);
    else stages.at(-1)?.push(instruction);
  }
  return stages;
}

/** The image a FROM names, without --platform and AS. */
const imageOf = (from: Instruction): string => from.args.split(/\s+/).filter((word) => !word.startsWith("--"))[0] ?? "";

describe("the Dockerfile (which cannot be built here: no Docker engine)", () => {
  let stages: Instruction[][];
  let rendered: AgentPod;
  beforeAll(async () => {
    stages = stagesOf(parseDockerfile(await readFile("Dockerfile", "utf8")));
    rendered = await renderAgentPod();
  });
  const final = () => stages.at(-1) ?? [];
  const build = () => stages.slice(0, -1).flat();

  test("builds the bundle from the locked dependencies: npm ci after copying the lock file, then npm run build:agent", () => {
    const steps = build().map((i) => `${i.keyword} ${i.args}`);
    const lock = steps.findIndex((step) => step.startsWith("COPY") && step.includes("package-lock.json"));
    const ci = steps.findIndex((step) => /^RUN npm ci\b/.test(step));
    const bundle = steps.findIndex((step) => step === "RUN npm run build:agent");
    expect(lock).toBeGreaterThanOrEqual(0);
    expect(ci).toBeGreaterThan(lock);
    expect(bundle).toBeGreaterThan(ci);
  });

  test("copies into the build only what exists in the repository", () => {
    const sources = build().filter((i) => i.keyword === "COPY").flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(existsSync(source), source).toBe(true);
  });

  test("pins every base image to an exact version, the same Node in both stages", () => {
    const images = stages.map((stage) => imageOf(stage[0] ?? { keyword: "", args: "" }));
    for (const image of images) expect(image).toMatch(/^[\w./-]+:\d+\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?$|@sha256:[0-9a-f]{64}$/);
    expect(new Set(images.map((image) => /:(\d+\.\d+\.\d+)/.exec(image)?.[1])).size).toBe(1);
  });

  test("the runtime image holds only the bundle, runs it as the Deployment's non-root user, and writes nothing", () => {
    const keywords = final().map((i) => i.keyword);
    expect(keywords.filter((k) => k !== "FROM" && k !== "COPY" && k !== "WORKDIR" && k !== "USER" && k !== "ENTRYPOINT" && k !== "CMD")).toEqual([]);
    const copies = final().filter((i) => i.keyword === "COPY");
    expect(copies).toHaveLength(1);
    expect(copies[0]?.args).toMatch(new RegExp(`^--from=\\S+ \\S*/${AGENT_BUNDLE} (\\S+)$`));
    const installed = copies[0]?.args.split(/\s+/).at(-1);
    const entrypoint = JSON.parse(final().find((i) => i.keyword === "ENTRYPOINT")?.args ?? "[]") as string[];
    expect(entrypoint).toEqual(["node", installed]);
    const user = final().filter((i) => i.keyword === "USER").at(-1)?.args;
    const context = rendered.pod.securityContext;
    expect(user).toBe(`${context?.runAsUser}:${context?.runAsGroup}`);
    expect(context?.runAsUser).not.toBe(0);
  });

  test("the Deployment passes the agent's command as args, keeping the image's entrypoint", () => {
    expect(rendered.container.command).toBeUndefined();
    expect(rendered.container.args?.[0]).toBe("sync");
  });
});
