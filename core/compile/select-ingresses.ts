import type { Problem } from "../table/schema.ts";
import { type Ingress, type IngressClass, namespacedKey, timestampMillis } from "./cluster-objects.ts";
import { CONTROLLER_NAME } from "./compile-options.ts";

const LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";
const DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

export interface IngressSelection {
  /** Ours, oldest first (creationTimestamp, then namespace/name): the order conflicts are settled in. */
  readonly ingresses: readonly Ingress[];
  readonly problems: readonly Problem[];
}

/**
 * The Ingresses this controller serves: `spec.ingressClassName` naming our class; or, without it, the legacy
 * annotation naming it; or neither, when our IngressClass is marked as the default class. An IngressClass of
 * our name that belongs to another controller means none of them are ours.
 */
export function selectIngresses(ingresses: readonly Ingress[], classes: readonly IngressClass[], className: string): IngressSelection {
  const ourClass = classes.find((cls) => cls.metadata?.name === className);
  const controller = ourClass?.spec?.controller;
  if (ourClass !== undefined && controller !== CONTROLLER_NAME) {
    return {
      ingresses: [],
      problems: [{
        kind: "IngressClass",
        object: className,
        reason: `IngressClass "${className}" names controller "${controller ?? ""}", not "${CONTROLLER_NAME}": its Ingresses are not served`,
      }],
    };
  }
  const isDefault = ourClass?.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true";
  const ours = ingresses.filter((ingress) => {
    const field = ingress.spec?.ingressClassName;
    if (field !== undefined && field !== null && field !== "") return field === className;
    const annotation = ingress.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION];
    if (annotation !== undefined) return annotation === className;
    return isDefault;
  });
  return { ingresses: ours.sort(compareByAge), problems: [] };
}

export function compareByAge(a: Ingress, b: Ingress): number {
  const byTime = timestampMillis(a.metadata?.creationTimestamp) - timestampMillis(b.metadata?.creationTimestamp);
  if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
  const ka = namespacedKey(a.metadata);
  const kb = namespacedKey(b.metadata);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
