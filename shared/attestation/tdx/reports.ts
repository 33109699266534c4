import { ByteReader } from '../byte-reader';

/**
 * The TD report body of a TDX quote (Intel sgx_quote_4.h `sgx_report2_body_t`, 584 bytes; TD 1.5
 * adds TEE_TCB_SVN2 and MRSERVICETD, sgx_quote_5.h `sgx_report2_body_v1_5_t`, 648 bytes).
 */
export interface TdReportBody {
  teeTcbSvn: Uint8Array;
  mrSeam: Uint8Array;
  mrSignerSeam: Uint8Array;
  seamAttributes: Uint8Array;
  tdAttributes: Uint8Array;
  xfam: Uint8Array;
  mrTd: Uint8Array;
  mrConfigId: Uint8Array;
  mrOwner: Uint8Array;
  mrOwnerConfig: Uint8Array;
  rtmr: [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  reportData: Uint8Array;
  /** TD 1.5 only. */
  teeTcbSvn2?: Uint8Array;
  mrServiceTd?: Uint8Array;
}

export const TD10_BODY_SIZE = 584;
export const TD15_BODY_SIZE = 648;
export const ENCLAVE_REPORT_SIZE = 384;

export function readTdReportBody(r: ByteReader, td15: boolean): TdReportBody {
  const body: TdReportBody = {
    teeTcbSvn: r.take(16, 'TEE_TCB_SVN'),
    mrSeam: r.take(48, 'MRSEAM'),
    mrSignerSeam: r.take(48, 'MRSIGNERSEAM'),
    seamAttributes: r.take(8, 'SEAMATTRIBUTES'),
    tdAttributes: r.take(8, 'TDATTRIBUTES'),
    xfam: r.take(8, 'XFAM'),
    mrTd: r.take(48, 'MRTD'),
    mrConfigId: r.take(48, 'MRCONFIGID'),
    mrOwner: r.take(48, 'MROWNER'),
    mrOwnerConfig: r.take(48, 'MROWNERCONFIG'),
    rtmr: [r.take(48, 'RTMR0'), r.take(48, 'RTMR1'), r.take(48, 'RTMR2'), r.take(48, 'RTMR3')],
    reportData: r.take(64, 'REPORTDATA'),
  };
  if (td15) {
    body.teeTcbSvn2 = r.take(16, 'TEE_TCB_SVN2');
    body.mrServiceTd = r.take(48, 'MRSERVICETD');
  }
  return body;
}

/** TD attributes (Intel TDX module spec, TDATTRIBUTES): bits 7:0 are TUD ("TD under debug"). */
export interface TdAttributeFlags {
  debug: boolean;
  /** Any TUD bit (7:0) set: the TD is untrusted. */
  underDebug: boolean;
  septVeDisable: boolean;
  pks: boolean;
  kl: boolean;
  perfmon: boolean;
}

export function tdAttributeFlags(a: Uint8Array): TdAttributeFlags {
  return {
    debug: (a[0]! & 0x01) !== 0,
    underDebug: a[0] !== 0,
    septVeDisable: (a[3]! & 0x10) !== 0,
    pks: (a[3]! & 0x40) !== 0,
    kl: (a[3]! & 0x80) !== 0,
    perfmon: (a[7]! & 0x80) !== 0,
  };
}

/** The SGX report body the Quoting Enclave signs its identity with (sgx_report_body_t, 384 bytes). */
export interface EnclaveReport {
  bytes: Uint8Array;
  cpuSvn: Uint8Array;
  miscSelect: Uint8Array;
  attributes: Uint8Array;
  mrEnclave: Uint8Array;
  mrSigner: Uint8Array;
  isvProdId: number;
  isvSvn: number;
  reportData: Uint8Array;
}

export function readEnclaveReport(r: ByteReader): EnclaveReport {
  const start = r.offset;
  const cpuSvn = r.take(16, 'QE CPUSVN');
  const miscSelect = r.take(4, 'QE MISCSELECT');
  r.take(28, 'QE reserved');
  const attributes = r.take(16, 'QE ATTRIBUTES');
  const mrEnclave = r.take(32, 'QE MRENCLAVE');
  r.take(32, 'QE reserved');
  const mrSigner = r.take(32, 'QE MRSIGNER');
  r.take(96, 'QE reserved');
  const isvProdId = r.u16('QE ISVPRODID');
  const isvSvn = r.u16('QE ISVSVN');
  r.take(60, 'QE reserved');
  const reportData = r.take(64, 'QE REPORTDATA');
  const bytes = r.bytes.subarray(start, r.offset);
  return { bytes, cpuSvn, miscSelect, attributes, mrEnclave, mrSigner, isvProdId, isvSvn, reportData };
}
