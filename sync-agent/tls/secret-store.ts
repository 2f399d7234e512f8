import type { SecretObject } from "./select-tls-secrets.ts";

/**
 * Where the agent reads TLS Secrets from, when it reads them at all (`--upload-certificates`): an informer on
 * Secrets of type kubernetes.io/tls, or the Secrets of a manifests folder. Like the cluster source, changes are
 * only signalled; the loop reads the whole set when it runs.
 */
export interface SecretStore {
  /** True once the set reflects the cluster. Until then nothing may be concluded from it (an empty set is not "no Secrets"). */
  synced(): boolean;
  secrets(): readonly SecretObject[];
  onChange(listener: () => void): void;
}
