/** A small activity ring in the current text colour. */
export function Spinner({ className = 'size-4' }: { className?: string }) {
  return <span aria-hidden className={`inline-block shrink-0 animate-spin rounded-full border-2 border-current border-t-transparent ${className}`} />;
}
