import { lazy, Suspense, useCallback, useState } from 'react';
import { AboutScreen } from '../features/about/AboutScreen';
import { ChatScreen } from '../features/chat/ChatScreen';
import { CreditsSkeleton } from '../features/credits/CreditsSkeleton';
import { haptics } from '../telegram/haptics';
import { useBackButton, useSettingsButton } from '../telegram/hooks';

/** The Credits screen and TonConnect load on first visit: the chat does not wait for them. */
const CreditsScreen = lazy(() => import('../features/credits/CreditsScreen').then((m) => ({ default: m.CreditsScreen })));

export type Screen = 'chat' | 'credits' | 'about';

/**
 * The chat, and the Credits and About screens pushed over it. The chat stays mounted underneath,
 * so the conversation (kept in memory only) survives a visit; Telegram's Back Button returns to
 * it. About opens from the chat header and from "Settings" in Telegram's Mini App menu.
 */
export function Screens({ inPageBack }: { inPageBack: boolean }) {
  const [screen, setScreen] = useState<Screen>('chat');
  const openCredits = useCallback(() => {
    haptics.tap();
    setScreen('credits');
  }, []);
  const openAbout = useCallback(() => {
    haptics.tap();
    setScreen('about');
  }, []);
  const backToChat = useCallback(() => setScreen('chat'), []);
  useBackButton(screen !== 'chat', backToChat);
  useSettingsButton(openAbout);
  return (
    <>
      <div inert={screen !== 'chat'} className="contents">
        <ChatScreen onOpenCredits={openCredits} onOpenAbout={openAbout} />
      </div>
      {screen === 'credits' && (
        <Suspense fallback={<CreditsSkeleton onBack={inPageBack ? backToChat : null} />}>
          <CreditsScreen onClose={backToChat} inPageBack={inPageBack} />
        </Suspense>
      )}
      {screen === 'about' && <AboutScreen onBack={inPageBack ? backToChat : null} />}
    </>
  );
}
