// One row of the bench table: our figure next to a baseline measured in the same run on the same machine.

export type Unit = 'ms' | 'req/s' | 'ops/s' | 'MB' | 'orders/s' | 'workflows/s' | 'events';

export interface Figure {
  value: number;
  unit: Unit;
}

export interface Row {
  measurement: string;
  /** A figure, or text already formatted by a measurement that has its own (no ratio is shown then). */
  ours: Figure | string;
  baseline: Figure | string;
  /** What the baseline is, so a reader can judge the comparison. */
  baselineIs: string;
  /** Anything that makes the figure suspect (failed requests); printed in the table. */
  warning?: string;
}

function show(figure: Figure | string): string {
  if (typeof figure === 'string') return figure;
  const { value, unit } = figure;
  if (!Number.isFinite(value)) return 'n/a';
  const digits = unit === 'ms' ? (value < 10 ? 2 : 1) : unit === 'orders/s' || unit === 'workflows/s' ? 1 : 0;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

function ratio({ ours, baseline }: Row): string {
  if (typeof ours === 'string' || typeof baseline === 'string') return '';
  if (!Number.isFinite(ours.value) || !baseline.value) return 'n/a';
  return `${(ours.value / baseline.value).toFixed(2)}×`;
}

export function markdownTable(rows: Row[]): string {
  const lines = [
    '| Measurement | Ours | Baseline | Ours / baseline | Baseline is |',
    '| --- | ---: | ---: | ---: | --- |',
    ...rows.map(
      (row) =>
        `| ${row.measurement}${row.warning ? ` ⚠ ${row.warning}` : ''} | ${show(row.ours)} | ${show(row.baseline)} | ${ratio(row)} | ${row.baselineIs} |`,
    ),
  ];
  return lines.join('\n');
}
