/**
 * The client's body as the edge forwards it: none when the client declared `Content-Length: 0`. The runtime
 * hands such a request an empty stream (even on a GET), and a request with a body is never retried on another
 * target; an empty one loses nothing by going bodiless, and keeps failover. Read only for requests that have a
 * body: most have none, and each header read is a call into the runtime.
 */
export function readRequestBody(request: Request, headers: Headers): ReadableStream<Uint8Array> | null {
  const body = request.body;
  return body !== null && headers.get("content-length") === "0" ? null : body;
}
