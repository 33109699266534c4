import { z } from 'zod';

/**
 * The bare relay's only control messages (text frames, once per stream): the client asks for a
 * stream from host `host`, the relay passes it on, the host says it starts. Chunks are the
 * broker's binary chunk frames (shared/protocol/chunk-frame.ts), so both relays carry the same bytes.
 */
export const BareControlSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('open'), jobId: z.uuid(), host: z.number().int().nonnegative() }),
  z.object({ type: z.literal('start'), jobId: z.uuid() }),
]);
export type BareControl = z.infer<typeof BareControlSchema>;

export function parseBareControl(text: string): BareControl | undefined {
  try {
    const r = BareControlSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
