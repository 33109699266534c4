import { mainButton } from '@telegram-apps/sdk-react';
import { useEffect, useRef } from 'react';

interface MainButtonOptions {
  text: string;
  visible: boolean;
  enabled: boolean;
  loading: boolean;
  onClick: () => void;
}

/**
 * Telegram's Main Button for a screen's one decisive action (a withdrawal's confirmation), shown
 * while `visible` and hidden again on unmount. Returns false where the client has none (then the
 * caller draws its own button).
 */
export function useMainButton({ text, visible, enabled, loading, onClick }: MainButtonOptions): boolean {
  const native = mainButton.setParams.isAvailable();
  const latest = useRef(onClick);
  useEffect(() => {
    latest.current = onClick;
  });
  useEffect(() => {
    if (!native) return;
    mainButton.setParams({ text, isVisible: visible, isEnabled: enabled && !loading, isLoaderVisible: loading });
  }, [native, text, visible, enabled, loading]);
  useEffect(() => {
    if (!native || !visible) return;
    return mainButton.onClick(() => latest.current());
  }, [native, visible]);
  useEffect(() => {
    if (!native) return;
    return () => void mainButton.setParams.ifAvailable({ isVisible: false, isLoaderVisible: false });
  }, [native]);
  return native;
}
