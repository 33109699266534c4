const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Lower-case hex of `bytes`, as `toHex` (shared/protocol/encoding.ts) writes it, by table lookup:
 * the DER and opaque-data readers turn values of attacker-chosen length (up to 64 KiB) into hex,
 * where a callback and a padStart per byte cost more than the rest of the parse.
 */
export function hexOf(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_HEX[bytes[i]!]!;
  return s;
}
