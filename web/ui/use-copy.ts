import { useEffect, useState } from 'react';
import { haptics } from '../telegram/haptics';
import { copyText } from './copy-text';

/**
 * Copy with feedback: `copy()` copies `text` (with the clipboard fallback of copy-text.ts), gives
 * a success haptic, and `copied` is true for a moment so the UI can say so.
 */
export function useCopy(text: string, showMs = 1500): { copied: boolean; copy: () => Promise<void> } {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), showMs);
    return () => clearTimeout(t);
  }, [copied, showMs]);
  const copy = async () => {
    if (await copyText(text)) {
      haptics.success();
      setCopied(true);
    }
  };
  return { copied, copy };
}
