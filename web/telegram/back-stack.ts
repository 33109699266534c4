/**
 * Screens and sheets that want Telegram's Back Button, innermost last. One button serves them
 * all: it shows while any wants it, and a press goes to the innermost only.
 */
export interface BackStack {
  push(onBack: () => void): () => void;
  press(): void;
  readonly size: number;
}

export function createBackStack(onChange: (size: number) => void): BackStack {
  const handlers: Array<() => void> = [];
  return {
    push(onBack) {
      const entry = () => onBack();
      handlers.push(entry);
      onChange(handlers.length);
      return () => {
        const i = handlers.lastIndexOf(entry);
        if (i < 0) return;
        handlers.splice(i, 1);
        onChange(handlers.length);
      };
    },
    press: () => handlers.at(-1)?.(),
    get size() {
      return handlers.length;
    },
  };
}
