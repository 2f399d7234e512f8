import { ChunkedDecoder } from "./chunked-decoder.ts";
import { Http1Error } from "./http1-error.ts";
import type { ResponseFraming } from "./response-framing.ts";

/** Turns the bytes after a head into body bytes, by the framing the head declared. */
export interface BodyDecoder {
  /** Body bytes in these bytes; nothing once {@link done}. Throws {@link Http1Error} on bad framing. */
  push(bytes: Uint8Array): Uint8Array[];
  /** The body is complete; bytes after it are not part of this response. */
  readonly done: boolean;
  /** The connection ended: throws when that cut the body short. */
  finish(): void;
}

export function createBodyDecoder(framing: ResponseFraming): BodyDecoder {
  switch (framing.kind) {
    case "none":
      return new LengthDecoder(0);
    case "length":
      return new LengthDecoder(framing.length);
    case "chunked":
      return new ChunkedDecoder();
    case "until-close":
      return new UntilCloseDecoder();
  }
}

class LengthDecoder implements BodyDecoder {
  constructor(private remaining: number) {}

  get done(): boolean {
    return this.remaining === 0;
  }

  push(bytes: Uint8Array): Uint8Array[] {
    if (this.remaining === 0 || bytes.length === 0) return [];
    const take = Math.min(this.remaining, bytes.length);
    this.remaining -= take;
    return [bytes.subarray(0, take)];
  }

  finish(): void {
    if (this.remaining > 0) throw new Http1Error("body-truncated", `connection closed ${this.remaining} bytes before the end of the body`);
  }
}

class UntilCloseDecoder implements BodyDecoder {
  readonly done = false;

  push(bytes: Uint8Array): Uint8Array[] {
    return bytes.length === 0 ? [] : [bytes];
  }

  finish(): void {}
}
