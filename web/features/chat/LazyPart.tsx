import { useEffect, useState, type ReactNode } from 'react';
import { t } from '../../i18n';
import type { LazyModule } from './lazy-module';

/**
 * The part of a screen that lives in a lazily loaded chunk: `children` renders it once `module` is
 * in; until then a quiet placeholder, and after a failed fetch a retry, never a blank or broken chat.
 */
export function LazyPart<T>({ module, children }: { module: LazyModule<T>; children: (m: T) => ReactNode }) {
  const [loaded, setLoaded] = useState<T | null>(module.loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (loaded || failed) return;
    let live = true;
    module.load().then(
      (m) => live && setLoaded(() => m),
      (e: unknown) => {
        console.error('chunk failed to load', e);
        if (live) setFailed(true);
      },
    );
    return () => {
      live = false;
    };
  }, [module, loaded, failed]);
  if (loaded) return children(loaded);
  if (failed) {
    return (
      <div className="flex flex-col items-center gap-3 py-8 text-center" data-testid="lazy-part-failed">
        <p className="text-[15px] text-tg-text">{t('chat.lazy.failed')}</p>
        <button type="button" onClick={() => setFailed(false)} className="min-h-11 rounded-xl bg-tg-button px-5 text-[15px] font-semibold text-tg-button-text active:opacity-80">
          {t('chat.lazy.retry')}
        </button>
      </div>
    );
  }
  return <div className="h-40 animate-pulse rounded-xl bg-tg-section-bg" aria-busy="true" aria-label={t('chat.lazy.loading')} />;
}
