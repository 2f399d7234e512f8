import type { BackendProtocol } from "../table/schema.ts";

export interface ChosenProtocol {
  readonly protocol: BackendProtocol;
  /** Why the Service port's appProtocol could not be followed as written; null when it could. */
  readonly problem: string | null;
}

/**
 * Service `appProtocol` values the edge understands (compared without case). IANA `http`/`https`; Kubernetes'
 * `kubernetes.io/ws` and `kubernetes.io/wss` are WebSockets over HTTP/1.1, in the clear or over TLS, which is how
 * the edge relays them anyway. `kubernetes.io/https` is no Kubernetes-defined name but says what it means.
 */
const APP_PROTOCOLS: ReadonlyMap<string, BackendProtocol> = new Map([
  ["http", "http"],
  ["kubernetes.io/ws", "http"],
  ["https", "https"],
  ["kubernetes.io/https", "https"],
  ["kubernetes.io/wss", "https"],
]);

/**
 * How the edge speaks to a backend: the Ingress's `backend-protocol` annotation when it gives one (it is the
 * Ingress author's word for this route), else the Service port's `appProtocol`, else HTTP. An appProtocol the
 * edge cannot speak is reported and HTTP/1.1 in the clear is used, the default for a port that says nothing.
 */
export function chooseBackendProtocol(annotation: BackendProtocol | null, appProtocol: string | undefined): ChosenProtocol {
  if (annotation !== null) return { protocol: annotation, problem: null };
  if (appProtocol === undefined || appProtocol === "") return { protocol: "http", problem: null };
  const known = APP_PROTOCOLS.get(appProtocol.toLowerCase());
  if (known !== undefined) return { protocol: known, problem: null };
  const why = appProtocol.toLowerCase() === "kubernetes.io/h2c"
    ? "HTTP/2 without TLS (h2c) is not spoken by the edge"
    : "is not one the edge speaks (http, https, kubernetes.io/ws, kubernetes.io/wss)";
  return { protocol: "http", problem: `appProtocol "${appProtocol}" ${why}; the edge sends HTTP/1.1 in the clear (set edge-ingress.dev/backend-protocol on the Ingress to choose)` };
}
