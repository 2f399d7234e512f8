/**
 * An error that carries a typed `code`, the way runtime failures are reported across the project. Each contract
 * (push tokens, origin tokens, HTTP/1.1 parsing) extends it with its own code union and a literal `name`, so the
 * name survives bundling.
 */
export class CodedError<Code extends string> extends Error {
  readonly code: Code;
  constructor(code: Code, message: string) {
    super(message);
    this.code = code;
  }
}
