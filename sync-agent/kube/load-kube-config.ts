import { KubeConfig } from "@kubernetes/client-node";

export type KubeConnection = { readonly kind: "in-cluster" } | { readonly kind: "kubeconfig"; readonly path: string };

export class KubeConfigError extends Error {
  readonly code = "KUBECONFIG_INVALID";
}

/** A client configuration from the Pod's service account or from a kubeconfig file; problems say which. */
export function loadKubeConfig(connection: KubeConnection): KubeConfig {
  const config = new KubeConfig();
  try {
    if (connection.kind === "in-cluster") config.loadFromCluster();
    else config.loadFromFile(connection.path);
  } catch (error) {
    const where = connection.kind === "in-cluster" ? "in-cluster service account" : connection.path;
    throw new KubeConfigError(`cannot load Kubernetes configuration from ${where}: ${(error as Error).message}`);
  }
  if (config.getCurrentCluster() === null) throw new KubeConfigError("the Kubernetes configuration names no current cluster");
  return config;
}
