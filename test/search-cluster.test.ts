import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { newProductId } from '../api/product-ids';
import { ProductCache } from '../catalog/product-cache';
import { createProduct, updateProduct } from '../catalog/products';
import type { ProductDoc } from '../catalog/documents';
import type { Services } from '../integrations/services';
import { CatalogIndexer } from '../search-indexer/catalog-indexer';
import { aliasedIndices, deleteProductIndices, productAlias } from '../search/product-index';
import { categorySearch } from './support/product-search';
import { connectTestServices, eventually, startApi, type RunningApi } from './support/services';

const run = promisify(execFile);
const clusterScript = resolve(__dirname, '../../scripts/stack/opensearch-cluster.sh');
// Set by scripts/test-scale.sh from scripts/stack/opensearch-cluster.sh (two nodes, HTTP 9251 and 9252).
const clusterUrls = process.env.TEST_OPENSEARCH_CLUSTER_URLS ?? '';

interface SearchPage {
  items: Array<{ productId: string; title: string }>;
  total: number;
}

// The indexer and the search API against a two-node OpenSearch cluster, the index with one replica of its
// shard. One node is stopped while the catalog is being written: every search keeps answering (the client
// knows both nodes and the surviving one holds a full copy), the writes land on the survivor, and when the
// node is back its copy recovers and the cluster is green again with every product at its version.
describe(
  'OpenSearch with two nodes, one stopped mid-indexing',
  {
    skip: !clusterUrls && 'needs TEST_OPENSEARCH_CLUSTER_URLS (npm run test:scale)',
  },
  () => {
    const prefix = `scale-search-${randomBytes(4).toString('hex')}`;
    const category = `cat-${randomBytes(4).toString('hex')}`;
    let services: Services;
    let api: RunningApi;
    let cache: ProductCache;
    let stopIndexer: () => Promise<void>;
    let stoppedNode = 0;

    before(async () => {
      services = await connectTestServices({
        OPENSEARCH_URL: clusterUrls,
        OPENSEARCH_INDEX_PREFIX: prefix,
        OPENSEARCH_INDEX_REPLICAS: '1',
      });
      cache = new ProductCache(services.redis);
      const indexer = new CatalogIndexer({
        ...services,
        prefix,
        replicas: services.env.OPENSEARCH_INDEX_REPLICAS,
      });
      const controller = new AbortController();
      const running = indexer.run(controller.signal, () => undefined);
      stopIndexer = async () => {
        controller.abort();
        await running;
      };
      api = await startApi(services);
    });

    after(async () => {
      if (stoppedNode)
        await run('bash', [clusterScript, 'start-node', String(stoppedNode)]).catch(() => undefined);
      await stopIndexer();
      await api.stop();
      await deleteProductIndices(services.search, prefix);
      for (const stream of ['search:stock-changes', 'search:catalog-changes']) {
        await services.redis.xgroup('DESTROY', stream, `search-indexer:${prefix}`).catch(() => 0);
      }
      await services.redis.del(`search-indexer:${prefix}:cursor`);
      await services.close();
    });

    const product = (title: string): Promise<ProductDoc> =>
      createProduct(services.collections, {
        _id: newProductId(),
        sellerId: 'sel_cluster',
        title,
        description: 'Lights the garden',
        category,
        brand: 'Acme',
        attributes: {},
        mediaUrls: [],
        price: { amount: 1500, currency: 'USD' },
        skus: [{ sku: `SKU-${randomBytes(5).toString('hex').toUpperCase()}`, attributes: {} }],
        status: 'active',
        sellerPaused: false,
      });

    const { search, searchable } = categorySearch<SearchPage>(() => api.baseUrl, category, {
      timeoutMs: 60_000,
    });

    /** The runner's node number (1 or 2) of the node that is not the elected cluster manager. */
    async function nodeThatIsNotManager(): Promise<number> {
      const state = await services.search.cluster.state({ metric: ['cluster_manager_node'] });
      const manager = (state.body as { cluster_manager_node?: string }).cluster_manager_node ?? '';
      for (const n of [1, 2]) {
        const local = (await fetch(`http://127.0.0.1:${9250 + n}/_nodes/_local`).then((r) => r.json())) as {
          nodes: Record<string, unknown>;
        };
        if (!Object.keys(local.nodes).includes(manager)) return n;
      }
      throw new Error('no node other than the cluster manager');
    }

    const health = async () =>
      (await services.search.cluster.health({}, { ignore: [408] })).body as {
        status: string;
        number_of_nodes: number;
      };

    test('searches keep answering while a node is down, and the index catches up', async () => {
      const first = await Promise.all(['Solar lantern', 'Paper lantern', 'Brass lantern'].map(product));
      await searchable(
        { q: 'lantern' },
        first.map((p) => p._id),
      );
      const [index = ''] = await aliasedIndices(services.search, prefix);
      const settings = await services.search.indices.getSettings({ index });
      const indexSettings = (
        settings.body as Record<string, { settings: { index: { number_of_replicas: string } } }>
      )[index];
      assert.equal(indexSettings?.settings.index.number_of_replicas, '1');
      await eventually(async () => ((await health()).status === 'green' ? true : undefined), {
        timeoutMs: 60_000,
        what: 'both copies of the shard to be assigned (green)',
      });

      // Writes go on while one node stops: new products, a rename, an archive.
      stoppedNode = await nodeThatIsNotManager();
      const writes = (async () => {
        const more: ProductDoc[] = [];
        for (const title of ['Glass lantern', 'Storm lantern', 'Camping lantern', 'Hanging lantern']) {
          more.push(await product(title));
          await new Promise((r) => setTimeout(r, 300));
        }
        const [solar, paper] = first;
        const renamed = await updateProduct(
          services.collections,
          cache,
          solar?._id ?? '',
          solar?.version ?? 1,
          {
            title: 'Moonbeam lantern',
          },
        );
        await updateProduct(services.collections, cache, paper?._id ?? '', paper?.version ?? 1, {
          status: 'archived',
        });
        return { more, renamed };
      })();
      await run('bash', [clusterScript, 'stop-node', String(stoppedNode)]);
      const answers: number[] = [];
      for (let i = 0; i < 10; i++) answers.push((await search({ q: 'lantern' })).status);
      assert.deepEqual(
        answers,
        answers.map(() => 200),
        'every search answered while a node was down',
      );
      const { more, renamed } = await writes;
      assert.equal((await health()).number_of_nodes, 1, 'the node really is down');

      const live = [first[0], first[2], ...more].map((p) => p?._id ?? '');
      await searchable({ q: 'lantern' }, live);
      await searchable({ q: 'moonbeam' }, [renamed._id]);

      // The node comes back; its copy recovers from the survivor and the cluster is whole again.
      await run('bash', [clusterScript, 'start-node', String(stoppedNode)]);
      stoppedNode = 0;
      await eventually(
        async () => {
          const h = await health();
          return h.status === 'green' && h.number_of_nodes === 2 ? true : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 1000, what: 'the restarted node to recover its copy (green)' },
      );
      await searchable({ q: 'lantern' }, live);

      // Nothing lost: every product of this run is in the index at its current version.
      const current = await services.collections.products.find({ category }).toArray();
      await services.search.indices.refresh({ index: productAlias(prefix) });
      const indexed = await services.search.mget({
        index: productAlias(prefix),
        body: { ids: current.map((p) => p._id) },
      });
      const versions = new Map(
        (indexed.body.docs as Array<{ _id: string; _version?: number }>).map((d) => [d._id, d._version]),
      );
      for (const p of current) assert.equal(versions.get(p._id), p.version, `${p.title} at its version`);
    });
  },
);
