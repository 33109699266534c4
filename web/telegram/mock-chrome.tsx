import { createRoot, type Root } from 'react-dom/client';
import { z } from 'zod';
import { Spinner } from '../ui/Spinner';

/**
 * Dev and e2e builds only: the parts of Telegram's own chrome the mocked client draws in the page,
 * from the same bridge events the real client gets: the Main Button (`web_app_setup_main_button`)
 * and popups (`web_app_open_popup`). Their `data-testid`s are what the e2e tests press.
 */

export const MainButtonParamsSchema = z.object({
  is_visible: z.boolean().optional(),
  is_active: z.boolean().optional(),
  is_progress_visible: z.boolean().optional(),
  text: z.string().optional(),
});
export const PopupParamsSchema = z.object({
  title: z.string().optional(),
  message: z.string(),
  buttons: z.array(z.object({ id: z.string().optional(), type: z.string().optional(), text: z.string().optional() })).optional(),
});

function mountPoint(): { root: Root; remove: () => void } {
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  return {
    root,
    remove: () => {
      root.unmount();
      host.remove();
    },
  };
}

let mainButtonRoot: Root | undefined;

/** Draws (or hides) the Main Button as Telegram does: a full-width bar under the app. */
export function renderMockMainButton(params: z.infer<typeof MainButtonParamsSchema>, onPress: () => void): void {
  mainButtonRoot ??= mountPoint().root;
  // Telegram draws its button outside the webview; here it covers the page, so sheets make room.
  document.documentElement.style.setProperty('--mock-main-button-height', params.is_visible ? '68px' : '0px');
  if (!params.is_visible) return mainButtonRoot.render(null);
  const active = params.is_active !== false && !params.is_progress_visible;
  mainButtonRoot.render(
    <div className="fixed inset-x-0 bottom-0 z-[55] bg-tg-bottom-bar-bg px-4 pt-2 pb-[calc(var(--inset-bottom)+8px)] shadow-[0_-0.5px_0_var(--color-tg-separator)]">
      <button
        type="button"
        data-testid="tg-main-button"
        disabled={!active}
        onClick={onPress}
        className="flex h-12 w-full items-center justify-center gap-2 rounded-xl bg-tg-button text-[16px] font-semibold text-tg-button-text transition active:opacity-80 disabled:opacity-60"
      >
        {params.is_progress_visible && <Spinner />}
        {params.text}
      </button>
    </div>,
  );
}

const buttonText = (b: { type?: string | undefined; text?: string | undefined }): string =>
  b.type === 'cancel' ? 'Cancel' : b.type === 'close' ? 'Close' : b.type === 'ok' ? 'OK' : (b.text ?? '');

/** Shows one popup; `done` gets the pressed button's id, or null when dismissed. */
export function showMockPopup(params: z.infer<typeof PopupParamsSchema>, done: (buttonId: string | null) => void): void {
  const { root, remove } = mountPoint();
  const close = (id: string | null) => {
    remove();
    done(id);
  };
  const buttons = params.buttons?.length ? params.buttons : [{ id: '', type: 'close' }];
  root.render(
    <div className="fixed inset-0 z-[70] flex items-center justify-center p-6">
      <button aria-label="Dismiss" className="absolute inset-0 animate-fade-in bg-black/40" onClick={() => close(null)} />
      <section role="alertdialog" aria-modal="true" aria-label={params.title ?? 'Popup'} data-testid="tg-popup" className="relative w-full max-w-[300px] animate-rise rounded-2xl bg-tg-bg text-center shadow-2xl">
        <div className="px-5 pt-5 pb-4">
          {params.title && <h2 className="text-[17px] font-semibold">{params.title}</h2>}
          <p className="mt-1 text-[14px] leading-snug">{params.message}</p>
        </div>
        <div className="flex border-t border-tg-separator">
          {buttons.map((b, i) => (
            <button
              key={i}
              type="button"
              data-testid={`tg-popup-button-${b.id ?? ''}`}
              onClick={() => close(b.id ?? '')}
              className={`min-h-11 flex-1 px-2 py-3 text-[16px] active:bg-tg-hint/10 ${i > 0 ? 'border-l border-tg-separator' : ''} ${b.type === 'destructive' ? 'text-tg-destructive font-semibold' : 'text-tg-link'}`}
            >
              {buttonText(b)}
            </button>
          ))}
        </div>
      </section>
    </div>,
  );
}
