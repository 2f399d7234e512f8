/** What the Node-side backends tell the worker tests (through vitest's provide/inject). Types only. */
export interface TestBackends {
  /** The demo Nodes: name and loopback address. */
  readonly nodes: readonly { readonly name: string; readonly address: string }[];
  readonly ports: {
    /** Echo service "web" on every node. */
    readonly web: number;
    /** Echo service "api" on every node. */
    readonly api: number;
    /** Accepts connections and never answers. */
    readonly hang: number;
    /** node-a accepts and never answers; node-b and node-c echo as service "mixed". */
    readonly mixed: number;
    /** Nothing listens here. */
    readonly dead: number;
    /** Counts every request; no table ever lists it. */
    readonly canary: number;
    /** Echo service "tls-web" over HTTPS on every node, its certificate (test/support/tls-fixtures/backend) trusted by the worker's runtime. */
    readonly tlsWeb: number;
    /** Echo service "untrusted" over HTTPS on every node, with a certificate nothing trusts. */
    readonly untrustedTls: number;
  };
  /**
   * Port of the tests' window onto the backends, on 127.0.0.1: `/hits` (the canary's count; `/reset` zeroes it)
   * and `/websocket-close/<url>` (how the WebSocket opened with that URL ended, as its backend saw it, or null).
   */
  readonly canaryControl: number;
}

/** What an echo backend answers. */
export interface Echo {
  readonly service: string;
  readonly node: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly bodyLength: number;
  readonly body: string;
  /** Only from the HTTPS backends: the connection was TLS, with this server name (SNI) or none. */
  readonly tls?: { readonly servername: string | null };
}

declare module "vitest" {
  export interface ProvidedContext {
    backends: TestBackends;
  }
}
