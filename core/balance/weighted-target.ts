/** What balancing needs to know of a target: a stable identity and a weight (≥ 1). */
export interface WeightedTarget {
  /** Stable across tables and edge locations: the node name (a backend's targets share one nodePort). */
  readonly node: string;
  readonly weight: number;
}
