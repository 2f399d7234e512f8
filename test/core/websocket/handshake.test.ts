import { describe, expect, it } from "vitest";
import { checkHandshakeAnswer, websocketAcceptFor, websocketKeyOf } from "../../../core/websocket/handshake.ts";

const ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
const good = { status: 101, fields: [["Upgrade", "websocket"], ["Connection", "Upgrade"], ["Sec-WebSocket-Accept", ACCEPT]] as [string, string][] };

describe("the WebSocket handshake, as a client checks it", () => {
  it("computes RFC 6455's example accept from its example key", async () => {
    expect(await websocketAcceptFor("dGhlIHNhbXBsZSBub25jZQ==")).toBe(ACCEPT);
    expect(websocketKeyOf(new TextEncoder().encode("the sample nonce"))).toBe("dGhlIHNhbXBsZSBub25jZQ==");
  });

  it("accepts a 101 that upgrades to websocket with the matching accept", () => {
    expect(checkHandshakeAnswer(good, ACCEPT, [])).toBeNull();
    expect(checkHandshakeAnswer({ ...good, fields: [...good.fields, ["connection", "keep-alive, Upgrade"], ["sec-websocket-protocol", "chat"]] }, ACCEPT, ["chat", "v2"])).toBeNull();
  });

  it("says what is wrong with any other answer", () => {
    expect(checkHandshakeAnswer({ ...good, status: 200 }, ACCEPT, [])).toMatch(/not 101/);
    expect(checkHandshakeAnswer({ ...good, fields: good.fields.filter(([name]) => name !== "Upgrade") }, ACCEPT, [])).toMatch(/Upgrade/);
    expect(checkHandshakeAnswer(good, "something else", [])).toMatch(/Accept/);
    expect(checkHandshakeAnswer({ ...good, fields: [...good.fields, ["Sec-WebSocket-Extensions", "permessage-deflate"]] }, ACCEPT, [])).toMatch(/extension/);
    expect(checkHandshakeAnswer({ ...good, fields: [...good.fields, ["Sec-WebSocket-Protocol", "mqtt"]] }, ACCEPT, ["chat"])).toMatch(/subprotocol/);
  });
});
