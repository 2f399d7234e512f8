import type { RoutePolicy } from "../../table/route-policy.ts";
import type { Backend, Problem, Rule, TlsHost } from "../../table/schema.ts";

/** Where the compiler's other parts collect the table; Gateway API routes add to the same. */
export interface GatewaySink {
  readonly hosts: Map<string, Map<string, Rule>>;
  readonly tls: Map<string, TlsHost>;
  readonly backends: Map<string, Backend>;
  readonly policies: RoutePolicy[];
  readonly problems: Problem[];
  /** Route rules' order (routes oldest first, then by namespace/name, rule, match): the tie-break among equals. */
  readonly routeOrder: Map<Rule, number>;
}
