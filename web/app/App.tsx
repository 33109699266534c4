import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { isCocoonError } from '@cocoon/shared/errors';
import { SessionGate } from './SessionGate';
import { Screens } from './Screens';

/** Retries only what may succeed on retry: the network and the broker's 5xx answers. */
const retry = (count: number, error: unknown) => count < 3 && (!isCocoonError(error) || error.httpStatus >= 500);

/** `mocked`: Telegram is imitated (dev and e2e builds), so no Telegram chrome surrounds the app. */
export function App({ initData, mocked }: { initData: string; mocked: boolean }) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry, refetchOnWindowFocus: true } } }));
  return (
    <QueryClientProvider client={queryClient}>
      <SessionGate initData={initData}>
        <Screens inPageBack={mocked} />
      </SessionGate>
    </QueryClientProvider>
  );
}
