import { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import { CreditPackSchema } from '@cocoon/shared/protocol/payments';

/** A credit pack as the broker uses it: credits in micro-credits, the price in Stars and in nanoTON. */
export type CreditPack = z.output<typeof CreditPackSchema>;

/** 10 / 50 / 200 credits for 50 / 225 / 800 Stars or 0.1 / 0.5 / 2 TON. */
export const DEFAULT_CREDIT_PACKS: CreditPack[] = [
  { id: 'pack-10', credits: 10_000_000n, stars: 50, nanoton: 100_000_000n },
  { id: 'pack-50', credits: 50_000_000n, stars: 225, nanoton: 500_000_000n },
  { id: 'pack-200', credits: 200_000_000n, stars: 800, nanoton: 2_000_000_000n },
];

const PackListSchema = z
  .array(CreditPackSchema)
  .min(1, 'expected at least one pack')
  .refine((packs) => new Set(packs.map((p) => p.id)).size === packs.length, 'pack ids must be unique')
  .refine((packs) => packs.every((p) => p.credits > 0n), 'every pack must give credits');

/**
 * `CREDIT_PACKS`: a JSON array like
 * `[{"id":"pack-10","credits":"10000000","stars":50,"nanoton":"100000000"}]` (credits in
 * micro-credits, nanoton as a decimal string); unset means the defaults above.
 */
export const creditPacksValue = z
  .string()
  .optional()
  .transform((raw, ctx): CreditPack[] => {
    if (raw === undefined || raw.trim() === '') return DEFAULT_CREDIT_PACKS;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON array of packs' });
      return z.NEVER;
    }
    const parsed = PackListSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: `${issue.path.join('.') || 'packs'}: ${issue.message}` });
    return z.NEVER;
  });

/** @throws CocoonError('payments.pack_unknown') */
export function findPack(packs: readonly CreditPack[], packId: string): CreditPack {
  const pack = packs.find((p) => p.id === packId);
  if (!pack) throw new CocoonError('payments.pack_unknown', 'no such credit pack');
  return pack;
}

/** The wire form (decimal strings), as CreditsResponse lists packs. */
export const packToWire = (p: CreditPack) => ({ id: p.id, credits: String(p.credits), stars: p.stars, nanoton: String(p.nanoton) });
