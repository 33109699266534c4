import type { Stream } from './stream';

/**
 * A relay under load as the driver sees it (the broker over the real protocol, or the bare `ws`
 * relay): the simulated clients and hosts on this side, the relay's processes on the other.
 */
export interface LoadTarget {
  readonly name: string;
  /** The relay's processes, measured through /proc. */
  readonly pids: number[];
  /** Opens the stream's job; resolves once its host may send chunks, rejects with an error code. */
  open(s: Stream): Promise<void>;
  /** Host side: sends the stream's next chunk now (`s.sent()` stamps it). */
  sendChunk(s: Stream): void;
  /** Host side: ends the stream (final chunk, and the receipt where there is one); resolves when the client side saw it end. */
  finish(s: Stream): Promise<void>;
  close(): Promise<void>;
}

/** What a target's client side reports to the driver. */
export interface StreamEvents {
  /** A non-final chunk of `s` arrived with this seq. */
  chunk(s: Stream, seq: number): void;
  /** The relay or the host side allowed sending again after a pause. */
  resumed(s: Stream): void;
  /** The relay ended `s` with this code before it finished. */
  failed(s: Stream, code: string): void;
}

/** A stable code for anything a target rejects with: the error's `code` when it has one. */
export function failureCode(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return 'code' in e && typeof e.code === 'string' ? e.code : e.message.slice(0, 80);
}
