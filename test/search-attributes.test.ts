import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { allSearchAttributes } from '../workflows/search-attributes';

const root = resolve(__dirname, '..', '..');
const typeNames: Record<string, string> = {
  KEYWORD: 'Keyword',
  KEYWORD_LIST: 'KeywordList',
  INT: 'Int',
  TEXT: 'Text',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
};

test('the dev server registers exactly the search attributes the workflows set', () => {
  const registered = readFileSync(resolve(root, 'scripts/stack/search-attributes.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();
  const used = allSearchAttributes.map((key) => `${key.name}=${typeNames[key.type]}`).sort();
  assert.deepEqual(registered, used);
});
