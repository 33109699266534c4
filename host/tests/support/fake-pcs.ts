import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CollateralSchema } from '@cocoon/shared/attestation/tdx/collateral';
import { fromHex } from '@cocoon/shared/protocol/encoding';
import { readVectorText } from '@cocoon/shared/testing/vectors';

export const PcsPaths = {
  tcb: '/tdx/certification/v4/tcb',
  qeIdentity: '/tdx/certification/v4/qe/identity',
  pckCrl: '/sgx/certification/v4/pckcrl',
  rootCaCrl: '/sgx/certification/v4/rootcacrl',
} as const;
export type PcsPath = (typeof PcsPaths)[keyof typeof PcsPaths];
/** What a path answers instead of its collateral piece. */
export type PcsFault = 'http-503' | 'not-json' | 'no-signature' | 'no-issuer-chain' | 'silent';

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/**
 * A stand-in for Intel's PCS API v4, as a PCCS serves it, on 127.0.0.1: the pieces of a recorded
 * collateral (by default Phala's vector) in PCS's response format. TCB info and QE identity are
 * `{ tcbInfo | enclaveIdentity, signature }` JSON, the PCK CRL is DER (`encoding=der`, Platform CA
 * only, as the vector's), the root CA CRL hex (as PCCS sends it); issuer chains travel URL-encoded
 * in the response headers. TCB info exists only for the given FMSPCs; others are 404, as on PCS.
 */
export async function fakePcs(opts: { fmspcs: string[]; collateral?: string }) {
  const c = CollateralSchema.parse(JSON.parse(opts.collateral ?? readVectorText('phala-tdx-v4-collateral.json')));
  const chain = (name: string, pem: string) => ({ [name]: encodeURIComponent(pem) });
  const served = new Set(opts.fmspcs.map((f) => f.toUpperCase()));
  const faults = new Map<string, PcsFault>();
  const requests: string[] = [];

  function answer(url: URL): Answer {
    switch (url.pathname) {
      case PcsPaths.tcb:
        if (!served.has(url.searchParams.get('fmspc') ?? '')) return { status: 404, headers: { 'Request-ID': 'fake-404' } };
        return { status: 200, headers: chain('TCB-Info-Issuer-Chain', c.tcb_info_issuer_chain), body: `{"tcbInfo":${c.tcb_info},"signature":"${c.tcb_info_signature}"}` };
      case PcsPaths.qeIdentity:
        return { status: 200, headers: chain('SGX-Enclave-Identity-Issuer-Chain', c.qe_identity_issuer_chain), body: `{"enclaveIdentity":${c.qe_identity},"signature":"${c.qe_identity_signature}"}` };
      case PcsPaths.pckCrl:
        if (url.searchParams.get('ca') !== 'platform' || url.searchParams.get('encoding') !== 'der') return { status: 400 };
        return { status: 200, headers: chain('SGX-PCK-CRL-Issuer-Chain', c.pck_crl_issuer_chain), body: fromHex(c.pck_crl) };
      case PcsPaths.rootCaCrl:
        return { status: 200, body: c.root_ca_crl };
      default:
        return { status: 404 };
    }
  }

  function faulty(a: Answer, fault: PcsFault): Answer | undefined {
    if (fault === 'silent') return undefined;
    if (fault === 'http-503') return { status: 503, headers: { 'Error-Code': 'ServiceUnavailable', 'Request-ID': 'fake-503' } };
    if (fault === 'not-json') return { ...a, body: '<html>maintenance</html>' };
    if (fault === 'no-signature') return { ...a, body: String(a.body).replace(/,"signature":"[0-9a-f]+"}$/, '}') };
    return { ...a, headers: {} };
  }

  const server = createServer((req, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://pcs');
    requests.push(url.pathname + url.search);
    const fault = faults.get(url.pathname);
    const a = fault ? faulty(answer(url), fault) : answer(url);
    if (!a) return; // never answers: the client's time limit must end the wait
    res.writeHead(a.status, a.headers).end(a.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    fault: (path: PcsPath, fault: PcsFault) => void faults.set(path, fault),
    clear: () => faults.clear(),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
