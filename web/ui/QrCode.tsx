import qrcode from 'qrcode-generator';
import { useMemo } from 'react';

/** The dark modules of `text` as one SVG path (one unit per module), with the module count. */
export function qrPath(text: string): { size: number; path: string } {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const size = qr.getModuleCount();
  let path = '';
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) if (qr.isDark(row, col)) path += `M${col} ${row}h1v1h-1z`;
  }
  return { size, path };
}

/**
 * A QR code drawn as inline SVG, dark on white whatever the theme (scanners need the contrast),
 * with the quiet zone the standard asks for. `label` is what a screen reader hears instead.
 */
export function QrCode({ text, label, className = 'size-48', testId }: { text: string; label: string; className?: string; testId?: string }) {
  const { size, path } = useMemo(() => qrPath(text), [text]);
  const quiet = 4;
  return (
    <svg
      role="img"
      aria-label={label}
      data-testid={testId}
      data-modules={size}
      viewBox={`${-quiet} ${-quiet} ${size + quiet * 2} ${size + quiet * 2}`}
      shapeRendering="crispEdges"
      className={`rounded-xl bg-white ${className}`}
    >
      <path d={path} fill="#000" />
    </svg>
  );
}
