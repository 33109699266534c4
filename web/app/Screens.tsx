import { lazy, Suspense, useCallback, useState } from 'react';
import { ChatScreen } from '../features/chat/ChatScreen';
import { CreditsSkeleton } from '../features/credits/CreditsSkeleton';
import { haptics } from '../telegram/haptics';
import { useBackButton } from '../telegram/hooks';

/** The Credits screen and TonConnect load on first visit: the chat does not wait for them. */
const CreditsScreen = lazy(() => import('../features/credits/CreditsScreen').then((m) => ({ default: m.CreditsScreen })));

export type Screen = 'chat' | 'credits';

/**
 * The app's two screens. The chat stays mounted under the Credits screen, so the conversation
 * (kept in memory only) survives a visit; Telegram's Back Button returns to it.
 */
export function Screens({ inPageBack }: { inPageBack: boolean }) {
  const [screen, setScreen] = useState<Screen>('chat');
  const openCredits = useCallback(() => {
    haptics.tap();
    setScreen('credits');
  }, []);
  const backToChat = useCallback(() => setScreen('chat'), []);
  useBackButton(screen === 'credits', backToChat);
  return (
    <>
      <div inert={screen !== 'chat'} className="contents">
        <ChatScreen onOpenCredits={openCredits} />
      </div>
      {screen === 'credits' && (
        <Suspense fallback={<CreditsSkeleton onBack={inPageBack ? backToChat : null} />}>
          <CreditsScreen onClose={backToChat} inPageBack={inPageBack} />
        </Suspense>
      )}
    </>
  );
}
