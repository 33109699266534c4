import { CocoonError, type ErrorCode } from '../../errors';

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BEGIN = '-----BEGIN ';
const DASHES = '-----';

const isLabelChar = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x20;

/**
 * The DER blocks of a PEM text with the given label, in order. Text outside the blocks may only be
 * whitespace or NUL padding (quotes NUL-terminate their embedded chain), so nothing can hide there.
 * A block is what `/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g` matches, found by a
 * scan that stays linear where that pattern is quadratic (thousands of unterminated BEGIN lines):
 * whether a label's END line occurs at all after a point is answered from its last occurrence.
 * @example pemBlocks(chainPem, 'CERTIFICATE') // [leafDer, intermediateDer, rootDer]
 */
export function pemBlocks(pem: string, label: string, code: ErrorCode = 'attestation.certificate_invalid'): Uint8Array[] {
  const out: Uint8Array[] = [];
  const lastEnd = new Map<string, number>();
  let rest = '';
  let last = 0;
  for (let at = pem.indexOf(BEGIN); at >= 0; ) {
    let labelEnd = at + BEGIN.length;
    while (labelEnd < pem.length && isLabelChar(pem.charCodeAt(labelEnd))) labelEnd++;
    const found = labelEnd > at + BEGIN.length && pem.startsWith(DASHES, labelEnd) ? pem.slice(at + BEGIN.length, labelEnd) : undefined;
    const bodyStart = labelEnd + DASHES.length;
    const end = found === undefined ? '' : `-----END ${found}-----`;
    if (found !== undefined && !lastEnd.has(found)) lastEnd.set(found, pem.lastIndexOf(end));
    const endAt = found !== undefined && lastEnd.get(found)! >= bodyStart ? pem.indexOf(end, bodyStart) : -1;
    if (found === undefined || endAt < 0) {
      at = pem.indexOf(BEGIN, at + 1);
      continue;
    }
    rest += pem.slice(last, at);
    last = endAt + end.length;
    if (found !== label) throw new CocoonError(code, `PEM: unexpected ${found} block`);
    out.push(strictBase64(pem.slice(bodyStart, endAt), code));
    at = pem.indexOf(BEGIN, last);
  }
  rest += pem.slice(last);
  if (!/^[\s\0]*$/.test(rest)) throw new CocoonError(code, 'PEM: text outside the certificate blocks');
  if (out.length === 0) throw new CocoonError(code, `PEM: no ${label} block`);
  return out;
}

function strictBase64(body: string, code: ErrorCode): Uint8Array {
  const s = body.replace(/[\r\n\t ]/g, '');
  if (s.length % 4 !== 0 || !B64.test(s)) throw new CocoonError(code, 'PEM: invalid base64');
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** PEM encoding of DER bytes (64-column lines), for tests and tools. */
export function toPem(der: Uint8Array, label: string): string {
  let bin = '';
  for (const b of der) bin += String.fromCharCode(b);
  const lines = btoa(bin).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
