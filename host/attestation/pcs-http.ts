import { CocoonError } from '@cocoon/shared/errors';

/** One successful answer of PCS (or a PCCS): what was asked for, its headers and its body. */
export interface PcsResponse {
  what: string;
  headers: Headers;
  body: Uint8Array;
}

/**
 * GET with a time limit, failing with `attestation.collateral_unavailable` on a network error, a
 * timeout or a non-2xx status. Messages name the piece and its path (the service is in the config);
 * PCS's `Error-Code` and `Request-ID` headers are kept for Intel support.
 */
export function pcsGetter(opts: { fetch: typeof globalThis.fetch; timeoutMs: number }) {
  return async (url: string, what: string): Promise<PcsResponse> => {
    const where = `${what} (GET ${new URL(url).pathname})`;
    try {
      const res = await opts.fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs) });
      if (!res.ok) {
        await res.body?.cancel();
        throw new CocoonError('attestation.collateral_unavailable', `${where}: HTTP ${res.status}${pcsDetails(res.headers)}`);
      }
      return { what, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) };
    } catch (cause) {
      if (cause instanceof CocoonError) throw cause;
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      throw new CocoonError('attestation.collateral_unavailable', `${where}: ${timedOut ? `no answer within ${opts.timeoutMs} ms` : 'request failed'}`, { cause });
    }
  };
}

function pcsDetails(h: Headers): string {
  const parts = [['Error-Code', h.get('Error-Code')], ['Request-ID', h.get('Request-ID')]].filter(([, v]) => v);
  return parts.length ? ` (${parts.map(([k, v]) => `${k} ${v!.slice(0, 80)}`).join(', ')})` : '';
}
