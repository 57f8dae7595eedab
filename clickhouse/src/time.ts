/** A Date as ClickHouse `DateTime64(3, 'UTC')` text: `2026-01-31 12:00:00.000`. */
export function toChTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError("invalid date");
  return date.toISOString().replace("T", " ").replace("Z", "");
}

/** Parses ClickHouse `DateTime`/`DateTime64`/`Date` text (UTC) into a Date. */
export function fromChTime(text: string): Date {
  const iso = text.length === 10 ? `${text}T00:00:00Z` : `${text.replace(" ", "T")}Z`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`unparsable ClickHouse time "${text}"`);
  return date;
}
