import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartsQuery } from './gql/graphql';

let series: uPlot | undefined;

/** Calls and answered calls per day, as lines. */
export function drawSeries(target: HTMLElement, buckets: ChartsQuery['callSeries']): void {
  series?.destroy();
  const data: uPlot.AlignedData = [
    buckets.map((bucket) => Date.parse(bucket.start) / 1000),
    buckets.map((bucket) => bucket.measures.total),
    buckets.map((bucket) => bucket.measures.answered),
  ];
  series = new uPlot(
    {
      width: Math.min(900, target.clientWidth || 900),
      height: 260,
      series: [{}, { label: 'calls', stroke: '#2563eb', width: 2 }, { label: 'answered', stroke: '#16a34a', width: 2 }],
      axes: [{}, { label: 'calls' }],
      scales: { x: { time: true } },
    },
    data,
    target,
  );
  target.dataset.buckets = String(buckets.length);
  target.dataset.calls = String(buckets.reduce((sum, bucket) => sum + bucket.measures.total, 0));
}

/** The top numbers as horizontal bars, widths relative to the largest. */
export function drawBreakdown(target: HTMLElement, rows: ChartsQuery['callBreakdown']['rows']): void {
  const largest = Math.max(1, ...rows.map((row) => row.measures.total));
  target.replaceChildren(
    ...rows.map((row) => {
      const item = document.createElement('li');
      const bar = Object.assign(document.createElement('span'), { className: 'bar' });
      bar.style.width = `${(row.measures.total / largest) * 100}%`;
      item.append(Object.assign(document.createElement('span'), { className: 'key', textContent: row.key ?? 'none' }), bar, ` ${row.measures.total}`);
      return item;
    }),
  );
}
