import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";

/** One object of rendered manifests, as far as the tests read it. */
export interface RenderedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  readonly [field: string]: unknown;
}

/**
 * What `kubectl apply -k DIR` would send: `kubectl kustomize DIR` (kubectl is part of this machine's base image,
 * and so CI's), parsed. Fails with kustomize's own message when the kustomization does not build.
 */
export async function renderKustomization(dir: string): Promise<RenderedObject[]> {
  let yaml: string;
  try {
    ({ stdout: yaml } = await promisify(execFile)("kubectl", ["kustomize", dir], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 }));
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`kubectl kustomize ${dir} failed: ${stderr?.trim() || message}`);
  }
  return parseAllDocuments(yaml).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`kubectl kustomize ${dir}: ${doc.errors[0]?.message ?? ""}`);
    return doc.toJS() as RenderedObject;
  });
}
