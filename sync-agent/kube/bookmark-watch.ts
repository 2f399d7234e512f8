import { Watch } from "@kubernetes/client-node";

/**
 * The library's Watch, asking the server for bookmarks (which keep an idle watch's resourceVersion fresh, so a
 * reconnect after a drop resumes instead of hitting 410 Gone) and for a server-side timeout (so a watch is
 * renewed regularly, and one that silently hangs can be told apart from a quiet one).
 */
export class BookmarkWatch extends Watch {
  constructor(config: ConstructorParameters<typeof Watch>[0], private readonly timeoutSeconds: number) {
    super(config);
  }

  override watch(...[path, queryParams, callback, done]: Parameters<Watch["watch"]>): ReturnType<Watch["watch"]> {
    return super.watch(path, { ...queryParams, allowWatchBookmarks: true, timeoutSeconds: this.timeoutSeconds }, callback, done);
  }
}
