import { chmod, lchown, lstat, mkdir, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { V1SecretVolumeSource } from "@kubernetes/client-node";

/** The mode of a Secret volume's files when neither the item nor the volume names one (the API's default). */
const API_DEFAULT_MODE = 0o644;

/**
 * Lays out a Secret volume in `dir` (a fresh, empty folder) as the kubelet does: pkg/volume/util/atomic_writer.go
 * writes the files into a `..<timestamp>` folder (0755) with the item's mode or defaultMode, owned by root, then
 * links `..data` to that folder and each item to `..data/<path>`; the volume's root is a tmpfs (1777). With an
 * fsGroup, pkg/volume/volume_linux.go (changeFilePermission) then walks the volume, links skipped: group fsGroup
 * on everything, group read added to files (a Secret volume is read-only), group read and search plus setgid on
 * folders. The test process must be root (chown).
 */
export async function mountSecretVolume(dir: string, source: V1SecretVolumeSource, data: Readonly<Record<string, string>>, fsGroup: number | undefined): Promise<void> {
  await chmod(dir, 0o1777);
  const timestamped = `..${new Date().toISOString().replace(/[-:T]/g, "_").replace("Z", "")}`;
  await mkdir(join(dir, timestamped));
  await chmod(join(dir, timestamped), 0o755);
  const items = source.items ?? Object.keys(data).map((key) => ({ key, path: key, mode: undefined }));
  for (const item of items) {
    const value = data[item.key];
    if (value === undefined) throw new Error(`the Secret has no key ${item.key}`);
    if (item.path.includes("/")) throw new Error(`nested item paths are not laid out here: ${item.path}`);
    await writeFile(join(dir, timestamped, item.path), value);
    await chmod(join(dir, timestamped, item.path), item.mode ?? source.defaultMode ?? API_DEFAULT_MODE);
    await symlink(join("..data", item.path), join(dir, item.path));
  }
  await symlink(timestamped, join(dir, "..data"));
  if (fsGroup !== undefined) await applyFsGroup(dir, fsGroup);
}

async function applyFsGroup(path: string, fsGroup: number): Promise<void> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) return;
  await lchown(path, info.uid, fsGroup);
  const permissions = info.mode & 0o7777;
  if (!info.isDirectory()) {
    await chmod(path, permissions | 0o440);
    return;
  }
  await chmod(path, permissions | 0o550 | 0o2000);
  for (const entry of await readdir(path)) await applyFsGroup(join(path, entry), fsGroup);
}
