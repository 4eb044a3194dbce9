import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';

// The house's layering, lowest first. A file may import files of its own layer or a lower one, never a
// higher one, and no chain of imports (type-only ones included) may lead back to where it started.
// `documents.ts` in a capability's home holds that capability's stored shapes: it sits just above the
// domain, so the database wiring in integrations/ can name every collection's type without importing the
// capability's logic.
const layers: { name: string; folders: string[] }[] = [
  { name: 'domain rules', folders: ['domain'] },
  { name: 'configuration and stored shapes', folders: ['config', '*/documents.ts'] },
  { name: 'clients and observability', folders: ['integrations', 'observability'] },
  {
    name: 'capabilities',
    folders: [
      'accounts',
      'cart',
      'catalog',
      'disputes',
      'inventory',
      'notifications',
      'orders',
      'payouts',
      'returns',
      'reporting',
      'reviews',
      'search',
      'sellers',
    ],
  },
  { name: 'activities', folders: ['activities'] },
  { name: 'workflows', folders: ['workflows'] },
  { name: 'entry points', folders: ['api', 'workers', 'search-indexer'] },
];
// Tools around the product, free to import anything, and imported by none of it.
const outside = new Set(['test', 'bench', 'scripts', 'client', 'deploy', 'node_modules', 'dist']);

const root = resolve(__dirname, '..', '..');

function layerOf(file: string): number {
  const [folder] = file.split('/');
  if (file.endsWith('/documents.ts') && file.split('/').length === 2) return 1;
  const index = layers.findIndex((layer) => folder !== undefined && layer.folders.includes(folder));
  if (index < 0) throw new Error(`${file}: its folder is in no layer of test/import-layers.test.ts`);
  return index;
}

function sourceFiles(folder = root): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    const file = relative(root, path);
    if (name.startsWith('.') || outside.has(file)) return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return file.endsWith('.ts') && !file.endsWith('.d.ts') && file.includes('/') ? [file] : [];
  });
}

/** Each file's imports of the project's own files (relative specifiers), as repository paths. */
function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  return new Map(
    files.map((file) => {
      const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
      const targets = importedFiles
        .map((imported) => imported.fileName)
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => relative(root, resolve(root, dirname(file), specifier)))
        .map((target) => (known.has(`${target}.ts`) ? `${target}.ts` : `${target}/index.ts`))
        .filter((target) => known.has(target));
      return [file, [...new Set(targets)]];
    }),
  );
}

/** Strongly connected components with more than one file (Tarjan): each is an import cycle. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, counter);
    low.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe('the import graph keeps the layering', () => {
  const files = sourceFiles();
  const graph = importGraph(files);

  test('every source file sits in a layer, and the graph was read', () => {
    assert.ok(files.length > 100, `only ${files.length} source files found under ${root}`);
    for (const file of files) layerOf(file);
    assert.ok([...graph.values()].some((targets) => targets.length > 0));
  });

  test('no import runs upward', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((target) => layerOf(target) > layerOf(file))
        .map(
          (target) =>
            `${file} (${layers[layerOf(file)]?.name}) imports ${target} (${layers[layerOf(target)]?.name})`,
        ),
    );
    assert.deepEqual(upward, []);
  });

  test('domain rules import nothing but domain rules', () => {
    const leaks = [...graph]
      .filter(([file]) => file.startsWith('domain/'))
      .flatMap(([file, targets]) =>
        targets.filter((t) => !t.startsWith('domain/')).map((t) => `${file} -> ${t}`),
      );
    assert.deepEqual(leaks, []);
  });

  test('no import cycle', () => {
    assert.deepEqual(cycles(graph), []);
  });
});
