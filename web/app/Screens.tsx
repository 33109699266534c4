import { Suspense, useCallback, useState } from 'react';
import { ChatScreen } from '../features/chat/ChatScreen';
import { CreditsSkeleton } from '../features/credits/CreditsSkeleton';
import { OwnerSkeleton } from '../features/owner/OwnerSkeleton';
import { loadAreas } from '../i18n';
import { haptics } from '../telegram/haptics';
import { useBackButton, useSettingsButton } from '../telegram/hooks';
import { launchStartParam } from '../telegram/launch-param';
import { ChatBoundary, ScreenBoundary } from './ErrorBoundary';
import { retryableLazy as lazy, retryFailedLoads } from './retryable-lazy';

/**
 * Every screen but the chat loads on first visit, in one chunk (lazy-screens.ts), so the first
 * paint downloads only the chat (the initial-JS budget, scripts/lib/size-budget.ts). One chunk, not
 * one per screen: with two, the bundler moved modules with top-level schemas (shared/errors.ts)
 * into a chunk that runs before no-eval.ts, and zod then probed `new Function` under the CSP
 * (e2e/about.spec.ts catches that).
 */
/**
 * The lazy screens' chunk, with their message catalogues in the user's language. A failed load is
 * tried again from the screen's retry (./ErrorBoundary.tsx, ./retryable-lazy.tsx).
 */
const lazyScreens = () => Promise.all([import('./lazy-screens'), loadAreas(['credits', 'owner', 'developer', 'about'])]).then(([m]) => m);
const CreditsScreen = lazy(() => lazyScreens().then((m) => ({ default: m.CreditsScreen })));
const DeveloperScreen = lazy(() => lazyScreens().then((m) => ({ default: m.DeveloperScreen })));
const AboutScreen = lazy(() => lazyScreens().then((m) => ({ default: m.AboutScreen })));
/** The GPU owners' screen, in the same chunk (lazy-screens.ts); its chart loads later still. */
const OwnerScreen = lazy(() => lazyScreens().then((m) => ({ default: m.OwnerScreen })));
/** The writing tools: their own chunk, which needs nothing of the other screens' (TonConnect...), only the chat's machinery. */
const ToolsScreen = lazy(() => Promise.all([import('../features/tools/ToolsScreen'), loadAreas(['tools'])]).then(([m]) => ({ default: m.ToolsScreen })));

export type Screen = 'chat' | 'credits' | 'developer' | 'about' | 'owner' | 'tools';
type Pushed = Exclude<Screen, 'chat'>;

/**
 * The chat, and the Credits, Developer, About and My GPUs screens pushed over it, one over another (the
 * Developer screen's "Top up" pushes Credits over it). Screens underneath stay mounted, so the
 * conversation (kept in memory only) survives a visit; Telegram's Back Button pops the top one.
 * About opens from the chat header and from "Settings" in Telegram's Mini App menu.
 */
export function Screens({ inPageBack }: { inPageBack: boolean }) {
  // A `startapp=tool-…` link opens the writing tools over the chat (web/telegram/start-param.ts).
  const [startParam] = useState(launchStartParam);
  const [stack, setStack] = useState<Pushed[]>(() => (startParam?.startsWith('tool-') ? ['tools'] : []));
  const top: Screen = stack.at(-1) ?? 'chat';
  const open = useCallback((screen: Pushed) => {
    haptics.tap();
    retryFailedLoads(); // a screen whose chunk failed to load is fetched again when opened again
    setStack((s) => [...s.filter((x) => x !== screen), screen]);
  }, []);
  const openCredits = useCallback(() => open('credits'), [open]);
  const openDeveloper = useCallback(() => open('developer'), [open]);
  const openAbout = useCallback(() => open('about'), [open]);
  const openOwner = useCallback(() => open('owner'), [open]);
  const openTools = useCallback(() => open('tools'), [open]);
  const back = useCallback(() => setStack((s) => s.slice(0, -1)), []);
  useBackButton(stack.length > 0, back);
  useSettingsButton(openAbout);
  const onBack = inPageBack ? back : null;
  return (
    <>
      <div inert={top !== 'chat'} className="contents">
        <ChatBoundary>
          <ChatScreen onOpenCredits={openCredits} onOpenDeveloper={openDeveloper} onOpenAbout={openAbout} onOpenOwner={openOwner} onOpenTools={openTools} />
        </ChatBoundary>
      </div>
      {stack.map((screen) => (
        <div key={screen} inert={screen !== top} className="contents">
          <ScreenBoundary onBack={onBack}>
            {screen === 'credits' && (
              <Suspense fallback={<CreditsSkeleton onBack={onBack} />}>
                <CreditsScreen onClose={back} inPageBack={inPageBack} />
              </Suspense>
            )}
            {screen === 'developer' && <Suspense fallback={null}><DeveloperScreen onBack={onBack} onTopUp={openCredits} /></Suspense>}
            {screen === 'about' && <Suspense fallback={null}><AboutScreen onBack={onBack} /></Suspense>}
            {screen === 'owner' && (
              <Suspense fallback={<OwnerSkeleton onBack={onBack} />}>
                <OwnerScreen onClose={back} inPageBack={inPageBack} />
              </Suspense>
            )}
            {screen === 'tools' && <Suspense fallback={null}><ToolsScreen onBack={onBack} startParam={startParam} /></Suspense>}
          </ScreenBoundary>
        </div>
      ))}
    </>
  );
}
