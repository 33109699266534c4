import type { WebSocket } from 'ws';

/**
 * Pings the peer every `intervalMs`; `onDead` is called when a tick finds no pong (nor any frame)
 * since the previous ping, so a peer that vanished without closing is dropped within two
 * intervals. `ws` clients and browsers answer pings by themselves. While the broker itself has
 * paused reading the socket (its queue is full), the peer's pongs wait unread, so it counts as alive.
 * @returns a function that stops the pings.
 */
export function startHeartbeat(socket: WebSocket, intervalMs: number, onDead: () => void): () => void {
  let heard = true;
  const hear = () => (heard = true);
  socket.on('pong', hear);
  socket.on('message', hear);
  const timer = setInterval(() => {
    if (socket.readyState !== socket.OPEN) return;
    if (!heard && !socket.isPaused) return onDead();
    heard = false;
    socket.ping();
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    socket.off('pong', hear);
    socket.off('message', hear);
  };
}
