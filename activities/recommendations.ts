import type { Collections } from '../integrations/collections';
import { recomputeBoughtTogether, type RecommendationReport } from '../search/bought-together-job';

export type { RecommendationReport } from '../search/bought-together-job';

/** The bought-together job (search/bought-together-job.ts) as the activity its scheduled workflow runs. */
export function createRecommendationActivities(deps: { collections: Collections; now: () => Date }) {
  return {
    computeBoughtTogether(): Promise<RecommendationReport> {
      return recomputeBoughtTogether(deps);
    },
  };
}
