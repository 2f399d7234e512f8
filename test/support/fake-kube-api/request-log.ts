/** One API call as RBAC sees it: verb, API group, resource, subresource. */
export interface ApiRequest {
  /** The bearer token presented: which client made the call. */
  readonly user: string;
  readonly verb: "get" | "list" | "watch" | "create" | "update" | "patch" | "delete";
  readonly group: string;
  readonly resource: string;
  readonly subresource: string | null;
  readonly namespace: string | null;
  readonly name: string | null;
  readonly query: Readonly<Record<string, string>>;
  /** HTTP status of the answer (200 for a watch that was accepted). */
  status: number;
}

/** `verb group/resource[/subresource]`: how the RBAC test compares calls with rules. */
export function describeRequest(request: ApiRequest): string {
  const resource = request.subresource === null ? request.resource : `${request.resource}/${request.subresource}`;
  return `${request.verb} ${request.group === "" ? "core" : request.group}/${resource}`;
}
