import { describe, expect, it } from 'vitest';
import { brokerSocketUrl, brokerUrl } from './broker-url';

describe('broker URLs', () => {
  it('stay on the page origin by default (a relative path)', () => {
    expect(brokerUrl('/api/me')).toBe('/api/me');
  });

  it('point at COCOON_BROKER_ORIGIN when the app is served elsewhere, HTTP and WebSocket alike', () => {
    expect(brokerUrl('/api/me', 'https://broker.example')).toBe('https://broker.example/api/me');
    expect(brokerSocketUrl('https://broker.example')).toBe('wss://broker.example/api/ws');
    expect(brokerSocketUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/api/ws');
  });
});
