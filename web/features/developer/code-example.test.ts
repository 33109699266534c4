import { describe, expect, it } from 'vitest';
import { proxyCommand, sdkExample } from './code-example';

describe('the "use it from your code" box', () => {
  it('pins the proxy to this build\'s operator keys, or uses the development flags without any', () => {
    expect(proxyCommand({ brokerOrigin: 'https://broker.example', policyKeys: ['k1', 'k2'], allowSimulated: false })).toBe('npx cocoon-proxy --broker https://broker.example --policy-key k1,k2');
    expect(proxyCommand({ brokerOrigin: 'http://127.0.0.1:8080', policyKeys: [], allowSimulated: true })).toBe('npx cocoon-proxy --broker http://127.0.0.1:8080 --allow-unverified-dev --allow-simulated');
  });

  it('is five lines of the openai SDK against the proxy', () => {
    const code = sdkExample('demo/tiny');
    expect(code.split('\n')).toHaveLength(5);
    expect(code).toContain('base_url="http://127.0.0.1:8787/v1"');
    expect(code).toContain('model="demo/tiny"');
  });
});
