import type { Collection, Filter, FindOptions } from 'mongodb';

const concurrency = 32;

/**
 * The documents with these _ids, as one equality query per id, a few dozen in flight at a time. FerretDB v1
 * hands only equality filters to PostgreSQL, where an index answers them; `{ _id: { $in: ids } }` is filtered
 * inside FerretDB after reading the whole collection, so its cost grows with the data, not the request.
 * On MongoDB both shapes use the _id index. Missing ids are left out; the order follows `ids`.
 */
export async function findByIds<T extends { _id: string }>(
  collection: Collection<T>,
  ids: readonly string[],
  options?: FindOptions,
): Promise<T[]> {
  const unique = [...new Set(ids)];
  const found: T[] = [];
  for (let i = 0; i < unique.length; i += concurrency) {
    const docs = await Promise.all(
      unique.slice(i, i + concurrency).map((_id) => collection.findOne<T>({ _id } as Filter<T>, options)),
    );
    for (const doc of docs) if (doc) found.push(doc);
  }
  return found;
}
