import {
  type AnalyticsStore,
  budgetSpend,
  dataSince,
  errorCountsInWindows,
  spendInWindows,
  unpricedModels,
  userActivity,
} from "@genledger/clickhouse";
import type { AlertSources } from "./checks.ts";

/** The evaluator's numbers, read from ClickHouse (rollups where they suffice, the raw table otherwise). */
export function clickhouseSources(store: AnalyticsStore): AlertSources {
  return {
    spendInWindows: (projectId, windows, filter) => spendInWindows(store, { projectId, windows, ...filter }),
    errorCounts: (projectId, windows) => errorCountsInWindows(store, { projectId, windows }),
    userActivity: (projectId, range) => userActivity(store, { projectId, ...range }),
    unpricedModels: async (projectId, range) =>
      (await unpricedModels(store, { projectId, ...range })).map((m) => ({
        provider: m.provider,
        model: m.model,
        requests: m.requests,
      })),
    dataSince: (projectId) => dataSince(store, { projectId }),
    budgetSpend: (budgets, now) => budgetSpend(store, budgets, now),
  };
}
