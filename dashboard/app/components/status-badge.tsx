/** A generation status as a coloured badge; `pending` pulses. */
export function StatusBadge({ status }: { status: string }) {
  const known = ["complete", "pending", "error", "aborted", "abandoned"].includes(status);
  return (
    <span
      className={`badge ${known ? status : "neutral"}${status === "pending" ? " pulse" : ""}`}
      data-status={status}
    >
      {status}
    </span>
  );
}
