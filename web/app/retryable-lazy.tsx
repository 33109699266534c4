import { lazy, type ComponentType, type JSX } from 'react';

type PropsOf<T> = T extends ComponentType<infer P> ? P : never;

/** The resets of the lazy components whose last load failed. */
const failed = new Set<() => void>();

/**
 * `React.lazy` that can load again. A lazy component keeps the rejection of a failed `import()`
 * for good, so a screen whose chunk did not arrive over a flaky network could never open; this
 * one records the failure, and `retryFailedLoads()` (the error boundary's retry,
 * ./ErrorBoundary.tsx) swaps in a fresh lazy component that calls `load` again.
 */
export function retryableLazy<T extends ComponentType<PropsOf<T>>>(load: () => Promise<{ default: T }>): (props: PropsOf<T> & JSX.IntrinsicAttributes) => JSX.Element {
  const make = () =>
    lazy<ComponentType<PropsOf<T>>>(() =>
      load().catch((e: unknown) => {
        failed.add(reset);
        throw e;
      }),
    );
  let current = make();
  function reset() {
    current = make();
  }
  return function Retryable(props) {
    const Current = current;
    return <Current {...props} />;
  };
}

/** Makes every lazy component whose load failed load again when it next renders. */
export function retryFailedLoads(): void {
  for (const reset of failed) reset();
  failed.clear();
}
