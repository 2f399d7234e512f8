import type { Rule } from "../../table/schema.ts";
import type { Ingress, IngressBackend } from "../cluster-objects.ts";
import { checkHost, checkPath, checkPathType } from "../validate-ingress-path.ts";
import type { CanarySettings } from "./parse-canary.ts";

/** The key a rule holds within its host: ImplementationSpecific is served as Prefix, so they share one. */
export function ruleSlot(pathType: Rule["pathType"], path: string): string {
  return `${pathType === "Exact" ? "Exact" : "Prefix"} ${path}`;
}

/**
 * Attaches a canary Ingress to the mainline rules of the same host and path, as ingress-nginx merges a canary into
 * its mainline's location: the canary routes nothing on its own (a path without a mainline is reported and left
 * out), and the mainline's policy applies to both. The first canary of a rule (oldest, since Ingresses are
 * visited oldest first) keeps it. Returns whether the canary was attached anywhere.
 */
export function attachCanary(
  ingress: Ingress,
  key: string,
  settings: CanarySettings,
  hosts: Map<string, Map<string, Rule>>,
  addBackend: (ref: IngressBackend, where: string) => string | null,
  report: (reason: string) => void,
): boolean {
  let attached = false;
  if (ingress.spec?.defaultBackend !== undefined && ingress.spec.defaultBackend !== null) {
    report("a canary's defaultBackend is not served (ingress-nginx splits only rules of a host and path)");
  }
  for (const rule of ingress.spec?.rules ?? []) {
    const host = rule.host === undefined || rule.host === null || rule.host === "" ? { ok: true as const, value: "" } : checkHost(rule.host);
    if (!host.ok) {
      report(`${host.reason}; rule left out`);
      continue;
    }
    const shown = host.value === "" ? "(any host)" : host.value;
    for (const entry of rule.http?.paths ?? []) {
      const pathType = checkPathType(entry.pathType);
      const path = pathType.ok ? checkPath(entry.path, pathType.value) : pathType;
      if (!pathType.ok || !path.ok) {
        report(`${shown} ${entry.path ?? ""}: ${path.ok ? "" : path.reason}; left out`);
        continue;
      }
      const rules = hosts.get(host.value);
      const slot = ruleSlot(pathType.value, path.value);
      const mainline = rules?.get(slot);
      if (rules === undefined || mainline === undefined) {
        report(`canary ${shown} ${path.value}: no mainline Ingress serves this host and path; left out`);
        continue;
      }
      if (mainline.canary !== undefined) {
        report(`canary ${shown} ${path.value}: the older canary ${mainline.canary.ingress} already splits this path; left out`);
        continue;
      }
      if (entry.backend === undefined || entry.backend === null) {
        report(`${shown} ${path.value}: no backend; left out`);
        continue;
      }
      const backend = addBackend(entry.backend, `${shown} ${path.value}`);
      if (backend === null) continue;
      rules.set(slot, { ...mainline, canary: { backend, ingress: key, ...settings } });
      attached = true;
    }
  }
  return attached;
}
