import { Watch } from "@kubernetes/client-node";

/**
 * The library's Watch, asking the server for bookmarks (which keep an idle watch's resourceVersion fresh, so a
 * reconnect after a drop resumes instead of hitting 410 Gone) and for a server-side timeout (so a watch is
 * renewed regularly, and one that silently hangs can be told apart from a quiet one).
 */
export class BookmarkWatch extends Watch {
  /**
   * `onBookmark` runs after the informer has taken a bookmark's resourceVersion: a quiet watch that still gets
   * bookmarks is alive, and a reconnect from then on resumes from the bookmark.
   */
  constructor(
    config: ConstructorParameters<typeof Watch>[0],
    private readonly timeoutSeconds: number,
    private readonly onBookmark: () => void = () => {},
  ) {
    super(config);
  }

  override watch(...[path, queryParams, callback, done]: Parameters<Watch["watch"]>): ReturnType<Watch["watch"]> {
    const observed: typeof callback = (phase, apiObj, watchObj) => {
      callback(phase, apiObj, watchObj);
      if (phase === "BOOKMARK") this.onBookmark();
    };
    return super.watch(path, { ...queryParams, allowWatchBookmarks: true, timeoutSeconds: this.timeoutSeconds }, observed, done);
  }
}
