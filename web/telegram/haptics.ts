import { hapticFeedback } from '@telegram-apps/sdk-react';

/** Haptic feedback for the app's moments; a no-op outside Telegram or where unsupported. */
export const haptics = {
  send: () => hapticFeedback.impactOccurred.ifAvailable('light'),
  tap: () => hapticFeedback.impactOccurred.ifAvailable('soft'),
  select: () => hapticFeedback.selectionChanged.ifAvailable(),
  success: () => hapticFeedback.notificationOccurred.ifAvailable('success'),
  warning: () => hapticFeedback.notificationOccurred.ifAvailable('warning'),
  error: () => hapticFeedback.notificationOccurred.ifAvailable('error'),
};
