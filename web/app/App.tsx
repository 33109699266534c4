import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { isCocoonError } from '../../shared/errors';
import { ChatScreen } from '../features/chat/ChatScreen';
import { SessionGate } from './SessionGate';

/** Retries only what may succeed on retry: the network and the broker's 5xx answers. */
const retry = (count: number, error: unknown) => count < 3 && (!isCocoonError(error) || error.httpStatus >= 500);

export function App({ initData }: { initData: string }) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry, refetchOnWindowFocus: true } } }));
  return (
    <QueryClientProvider client={queryClient}>
      <SessionGate initData={initData}>
        <ChatScreen />
      </SessionGate>
    </QueryClientProvider>
  );
}
