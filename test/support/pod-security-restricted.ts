import type { V1Container, V1PodSpec } from "@kubernetes/client-node";

/** Volume types the restricted profile allows (Pod Security Standards, "Volume Types"). */
const RESTRICTED_VOLUME_TYPES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

/**
 * What Pod Security Admission's `restricted` level (latest) would reject in `pod`, one line per problem: the
 * baseline controls (host namespaces and ports, privileged, capabilities, hostPath, seccomp, procMount) and the
 * restricted ones (volume types, privilege escalation, running as non-root, seccomp profile, drop ALL).
 * AppArmor, SELinux and sysctls are not checked: the agent sets none.
 */
export function restrictedViolations(pod: V1PodSpec): string[] {
  const problems: string[] = [];
  if (pod.hostNetwork === true || pod.hostPID === true || pod.hostIPC === true) problems.push("host namespaces");
  for (const volume of pod.volumes ?? []) {
    const types = Object.keys(volume).filter((key) => key !== "name");
    for (const type of types) if (!RESTRICTED_VOLUME_TYPES.includes(type)) problems.push(`volume ${volume.name}: type ${type}`);
  }
  const podContext = pod.securityContext ?? {};
  if (podContext.runAsUser === 0) problems.push("pod runAsUser 0");
  const podSeccomp = podContext.seccompProfile?.type;
  if (podSeccomp === "Unconfined") problems.push("pod seccomp Unconfined");
  if (pod.securityContext?.sysctls !== undefined && pod.securityContext.sysctls.length > 0) problems.push("sysctls (not checked here)");
  const containers: V1Container[] = [...(pod.initContainers ?? []), ...pod.containers, ...((pod.ephemeralContainers ?? []) as V1Container[])];
  for (const container of containers) {
    const context = container.securityContext ?? {};
    const name = `container ${container.name}`;
    if (context.privileged === true) problems.push(`${name}: privileged`);
    if (context.allowPrivilegeEscalation !== false) problems.push(`${name}: allowPrivilegeEscalation must be false`);
    if ((context.runAsNonRoot ?? podContext.runAsNonRoot) !== true) problems.push(`${name}: runAsNonRoot must be true`);
    if (context.runAsUser === 0) problems.push(`${name}: runAsUser 0`);
    const seccomp = context.seccompProfile?.type ?? podSeccomp;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") problems.push(`${name}: seccompProfile must be RuntimeDefault or Localhost`);
    if (!(context.capabilities?.drop ?? []).includes("ALL")) problems.push(`${name}: capabilities must drop ALL`);
    for (const added of context.capabilities?.add ?? []) if (added !== "NET_BIND_SERVICE") problems.push(`${name}: adds capability ${added}`);
    if (context.procMount !== undefined && context.procMount !== "Default") problems.push(`${name}: procMount ${context.procMount}`);
    for (const port of container.ports ?? []) if (port.hostPort !== undefined && port.hostPort !== 0) problems.push(`${name}: hostPort ${port.hostPort}`);
  }
  return problems;
}
