import { DEFAULT_MAX_PRICE, type ProxyConfig } from '@cocoon/proxy/config';
import { createLogger } from '@cocoon/proxy/logger';
import { createProxy, type Proxy } from '@cocoon/proxy/proxy';
import type { Stack } from './stack';

/**
 * The developer proxy beside a stack, as a developer runs it with `--key`: pinned to the stack's
 * operator policy key when it has one (`operatorPolicy`), else on the development rules; simulated
 * TEEs accepted (the stack's host is one). Receipts go to `<dataDir>`.
 */
export async function startDevProxy(stack: Stack, opts: { credential: string; dataDir: string; port?: number; logLevel?: string; maxPrice?: bigint }): Promise<{ proxy: Proxy; url: string; config: ProxyConfig }> {
  const config: ProxyConfig = {
    port: opts.port ?? 0,
    brokerUrl: stack.url,
    apiKey: opts.credential,
    policyKeys: stack.policyKey ? [stack.policyKey] : [],
    allowSimulated: true,
    allowUnverifiedDev: !stack.policyKey,
    maxPrice: opts.maxPrice ?? DEFAULT_MAX_PRICE,
    dataDir: opts.dataDir,
    logLevel: 'warn',
  };
  const proxy = createProxy(config, { logger: createLogger(opts.logLevel ?? config.logLevel) });
  const { url } = await proxy.start();
  return { proxy, url, config };
}
