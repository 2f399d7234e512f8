export interface ZoneRef {
  readonly id: string;
  readonly name: string;
}

/** The zone holding `host` (`*.` stripped): the longest zone name it equals or ends with; null outside every zone. Pure. */
export function findZone(host: string, zones: readonly ZoneRef[]): ZoneRef | null {
  const bare = host.startsWith("*.") ? host.slice(2) : host;
  let best: ZoneRef | null = null;
  for (const zone of zones) {
    const name = zone.name.toLowerCase();
    if ((bare === name || bare.endsWith(`.${name}`)) && (best === null || name.length > best.name.length)) best = zone;
  }
  return best;
}
