import { namespaceOf } from "../cluster-objects.ts";
import type { ReferenceGrant } from "./gateway-objects.ts";

/** A ReferenceGrant in the target's namespace lets `from` refer to `to`. */
export function granted(
  grants: readonly ReferenceGrant[],
  from: { group: string; kind: string; namespace: string },
  to: { group: string; kind: string; namespace: string; name: string },
): boolean {
  return grants.some((grant) =>
    namespaceOf(grant.metadata) === to.namespace &&
    (grant.spec?.from ?? []).some((f) => (f.group ?? "") === from.group && f.kind === from.kind && f.namespace === from.namespace) &&
    (grant.spec?.to ?? []).some((t) => (t.group ?? "") === to.group && t.kind === to.kind && (t.name === undefined || t.name === "" || t.name === to.name)));
}
