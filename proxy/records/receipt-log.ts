import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PriceSchema } from '@cocoon/shared/pricing';
import { TeeKindSchema } from '@cocoon/shared/protocol/attestation-bundle';
import { B64uSchema, BigIntString } from '@cocoon/shared/protocol/encoding';
import { SignedReceiptSchema } from '@cocoon/shared/protocol/receipt';

/**
 * What the proxy keeps of each answer, to check later (`cocoon-proxy verify`): the enclave-signed
 * receipt, the attested signing key it verified against, and what the broker charged. Never a
 * prompt or an answer.
 */
export const ReceiptRecordSchema = z.object({
  requestId: z.uuid(),
  at: z.iso.datetime(),
  hostId: z.string(),
  model: z.string(),
  tee: TeeKindSchema,
  /** The enclave's Ed25519 key from the claims the proxy verified before sealing. */
  signingPublicKey: B64uSchema,
  receipt: SignedReceiptSchema,
  charged: BigIntString,
  /** The model's base price and the host's coefficient the job ran at: the receipt's cost at them is what should be charged. */
  price: PriceSchema,
  priceCoefficientMilli: z.number().int(),
});
export type ReceiptRecord = z.output<typeof ReceiptRecordSchema>;
const wire = (r: ReceiptRecord) => ({ ...r, charged: r.charged.toString(), price: { promptPerMillion: r.price.promptPerMillion.toString(), completionPerMillion: r.price.completionPerMillion.toString() } });

export interface ReceiptLog {
  append(record: ReceiptRecord): Promise<void>;
  find(requestId: string): Promise<ReceiptRecord | undefined>;
}

/** JSON lines in `<dataDir>/receipts.jsonl`, readable by this user only. */
export function fileReceiptLog(dataDir: string): ReceiptLog {
  const path = join(dataDir, 'receipts.jsonl');
  let writes = Promise.resolve();
  return {
    append(record) {
      const next = writes.then(async () => {
        await mkdir(dataDir, { recursive: true, mode: 0o700 });
        await appendFile(path, `${JSON.stringify(wire(record))}\n`, { mode: 0o600 });
      });
      // One line at a time; a failed write is the caller's to report and does not block the next.
      writes = next.then(() => undefined, () => undefined);
      return next;
    },
    async find(requestId) {
      await writes;
      const text = await readFile(path, 'utf8').catch(() => '');
      for (const line of text.split('\n').reverse()) {
        if (!line.includes(requestId)) continue;
        const parsed = ReceiptRecordSchema.safeParse(JSON.parse(line));
        if (parsed.success && parsed.data.requestId === requestId) return parsed.data;
      }
      return undefined;
    },
  };
}
