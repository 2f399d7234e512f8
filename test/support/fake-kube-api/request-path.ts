import { RESOURCE_TYPES, type ResourceType } from "./resource-types.ts";

/** A Kubernetes API URL path, taken apart: `/api/v1/namespaces/ns/services/name/status` and the like. */
export interface RequestPath {
  readonly type: ResourceType;
  readonly namespace: string | null;
  readonly name: string | null;
  readonly subresource: string | null;
}

/** `installed`: whether a CRD's kind is served (kube-apiserver answers 404 for a resource no CRD defines). */
export function parseRequestPath(pathname: string, installed: (type: ResourceType) => boolean = () => true): RequestPath | null {
  const parts = pathname.split("/").filter((p) => p !== "").map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts[1] !== undefined) {
    group = "";
    version = parts[1];
    rest = parts.slice(2);
    if (parts[1] !== "v1") return null;
  } else if (parts[0] === "apis" && parts[1] !== undefined && parts[2] !== undefined) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return null;
  }
  let namespace: string | null = null;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1] ?? null;
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (resource === undefined || extra.length > 0) return null;
  const type = RESOURCE_TYPES.find((t) => t.group === group && t.resource === resource && t.version === version);
  if (type === undefined || !installed(type)) return null;
  if (namespace !== null && !type.namespaced) return null;
  if (subresource !== undefined && !type.subresources.includes(subresource)) return null;
  return { type, namespace, name: name ?? null, subresource: subresource ?? null };
}

/** `/apis/<group>/<version>` (API discovery): the group and version asked about, or null for any other path. */
export function parseDiscoveryPath(pathname: string): { readonly group: string; readonly version: string } | null {
  const parts = pathname.split("/").filter((p) => p !== "");
  return parts.length === 3 && parts[0] === "apis" && parts[1] !== undefined && parts[2] !== undefined ? { group: parts[1], version: parts[2] } : null;
}
