import type { Problem } from "../table/schema.ts";
import { type Ingress, type IngressClass, namespacedKey, timestampMillis } from "./cluster-objects.ts";
import { CONTROLLER_NAME, NGINX_CONTROLLER_NAME } from "./compile-options.ts";

const LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";
const DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";
/** Controllers whose IngressClass objects we take over: ours, and ingress-nginx's (a migration edits no Ingress). */
const ACCEPTED_CONTROLLERS: ReadonlySet<string> = new Set([CONTROLLER_NAME, NGINX_CONTROLLER_NAME]);

export interface IngressSelection {
  /** Ours, oldest first (creationTimestamp, then namespace/name): the order conflicts are settled in. */
  readonly ingresses: readonly Ingress[];
  readonly problems: readonly Problem[];
}

/**
 * The Ingresses this controller serves: `spec.ingressClassName` naming one of our classes; or, without it, the
 * legacy annotation naming one; or neither, when one of our IngressClasses is marked as the default class. An
 * IngressClass of one of our names that belongs to a controller other than ours or ingress-nginx means none of
 * that class's Ingresses are ours (the operator told us to serve it, but someone else claims it: said out loud).
 */
export function selectIngresses(ingresses: readonly Ingress[], classes: readonly IngressClass[], classNames: string | readonly string[]): IngressSelection {
  const problems: Problem[] = [];
  const served = new Set<string>();
  let isDefault = false;
  for (const className of typeof classNames === "string" ? [classNames] : classNames) {
    const ourClass = classes.find((cls) => cls.metadata?.name === className);
    const controller = ourClass?.spec?.controller;
    if (ourClass !== undefined && (controller === undefined || !ACCEPTED_CONTROLLERS.has(controller))) {
      problems.push({
        kind: "IngressClass",
        object: className,
        reason: `IngressClass "${className}" names controller "${controller ?? ""}", not "${CONTROLLER_NAME}" (or "${NGINX_CONTROLLER_NAME}"): its Ingresses are not served`,
      });
      continue;
    }
    served.add(className);
    if (ourClass?.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true") isDefault = true;
  }
  const ours = ingresses.filter((ingress) => {
    const field = ingress.spec?.ingressClassName;
    if (field !== undefined && field !== null && field !== "") return served.has(field);
    const annotation = ingress.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION];
    if (annotation !== undefined) return served.has(annotation);
    return isDefault;
  });
  return { ingresses: ours.sort(compareByAge), problems };
}

export function compareByAge(a: Ingress, b: Ingress): number {
  const byTime = timestampMillis(a.metadata?.creationTimestamp) - timestampMillis(b.metadata?.creationTimestamp);
  if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
  const ka = namespacedKey(a.metadata);
  const kb = namespacedKey(b.metadata);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
