import { afterAll, describe, expect, it } from 'vitest';
import { CocoonError, ErrorCodes } from '@cocoon/shared/errors';
import { NetworkError } from '../../api/http';
import { activateLocale, loadAreas } from '../../i18n';
import { ClientErrorCodes, friendlyMessage, fromWire, messageKey, needsTopUp, toUiError, type UiErrorCode } from './error-messages';

const everyCode = [...Object.keys(ErrorCodes), ...Object.values(ClientErrorCodes)] as UiErrorCode[];

describe('friendlyMessage', () => {
  afterAll(() => activateLocale('en'));

  it('stands in the generic words until the error messages have loaded', () => {
    expect(friendlyMessage('job.host_gone')).toEqual(friendlyMessage('internal'));
    expect(friendlyMessage('job.host_gone').title).toBe('Something went wrong');
  });

  it('has specific words for what a chat user can run into', async () => {
    await loadAreas(['errors']);
    expect(friendlyMessage('ledger.insufficient_credits').title).toBe('Not enough credits');
    expect(friendlyMessage('job.model_unavailable').title).toBe('Model unavailable');
    expect(friendlyMessage('job.host_gone').title).toBe('Host went offline');
    expect(friendlyMessage('envelope.chunk_tampered').title).toBe('Answer rejected');
    expect(friendlyMessage('envelope.stream_truncated').title).toBe('Answer cut off');
    expect(friendlyMessage('client.connection_lost').title).toBe('Connection lost');
    expect(friendlyMessage('envelope.suite_unsupported').title).toBe('Host not post-quantum');
  });

  it('falls back to a generic message, never to the raw code or a message id', () => {
    for (const code of everyCode) {
      const m = friendlyMessage(code);
      expect(m.title, code).not.toMatch(/^chat\.|\.[a-z_]+$/);
      expect(m.body.length, code).toBeGreaterThan(10);
    }
    expect(messageKey('internal')).toBe('generic');
    expect(friendlyMessage('internal').title).toBe('Something went wrong');
  });

  it('speaks Russian for a Russian user, every code included', async () => {
    await activateLocale('ru');
    await loadAreas(['errors']);
    expect(friendlyMessage('ledger.insufficient_credits').title).toBe('Недостаточно кредитов');
    for (const code of everyCode) expect(friendlyMessage(code).title, code).toMatch(/[а-яё]/i);
  });
});

describe('needsTopUp', () => {
  it('offers a top-up for a short balance only', () => {
    expect(needsTopUp('ledger.insufficient_credits')).toBe(true);
    expect(needsTopUp('job.price_above_limit')).toBe(false);
    expect(needsTopUp('client.offline')).toBe(false);
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
