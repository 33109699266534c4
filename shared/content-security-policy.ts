import { z } from 'zod';

/**
 * The Mini App's Content-Security-Policy, written once for the two places that deliver it: the
 * broker's response header (server/http/security-headers.ts) and the `<meta>` the build puts in
 * index.html (vite.config.ts), which travels with the app to any static host and is covered by
 * the build hash. No inline or evaluated script; the page may talk only to its own origin, the
 * broker and the TonConnect bridges of the wallets list the build ships.
 *
 * @example
 * appContentSecurityPolicy({ connect: withSocketOrigin('https://broker.example'), frameAncestors: TELEGRAM_FRAME_ANCESTORS })
 */

/**
 * Telegram's web clients, which show a Mini App in an iframe: Web K and Web A live under
 * https://web.telegram.org (`/k/`, `/a/`), their older hosts under *.telegram.org. The phone and
 * desktop apps use a webview, not a frame.
 */
export const TELEGRAM_FRAME_ANCESTORS: readonly string[] = ['https://web.telegram.org', 'https://*.telegram.org'];

export interface AppCspOptions {
  /** Origins the page may connect to besides its own: the broker elsewhere (and its ws twin), TonConnect bridges. */
  connect?: readonly string[];
  /** Image origins besides its own and `data:`: the TonConnect wallets' icons. */
  images?: readonly string[];
  /** Who may frame the page. Header only: a `<meta>` policy ignores the directive. */
  frameAncestors?: readonly string[];
}

const sources = (...list: string[]): string => [...new Set(list)].join(' ');

export function appContentSecurityPolicy(opts: AppCspOptions = {}): string {
  const directives = [
    "default-src 'self'",
    "script-src 'self'",
    // TonConnect UI (goober) and Telegram's SDK insert <style> elements; no script can be inline.
    "style-src 'self' 'unsafe-inline'",
    `img-src ${sources("'self'", 'data:', ...(opts.images ?? []))}`,
    `connect-src ${sources("'self'", ...(opts.connect ?? []))}`,
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ];
  if (opts.frameAncestors) directives.push(`frame-ancestors ${sources(...opts.frameAncestors)}`);
  return directives.join('; ');
}

/** The origin of an http(s) URL, or null for anything else (`data:`, a typo). */
function httpOrigin(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * An http(s) origin with its WebSocket twin, for `connect-src` (older WebKit does not let
 * `'self'` or an https source cover wss): `https://b.example` → `https://b.example wss://b.example`.
 */
export function withSocketOrigin(url: string): string[] {
  const origin = httpOrigin(url);
  if (!origin) throw new Error(`expected an http(s) URL, got ${JSON.stringify(url)}`);
  return [origin, origin.replace(/^http/, 'ws')];
}

/** The part of github.com/ton-connect/wallets-list's format the policy needs. */
const WalletsListSchema = z.array(
  z.object({
    image: z.string(),
    bridge: z.array(z.object({ type: z.string(), url: z.string().optional() })),
  }),
);

/**
 * What a TonConnect wallets list needs from the page's policy: the origins of its HTTP bridges
 * (`sse`, for connect-src) and of its icons (img-src). `js` bridges are in-page and need none.
 * @throws ZodError when the list is not in the wallets-list format.
 */
export function tonConnectOrigins(walletsList: unknown): { bridges: string[]; images: string[] } {
  const wallets = WalletsListSchema.parse(walletsList);
  const bridges = wallets.flatMap((w) => w.bridge.filter((b) => b.type === 'sse' && b.url).map((b) => httpOrigin(b.url!)));
  const images = wallets.map((w) => httpOrigin(w.image));
  const present = (list: (string | null)[]) => [...new Set(list.filter((o): o is string => o !== null))].sort();
  return { bridges: present(bridges), images: present(images) };
}
