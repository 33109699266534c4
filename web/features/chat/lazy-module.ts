import { useEffect } from 'react';

/**
 * A module fetched with `import()` the first time it is wanted, kept once loaded. A failed fetch
 * (a flaky network) is forgotten, so the next try fetches again instead of repeating the failure
 * the way a rejected `React.lazy` does.
 */
export interface LazyModule<T> {
  load: () => Promise<T>;
  loaded: () => T | null;
}

export function lazyModule<T>(importer: () => Promise<T>): LazyModule<T> {
  let module: T | null = null;
  let pending: Promise<T> | null = null;
  const load = (): Promise<T> =>
    (pending ??= importer().then(
      (m) => (module = m),
      (e: unknown) => {
        pending = null;
        throw e;
      },
    ));
  return { load, loaded: () => module };
}

/** Fetches `module` once the browser is idle after the first paint, so a sheet opens without waiting. */
export function usePrefetch<T>(module: LazyModule<T>): void {
  useEffect(() => {
    const prefetch = () => void module.load().catch(() => undefined); // an open retries and reports a failure
    if (typeof requestIdleCallback === 'function') {
      const id = requestIdleCallback(prefetch, { timeout: 5000 });
      return () => cancelIdleCallback(id);
    }
    const id = setTimeout(prefetch, 2000);
    return () => clearTimeout(id);
  }, [module]);
}
