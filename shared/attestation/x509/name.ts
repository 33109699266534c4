import type { DerReader, Tlv } from './der';

const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.5': 'serialNumber', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
};

/**
 * A readable form of an X.509 Name (`CN=Intel SGX Root CA, O=Intel Corporation, ...`), for
 * display only: chaining compares the raw DER bytes, never this string.
 */
export function nameToString(r: DerReader, name: Tlv): string {
  const parts: string[] = [];
  for (const rdn of r.seq(name)) {
    for (const atv of r.seq(rdn, 0, 0x31)) {
      const [type, value] = r.seq(atv, 2);
      const oid = r.oid(type);
      parts.push(`${ATTRIBUTE_NAMES[oid] ?? oid}=${r.text(value!)}`);
    }
  }
  return parts.join(', ');
}
