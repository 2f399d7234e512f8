const MAX_ENTRIES = 10_000;

/**
 * The token ids this isolate has accepted, kept until their tokens expire: a second use is a replay. Isolate-local
 * by nature — another isolate could accept the same token once, which the body binding and the generation check
 * make harmless (it can only re-deliver the same table).
 */
export class JtiLedger {
  readonly #expiries = new Map<string, number>();

  /** Records `jti`; false when it was already recorded (a replay). */
  claim(jti: string, expSeconds: number, nowSeconds: number): boolean {
    if (this.#expiries.has(jti)) return false;
    for (const [seen, exp] of this.#expiries) {
      if (exp >= nowSeconds - 60 && this.#expiries.size < MAX_ENTRIES) break;
      this.#expiries.delete(seen);
    }
    this.#expiries.set(jti, expSeconds);
    return true;
  }
}
