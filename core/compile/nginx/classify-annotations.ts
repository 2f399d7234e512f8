import { NGINX_PREFIX } from "../parse-policy.ts";
import { NGINX_ANNOTATIONS } from "./nginx-annotations.ts";

/** What the edge makes of one Ingress's ingress-nginx annotations. */
export interface AnnotationVerdict {
  /** Full names of the annotations the Ingress is served without, sorted. */
  readonly ignored: readonly string[];
  /** One sentence per reason the Ingress is not served at all; empty when it is served. */
  readonly refusals: readonly string[];
}

export const NO_VERDICT: AnnotationVerdict = { ignored: [], refusals: [] };

/** What Kubernetes accepts as an annotation name: anything else is quoted before it reaches a report. */
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * Sorts an Ingress's `nginx.ingress.kubernetes.io/*` annotations into served-without and refused (see
 * nginx-annotations.ts). An annotation ingress-nginx does not know is served without and reported like the others:
 * a typo, or one from a later version, must not pass unnoticed. Pure; values are compared, never interpreted here.
 */
export function classifyNginxAnnotations(annotations: Readonly<Record<string, string>> | undefined): AnnotationVerdict {
  if (annotations === undefined) return NO_VERDICT;
  const ignored: string[] = [];
  const refusals: string[] = [];
  for (const [key, rawValue] of Object.entries(annotations)) {
    if (!key.startsWith(NGINX_PREFIX)) continue;
    const name = key.slice(NGINX_PREFIX.length);
    const full = NAME.test(name) ? key : `${NGINX_PREFIX}${JSON.stringify(name.slice(0, 64))}`;
    const entry = NGINX_ANNOTATIONS.get(name);
    if (entry === undefined) {
      ignored.push(full);
      continue;
    }
    const value = rawValue.trim().toLowerCase();
    if (entry.inert?.includes(value) === true) continue;
    switch (entry.support) {
      case "supported":
        break;
      case "ignored":
        ignored.push(full);
        break;
      case "access":
        refusals.push(`annotation ${full} is access control the edge does not enforce; the Ingress is not served (it fails closed rather than serve its routes open)`);
        break;
      case "snippet":
        refusals.push(`annotation ${full} is raw nginx configuration, refused as ingress-nginx refuses it by default (risk level Critical); the Ingress is not served`);
        break;
      case "canary":
        break;
    }
  }
  return { ignored: ignored.sort(), refusals: refusals.sort() };
}

/** The report for an annotation an Ingress is served without: the sentence compile, Events and check share. */
export function ignoredReason(annotation: string): string {
  return `annotation ${annotation} is not supported at the edge; served without it`;
}
