/** RFC 6455 §1.3: the GUID a server appends to the client's key before hashing it into Sec-WebSocket-Accept. */
const ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** The Sec-WebSocket-Accept a server must answer `key` with: base64 of SHA-1(key + GUID). */
export async function websocketAcceptFor(key: string): Promise<string> {
  return toBase64(new Uint8Array(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(`${key}${ACCEPT_GUID}`))));
}

/** A new Sec-WebSocket-Key from 16 random bytes (the caller's: randomness stays in the shell). */
export function websocketKeyOf(random16: Uint8Array): string {
  if (random16.length !== 16) throw new RangeError("a WebSocket key is 16 bytes");
  return toBase64(random16);
}

export interface HandshakeAnswer {
  readonly status: number;
  /** The response's fields, names in any case. */
  readonly fields: readonly (readonly [string, string])[];
}

/**
 * Why a 101 does not complete the handshake the client offered (RFC 6455 §4.1, the client's checks), or null when
 * it does: Upgrade `websocket`, Connection naming `upgrade`, the accept matching the key, no extension (none was
 * offered) and a subprotocol only from those offered.
 */
export function checkHandshakeAnswer(answer: HandshakeAnswer, expectedAccept: string, offeredProtocols: readonly string[]): string | null {
  const field = (name: string): string[] => answer.fields.filter(([fieldName]) => fieldName.toLowerCase() === name).map(([, value]) => value.trim());
  if (answer.status !== 101) return `status ${answer.status}, not 101`;
  if (!field("upgrade").some((value) => value.toLowerCase() === "websocket")) return "no Upgrade: websocket";
  if (!field("connection").some((value) => value.split(",").some((token) => token.trim().toLowerCase() === "upgrade"))) return "no Connection: upgrade";
  const accept = field("sec-websocket-accept");
  if (accept.length !== 1 || accept[0] !== expectedAccept) return "Sec-WebSocket-Accept does not match the key sent";
  if (field("sec-websocket-extensions").length > 0) return "an extension was answered, but none was offered";
  const protocols = field("sec-websocket-protocol");
  if (protocols.length > 1 || (protocols[0] !== undefined && !offeredProtocols.includes(protocols[0]))) return "a subprotocol the client did not offer";
  return null;
}

/** Standard base64 with padding, as both handshake fields are written (jose's helper is base64url). */
function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
