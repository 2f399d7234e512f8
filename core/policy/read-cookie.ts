/** A cookie's value from a Cookie header (quotes removed); null when absent. Names compare exactly. */
export function readCookie(header: string | null, name: string): string | null {
  if (header === null) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    return part.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
  }
  return null;
}
