import { randomUUID } from "node:crypto";
import {
  computeCost,
  type GenerationCost,
  lookupPrice,
  type PriceCatalog,
  type PriceEntry,
  PricingError,
  priceEntrySchema,
} from "@genledger/core";
import { z } from "zod";
import { reconcileRollups } from "../rollups.ts";
import type { Params } from "../sql.ts";
import { withWriteLock } from "../store-types.ts";
import { rebuildAnalyticsRollups } from "./analytics-rollups.ts";
import { type AnalyticsStore, chTime, insertRows, parseChTime, runCommand, selectRows } from "./sql.ts";

const FINAL = "status IN ('complete', 'error', 'aborted')";
const BATCH = 20_000;
/** Version = status rank * 1e13 + write time in ms (see migration 0001). */
const RANK_UNIT = 10_000_000_000_000;

/** What to reprice. */
export interface RepriceInput {
  /** Undefined: every project. */
  projectId?: string;
  /** The corrected or new price entry (the catalog's JSON shape); validated. */
  entry: PriceEntry;
  /** Generation start times `[from, to)`. */
  from: Date;
  to: Date;
  /** Only generations recorded with this provider / model (exact), besides matching the entry. */
  provider?: string;
  model?: string;
  /** Who applied it (for the audit). */
  actor: string;
  /** Compute the before/after totals without writing anything. */
  dryRun?: boolean;
}

/** What a reprice did (also the audit row). */
export interface RepriceResult {
  id: string;
  at: Date;
  dryRun: boolean;
  /** Final generations given the new price. */
  generations: number;
  /** How many of them had a cost before (the rest were unpriced). */
  pricedBefore: number;
  beforeNanos: bigint;
  afterNanos: bigint;
  /** Generations the entry matched but could not price (e.g. an image size it has no price for); left as they were. */
  skipped: number;
  /**
   * Unpriced generations that reported no usage at all (e.g. a stream aborted before the provider
   * sent it): their cost is unknown whatever the price, so they are left unpriced, never priced at 0.
   */
  noUsage: number;
  /** The (provider, model) pairs repriced. */
  models: string[];
}

const PairRow = z.object({
  provider: z.string(),
  model: z.string(),
  response_model: z.string(),
  n: z.coerce.number(),
});
const CandidateRow = z.object({
  id: z.string(),
  started_at: z.string(),
  cache_hit: z.coerce.boolean(),
  input_tokens: z.coerce.number(),
  output_tokens: z.coerce.number(),
  cache_read_tokens: z.coerce.number(),
  cache_write_tokens: z.coerce.number(),
  reasoning_tokens: z.coerce.number(),
  images: z.coerce.number(),
  has_cost: z.coerce.boolean(),
  cost_total: z.string().regex(/^\d+$/).transform(BigInt),
});

function validEntry(entry: unknown): PriceEntry {
  const parsed = priceEntrySchema.safeParse(entry);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(`price entry ${issue?.path.join(".") || "(entry)"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/**
 * Applies a corrected or new price entry to the final generations of a time range: each matching
 * generation (its recorded provider and responded model, else requested model, matched as the
 * catalog would) gets a new row version with the recomputed cost and the entry's ID (a cache hit
 * keeps its zero cost; the price sets what it saved). An unpriced generation that reported no usage
 * at all stays unpriced: its cost is unknown, and pricing its zero tokens would call it free. Afterwards the rollups of the touched days are rebuilt from the raw table
 * (`reconcileRollups` and `rebuildAnalyticsRollups`), so they stay exact, and an audit row records who, when,
 * the range, the models and the totals before and after. Run it for closed periods: generations of
 * the range arriving from another process during the rebuild may be missed by it.
 */
export async function repriceGenerations(store: AnalyticsStore, input: RepriceInput): Promise<RepriceResult> {
  const entry = validEntry(input.entry);
  if (!(input.from instanceof Date) || !(input.to instanceof Date) || !(input.from < input.to)) {
    throw new RangeError("reprice range: from must be before to");
  }
  if (!input.actor) throw new RangeError("reprice actor is required");
  const catalog: PriceCatalog = { builtIn: [], overrides: [entry] };
  const at = new Date();
  const params: Params = {
    from: chTime(input.from),
    to: chTime(input.to),
    projectId: input.projectId ?? "",
    provider: input.provider ?? "",
    model: input.model ?? "",
  };
  const scope = `started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')}
    AND ({projectId:String} = '' OR project_id = {projectId:String})
    AND ({provider:String} = '' OR provider = {provider:String})
    AND ({model:String} = '' OR model = {model:String})`;
  const latest = (columns: string, extra = "", withCacheHit = false) =>
    `SELECT ${columns}${withCacheHit ? ", cache_hit" : ""} FROM (SELECT ${columns}, status, cache_hit FROM generations
       WHERE ${scope} ${extra} ORDER BY version DESC LIMIT 1 BY id) WHERE ${FINAL}`;

  // Which recorded (provider, model) pairs does the entry price? Decided as the catalog would.
  const pairs = await selectRows(
    store,
    `SELECT provider, model, response_model, count() AS n FROM (${latest("id, provider, model, response_model")})
     GROUP BY provider, model, response_model`,
    PairRow,
    params,
  );
  const effective = new Date(Date.parse(entry.effectiveFrom));
  const matched = pairs.flatMap((p) => {
    const name = [p.response_model, p.model].find(
      (m) => m !== "" && lookupPrice(catalog, { provider: p.provider, model: m, at: effective }).found,
    );
    return name === undefined ? [] : [{ ...p, name }];
  });
  const result: RepriceResult = {
    id: randomUUID(),
    at,
    dryRun: input.dryRun ?? false,
    generations: 0,
    pricedBefore: 0,
    beforeNanos: 0n,
    afterNanos: 0n,
    skipped: 0,
    noUsage: 0,
    models: [...new Set(matched.map((p) => `${p.provider}/${p.name}`))],
  };
  if (matched.length === 0) return result;
  const pairParams: Params = {
    ...params,
    pairs: matched.map((p) => [p.provider, p.model, p.response_model].join("\u001f")),
  };
  const pairFilter = "AND concat(provider, '\\x1f', model, '\\x1f', response_model) IN {pairs:Array(String)}";

  await withWriteLock(store, async () => {
    // Light columns only (ids and usage), ordered by time so each write covers a narrow range.
    const rows = await selectRows(
      store,
      `${latest(
        "id, started_at, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, images, has_cost, cost_total",
        pairFilter,
        true,
      )} ORDER BY started_at`,
      CandidateRow,
      pairParams,
    );
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = rows.slice(i, i + BATCH);
      const priced: Priced[] = [];
      for (const row of batch) {
        if (!row.has_cost && !hasUsage(row)) {
          result.noUsage++;
          continue;
        }
        let cost: GenerationCost;
        try {
          cost = computeCost(entry, {
            inputTokens: row.input_tokens,
            outputTokens: row.output_tokens,
            cacheReadTokens: row.cache_read_tokens,
            cacheWriteTokens: row.cache_write_tokens,
            reasoningTokens: row.reasoning_tokens,
            images: row.images,
          });
        } catch (error) {
          if (!(error instanceof PricingError)) throw error;
          result.skipped++;
          continue;
        }
        priced.push({ id: row.id, cost, cacheHit: row.cache_hit });
        result.generations++;
        if (row.has_cost) {
          result.pricedBefore++;
          result.beforeNanos += row.cost_total;
        }
        // A cache hit cost nothing: the price only changes what it saved.
        if (!row.cache_hit) result.afterNanos += BigInt(cost.totalNanos);
      }
      if (priced.length === 0 || result.dryRun) continue;
      const first = batch[0]!.started_at;
      const last = batch.at(-1)!.started_at;
      await writeVersions(
        store,
        entry.id,
        priced,
        {
          ...pairParams,
          from: first,
          to: chTime(new Date(parseChTime(last).getTime() + 1)),
        },
        pairFilter,
      );
    }
  });
  if (result.dryRun || result.generations === 0) return result;

  await reconcileRollups(store, { from: input.from, to: input.to, projectId: input.projectId });
  await rebuildAnalyticsRollups(store, { from: input.from, to: input.to, projectId: input.projectId });
  await insertRows(store, "reprice_audit", [
    {
      project_id: input.projectId ?? "",
      at: chTime(at),
      id: result.id,
      actor: input.actor,
      provider: input.provider ?? "",
      model: input.model ?? result.models.join(", "),
      range_from: chTime(input.from),
      range_to: chTime(input.to),
      price_entry: entry.id,
      price_json: JSON.stringify(entry),
      generations: result.generations,
      priced_before: result.pricedBefore,
      before_nanos: result.beforeNanos.toString(),
      after_nanos: result.afterNanos.toString(),
    },
  ]);
  return result;
}

/** Any usage recorded (a row without any has nothing a price could apply to). */
function hasUsage(row: z.infer<typeof CandidateRow>): boolean {
  return (
    row.input_tokens +
      row.output_tokens +
      row.cache_read_tokens +
      row.cache_write_tokens +
      row.reasoning_tokens +
      row.images >
    0
  );
}

interface Priced {
  id: string;
  cost: GenerationCost;
  cacheHit: boolean;
}

/**
 * Inserts a new version of each generation with its new cost; everything else is copied as stored.
 * A cache hit keeps a zero cost and gets the new price as what it saved.
 */
async function writeVersions(
  store: AnalyticsStore,
  entryId: string,
  priced: Priced[],
  params: Params,
  pairFilter: string,
): Promise<void> {
  const column = (pick: (c: GenerationCost) => number) => priced.map((p) => (p.cacheHit ? 0 : pick(p.cost)));
  const map = (name: string) => `transform(id, {ids:Array(String)}, {${name}:Array(UInt64)}, toUInt64(0))`;
  await runCommand(
    store,
    `INSERT INTO generations
     SELECT * REPLACE (
       ${map("total")} AS cost_total, ${map("input")} AS cost_input, ${map("output")} AS cost_output,
       ${map("cacheRead")} AS cost_cache_read, ${map("cacheWrite")} AS cost_cache_write,
       ${map("reasoning")} AS cost_reasoning, ${map("image")} AS cost_image,
       if(cache_hit, ${map("saved")}, cost_saved_nanos) AS cost_saved_nanos,
       true AS has_cost, false AS unpriced, {entry:String} AS price_entry,
       intDiv(version, ${RANK_UNIT}) * ${RANK_UNIT} + {now:UInt64} AS version)
     FROM (SELECT * FROM generations
           WHERE id IN {ids:Array(String)} AND started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')}
             ${pairFilter}
           ORDER BY version DESC LIMIT 1 BY id)
     WHERE ${FINAL}
     SETTINGS insert_deduplicate = 0${store.cluster !== null ? ", distributed_foreground_insert = 1" : ""}`,
    {
      ...params,
      ids: priced.map((p) => p.id),
      total: column((c) => c.totalNanos),
      input: column((c) => c.inputNanos),
      output: column((c) => c.outputNanos),
      cacheRead: column((c) => c.cacheReadNanos),
      cacheWrite: column((c) => c.cacheWriteNanos),
      reasoning: column((c) => c.reasoningNanos),
      image: column((c) => c.imageNanos),
      saved: priced.map((p) => (p.cacheHit ? p.cost.totalNanos : 0)),
      entry: entryId,
      now: Date.now(),
    },
  );
}
