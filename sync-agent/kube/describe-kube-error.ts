import { ApiException } from "@kubernetes/client-node";

/** One line for logs: the HTTP code and the API server's Status message, not the client's multi-line dump. */
export function describeKubeError(error: unknown): string {
  if (error instanceof ApiException) {
    let body: unknown = error.body;
    if (typeof error.body === "string") {
      const text: string = error.body;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        return `${error.code} ${text.slice(0, 200)}`;
      }
    }
    const message = (body as { message?: unknown } | null | undefined)?.message;
    return `${error.code} ${typeof message === "string" ? message : ""}`.trim();
  }
  return error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
}
