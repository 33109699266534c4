import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import type { z } from 'zod';
import { isCocoonError } from '@cocoon/shared/errors';
import { SessionResponseSchema } from '@cocoon/shared/protocol/api';
import { api, type HttpMethod } from './http';

export type Session = z.output<typeof SessionResponseSchema>;

interface SessionContextValue {
  session: Session;
  /** The current token; `fresh` exchanges the init data again (after the broker refused it). */
  getToken: (fresh?: boolean) => Promise<string>;
  /** An authenticated GET of the broker's API; a refused session is renewed once and retried. */
  get: <S extends z.ZodType>(path: string, schema: S, signal?: AbortSignal) => Promise<z.output<S>>;
  /** An authenticated POST with a JSON body, renewed and retried as `get`. */
  post: <S extends z.ZodType>(path: string, body: unknown, schema: S, signal?: AbortSignal) => Promise<z.output<S>>;
  /** PATCH and DELETE (the owner's machines and settings), renewed and retried as `get`. */
  send: <S extends z.ZodType>(method: 'PATCH' | 'DELETE', path: string, body: unknown, schema: S) => Promise<z.output<S>>;
}

const SessionContext = createContext<SessionContextValue | null>(null);
const sessionKey = ['session'] as const;

/** Exchanges Telegram's init data for a session token (POST /api/session). It stays in memory. */
export function useSessionQuery(initData: string) {
  return useQuery({
    queryKey: sessionKey,
    queryFn: ({ signal }) => api('/api/session', SessionResponseSchema, { method: 'POST', body: { initData }, signal }),
    staleTime: Infinity,
    gcTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

export function SessionProvider({ initData, session, children }: { initData: string; session: Session; children: ReactNode }) {
  const queryClient = useQueryClient();
  const getToken = useCallback(
    async (fresh = false) => {
      const current = queryClient.getQueryData<Session>(sessionKey);
      const expired = !current || current.expiresAt * 1000 < Date.now() + 30_000;
      if (!fresh && !expired) return current.token;
      const next = await api('/api/session', SessionResponseSchema, { method: 'POST', body: { initData } });
      queryClient.setQueryData(sessionKey, next);
      return next.token;
    },
    [queryClient, initData],
  );
  const call = useCallback(
    async <S extends z.ZodType>(path: string, schema: S, init: { method: HttpMethod; body?: unknown; signal?: AbortSignal | undefined }) => {
      try {
        return await api(path, schema, { ...init, token: await getToken() });
      } catch (e) {
        if (!isCocoonError(e) || !e.code.startsWith('auth.session')) throw e;
        return api(path, schema, { ...init, token: await getToken(true) });
      }
    },
    [getToken],
  );
  const get = useCallback(
    <S extends z.ZodType>(path: string, schema: S, signal?: AbortSignal) => call(path, schema, { method: 'GET', signal }),
    [call],
  );
  const post = useCallback(
    <S extends z.ZodType>(path: string, body: unknown, schema: S, signal?: AbortSignal) => call(path, schema, { method: 'POST', body, signal }),
    [call],
  );
  const send = useCallback(
    <S extends z.ZodType>(method: 'PATCH' | 'DELETE', path: string, body: unknown, schema: S) => call(path, schema, { method, body }),
    [call],
  );
  const value = useMemo(() => ({ session, getToken, get, post, send }), [session, getToken, get, post, send]);
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}
