import type { KubeObject } from "./object-store.ts";
import type { ResourceType } from "./resource-types.ts";
import { StoreError } from "./object-store.ts";

/** One requirement of a field selector: `field=value`, `field==value` or `field!=value`. */
interface Requirement {
  readonly field: string;
  readonly value: string;
  readonly equal: boolean;
}

/** Fields every resource can be selected by; others per resource (`ResourceType.fieldLabels`). */
const COMMON_FIELDS = ["metadata.name", "metadata.namespace"];

/**
 * A `fieldSelector` query parameter as kube-apiserver reads it, or null when absent. A field the resource does
 * not support is refused with 400, as the API server does ("field label not supported").
 */
export function parseFieldSelector(type: ResourceType, text: string | null): ((object: KubeObject) => boolean) | null {
  if (text === null || text.trim() === "") return null;
  const requirements: Requirement[] = text.split(",").map((part) => {
    const match = /^\s*([A-Za-z0-9.]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(part);
    if (match === null) throw new StoreError(400, "BadRequest", `invalid field selector: "${part}"`);
    const [, field = "", operator, value = ""] = match;
    if (!COMMON_FIELDS.includes(field) && !(type.fieldLabels ?? []).includes(field)) {
      throw new StoreError(400, "BadRequest", `field label not supported: ${field}`);
    }
    return { field, value, equal: operator !== "!=" };
  });
  return (object) => requirements.every(({ field, value, equal }) => (fieldValue(object, field) === value) === equal);
}

function fieldValue(object: KubeObject, field: string): string {
  let current: unknown = object;
  for (const part of field.split(".")) current = typeof current === "object" && current !== null ? (current as Record<string, unknown>)[part] : undefined;
  return typeof current === "string" ? current : "";
}
