import { fromChTime, queryRows, type SpendRow, type Store } from "@genledger/clickhouse";
import { z } from "zod";

const count = z.union([z.string(), z.number()]).transform(Number);
const money = z.string().regex(/^\d+$/).transform(BigInt);
const Row = z.object({
  day_text: z.string(),
  model_name: z.string(),
  requests: count,
  input_tokens: count,
  output_tokens: count,
  cache_read_tokens: count,
  cache_write_tokens: count,
  reasoning_tokens: count,
  cost_nanos: money,
  unpriced_requests: count,
  cache_hits: count,
  saved_nanos: money,
});

/**
 * One end user's spend per UTC day and model, from the user x model daily rollup. `spendRollup` has no user
 * filter, and grouping every user only to keep one would read all of them.
 */
export async function userSpendByDay(
  store: Store,
  query: { userId: string; projectId?: string; from: Date; to: Date },
): Promise<SpendRow[]> {
  const rows = await queryRows(
    store,
    `SELECT toString(day) AS day_text, toString(model) AS model_name,
       sum(requests) AS requests,
       sum(input_tokens) AS input_tokens,
       sum(output_tokens) AS output_tokens,
       sum(cache_read_tokens) AS cache_read_tokens,
       sum(cache_write_tokens) AS cache_write_tokens,
       sum(reasoning_tokens) AS reasoning_tokens,
       toString(sum(toUInt128(cost_total))) AS cost_nanos,
       sum(unpriced_requests) AS unpriced_requests,
       sum(cache_hits) AS cache_hits,
       toString(sum(toUInt128(cost_saved_nanos))) AS saved_nanos
     FROM generation_rollups_user_model_daily
     WHERE user_id = {userId:String}
       AND day >= toDate({from:DateTime64(3, 'UTC')}) AND day < toDate({to:DateTime64(3, 'UTC')}) + 1
       AND ({projectId:String} = '' OR project_id = {projectId:String})
     GROUP BY day, model
     ORDER BY day, model_name`,
    Row,
    {
      userId: query.userId,
      projectId: query.projectId ?? "",
      from: query.from.toISOString().replace("T", " ").replace("Z", ""),
      to: query.to.toISOString().replace("T", " ").replace("Z", ""),
    },
  );
  return rows.map((row) => ({
    bucket: fromChTime(row.day_text),
    user: query.userId,
    model: row.model_name,
    requests: row.requests,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    reasoningTokens: row.reasoning_tokens,
    costNanos: row.cost_nanos,
    unpricedRequests: row.unpriced_requests,
    cacheHits: row.cache_hits,
    savedNanos: row.saved_nanos,
  }));
}
