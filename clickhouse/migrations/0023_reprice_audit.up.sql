-- Every reprice: who applied which price to which model and time range, and the totals before
-- and after (nano-dollars). Append-only.
CREATE TABLE IF NOT EXISTS reprice_audit{{on_cluster}}
(
    project_id String,
    at DateTime64(3, 'UTC'),
    id String,
    actor String,
    provider String,
    model String,
    range_from DateTime64(3, 'UTC'),
    range_to DateTime64(3, 'UTC'),
    price_entry String,
    price_json String,
    generations UInt64,
    priced_before UInt64,
    before_nanos UInt64,
    after_nanos UInt64
)
ENGINE = {{global_engine:MergeTree}}
ORDER BY (project_id, at)
