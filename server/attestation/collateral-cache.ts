import { parseCollateral } from '@cocoon/shared/attestation/tdx/collateral';
import { parseTdxQuote } from '@cocoon/shared/attestation/tdx/quote';
import { tcbFromQuote } from '@cocoon/shared/attestation/tdx/tcb-report';
import type { AttestationBundle } from '@cocoon/shared/protocol/attestation-bundle';
import { fromB64u } from '@cocoon/shared/protocol/encoding';

interface Entry {
  text: string;
  issuedAt: number;
}

/**
 * Intel collateral per platform family (FMSPC), as hosts' verified bundles bring it. A TDX bundle
 * is verified, and handed to clients, with the newest collateral the broker holds for its FMSPC:
 * a host whose own PCS/PCCS fetch failed still attests with trusted collateral, and phones never
 * call Intel. Only collateral that has just verified (with a bundle, so under Intel's signatures
 * and CRLs) is remembered; anything a host sends is otherwise only a candidate.
 */
export class CollateralCache {
  private readonly byFmspc = new Map<string, Entry>();

  /** The bundle with the newer of its own and the cached collateral for its FMSPC. */
  complete(bundle: AttestationBundle): AttestationBundle {
    if (bundle.tee !== 'tdx') return bundle;
    const fmspc = quoteFmspc(bundle.quote);
    const cached = fmspc === undefined ? undefined : this.byFmspc.get(fmspc);
    if (!cached) return bundle;
    const own = bundle.collateral === undefined ? undefined : entryOf(bundle.collateral);
    return own === undefined || cached.issuedAt > own.issuedAt ? { ...bundle, collateral: cached.text } : bundle;
  }

  /** Keeps a verified bundle's collateral when it is the newest for its FMSPC. */
  remember(verified: AttestationBundle): void {
    if (verified.tee !== 'tdx' || verified.collateral === undefined) return;
    const entry = entryOf(verified.collateral);
    if (!entry) return;
    const current = this.byFmspc.get(entry.fmspc);
    if (!current || entry.issuedAt > current.issuedAt) this.byFmspc.set(entry.fmspc, { text: entry.text, issuedAt: entry.issuedAt });
  }

  get size(): number {
    return this.byFmspc.size;
  }
}

function quoteFmspc(quoteB64u: string): string | undefined {
  try {
    return tcbFromQuote(parseTdxQuote(fromB64u(quoteB64u))).fmspc.toLowerCase();
  } catch {
    return undefined;
  }
}

function entryOf(text: string): (Entry & { fmspc: string }) | undefined {
  try {
    const c = parseCollateral(text);
    return { text, fmspc: c.tcbInfo.fmspc.toLowerCase(), issuedAt: c.tcbInfo.issueDate };
  } catch {
    return undefined;
  }
}
