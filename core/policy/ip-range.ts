/**
 * IPv4 and IPv6 addresses and CIDR ranges, as the allow- and deny-lists need them: parsed once per table, then
 * a membership test per request that allocates nothing. An address is held as four 32-bit words (IPv4 in the
 * last word, IPv4-mapped IPv6 folded onto IPv4), so one range type serves both families.
 */
export interface IpRange {
  readonly v4: boolean;
  readonly words: readonly [number, number, number, number];
  readonly prefix: number;
}

export type IpWords = [number, number, number, number];

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The address as words and its family, or null when it is not a literal IPv4 or IPv6 address. */
export function parseIp(text: string): { readonly v4: boolean; readonly words: IpWords } | null {
  const v4 = parseV4(text);
  if (v4 !== null) return { v4: true, words: [0, 0, 0, v4] };
  const v6 = parseV6(text);
  if (v6 === null) return null;
  // ::ffff:a.b.c.d is an IPv4 client seen over IPv6: matched against IPv4 ranges.
  if (v6[0] === 0 && v6[1] === 0 && v6[2] === 0xffff) return { v4: true, words: [0, 0, 0, v6[3]] };
  return { v4: false, words: v6 };
}

/** `a.b.c.d/n`, `x::y/n`, or a bare address (a range of one). Host bits are cleared, as Go's ParseCIDR does. */
export function parseIpRange(text: string): IpRange | null {
  const slash = text.indexOf("/");
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (ip === null) return null;
  const max = ip.v4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const digits = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(digits)) return null;
    prefix = Number(digits);
    if (prefix > max) return null;
  }
  const words: IpWords = [...ip.words];
  const bits = ip.v4 ? prefix + 96 : prefix;
  for (let i = 0; i < 4; i++) words[i] = (words[i] ?? 0) & maskOf(bits - i * 32);
  return { v4: ip.v4, words, prefix };
}

/** The range as written canonically: network address and prefix. */
export function formatIpRange(range: IpRange): string {
  if (range.v4) {
    const w = range.words[3];
    return `${w >>> 24}.${(w >>> 16) & 0xff}.${(w >>> 8) & 0xff}.${w & 0xff}/${range.prefix}`;
  }
  const groups: string[] = [];
  for (const word of range.words) groups.push((word >>> 16).toString(16), (word & 0xffff).toString(16));
  return `${groups.join(":")}/${range.prefix}`;
}

export function rangeContains(range: IpRange, ip: { readonly v4: boolean; readonly words: readonly number[] }): boolean {
  if (range.v4 !== ip.v4) return false;
  const bits = range.v4 ? range.prefix + 96 : range.prefix;
  for (let i = 0; i < 4; i++) {
    const mask = maskOf(bits - i * 32);
    if (((ip.words[i] ?? 0) & mask) !== range.words[i]) return false;
  }
  return true;
}

/** The mask of a word with `bits` leading ones (clamped to 0…32), as a signed 32-bit number like `&` gives. */
function maskOf(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return -1;
  return (-1 << (32 - bits)) | 0;
}

function parseV4(text: string): number | null {
  const match = V4.exec(text);
  if (match === null) return null;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const part = match[i] ?? "";
    // A leading zero is ambiguous (octal in some parsers): refused, as Go refuses it.
    if (part.length > 1 && part.startsWith("0")) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = (value << 8) | octet;
  }
  return value | 0;
}

function parseV6(text: string): IpWords | null {
  if (text.length < 2 || text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (part: string): number[] | null => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] ?? "";
      if (i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseV4(piece);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0] ?? "");
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? "") : [];
  if (head === null || tail === null) return null;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;
  const words: IpWords = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) words[i] = (((groups[i * 2] ?? 0) << 16) | (groups[i * 2 + 1] ?? 0)) | 0;
  return words;
}
