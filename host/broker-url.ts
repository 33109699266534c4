/**
 * A broker as the owner is told it: the origin the app shows (https://broker.example, or
 * http://127.0.0.1:8080 in development), or the host endpoint itself (wss://broker.example/api/host).
 * The agent needs both forms: the WebSocket endpoint to serve on, the HTTP origin to check health.
 */
export interface BrokerAddress {
  /** http(s)://host[:port][/base], no trailing slash: enrollment state and health checks use it. */
  origin: string;
  /** ws(s)://host[:port][/base]/api/host. */
  wsUrl: string;
}

const HOST_PATH = '/api/host';
const SCHEMES: Record<string, [http: string, ws: string]> = {
  'http:': ['http:', 'ws:'],
  'https:': ['https:', 'wss:'],
  'ws:': ['http:', 'ws:'],
  'wss:': ['https:', 'wss:'],
};

/** The broker at `raw`, or an error message saying what is wrong with it. */
export function parseBrokerUrl(raw: string): BrokerAddress | { error: string } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { error: `${raw} is not a URL (expected e.g. https://broker.example)` };
  }
  const schemes = SCHEMES[url.protocol];
  if (!schemes) return { error: `${raw}: expected an http(s) or ws(s) URL` };
  if (url.username || url.password) return { error: `${raw}: credentials in the URL are not supported` };
  if (url.search || url.hash) return { error: `${raw}: a broker URL has no query or fragment` };
  let base = url.pathname.replace(/\/+$/, '');
  if (base.endsWith(HOST_PATH)) base = base.slice(0, -HOST_PATH.length);
  const [http, ws] = schemes;
  return { origin: `${http}//${url.host}${base}`, wsUrl: `${ws}//${url.host}${base}${HOST_PATH}` };
}

/** Every broker of a list, and a message for each entry that is not a broker URL. */
export function parseBrokerList(list: readonly string[]): { brokers: BrokerAddress[]; errors: string[] } {
  const brokers: BrokerAddress[] = [];
  const errors: string[] = [];
  for (const raw of list) {
    const b = parseBrokerUrl(raw);
    if ('error' in b) errors.push(b.error);
    else if (!brokers.some((x) => x.wsUrl === b.wsUrl)) brokers.push(b);
  }
  return { brokers, errors };
}
