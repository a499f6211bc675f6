/**
 * A trend drawn with uPlot (loaded only on the pages that chart). Each series is one
 * history signal; their timestamps differ, so they are joined on a common time axis.
 */
import type uPlotType from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from '../dom.js';
import type { HistoryPoint } from '../types.js';

export interface TrendSeries {
  label: string;
  colour: string;
  points: HistoryPoint[];
}

export interface TrendChart {
  element: HTMLElement;
  destroy(): void;
}

const AXIS = { stroke: '#c9d1d9', grid: { stroke: 'rgba(255,255,255,0.08)' }, ticks: { stroke: 'rgba(255,255,255,0.15)' } };

export async function createTrendChart(options: {
  title: string;
  unit: string;
  series: TrendSeries[];
  width: number;
  range?: [number, number];
}): Promise<TrendChart> {
  const { default: uPlot } = await import('uplot');
  const element = h('figure', { class: 'trend' }, h('figcaption', {}, `${options.title} (${options.unit})`));
  const withData = options.series.filter((series) => series.points.length > 0);
  if (withData.length === 0) {
    element.append(h('p', { class: 'muted' }, 'No data in this range.'));
    return { element, destroy: () => undefined };
  }
  const tables = withData.map((series) => [series.points.map((point) => point.at / 1000), series.points.map((point) => point.value)] as uPlotType.AlignedData);
  const data = tables.length === 1 ? tables[0]! : uPlot.join(tables);
  const stepped = uPlot.paths.stepped?.({ align: 1 });
  const plot = new uPlot(
    {
      width: Math.max(280, options.width),
      height: 200,
      scales: { x: { time: true }, y: options.range ? { range: options.range } : { auto: true } },
      axes: [{ ...AXIS }, { ...AXIS, size: 60 }],
      legend: { live: true },
      series: [
        { label: 'time' },
        // samples are stored on change (deadband + heartbeat): a value holds until the next one
        ...withData.map((series) => ({ label: series.label, stroke: series.colour, width: 2, spanGaps: false, points: { show: false }, paths: stepped })),
      ],
    },
    data,
    element,
  );
  // a plain-text summary for screen readers: the canvas says nothing to them
  const last = withData
    .map((series) => {
      const value = series.points.at(-1)?.value;
      return `${series.label} ${value === null || value === undefined ? 'no data' : Math.round(value)}`;
    })
    .join(', ');
  element.setAttribute('aria-label', `${options.title} trend. Latest: ${last}`);
  return { element, destroy: () => plot.destroy() };
}
