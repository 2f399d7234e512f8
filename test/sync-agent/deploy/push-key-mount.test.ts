import { chmod, mkdir, readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import type { V1Container, V1PodSpec } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { bundleAgent } from "../../../scripts/agent/bundle-agent.ts";
import { renderAgentPod, podIdentity } from "../../support/agent-pod.ts";
import { mountSecretVolume } from "../../support/kubelet-secret-volume.ts";
import { makeReadOnlyDir, RUNS_AS_ROOT, startInPod } from "../../support/pod-process.ts";
import { makeTempDir } from "../../support/temp-dir.ts";
import { EdgeReceiver } from "../support/edge-receiver.ts";
import { generatePushKeys } from "../support/push-keys.ts";
import { waitFor } from "../support/wait-for.ts";

type Folder = { dir: string; remove: () => Promise<void> };

const PUSH_KEY_SECRET = "edge-ingress-push-key";

/** Where the container finds the push key, and the Secret volume that puts it there. */
function keyMount(pod: V1PodSpec, container: V1Container) {
  const volume = pod.volumes?.find((v) => v.secret?.secretName === PUSH_KEY_SECRET);
  const mount = container.volumeMounts?.find((m) => m.name === volume?.name);
  const keyFile = container.args?.find((arg) => arg.startsWith("--push-key-file="))?.slice("--push-key-file=".length);
  if (volume?.secret === undefined || mount === undefined || keyFile === undefined) throw new Error("the Deployment mounts no push key Secret or passes no --push-key-file=");
  return { source: volume.secret, mountPath: mount.mountPath, keyFile, readOnly: mount.readOnly === true };
}

describe("the push key, mounted as the kubelet mounts deploy/'s Secret volume", () => {
  let bundle: string;
  let folders: Folder[] = [];
  let manifests: Folder;
  let edge: EdgeReceiver;
  let keys: Awaited<ReturnType<typeof generatePushKeys>>;
  let rendered: Awaited<ReturnType<typeof renderAgentPod>>;
  beforeAll(async () => {
    // The kubelet's layout needs chown: like the other tests of the Pod's user, this one runs as root (here and in CI).
    if (!RUNS_AS_ROOT) throw new Error("run as root: the key's owner and group are set as the kubelet sets them");
    const bundleDir = await makeTempDir({});
    folders.push(bundleDir);
    bundle = (await bundleAgent(join(bundleDir.dir, "edge-ingress.mjs"))).outfile;
    await chmod(bundleDir.dir, 0o755);
    const demo: Record<string, string> = {};
    for (const file of await readdir("examples/demo")) demo[file] = await readFile(join("examples/demo", file), "utf8");
    manifests = await makeReadOnlyDir(demo);
    folders.push(manifests);
    rendered = await renderAgentPod();
    keys = await generatePushKeys();
    edge = new EdgeReceiver();
    await edge.start();
    await edge.trust("mounted", keys.publicJwk);
  }, 60_000);
  afterAll(async () => {
    await edge?.stop();
    await Promise.all(folders.map((folder) => folder.remove()));
    folders = [];
  });

  /** Mounts the key as `pod` says into a fresh folder and starts the bundled agent on it, as `pod`'s container. */
  async function startAgentOn(pod: V1PodSpec) {
    const { source, mountPath, keyFile } = keyMount(pod, rendered.container);
    const volumes = await makeTempDir({});
    folders.push(volumes);
    const volume = join(volumes.dir, "push-key");
    await mkdir(volume);
    await chmod(volumes.dir, 0o755);
    await mountSecretVolume(volume, source, { "private.jwk": JSON.stringify(keys.privateJwk) }, pod.securityContext?.fsGroup);
    const keyPath = join(volume, relative(mountPath, keyFile));
    const run = startInPod(podIdentity(pod, rendered.container), [
      bundle, "sync",
      "--manifests", manifests.dir,
      "--edge-url", edge.url,
      "--push-key-file", keyPath,
      "--no-leader-election",
      "--no-health-checks",
      "--metrics-port", "0",
    ], { cwd: manifests.dir, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: manifests.dir } });
    return { run, keyPath };
  }

  test("--push-key-file names a file of that volume, mounted read-only", () => {
    const { source, mountPath, keyFile, readOnly } = keyMount(rendered.pod, rendered.container);
    expect(readOnly).toBe(true);
    expect(source.items?.map((item) => join(mountPath, item.path))).toContain(keyFile);
  });

  test("as deploy/ is written, the key is root's, group fsGroup, mode 0440, and the agent running as the Pod's user signs its pushes with it", async () => {
    const { run, keyPath } = await startAgentOn(rendered.pod);
    const key = await stat(keyPath);
    expect({ uid: key.uid, gid: key.gid, mode: key.mode & 0o777 }).toEqual({ uid: 0, gid: rendered.pod.securityContext?.fsGroup, mode: 0o440 });
    expect(podIdentity(rendered.pod, rendered.container).runAsUser).not.toBe(0);
    await waitFor("a push signed with the mounted key", () => edge.pushes.some((push) => push.signer === "mounted"), 30_000);
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
  }, 60_000);

  test("as it was (defaultMode 0400, no fsGroup), the key is unreadable to that user: the agent exits 1 with EACCES", async () => {
    const { fsGroup: _dropped, ...securityContext } = rendered.pod.securityContext ?? {};
    const before: V1PodSpec = {
      ...rendered.pod,
      securityContext,
      volumes: rendered.pod.volumes?.map((v) => (v.secret?.secretName === PUSH_KEY_SECRET ? { ...v, secret: { ...v.secret, defaultMode: 0o400 } } : v)),
    };
    const { run, keyPath } = await startAgentOn(before);
    const key = await stat(keyPath);
    expect({ uid: key.uid, gid: key.gid, mode: key.mode & 0o777 }).toEqual({ uid: 0, gid: 0, mode: 0o400 });
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain(`cannot read --push-key-file ${keyPath}: EACCES`);
  }, 60_000);
});
