import type { SVGProps } from 'react';

/** The answer actions' line icons, drawn like web/ui/icons.tsx (24x24, sized by the caller's class). */
type IconProps = SVGProps<SVGSVGElement>;

const base = (props: IconProps): IconProps => ({
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 2,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
  'aria-hidden': true,
  ...props,
});

export const ShareIcon = (p: IconProps) => (
  <svg {...base(p)}>
    <path d="M4 12v6.5A1.5 1.5 0 005.5 20h13a1.5 1.5 0 001.5-1.5V12M12 15V4M7.5 8.5L12 4l4.5 4.5" />
  </svg>
);

export const RegenerateIcon = (p: IconProps) => (
  <svg {...base(p)}>
    <path d="M20 12a8 8 0 11-2.34-5.66M20 4v5h-5" />
  </svg>
);

export const ContinueIcon = (p: IconProps) => (
  <svg {...base(p)}>
    <path d="M5 12h12M13 7l5 5-5 5" />
  </svg>
);
