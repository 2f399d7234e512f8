/**
 * Client addresses as an edge sees them: half random IPv4, a quarter consecutive IPv4 (one busy /16 — the
 * case that exposes a weak hash), a quarter random IPv6. All distinct.
 */
export function generateClientIps(count: number, random: () => number): string[] {
  const seen = new Set<string>();
  const clients: string[] = [];
  let sequential = 0;
  while (clients.length < count) {
    const kind = clients.length % 4;
    const ip = kind === 0 || kind === 1 ? randomIpv4(random) : kind === 2 ? consecutiveIpv4(sequential++) : randomIpv6(random);
    if (seen.has(ip)) continue;
    seen.add(ip);
    clients.push(ip);
  }
  return clients;
}

function randomIpv4(random: () => number): string {
  return [0, 0, 0, 0].map(() => Math.floor(random() * 256)).join(".");
}

function consecutiveIpv4(index: number): string {
  return `100.64.${(index >>> 8) & 0xff}.${index & 0xff}`;
}

function randomIpv6(random: () => number): string {
  const groups = Array.from({ length: 6 }, () => Math.floor(random() * 0x10000).toString(16));
  return `2001:db8:${groups.join(":")}`;
}
