import type { ReactNode } from 'react';

/** A grouped list in Telegram's settings style: a small header above a rounded card of rows. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="mb-5">
      <h3 className="mb-1.5 px-4 text-[13px] font-normal tracking-wide text-tg-section-header uppercase">{title}</h3>
      <div className="divide-y divide-tg-separator overflow-hidden rounded-xl bg-tg-section-bg">{children}</div>
    </section>
  );
}

export function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-4 px-4 py-2.5 text-[15px]">
      <span className="shrink-0 text-tg-text">{label}</span>
      <span className="min-w-0 text-right break-all text-tg-hint">{children}</span>
    </div>
  );
}
