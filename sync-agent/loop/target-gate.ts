import type { TableNode } from "../../core/table/schema.ts";

/**
 * What the table's Nodes need outside the table before a table naming them may be published (their DNS records,
 * with `--manage-dns`), and the cleaning up once a table without some of them is published. Leader only.
 */
export interface TargetGate {
  /**
   * Before a publish: makes what `nodes` need and answers which Nodes to hold out of the table for now
   * (name → why) and whether to look again later (something failed). Throws when it cannot tell which Nodes
   * are ready: the table then waits, and the edge keeps serving the one it has.
   */
  prepare(nodes: readonly TableNode[]): Promise<{ readonly withheld: ReadonlyMap<string, string>; readonly retry: boolean }>;
  /** After a publish, once the edge holds a table without the Nodes that are gone: removes what only they needed. Throws on failure. */
  cleanUp(): Promise<void>;
}
