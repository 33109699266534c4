/** cocoon-proxy's default port (proxy/config.ts, `DEFAULT_PORT`). */
export const PROXY_PORT = 8787;

/**
 * The command that starts the local encrypting proxy against this broker: pinned to the same
 * operator keys as this build, or, in a development build without any, its development flags.
 */
export function proxyCommand(opts: { brokerOrigin: string; policyKeys: readonly string[]; allowSimulated: boolean }): string {
  const parts = ['npx cocoon-proxy', `--broker ${opts.brokerOrigin}`];
  parts.push(opts.policyKeys.length > 0 ? `--policy-key ${opts.policyKeys.join(',')}` : '--allow-unverified-dev');
  if (opts.allowSimulated) parts.push('--allow-simulated');
  return parts.join(' ');
}

/** Five lines of Python with the `openai` SDK, talking to the proxy. */
export function sdkExample(model: string): string {
  return [
    'from openai import OpenAI',
    `client = OpenAI(base_url="http://127.0.0.1:${PROXY_PORT}/v1", api_key="sk-cocoon-…")`,
    `reply = client.chat.completions.create(model="${model}",`,
    '    messages=[{"role": "user", "content": "Hello!"}])',
    'print(reply.choices[0].message.content)',
  ].join('\n');
}
