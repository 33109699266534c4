import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyTdxQuote } from '@cocoon/shared/attestation/tdx/verify-quote';
import { fromHex } from '@cocoon/shared/protocol/encoding';
import { readVector, readVectorText } from '@cocoon/shared/testing/vectors';
import { fakePcs, PcsPaths, type PcsFault, type PcsPath } from '../tests/support/fake-pcs';
import { fetchCollateral, INTEL_PCS_URL } from './pcs-collateral';

const phala = readVector('phala-tdx-v4-quote.bin');
const cocoon = readVector('cocoon-tdx-v4-quote.dat');
const vector = JSON.parse(readVectorText('phala-tdx-v4-collateral.json')) as Record<string, string>;
const phalaAt = new Date('2025-06-20T12:00:00Z');

describe('fetchCollateral from a stand-in PCS (PCS API v4)', () => {
  let pcs: Awaited<ReturnType<typeof fakePcs>>;
  beforeAll(async () => (pcs = await fakePcs({ fmspcs: ['B0C06F000000'] })));
  afterEach(() => pcs.clear());
  afterAll(() => pcs.close());

  it("assembles the Phala quote's collateral, byte for byte, and it rates the TCB UpToDate", async () => {
    const collateral = await fetchCollateral(phala, { baseUrl: pcs.url });
    expect(collateral).toEqual(vector);
    const r = await verifyTdxQuote(phala, { policy: { allowSimulated: false }, now: phalaAt, collateral });
    expect(r.checks.filter((c) => !c.ok && !c.skipped)).toEqual([]);
    expect(r.tcb?.status).toBe('UpToDate');
    expect(pcs.requests).toEqual(
      expect.arrayContaining([
        '/tdx/certification/v4/tcb?fmspc=B0C06F000000',
        '/tdx/certification/v4/qe/identity',
        '/sgx/certification/v4/pckcrl?ca=platform&encoding=der',
        '/sgx/certification/v4/rootcacrl',
      ]),
    );
  });

  it('takes the service URL with a trailing slash or the certification path', async () => {
    expect(await fetchCollateral(phala, { baseUrl: `${pcs.url}/tdx/certification/v4/` })).toEqual(vector);
  });

  it("asks Intel's PCS itself for all but the root CA CRL, which comes DER from Intel's certificate site", async () => {
    const asked: string[] = [];
    const viaStandIn: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      asked.push(url.origin + url.pathname);
      if (url.hostname === 'certificates.trustedservices.intel.com') return new Response(fromHex(vector.root_ca_crl!));
      return fetch(pcs.url + url.pathname + url.search, init);
    };
    expect(await fetchCollateral(phala, { baseUrl: INTEL_PCS_URL, fetch: viaStandIn })).toEqual(vector);
    expect(asked).toContain('https://certificates.trustedservices.intel.com/IntelSGXRootCA.der');
    expect(asked.filter((u) => u.startsWith(INTEL_PCS_URL))).toHaveLength(3);
  });

  it('an FMSPC PCS does not know (404) is collateral_unavailable', async () => {
    await expect(fetchCollateral(cocoon, { baseUrl: pcs.url })).rejects.toMatchObject({
      code: 'attestation.collateral_unavailable',
      message: 'TCB info (GET /tdx/certification/v4/tcb): HTTP 404 (Request-ID fake-404)',
    });
  });

  const faults: [PcsPath, PcsFault, string, RegExp][] = [
    [PcsPaths.qeIdentity, 'http-503', 'attestation.collateral_unavailable', /^QE identity .*HTTP 503 \(Error-Code ServiceUnavailable/],
    [PcsPaths.rootCaCrl, 'http-503', 'attestation.collateral_unavailable', /^root CA CRL .*HTTP 503/],
    [PcsPaths.tcb, 'not-json', 'attestation.collateral_invalid', /^TCB info: the body is not JSON$/],
    [PcsPaths.qeIdentity, 'no-signature', 'attestation.collateral_invalid', /^QE identity: the body is not \{ enclaveIdentity, signature \}$/],
    [PcsPaths.pckCrl, 'not-json', 'attestation.collateral_invalid', /^PCK CRL: the body is neither a DER, hex nor PEM CRL$/],
    [PcsPaths.tcb, 'no-issuer-chain', 'attestation.collateral_invalid', /^TCB info: no TCB-Info-Issuer-Chain header$/],
    [PcsPaths.pckCrl, 'no-issuer-chain', 'attestation.collateral_invalid', /^PCK CRL: no SGX-PCK-CRL-Issuer-Chain header$/],
  ];
  it.each(faults)('%s answering %s is %s', async (path, fault, code, message) => {
    pcs.fault(path, fault);
    await expect(fetchCollateral(phala, { baseUrl: pcs.url })).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('a PCS that does not answer in time is collateral_unavailable', async () => {
    pcs.fault(PcsPaths.tcb, 'silent');
    await expect(fetchCollateral(phala, { baseUrl: pcs.url, timeoutMs: 200 })).rejects.toMatchObject({
      code: 'attestation.collateral_unavailable',
      message: 'TCB info (GET /tdx/certification/v4/tcb): no answer within 200 ms',
    });
  });

  it('an unreachable service is collateral_unavailable', async () => {
    await expect(fetchCollateral(phala, { baseUrl: 'http://127.0.0.1:9' })).rejects.toMatchObject({ code: 'attestation.collateral_unavailable', message: expect.stringMatching(/: request failed$/) });
  });
});
