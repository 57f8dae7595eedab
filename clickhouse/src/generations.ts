import type { Generation, GenerationStatus } from "@genledger/core";
import { z } from "zod";
import { InvalidInputError } from "./errors.ts";
import { GenerationRow, LINE_SETTINGS, rowToGeneration, rowVersion } from "./generation-row.ts";
import { type PreparedGenerations, prepareGenerations } from "./prepare.ts";

export type { PreparedGeneration, PreparedGenerations } from "./prepare.ts";
export { prepareGeneration, prepareGenerations } from "./prepare.ts";

import { loadQuery } from "./queries.ts";
import { execute, insertLines, queryRows } from "./sql.ts";
import type { Store } from "./store-types.ts";
import { withWriteLock } from "./store-types.ts";
import { toChTime } from "./time.ts";

/** Options of {@link insertGenerations}. */
export interface InsertOptions {
  /**
   * Identifies this batch: a replay with the same token (a retry after a lost acknowledgement) is
   * dropped by ClickHouse as a whole (`insert_deduplication_token`), rollups included.
   */
  dedupToken?: string;
}

/** What {@link insertGenerations} did. */
export interface InsertResult {
  /** Rows written. */
  inserted: number;
  /** Records not written: already stored at the same or a higher status rank, or superseded in the batch. */
  skipped: number;
}

const RankRow = z.object({ id: z.string(), rank: z.coerce.number().int() });
const ID_CHUNK = 10_000;

/**
 * Writes a batch of generation records. Pending and final records of one id coexist in the raw
 * table; reads pick the highest (status rank, then write time). A record is skipped when its id is
 * already stored at the same or a higher rank, so a re-delivered final record never reaches the
 * rollups twice; within the batch only the highest-ranked record per id is kept (the last of equals).
 * @throws {InvalidInputError} naming the first invalid record and field.
 */
export async function insertGenerations(
  store: Store,
  generations: readonly Generation[],
  options: InsertOptions = {},
): Promise<InsertResult> {
  return await insertPreparedGenerations(store, prepareGenerations(generations), options);
}

/** {@link insertGenerations} for rows prepared by {@link prepareGenerations}. */
export async function insertPreparedGenerations(
  store: Store,
  prepared: PreparedGenerations,
  options: InsertOptions = {},
): Promise<InsertResult> {
  const { ids, ranks, lines } = prepared;
  if (ids.length !== lines.length || ranks.length !== lines.length) {
    throw new InvalidInputError(
      "prepared",
      `ids (${ids.length}), ranks (${ranks.length}) and lines (${lines.length}) differ in length`,
    );
  }
  // Index of the line kept per id: the highest rank, the last of equals.
  const best = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) {
    const current = best.get(ids[i] as string);
    if (current === undefined || (ranks[i] as number) >= (ranks[current] as number))
      best.set(ids[i] as string, i);
  }
  if (best.size === 0) return { inserted: 0, skipped: 0 };
  return await withWriteLock(store, async () => {
    const storedRank = new Map<string, number>();
    // Chunked: over HTTP the ids travel in the URL (ClickHouse caps it at 1 MiB by default).
    const unique = [...best.keys()];
    for (let start = 0; start < unique.length; start += ID_CHUNK) {
      const chunk = unique.slice(start, start + ID_CHUNK);
      for (const row of await queryRows(store, loadQuery("existing-ranks"), RankRow, { ids: chunk })) {
        storedRank.set(row.id, row.rank);
      }
    }
    const kept: string[] = [];
    for (const [id, index] of best) {
      const rank = storedRank.get(id);
      if (rank !== undefined && rank >= (ranks[index] as number)) continue;
      kept.push(lines[index] as string);
    }
    const settings: Record<string, string | number> = {
      deduplicate_blocks_in_dependent_materialized_views: 1,
      ...LINE_SETTINGS,
    };
    if (options.dedupToken) settings.insert_deduplication_token = options.dedupToken;
    if (store.cluster !== null) settings.distributed_foreground_insert = 1;
    await insertLines(store, "generations", kept, settings);
    return { inserted: kept.length, skipped: ids.length - kept.length };
  });
}

/**
 * One generation by ID: the highest-ranked stored record, or null. With `projectId`, a generation of
 * another project is not found. One query: the id table gives (project, start hour), which the raw
 * table's primary key seeks to; only 3 columns are read (`record_json`, `prompt`, `output`).
 */
export async function getGeneration(
  store: Store,
  id: string,
  options: { projectId?: string } = {},
): Promise<Generation | null> {
  if (!id) return null;
  const [row] = await queryRows(store, loadQuery("get-generation"), GenerationRow, {
    id,
    projectId: options.projectId ?? "",
  });
  return row ? rowToGeneration(row) : null;
}

const CountRow = z.object({ n: z.coerce.number().int() });

/**
 * Turns pending generations that started before `olderThan` and have no final record into
 * `abandoned` (a crash mid-stream still leaves a record). A final record arriving later still wins.
 * `since` bounds the scan (default: everything before `olderThan`).
 * @returns how many generations were marked.
 */
export async function markAbandoned(
  store: Store,
  options: { olderThan: Date; since?: Date },
): Promise<number> {
  if (!(options.olderThan instanceof Date) || Number.isNaN(options.olderThan.getTime())) {
    throw new InvalidInputError("olderThan", "expected a valid Date");
  }
  const params = {
    cutoff: toChTime(options.olderThan),
    since: toChTime(options.since ?? new Date(0)),
    version: String(rowVersion("abandoned" satisfies GenerationStatus)),
  };
  return await withWriteLock(store, async () => {
    const [found] = await queryRows(
      store,
      `SELECT count() AS n FROM (${loadQuery("pending-candidates")})`,
      CountRow,
      params,
    );
    const n = found?.n ?? 0;
    if (n > 0) await execute(store, loadQuery("mark-abandoned"), params);
    return n;
  });
}
