import { type ChildProcess, spawn } from "node:child_process";
import { chmod, rm } from "node:fs/promises";
import { makeTempDir } from "./temp-dir.ts";

/** The parts of a Pod's securityContext that decide what its process may read and write. */
export interface PodIdentity {
  readonly runAsUser: number;
  readonly runAsGroup: number;
  /** fsGroup and supplementalGroups: the container process's supplementary groups. */
  readonly groups: readonly number[];
}

/** Tests run as root here and in CI: then a process really becomes the Pod's user and permissions are enforced. */
export const RUNS_AS_ROOT = process.getuid?.() === 0;

export interface PodRun {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** The exit code (a signal's name if it was killed). */
  readonly exited: Promise<number | string>;
}

/**
 * Starts `node ...args` as a container with `identity` would run it. As root: through util-linux's setpriv, as that
 * uid and gid with those supplementary groups, no new privileges and every capability dropped (the Deployment's
 * allowPrivilegeEscalation: false, drop ALL); child_process's own uid/gid options would clear the supplementary
 * groups that fsGroup adds. Not root: as this user, whose rights the caller narrows with read-only folders.
 * The environment is only `env` (a container's is not this test runner's).
 */
export function startInPod(identity: PodIdentity, args: readonly string[], options: { cwd: string; env: Readonly<Record<string, string>> }): PodRun {
  const command = RUNS_AS_ROOT
    ? [
        "setpriv",
        `--reuid=${identity.runAsUser}`,
        `--regid=${identity.runAsGroup}`,
        identity.groups.length === 0 ? "--clear-groups" : `--groups=${identity.groups.join(",")}`,
        "--no-new-privs",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--",
        process.execPath,
        ...args,
      ]
    : [process.execPath, ...args];
  const [file = "", ...rest] = command;
  const child = spawn(file, rest, { cwd: options.cwd, env: { ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr?.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const exited = new Promise<number | string>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs `node ...args` in the Pod to its end. */
export async function runInPod(identity: PodIdentity, args: readonly string[], options: { cwd: string; env: Readonly<Record<string, string>> }): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const run = startInPod(identity, args, options);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/**
 * A folder holding `files` that the Pod's user can read but not write: owned by root (the test runner) when that
 * user is another, and mode 0555 either way (files 0444), which also binds this user when not root.
 */
export async function makeReadOnlyDir(files: Record<string, string> = {}): Promise<{ dir: string; remove: () => Promise<void> }> {
  const { dir } = await makeTempDir(files);
  for (const name of Object.keys(files)) await chmod(`${dir}/${name}`, 0o444);
  await chmod(dir, 0o555);
  return {
    dir,
    remove: async () => {
      await chmod(dir, 0o755);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
