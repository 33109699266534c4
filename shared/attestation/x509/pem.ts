import { CocoonError, type ErrorCode } from '../../errors';

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The DER blocks of a PEM text with the given label, in order. Text outside the blocks may only be
 * whitespace or NUL padding (quotes NUL-terminate their embedded chain), so nothing can hide there.
 * @example pemBlocks(chainPem, 'CERTIFICATE') // [leafDer, intermediateDer, rootDer]
 */
export function pemBlocks(pem: string, label: string, code: ErrorCode = 'attestation.certificate_invalid'): Uint8Array[] {
  const out: Uint8Array[] = [];
  let rest = '';
  let last = 0;
  for (const m of pem.matchAll(BLOCK)) {
    rest += pem.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[1] !== label) throw new CocoonError(code, `PEM: unexpected ${m[1]} block`);
    out.push(strictBase64(m[2]!, code));
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
