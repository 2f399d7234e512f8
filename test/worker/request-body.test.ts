import { describe, expect, it } from "vitest";
import { readRequestBody } from "../../worker/proxy/request-body.ts";

describe("the body the edge forwards", () => {
  it("is none for a request without one", () => {
    const request = new Request("http://app.example/", { method: "DELETE" });
    expect(readRequestBody(request, request.headers)).toBeNull();
  });

  it("is none when the client declared Content-Length: 0, so the request may fail over like a bodiless one", () => {
    const request = new Request("http://app.example/", { method: "DELETE", headers: { "content-length": "0" }, body: "" });
    expect(request.body).not.toBeNull();
    expect(readRequestBody(request, request.headers)).toBeNull();
  });

  it("is the client's own stream otherwise, even an empty one of undeclared length", async () => {
    const sent = new Request("http://app.example/", { method: "POST", body: "hello" });
    expect(await new Response(readRequestBody(sent, sent.headers)).text()).toBe("hello");
    const unsized = new Request("http://app.example/", { method: "POST", body: new ReadableStream({ start: (controller) => controller.close() }) });
    expect(readRequestBody(unsized, unsized.headers)).toBe(unsized.body);
  });
});
