import './buffer-global';
import { comment } from '@ton/core';

/**
 * TonConnect's `payload` for a transfer that carries a text comment: a cell with op 0 (32 bits)
 * and the UTF-8 text (continued in references when long), as a base64 BOC. The broker credits a
 * deposit by this comment, so it must be exactly the one GET /api/credits gave.
 * @example commentPayload('cc-7f3a') // 'te6cckEBAQEADQAAFgAAAABjYy03ZjNhd+7g3A=='-like
 */
export function commentPayload(text: string): string {
  return comment(text).toBoc().toString('base64');
}
