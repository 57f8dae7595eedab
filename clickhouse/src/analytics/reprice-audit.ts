import { z } from "zod";
import { type AnalyticsStore, parseChTime, selectRows } from "./sql.ts";

/** One audited reprice. */
export interface RepriceAuditEntry {
  id: string;
  projectId: string;
  at: Date;
  actor: string;
  provider: string;
  model: string;
  from: Date;
  to: Date;
  priceEntry: string;
  generations: number;
  pricedBefore: number;
  beforeNanos: bigint;
  afterNanos: bigint;
}

const AuditRow = z.object({
  id: z.string(),
  project_id: z.string(),
  at: z.string(),
  actor: z.string(),
  provider: z.string(),
  model: z.string(),
  range_from: z.string(),
  range_to: z.string(),
  price_entry: z.string(),
  generations: z.coerce.number(),
  priced_before: z.coerce.number(),
  before_nanos: z.string().regex(/^\d+$/).transform(BigInt),
  after_nanos: z.string().regex(/^\d+$/).transform(BigInt),
});

/** The reprice audit, newest first. */
export async function listRepriceAudit(
  store: AnalyticsStore,
  filter: { projectId?: string; limit?: number } = {},
): Promise<RepriceAuditEntry[]> {
  const rows = await selectRows(
    store,
    `SELECT id, project_id, at, actor, provider, model, range_from, range_to, price_entry, generations, priced_before,
       before_nanos, after_nanos
     FROM reprice_audit
     WHERE ({projectId:String} = '' OR project_id IN ({projectId:String}, ''))
     ORDER BY at DESC LIMIT {limit:UInt32}`,
    AuditRow,
    { projectId: filter.projectId ?? "", limit: Math.min(Math.max(1, filter.limit ?? 100), 1000) },
  );
  return rows.map((r) => ({
    id: r.id,
    projectId: r.project_id,
    at: parseChTime(r.at),
    actor: r.actor,
    provider: r.provider,
    model: r.model,
    from: parseChTime(r.range_from),
    to: parseChTime(r.range_to),
    priceEntry: r.price_entry,
    generations: r.generations,
    pricedBefore: r.priced_before,
    beforeNanos: r.before_nanos,
    afterNanos: r.after_nanos,
  }));
}
