import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appContentSecurityPolicy, TELEGRAM_FRAME_ANCESTORS, tonConnectOrigins, withSocketOrigin } from './content-security-policy';

const directive = (csp: string, name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `));

describe('the Mini App CSP', () => {
  it('allows no inline or evaluated script, and frames only where asked', () => {
    const meta = appContentSecurityPolicy();
    expect(directive(meta, 'script-src')).toBe("script-src 'self'");
    expect(meta).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(directive(meta, 'frame-ancestors')).toBeUndefined();
    const header = appContentSecurityPolicy({ frameAncestors: TELEGRAM_FRAME_ANCESTORS });
    expect(directive(header, 'frame-ancestors')).toBe('frame-ancestors https://web.telegram.org https://*.telegram.org');
  });

  it('connects to its own origin plus what it is given, each once', () => {
    const csp = appContentSecurityPolicy({ connect: [...withSocketOrigin('https://broker.example/'), 'https://bridge.tonapi.io', 'https://bridge.tonapi.io'], images: ['https://wallet.tg'] });
    expect(directive(csp, 'connect-src')).toBe("connect-src 'self' https://broker.example wss://broker.example https://bridge.tonapi.io");
    expect(directive(csp, 'img-src')).toBe("img-src 'self' data: https://wallet.tg");
  });

  it('pairs an http(s) origin with its WebSocket twin and refuses anything else', () => {
    expect(withSocketOrigin('http://127.0.0.1:8080')).toEqual(['http://127.0.0.1:8080', 'ws://127.0.0.1:8080']);
    expect(withSocketOrigin('https://b.example/api?x')).toEqual(['https://b.example', 'wss://b.example']);
    expect(() => withSocketOrigin('javascript:alert(1)')).toThrow(/http\(s\) URL/);
  });
});

describe('tonConnectOrigins', () => {
  it('takes the sse bridges and icon origins of the production wallets list', () => {
    const list: unknown = JSON.parse(readFileSync(new URL('../web/ton/wallets.production.json', import.meta.url), 'utf8'));
    expect(tonConnectOrigins(list)).toEqual({
      bridges: ['https://bridge.tonapi.io', 'https://connect.tonhubapi.com', 'https://tonconnectbridge.mytonwallet.org', 'https://walletbot.me'],
      images: ['https://static.mytonwallet.io', 'https://tonhub.com', 'https://tonkeeper.com', 'https://wallet.tg'],
    });
  });

  it('needs nothing for injected (js) wallets with data: icons, and refuses a list in another format', () => {
    expect(tonConnectOrigins([{ image: 'data:image/svg+xml;base64,AA', bridge: [{ type: 'js', key: 'x' }] }])).toEqual({ bridges: [], images: [] });
    expect(() => tonConnectOrigins({ wallets: [] })).toThrow();
    expect(() => tonConnectOrigins([{ bridge: [] }])).toThrow();
  });
});
