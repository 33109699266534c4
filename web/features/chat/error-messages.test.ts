import { describe, expect, it } from 'vitest';
import { CocoonError, ErrorCodes } from '@cocoon/shared/errors';
import { NetworkError } from '../../api/http';
import { friendlyMessage, fromWire, toUiError } from './error-messages';

describe('friendlyMessage', () => {
  it('has specific words for what a chat user can run into', () => {
    expect(friendlyMessage('ledger.insufficient_credits').title).toBe('Not enough credits');
    expect(friendlyMessage('job.model_unavailable').title).toBe('Model unavailable');
    expect(friendlyMessage('job.host_gone').title).toBe('Host went offline');
    expect(friendlyMessage('envelope.chunk_tampered').title).toBe('Answer rejected');
    expect(friendlyMessage('envelope.stream_truncated').title).toBe('Answer cut off');
    expect(friendlyMessage('client.connection_lost').title).toBe('Connection lost');
    expect(friendlyMessage('envelope.suite_unsupported').title).toBe('Host not post-quantum');
  });

  it('falls back to a generic message, never to the raw code', () => {
    for (const code of Object.keys(ErrorCodes) as (keyof typeof ErrorCodes)[]) {
      const m = friendlyMessage(code);
      expect(m.title).not.toContain('.');
      expect(m.body.length).toBeGreaterThan(10);
    }
    expect(friendlyMessage('internal').title).toBe('Something went wrong');
  });
});

describe('toUiError / fromWire', () => {
  it('keeps stable codes and maps unknown ones to internal', () => {
    expect(toUiError(new CocoonError('job.timeout', 'slow'))).toEqual({ code: 'job.timeout', detail: 'slow' });
    expect(toUiError(new NetworkError('down')).code).toBe('client.offline');
    expect(toUiError(new Error('secret stack')).code).toBe('internal');
    expect(toUiError(new Error('secret stack')).detail).toBeUndefined();
    expect(fromWire({ code: 'engine.stream_failed', message: 'x' }).code).toBe('engine.stream_failed');
    expect(fromWire({ code: 'made.up', message: 'x' }).code).toBe('internal');
  });
});
