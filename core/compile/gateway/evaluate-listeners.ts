import { namespaceOf } from "../cluster-objects.ts";
import { GATEWAY_GROUP, type Gateway, type Listener, type ReferenceGrant } from "./gateway-objects.ts";
import type { GatewaySink } from "./gateway-sink.ts";
import { type Condition, condition, type ListenerVerdict } from "./gateway-status.ts";
import { isGatewayHostname } from "./intersect-hostnames.ts";
import { granted } from "./reference-grants.ts";
import { selectorMatches } from "./select-namespaces.ts";

export type Side = "http" | "https";

/** A Gateway's listener; one the edge serves takes routes on its side: port 80 is the edge's http side, 443 its https side. */
export interface ServedListener {
  readonly gateway: string;
  readonly gatewayNamespace: string;
  readonly name: string;
  readonly port: number;
  readonly hostname: string | undefined;
  readonly side: Side;
  readonly allows: (namespace: string) => boolean;
  readonly verdict: { attachedRoutes: number };
}

const SIDE_OF_PORT: Readonly<Record<number, Side>> = { 80: "http", 443: "https" };
const ROUTE_KIND = { group: GATEWAY_GROUP, kind: "HTTPRoute" } as const;

/**
 * A Gateway's listeners as the edge serves them (added to `served`, every one, so that a parentRef naming one the
 * edge does not serve is told why), their status conditions, and the Gateway's; the HTTPS listeners' hostnames
 * become TLS hosts and their certificateRefs the edge's certificates.
 */
export function evaluateListeners(
  gateway: Gateway,
  key: string,
  labelsOf: (namespace: string) => Readonly<Record<string, string>>,
  grants: readonly ReferenceGrant[],
  served: ServedListener[],
  sink: GatewaySink,
  certificates: Map<string, Set<string>>,
): { conditions: Condition[]; listeners: ListenerVerdict[] } {
  const namespace = namespaceOf(gateway.metadata);
  const report = (reason: string): void => { sink.problems.push({ kind: "Gateway", object: key, reason }); };
  const seen = new Map<string, string>();
  const verdicts: ListenerVerdict[] = [];
  for (const listener of gateway.spec?.listeners ?? []) {
    const name = listener.name ?? "";
    const kinds = supportedKinds(listener);
    const problems: { reason: string; message: string }[] = [];
    const side = SIDE_OF_PORT[listener.port ?? 0];
    const protocolOk = listener.protocol === "HTTP" || listener.protocol === "HTTPS";
    if (!protocolOk) problems.push({ reason: "UnsupportedProtocol", message: `protocol ${listener.protocol ?? "(none)"}: the edge serves HTTP and HTTPS` });
    else if (side === undefined || (side === "http") !== (listener.protocol === "HTTP")) {
      problems.push({ reason: "PortUnavailable", message: `${listener.protocol} on port ${listener.port ?? "(none)"}: the edge serves HTTP on port 80 and HTTPS on 443` });
    }
    if (listener.hostname !== undefined && !isGatewayHostname(listener.hostname)) problems.push({ reason: "Invalid", message: `hostname "${listener.hostname}" is not a valid host name` });
    const refs = listener.protocol === "HTTPS" ? checkCertificateRefs(listener, namespace, grants) : null;
    const slot = `${listener.port ?? 0}/${listener.hostname ?? ""}`;
    const holder = seen.get(slot);
    const conflicted = holder !== undefined;
    if (!conflicted) seen.set(slot, name);
    const accepted = problems.length === 0;
    const serving = accepted && !conflicted && (refs === null || refs.ok);
    const attachedRoutes = { attachedRoutes: 0 };
    problems.forEach((p) => report(`listener ${name}: ${p.message}; not served`));
    if (conflicted) report(`listener ${name}: port ${listener.port ?? ""} and hostname "${listener.hostname ?? ""}" are already the listener ${holder}'s; not served`);
    if (refs !== null && !refs.ok) report(`listener ${name}: ${refs.message}; not served`);
    if (kinds.problem !== null) report(`listener ${name}: ${kinds.problem}`);
    // Every listener is listed, so that a parentRef naming one the edge does not serve is NotAllowedByListeners
    // (rather than NoMatchingParent); one for other route kinds only takes no HTTPRoute either.
    const allows = serving && side !== undefined && kinds.ok !== null ? allowsNamespace(listener, namespace, labelsOf) : () => false;
    served.push({ gateway: key, gatewayNamespace: namespace, name, port: listener.port ?? 0, hostname: listener.hostname, side: side ?? "http", allows, verdict: attachedRoutes });
    if (serving && side === "https") {
      if (listener.hostname !== undefined && !sink.tls.has(listener.hostname)) sink.tls.set(listener.hostname, { host: listener.hostname, redirect: false });
      for (const ref of listener.tls?.certificateRefs ?? []) {
        const id = `${ref.namespace ?? namespace}/${ref.name ?? ""}`;
        const hosts = certificates.get(id) ?? new Set<string>();
        if (listener.hostname !== undefined) hosts.add(listener.hostname);
        certificates.set(id, hosts);
      }
    }
    const first = problems[0];
    verdicts.push({
      name,
      supportedKinds: kinds.ok ?? [],
      get attachedRoutes() { return attachedRoutes.attachedRoutes; },
      conditions: [
        condition("Accepted", accepted, first?.reason ?? "Accepted", first?.message ?? "served by the edge"),
        condition("Programmed", serving, serving ? "Programmed" : "Invalid", serving ? "in the edge's routing table" : "not served"),
        refs !== null && !refs.ok
          ? condition("ResolvedRefs", false, refs.reason, refs.message)
          : kinds.problem !== null
            ? condition("ResolvedRefs", false, "InvalidRouteKinds", kinds.problem)
            : condition("ResolvedRefs", true, "ResolvedRefs", "references resolved"),
        condition("Conflicted", conflicted, conflicted ? "HostnameConflict" : "NoConflicts", conflicted ? `same port and hostname as listener ${holder}` : "no conflict"),
      ],
    });
  }
  const any = verdicts.some((v) => v.conditions[1]?.status === "True");
  return {
    conditions: [
      condition("Accepted", any || verdicts.length === 0, any || verdicts.length === 0 ? "Accepted" : "ListenersNotValid", any ? "served by the edge" : "no listener can be served"),
      condition("Programmed", any, any ? "Programmed" : "Invalid", any ? "in the edge's routing table" : "no listener can be served"),
    ],
    listeners: verdicts,
  };
}

function supportedKinds(listener: Listener): { ok: { group: string; kind: string }[] | null; problem: string | null } {
  const kinds = listener.allowedRoutes?.kinds;
  if (kinds === undefined || kinds.length === 0) return { ok: [ROUTE_KIND], problem: null };
  const ok = kinds.filter((k) => (k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && k.kind === "HTTPRoute").map(() => ROUTE_KIND).slice(0, 1);
  const bad = kinds.filter((k) => !((k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && k.kind === "HTTPRoute"));
  return { ok: ok.length === 0 ? null : ok, problem: bad.length === 0 ? null : `route kinds ${bad.map((k) => `${k.group ?? GATEWAY_GROUP}/${k.kind ?? "?"}`).join(", ")} are not supported (only HTTPRoute)` };
}

function checkCertificateRefs(listener: Listener, namespace: string, grants: readonly ReferenceGrant[]): { ok: true } | { ok: false; reason: string; message: string } {
  if ((listener.tls?.mode ?? "Terminate") !== "Terminate") return { ok: false, reason: "Invalid", message: `TLS mode ${listener.tls?.mode ?? ""}: the edge terminates TLS` };
  const refs = listener.tls?.certificateRefs ?? [];
  if (refs.length === 0) return { ok: false, reason: "InvalidCertificateRef", message: "an HTTPS listener needs a certificateRef" };
  for (const ref of refs) {
    if ((ref.group ?? "") !== "" || (ref.kind ?? "Secret") !== "Secret") return { ok: false, reason: "InvalidCertificateRef", message: `certificateRef ${ref.kind ?? ""} ${ref.name ?? ""}: only Secrets` };
    const target = ref.namespace ?? namespace;
    if (target !== namespace && !granted(grants, { group: GATEWAY_GROUP, kind: "Gateway", namespace }, { group: "", kind: "Secret", namespace: target, name: ref.name ?? "" })) {
      return { ok: false, reason: "RefNotPermitted", message: `certificateRef Secret ${target}/${ref.name ?? ""}: no ReferenceGrant in ${target} allows it` };
    }
  }
  return { ok: true };
}

function allowsNamespace(listener: Listener, gatewayNamespace: string, labelsOf: (namespace: string) => Readonly<Record<string, string>>): (namespace: string) => boolean {
  const from = listener.allowedRoutes?.namespaces?.from ?? "Same";
  if (from === "All") return () => true;
  if (from === "Selector") {
    const selector = listener.allowedRoutes?.namespaces?.selector;
    return (namespace) => selector !== undefined && selectorMatches(selector, labelsOf(namespace));
  }
  return from === "Same" ? (namespace) => namespace === gatewayNamespace : () => false;
}
