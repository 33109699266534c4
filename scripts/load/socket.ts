import WebSocket from 'ws';

/**
 * A socket of the simulated side, its message handler attached before it opens: a server's first
 * frame (the broker's host.challenge) can arrive with the upgrade answer itself.
 */
export const openSocket = async (url: string, onMessage: (data: Buffer, isBinary: boolean) => void): Promise<WebSocket> => {
  const ws = newSocket(url);
  ws.on('message', onMessage);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return ws;
};

/** A client socket as every simulated peer opens it: no compression, frames up to 2 MiB. */
export const newSocket = (url: string): WebSocket => new WebSocket(url, { perMessageDeflate: false, maxPayload: 2 * 1024 * 1024 });
