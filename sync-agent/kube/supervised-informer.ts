import { ADD, CONNECT, DELETE, ERROR, type KubeConfig, type KubernetesObject, type ListPromise, ListWatch, UPDATE } from "@kubernetes/client-node";
import type { Logger } from "../observe/logger.ts";
import { type BackoffPolicy, backoffDelay } from "../loop/backoff.ts";
import { BookmarkWatch } from "./bookmark-watch.ts";

export interface SupervisedInformerOptions {
  readonly backoff: BackoffPolicy;
  /** Server-side watch timeout; the API server ends the watch then and the informer reconnects. */
  readonly watchTimeoutSeconds: number;
  readonly logger: Logger;
  /** Called on every change to the cache, and once after each successful list. */
  readonly onChange: () => void;
  /** Called each time the informer is restarted after a failure (for metrics). */
  readonly onRestart?: () => void;
  readonly random?: () => number;
  /** Asked of the watch (the list function must ask the same): e.g. `type=kubernetes.io/tls`. */
  readonly fieldSelector?: string;
}

/**
 * One @kubernetes/client-node informer (a ListWatch, as `makeInformer` builds, with bookmarks asked for), kept
 * alive. The library itself reconnects after a watch ends and relists after 410 Gone; after any other error
 * (API server down, a failed list, a refused watch) it stops for good, so here it is restarted with backoff.
 * A watchdog restarts a watch that neither delivers nor reconnects for longer than the server timeout allows:
 * a half-open connection would otherwise leave the cache silently stale.
 */
export class SupervisedInformer<T extends KubernetesObject> {
  private readonly informer: ListWatch<T>;
  private running = false;
  private listed = false;
  private failures = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private lastSign = 0;
  private restarting = false;

  constructor(readonly resource: string, config: KubeConfig, path: string, list: ListPromise<T>, private readonly options: SupervisedInformerOptions) {
    const listAndNote: ListPromise<T> = async () => {
      const result = await list();
      // The library adds the items right after this promise settles; report once they are in the cache.
      setImmediate(() => {
        this.listed = true;
        this.failures = 0;
        this.noteSignOfLife();
        this.options.onChange();
      });
      return result;
    };
    const bookmarked = (): void => {
      this.noteSignOfLife();
      options.logger.log("debug", "watch-bookmark", { resource });
    };
    this.informer = new ListWatch(path, new BookmarkWatch(config, options.watchTimeoutSeconds, bookmarked), listAndNote, false, undefined, options.fieldSelector);
    const changed = (): void => {
      this.failures = 0;
      this.noteSignOfLife();
      this.options.onChange();
    };
    this.informer.on(ADD, changed);
    this.informer.on(UPDATE, changed);
    this.informer.on(DELETE, changed);
    this.informer.on(CONNECT, () => this.noteSignOfLife());
    this.informer.on(ERROR, (error: unknown) => this.failed(error));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.noteSignOfLife();
    this.launch();
    const limit = (this.options.watchTimeoutSeconds * 1.5 + 5) * 1000;
    this.watchdog = setInterval(() => {
      if (!this.restarting && this.restartTimer === undefined && Date.now() - this.lastSign > limit) {
        this.options.logger.log("warn", "watch-stalled", { resource: this.resource, silentMs: Date.now() - this.lastSign });
        void this.restart();
      }
    }, Math.max(250, limit / 4));
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    clearInterval(this.watchdog);
    await this.informer.stop();
  }

  /** Every object in the cache (all namespaces). */
  list(): readonly T[] {
    return this.informer.list();
  }

  /** True once a list has succeeded: until then the cache is not the cluster, and must not be published. */
  synced(): boolean {
    return this.listed;
  }

  /** Not waiting to be restarted after a failure. */
  connected(): boolean {
    return this.running && this.restartTimer === undefined;
  }

  private launch(): void {
    this.informer.start().catch((error: unknown) => this.failed(error));
  }

  private failed(error: unknown): void {
    // Our own stop() aborts the request; the library reports that as an error, which is not a failure.
    if (!this.running || isAbort(error) || this.restartTimer !== undefined) return;
    const delay = backoffDelay(this.options.backoff, this.failures, this.options.random);
    this.failures += 1;
    this.options.logger.log("warn", "watch-failed", { resource: this.resource, error: describe(error), retryInMs: delay, attempt: this.failures });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.running) return;
      this.options.onRestart?.();
      this.launch();
    }, delay);
  }

  /** Stop, let the aborted request report itself, then start: a fresh list-and-watch from the last version. */
  private async restart(): Promise<void> {
    this.restarting = true;
    try {
      await this.informer.stop();
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (!this.running) return;
      this.options.onRestart?.();
      this.noteSignOfLife();
      this.launch();
    } finally {
      this.restarting = false;
    }
  }

  private noteSignOfLife(): void {
    this.lastSign = Date.now();
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || (error as { type?: unknown }).type === "aborted");
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const status = (error as { statusCode?: unknown; code?: unknown }).statusCode ?? (error as { code?: unknown }).code;
    const first = error.message.split("\n")[0] ?? "";
    return status === undefined ? first : `${String(status)} ${first}`;
  }
  return String(error);
}
