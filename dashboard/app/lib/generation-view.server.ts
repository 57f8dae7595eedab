import { getGeneration, getTraceSpans } from "@genledger/clickhouse";
import { formatUsd, type Generation, isValidGenerationId } from "@genledger/core";
import type { Access } from "./principal.ts";
import { type HiddenText, redactGeneration, redactSpans } from "./redact.server.ts";
import type { DashboardServices } from "./services.server.ts";
import { layoutSpans, type SpanRow } from "./spans.ts";

/** Everything `/generation/:id` shows, already cut to what the reader may see. */
export interface GenerationView {
  generation: Generation;
  /** Set when the reader's role hides text: how much was withheld. */
  hidden: HiddenText | null;
  cost: {
    total: string;
    parts: Array<{ label: string; value: string }>;
    saved: string | null;
  } | null;
  spans: SpanRow[];
  traceMs: number;
}

/** Loads one generation for a reader; null when there is none with this ID (or it is outside their project). */
export async function loadGenerationView(
  services: DashboardServices,
  id: string,
  access: Access,
): Promise<GenerationView | null> {
  if (!isValidGenerationId(id)) return null;
  const found = await getGeneration(services.store, id, { projectId: access.projectId });
  if (!found) return null;
  const spans = found.traceId
    ? await getTraceSpans(services.store, found.traceId, { projectId: found.projectId })
    : [];
  const { generation, hidden } = access.text ? { generation: found, hidden: null } : redactGeneration(found);
  const { rows, totalMs } = layoutSpans(access.text ? spans : redactSpans(spans));
  return { generation, hidden, cost: costView(found), spans: rows, traceMs: totalMs };
}

function costView(generation: Generation): GenerationView["cost"] {
  const saved = generation.costSavedNanos > 0 ? formatUsd(generation.costSavedNanos) : null;
  if (!generation.cost) return saved ? { total: "", parts: [], saved } : null;
  const c = generation.cost;
  const parts = [
    { label: "Input", value: c.input },
    { label: "Output", value: c.output },
    { label: "Cache read", value: c.cacheRead },
    { label: "Cache write", value: c.cacheWrite },
    { label: "Reasoning", value: c.reasoning },
    { label: "Images", value: c.image },
  ]
    .filter((part) => part.value > 0)
    .map((part) => ({ label: part.label, value: formatUsd(part.value, 9) }));
  return { total: formatUsd(c.total, 9), parts, saved };
}
