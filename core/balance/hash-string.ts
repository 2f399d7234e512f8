/**
 * MurmurHash3 (x86, 32-bit) of a string's UTF-16 code units. Fast, deterministic on every runtime, and well
 * mixed: what rendezvous hashing needs. Not cryptographic — nothing here must resist an adversary choosing keys,
 * because a client can only choose its own placement among targets it could reach anyway.
 */
export function hashString(key: string, seed = 0): number {
  let h = seed >>> 0;
  const length = key.length;
  let i = 0;
  for (; i + 1 < length; i += 2) {
    const k = mixKey((key.charCodeAt(i) & 0xffff) | ((key.charCodeAt(i + 1) & 0xffff) << 16));
    h ^= k;
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  if (i < length) h ^= mixKey(key.charCodeAt(i) & 0xffff);
  h ^= length * 2;
  return finalize(h);
}

/**
 * MurmurHash3 of one 32-bit word, seeded, with the word already passed through {@link mixWord}: a full hash of
 * the pair in a handful of integer operations. Rendezvous hashing calls it once per target with the target's
 * precomputed hash as the seed and the client key's mixed hash as the word.
 */
export function hashWord(seed: number, mixedWord: number): number {
  let h = seed ^ mixedWord;
  h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  h ^= 4;
  return finalize(h);
}

/** The per-word mixing step of MurmurHash3: done once per key, so that {@link hashWord} need not repeat it. */
export function mixWord(word: number): number {
  return mixKey(word);
}

function mixKey(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

function finalize(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
