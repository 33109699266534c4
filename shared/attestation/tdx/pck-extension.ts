import { CocoonError } from '../../errors';
import { toHex } from '../../protocol/encoding';
import type { Certificate } from '../x509/certificate';
import { DerReader, Tag } from '../x509/der';

/** Intel's SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1): the platform's TCB. */
export interface PckExtension {
  ppid: string;
  /** SGX TCB component SVNs 1..16, compared against TCB info `sgxtcbcomponents`. */
  tcbComponents: number[];
  pceSvn: number;
  cpuSvn: string;
  pceId: string;
  fmspc: string;
}

export const SGX_EXTENSION_OID = '1.2.840.113741.1.13.1';
const TCB = `${SGX_EXTENSION_OID}.2`;

/** Reads the SGX extension of a PCK leaf certificate; typed error when absent or malformed. */
export function readPckExtension(cert: Certificate): PckExtension {
  const ext = cert.extensions.find((e) => e.oid === SGX_EXTENSION_OID);
  if (!ext) throw new CocoonError('attestation.certificate_invalid', 'the PCK certificate has no SGX extension');
  const r = new DerReader('attestation.certificate_invalid');
  const fields = new Map<string, ReturnType<DerReader['one']>>();
  for (const item of r.seq(r.one(ext.value))) {
    const [oid, value] = r.seq(item, 2);
    fields.set(r.oid(oid), value!);
  }
  const get = (suffix: string, tag: number) => r.expect(fields.get(`${SGX_EXTENSION_OID}.${suffix}`), tag);
  const tcb = new Map<string, ReturnType<DerReader['one']>>();
  for (const item of r.seq(get('2', Tag.sequence))) {
    const [oid, value] = r.seq(item, 2);
    tcb.set(r.oid(oid), value!);
  }
  const tcbComponents = Array.from({ length: 16 }, (_, i) => r.smallInt(tcb.get(`${TCB}.${i + 1}`)));
  const octets = (suffix: string, len: number) => {
    const v = get(suffix, Tag.octetString).value;
    if (v.length !== len) r.fail(`SGX extension field ${suffix} has ${v.length} bytes, expected ${len}`);
    return toHex(v);
  };
  const cpuSvn = r.expect(tcb.get(`${TCB}.18`), Tag.octetString).value;
  if (cpuSvn.length !== 16) r.fail('CPUSVN must be 16 bytes');
  return {
    ppid: octets('1', 16),
    tcbComponents,
    pceSvn: r.smallInt(tcb.get(`${TCB}.17`)),
    cpuSvn: toHex(cpuSvn),
    pceId: octets('3', 2),
    fmspc: octets('4', 6),
  };
}
