import type { LabelSelector, Namespace } from "./gateway-objects.ts";

const NAME_LABEL = "kubernetes.io/metadata.name";

/**
 * A namespace's labels as the API server keeps them: a Namespace object's, always with `kubernetes.io/metadata.name`
 * (which Kubernetes sets on every namespace), so a namespace with no object (manifests) still has that one.
 */
export function namespaceLabels(namespaces: readonly Namespace[] | undefined): (namespace: string) => Readonly<Record<string, string>> {
  const byName = new Map((namespaces ?? []).map((ns) => [ns.metadata?.name ?? "", ns.metadata?.labels ?? {}]));
  return (namespace) => ({ ...byName.get(namespace), [NAME_LABEL]: namespace });
}

/** Kubernetes label selector semantics; an unknown operator selects nothing (fails closed). */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const expression of selector.matchExpressions ?? []) {
    const key = expression.key ?? "";
    const has = Object.hasOwn(labels, key);
    const values = expression.values ?? [];
    switch (expression.operator) {
      case "In": if (!has || !values.includes(labels[key] ?? "")) return false; break;
      case "NotIn": if (has && values.includes(labels[key] ?? "")) return false; break;
      case "Exists": if (!has) return false; break;
      case "DoesNotExist": if (has) return false; break;
      default: return false;
    }
  }
  return true;
}
