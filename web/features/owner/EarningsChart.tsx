import { useEffect, useRef, useSyncExternalStore } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { currentLocale, formatNumber, t } from '../../i18n';
import type { ChartSeries } from './chart-data';

/**
 * The daily earnings as bars: everything earned behind (promotional colour), the paid part in
 * front (Telegram's button colour), so the difference is what starter credits paid. Loaded lazily
 * with uPlot (its own chunk): the chat never waits for it. Colours follow Telegram's theme.
 */

function subscribeTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'style'] });
  return () => observer.disconnect();
}
const themeSnapshot = (): string => {
  const css = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return [read('--tg-theme-button-color', '#007aff'), read('--tg-theme-hint-color', '#8e8e93'), read('--tg-theme-text-color', '#000000')].join(' ');
};

function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const n = parseInt(m[1]!, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function options(width: number, colours: string, days: number): uPlot.Options {
  // Day before month in English too ("3 Dec"), as the rest of the owner screens write dates.
  const dateLocale = currentLocale() === 'en' ? 'en-GB' : currentLocale();
  const [accent = '#007aff', hint = '#8e8e93'] = colours.split(' ');
  const bars = uPlot.paths.bars?.({ size: [days > 7 ? 0.7 : 0.5, 28], gap: 1 });
  const axis: uPlot.Axis = { stroke: hint, grid: { stroke: withAlpha(hint, 0.18), width: 1 }, ticks: { show: false }, font: '11px -apple-system, system-ui, sans-serif' };
  return {
    width,
    height: 160,
    padding: [8, 12, 0, 0],
    legend: { show: false },
    cursor: { show: false },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    // Half a day either side, so the first and last bars are whole.
    scales: { x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [
      { ...axis, grid: { show: false }, space: 36, values: (_u, ticks) => ticks.map((tick) => new Date(tick * 1000).toLocaleDateString(dateLocale, { day: 'numeric', month: 'short', timeZone: 'UTC' })) },
      { ...axis, size: 40, values: (_u, ticks) => ticks.map((tick) => (tick >= 1000 ? t('owner.chart.thousands', { value: formatNumber(tick / 1000) }) : formatNumber(tick))) },
    ],
    series: [
      {},
      { label: t('owner.chart.all'), fill: withAlpha(hint, 0.35), stroke: 'transparent', width: 0, paths: bars, points: { show: false } },
      { label: t('owner.chart.paid'), fill: accent, stroke: accent, width: 0, paths: bars, points: { show: false } },
    ],
  };
}

export default function EarningsChart({ series, label }: { series: ChartSeries; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const colours = useSyncExternalStore(subscribeTheme, themeSnapshot);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot(options(el.clientWidth, colours, series.x.length), [series.x, series.total, series.paid], el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 160 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, colours]);
  return <div ref={box} role="img" aria-label={label} data-testid="earnings-chart" className="h-40 w-full overflow-hidden" />;
}
