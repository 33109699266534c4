import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { brokerSocketUrl } from '../api/broker-url';
import { queryKeys } from '../api/queries';
import { useSession } from '../api/session';
import { BrokerSocket, type SocketStatus } from './broker-socket';

/**
 * One authenticated, self-reconnecting broker socket for as long as the caller is mounted. After
 * a reconnection the balance is fetched again: a job the broker ended while the app could not
 * hear it (a dropped connection) was settled by its receipt without telling this device.
 */
export function useBrokerSocket(): { socket: BrokerSocket; status: SocketStatus } {
  const { getToken } = useSession();
  const queryClient = useQueryClient();
  const [socket] = useState(() => new BrokerSocket({ url: brokerSocketUrl(), getToken }));
  useEffect(() => {
    socket.start();
    return () => socket.close();
  }, [socket]);
  const status = useSyncExternalStore(
    (fn) => socket.onStatus(fn),
    () => socket.status,
  );
  const wasReady = useRef(false);
  useEffect(() => {
    if (status !== 'ready') return;
    if (wasReady.current) void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    wasReady.current = true;
  }, [status, queryClient]);
  return { socket, status };
}
