import type { V1Container, V1Deployment, V1PodSpec } from "@kubernetes/client-node";
import type { PodIdentity } from "./pod-process.ts";
import { type RenderedObject, renderKustomization } from "./render-kustomization.ts";

/** The agent's Deployment as deploy/ renders it, with its Pod spec and its one container. */
export interface AgentPod {
  readonly objects: readonly RenderedObject[];
  readonly deployment: V1Deployment;
  readonly pod: V1PodSpec;
  readonly container: V1Container;
}

export async function renderAgentPod(dir = "deploy"): Promise<AgentPod> {
  const objects = await renderKustomization(dir);
  const deployments = objects.filter((object) => object.kind === "Deployment") as V1Deployment[];
  const deployment = deployments[0];
  const pod = deployment?.spec?.template.spec;
  const container = pod?.containers[0];
  if (deployments.length !== 1 || deployment === undefined || pod === undefined || container === undefined || pod.containers.length !== 1) {
    throw new Error(`${dir}: expected one Deployment with one container`);
  }
  return { objects, deployment, pod, container };
}

/** Who the container's process is: the container's securityContext over the Pod's; fsGroup joins its groups. */
export function podIdentity(pod: V1PodSpec, container: V1Container): PodIdentity {
  const runAsUser = container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
  const runAsGroup = container.securityContext?.runAsGroup ?? pod.securityContext?.runAsGroup;
  if (runAsUser === undefined || runAsGroup === undefined) throw new Error("the Deployment sets no runAsUser/runAsGroup: the image's USER would decide");
  const fsGroup = pod.securityContext?.fsGroup;
  const groups = [...new Set([...(fsGroup === undefined ? [] : [fsGroup]), ...(pod.securityContext?.supplementalGroups ?? [])])];
  return { runAsUser, runAsGroup, groups };
}
