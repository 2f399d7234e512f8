/**
 * HTTP heads are bytes, not UTF-8: each byte is one character (obs-text included), as the Fetch API's
 * ByteStrings expect. TextDecoder("latin1") would not do: WHATWG maps that label to windows-1252.
 */
export function decodeLatin1(bytes: Uint8Array): string {
  let text = "";
  for (let start = 0; start < bytes.length; start += 8192) {
    text += String.fromCharCode(...bytes.subarray(start, start + 8192));
  }
  return text;
}

/** Null when a character does not fit in one byte (the caller decides what that means). */
export function encodeLatin1(text: string): Uint8Array | null {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) return null;
    bytes[i] = code;
  }
  return bytes;
}
