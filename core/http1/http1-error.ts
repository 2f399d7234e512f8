import { CodedError } from "../coded-error.ts";
export type Http1ErrorCode =
  | "head-too-large"
  | "bad-line-ending"
  | "bad-status-line"
  | "bad-header-field"
  | "obs-fold"
  | "too-many-headers"
  | "bad-content-length"
  | "duplicate-content-length"
  | "conflicting-framing"
  | "unsupported-transfer-encoding"
  | "unexpected-status"
  | "bad-chunk"
  | "body-truncated"
  | "bad-request";

/**
 * A message that breaks HTTP/1.1's syntax or framing rules. Never recovered from: a proxy that guesses where a
 * malformed message ends is how request and response smuggling happen.
 */
export class Http1Error extends CodedError<Http1ErrorCode> {
  override readonly name = "Http1Error";
}
