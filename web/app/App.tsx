import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { queryRetryDelay, shouldRetryQuery } from '../api/retry-policy';
import { SessionGate } from './SessionGate';
import { Screens } from './Screens';

/** `mocked`: Telegram is imitated (dev and e2e builds), so no Telegram chrome surrounds the app. */
export function App({ initData, mocked }: { initData: string; mocked: boolean }) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: shouldRetryQuery, retryDelay: queryRetryDelay, refetchOnWindowFocus: true } } }));
  return (
    <QueryClientProvider client={queryClient}>
      <SessionGate initData={initData}>
        <Screens inPageBack={mocked} />
      </SessionGate>
    </QueryClientProvider>
  );
}
