import { listGenerations } from "@genledger/clickhouse";
import { formatUsd } from "@genledger/core";
import type { GenerationFilter } from "./filters.server.ts";
import type { Access } from "./principal.ts";
import type { DashboardServices } from "./services.server.ts";

/** One list row, already formatted and cut to what the reader may see. */
export interface GenerationRow {
  id: string;
  status: string;
  startedAt: Date;
  userId: string;
  model: string;
  provider: string;
  functionId: string;
  inputTokens: number;
  outputTokens: number;
  /** Formatted dollars, `unpriced`, or "" while pending. */
  cost: string;
  unpriced: boolean;
  latencyMs: number | null;
  cacheHit: boolean;
  /** "" when the reader may not see text. */
  preview: string;
}

/** Runs the list query and shapes rows for the table (text previews only for roles that may read text). */
export async function loadGenerationRows(
  services: DashboardServices,
  filter: GenerationFilter,
  access: Access,
): Promise<{ rows: GenerationRow[]; nextCursor: string | null }> {
  const { items, nextCursor } = await listGenerations(services.store, filter);
  const rows = items.map(
    (item): GenerationRow => ({
      id: item.id,
      status: item.status,
      startedAt: item.startedAt,
      userId: item.userId,
      model: item.responseModel || item.model,
      provider: item.provider,
      functionId: item.functionId,
      inputTokens: item.usage.inputTokens,
      outputTokens: item.usage.outputTokens,
      cost: item.unpriced ? "unpriced" : item.cost ? formatUsd(item.cost.total) : "",
      unpriced: item.unpriced,
      latencyMs: item.latencyMs,
      cacheHit: item.cacheHit,
      preview: access.text ? item.outputPreview || item.promptPreview : "",
    }),
  );
  return { rows, nextCursor };
}
