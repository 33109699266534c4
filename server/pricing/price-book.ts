import { CocoonError } from '@cocoon/shared/errors';
import { costOf, holdFor, type Price, type Usage } from '@cocoon/shared/pricing';

/**
 * Per-model prices (micro-credits per 1M tokens). Today every model has the configured default;
 * a catalog fills `overrides` later without changing callers.
 */
export class PriceBook {
  constructor(
    private readonly defaultPrice: Price,
    private readonly overrides: ReadonlyMap<string, Price> = new Map(),
  ) {}

  priceOf(model: string): Price {
    return this.overrides.get(model) ?? this.defaultPrice;
  }

  /** The worst case a job can cost: every bound prompt token and `maxTokens` completion tokens. */
  holdFor(model: string, ciphertextBytes: number, maxTokens: number, coefficientMilli: number): bigint {
    return holdFor(this.priceOf(model), ciphertextBytes, maxTokens, BigInt(coefficientMilli));
  }

  /** The charge for a receipt's usage, never above the hold. */
  chargeFor(model: string, usage: Usage, coefficientMilli: number, hold: bigint): bigint {
    const cost = costOf(this.priceOf(model), usage, BigInt(coefficientMilli));
    if (cost > hold) throw new CocoonError('receipt.mismatch', 'usage costs more than the hold allows');
    return cost;
  }
}
