import type { WebSocket } from 'ws';
import { FairDispatcher } from './fair-dispatcher';
import { CloseCodes } from './json-socket';
import type { WsLimits } from './ws-limits';

/**
 * The open sockets of one server, so shutdown can close them and wait until their close handlers
 * (which release holds and mark hosts offline) have finished before the database closes; with the
 * limits they are served under and the dispatcher that shares the event loop between their peers.
 */
export class SocketSet {
  private readonly open = new Map<WebSocket, Promise<void>>();
  readonly dispatcher: FairDispatcher;

  constructor(readonly limits: WsLimits) {
    this.dispatcher = new FairDispatcher(limits.inbound);
  }

  get size(): number {
    return this.open.size;
  }

  /** `finished` resolves once the socket's close handling is done. */
  add(socket: WebSocket, finished: Promise<void>): void {
    this.open.set(socket, finished);
    void finished.finally(() => this.open.delete(socket));
  }

  async closeAll(graceMs: number): Promise<void> {
    const entries = [...this.open];
    for (const [socket] of entries) socket.close(CloseCodes.goingAway, 'server shutting down');
    const timer = setTimeout(() => entries.forEach(([socket]) => socket.terminate()), graceMs);
    await Promise.allSettled(entries.map(([, finished]) => finished));
    clearTimeout(timer);
  }
}
