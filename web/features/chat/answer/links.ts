/**
 * What an answer's link may be: only an absolute http(s) URL opens (through Telegram's openLink),
 * and the reader sees the host it goes to. Anything else (`javascript:`, `data:`, `tg:`, relative,
 * protocol-relative, malformed) is shown as text. The answer is the model's output: it may try to
 * dress a link up, so the host shown is the one the browser would go to (`a.com@b.com` → b.com,
 * an internationalised name in its punycode form, which cannot imitate another).
 */
export interface SafeLink {
  /** The URL as the browser parsed it (normalised), the one that is opened. */
  url: string;
  /** The host, for display: without a leading `www.`, with a port when one is given. */
  domain: string;
}

/** The link an answer's `href` may open, or null when it must stay text. */
export function safeLink(href: string | null | undefined): SafeLink | null {
  if (!href) return null;
  let url: URL;
  try {
    // No base: a relative or protocol-relative target has no place to go from a Mini App.
    url = new URL(href.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  // A host is letters, digits, dots and hyphens (a Unicode name arrives as punycode), or an IP literal.
  if (!/^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/i.test(url.hostname)) return null;
  return { url: url.href, domain: displayDomain(url) };
}

/** `https://www.Example.com:8443/a` → `example.com:8443`. */
export function displayDomain(url: URL): string {
  return url.host.replace(/^www\./, '');
}

/**
 * Whether a link's text only repeats its target (a bare URL the parser made a link of, or `[url](url)`):
 * such a link is shown by its domain alone, not twice.
 */
export function isBareLink(text: string, href: string): boolean {
  const strip = (s: string) => s.trim().replace(/\/+$/, '').toLowerCase();
  const t = strip(text);
  return t === strip(href) || `http://${t}` === strip(href) || `https://${t}` === strip(href);
}
