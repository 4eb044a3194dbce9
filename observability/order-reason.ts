// A failed or cancelled order's reason is free text (it names SKUs and amounts); a metric label must be a
// small closed set. These classes are what an alert and a dashboard split on; the text stays in the logs
// and on the order.
const classes: [RegExp, string][] = [
  [/fraud/i, 'fraud'],
  [/available|out of stock|oversold|stock/i, 'out_of_stock'],
  [/declin|card|payment|authori[sz]/i, 'payment'],
  [/expired|lapsed|timed? ?out|deadline|no decision|hold/i, 'timeout'],
  [/cancel|buyer|customer|requested/i, 'requested'],
  [/seller|accept/i, 'seller'],
];

export function orderReasonClass(reason: string): string {
  if (reason === '') return 'none';
  for (const [pattern, name] of classes) if (pattern.test(reason)) return name;
  return 'other';
}
