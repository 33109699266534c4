/** A placeholder block that pulses while its content loads. */
export function Skeleton({ className = '' }: { className?: string }) {
  return <div aria-hidden className={`animate-shimmer rounded-lg bg-tg-hint/20 ${className}`} />;
}
