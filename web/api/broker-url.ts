import { BROKER_ORIGIN } from '../config';

/** `path` (`/api/...`) at the broker: the app's own origin unless the build names another. */
export const brokerUrl = (path: string, origin: string = BROKER_ORIGIN): string => origin + path;

/** `ws(s)://<broker>/api/ws`: the client socket, at the same origin as the HTTP API. */
export function brokerSocketUrl(origin: string = BROKER_ORIGIN || window.location.origin): string {
  const broker = new URL(origin);
  return `${broker.protocol === 'https:' ? 'wss' : 'ws'}://${broker.host}/api/ws`;
}
