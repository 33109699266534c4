import { useEffect, useState, useSyncExternalStore } from 'react';
import { brokerSocketUrl } from '../api/broker-url';
import { useSession } from '../api/session';
import { BrokerSocket, type SocketStatus } from './broker-socket';

/** One authenticated, self-reconnecting broker socket for as long as the caller is mounted. */
export function useBrokerSocket(): { socket: BrokerSocket; status: SocketStatus } {
  const { getToken } = useSession();
  const [socket] = useState(() => new BrokerSocket({ url: brokerSocketUrl(), getToken }));
  useEffect(() => {
    socket.start();
    return () => socket.close();
  }, [socket]);
  const status = useSyncExternalStore(
    (fn) => socket.onStatus(fn),
    () => socket.status,
  );
  return { socket, status };
}
