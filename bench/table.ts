// One row of the bench table: our figure next to a baseline measured in the same run on the same machine.

export type Unit = 'ms' | 'req/s' | 'ops/s' | 'MB';

export interface Figure {
  value: number;
  unit: Unit;
}

export interface Row {
  measurement: string;
  ours: Figure;
  baseline: Figure;
  /** What the baseline is, so a reader can judge the comparison. */
  baselineIs: string;
  /** Anything that makes the figure suspect (failed requests); printed in the table. */
  warning?: string;
}

function show({ value, unit }: Figure): string {
  if (!Number.isFinite(value)) return 'n/a';
  const digits = unit === 'ms' ? (value < 10 ? 2 : 1) : 0;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

function ratio(row: Row): string {
  if (!Number.isFinite(row.ours.value) || !row.baseline.value) return 'n/a';
  return `${(row.ours.value / row.baseline.value).toFixed(2)}×`;
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
