import type { ClusterState } from "../../core/compile/cluster-objects.ts";
import type { CompileResult } from "../../core/compile/compile-table.ts";
import type { TlsSecret } from "../cloudflare/tls-secret.ts";
import type { Logger } from "../observe/logger.ts";
import type { SecretStore } from "./secret-store.ts";
import { selectTlsSecrets } from "./select-tls-secrets.ts";

/**
 * Hands the consumer (the certificate reconciler) the TLS Secrets of the served Ingresses after each compile.
 * Says nothing until the store has synced: an empty set read too early would mean "delete every certificate".
 * Each problem (a missing or malformed Secret) is logged once, when it first appears.
 */
export class TlsSecretFeed {
  private known = new Set<string>();

  constructor(
    private readonly store: SecretStore,
    private readonly consume: (secrets: readonly TlsSecret[]) => void,
    private readonly logger: Logger,
  ) {}

  update(result: CompileResult, cluster: ClusterState): void {
    if (!this.store.synced()) return;
    const { secrets, problems } = selectTlsSecrets(cluster.ingresses, result.served, this.store.secrets(), result.gateway.certificates);
    const now = new Set<string>();
    for (const problem of problems) {
      const id = `${problem.secret}\u0000${problem.reason}`;
      now.add(id);
      if (!this.known.has(id)) this.logger.log("warn", "tls-secret-problem", { secret: problem.secret, reason: problem.reason });
    }
    this.known = now;
    this.consume(secrets);
  }
}
