import type { ClusterState } from "../../core/compile/cluster-objects.ts";
import { loadManifests } from "../manifests/load-manifests.ts";
import type { ClusterSource } from "./compile-flags.ts";

/** One snapshot of the cluster, from a manifests folder or (listing once) from a live API server. */
export async function loadCluster(source: ClusterSource): Promise<ClusterState> {
  if (source.kind === "manifests") return loadManifests(source.dir);
  const { listCluster } = await import("../kube/list-cluster.ts");
  return listCluster(source.path);
}
