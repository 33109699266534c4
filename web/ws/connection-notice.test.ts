import { describe, expect, it } from 'vitest';
import { connectionNotice } from './ConnectionBanner';

describe('connectionNotice', () => {
  it('says nothing while connected, nor during the first connection', () => {
    expect(connectionNotice('ready', false)).toBeNull();
    expect(connectionNotice('connecting', false)).toBeNull();
    expect(connectionNotice('closed', false)).toBeNull();
  });

  it('announces a reconnection until the socket is ready again', () => {
    expect(connectionNotice('waiting', true)).toBe('reconnecting');
    expect(connectionNotice('connecting', true)).toBe('reconnecting');
  });

  it('says offline when the browser has no network', () => {
    expect(connectionNotice('offline', true)).toBe('offline');
  });
});
