import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reportingPeriods, type ReportingPeriod } from '../../domain/reporting-periods';

const iso = (periods: ReportingPeriod[]) =>
  periods.map((p) => `${p.start.toISOString().slice(0, 10)}..${p.end.toISOString().slice(0, 10)}`);

test('days are UTC calendar days, oldest first, ending with the running one', () => {
  assert.deepEqual(iso(reportingPeriods('day', 3, new Date('2026-03-01T23:59:59Z'))), [
    '2026-02-27..2026-02-28',
    '2026-02-28..2026-03-01',
    '2026-03-01..2026-03-02',
  ]);
});

test('weeks start on Monday, across a year boundary', () => {
  // 2026-01-01 is a Thursday; its week began Monday 2025-12-29.
  assert.deepEqual(iso(reportingPeriods('week', 2, new Date('2026-01-01T08:00:00Z'))), [
    '2025-12-22..2025-12-29',
    '2025-12-29..2026-01-05',
  ]);
  // A Sunday belongs to the week that began six days earlier; a Monday starts its own.
  assert.deepEqual(iso(reportingPeriods('week', 1, new Date('2026-11-29T23:00:00Z'))), [
    '2026-11-23..2026-11-30',
  ]);
  assert.deepEqual(iso(reportingPeriods('week', 1, new Date('2026-11-30T00:00:00Z'))), [
    '2026-11-30..2026-12-07',
  ]);
});

test('months are calendar months of any length, leap February included', () => {
  assert.deepEqual(iso(reportingPeriods('month', 4, new Date('2028-03-31T12:00:00Z'))), [
    '2027-12-01..2028-01-01',
    '2028-01-01..2028-02-01',
    '2028-02-01..2028-03-01',
    '2028-03-01..2028-04-01',
  ]);
});

test('periods are contiguous and the range is bounded', () => {
  const days = reportingPeriods('day', 90, new Date('2026-11-25T10:00:00Z'));
  assert.equal(days.length, 90);
  for (let i = 1; i < days.length; i += 1) {
    assert.equal(days[i]?.start.getTime(), days[i - 1]?.end.getTime());
  }
  assert.throws(() => reportingPeriods('day', 91, new Date()), RangeError);
  assert.throws(() => reportingPeriods('month', 0, new Date()), RangeError);
  assert.throws(() => reportingPeriods('week', 1.5, new Date()), RangeError);
});
