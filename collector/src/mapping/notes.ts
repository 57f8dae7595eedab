/** Why a span was rejected; also the `reason` label of the rejection metric. */
export type RejectReason =
  | "invalid_id"
  | "invalid_generation_id"
  | "absurd_tokens"
  | "too_many_spans"
  | "invalid_record";

/** A generation that cannot be stored; its span is counted as rejected. */
export class RejectedGeneration extends Error {
  override name = "RejectedGeneration";
  readonly reason: RejectReason;
  constructor(reason: RejectReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

const MAX_MESSAGES = 20;
const MAX_MESSAGE_CHARS = 4000;

/**
 * What an export request gets back in `partialSuccess`: the number of rejected spans and one
 * message that lists the distinct problems (rejections and warnings such as clamped counts).
 */
export class IngestNotes {
  rejectedSpans = 0;
  readonly rejectedByReason = new Map<RejectReason, number>();
  readonly #messages: string[] = [];
  readonly #seen = new Set<string>();
  #dropped = 0;

  /** Counts `count` rejected spans and records why. */
  reject(reason: RejectReason, message: string, count = 1): void {
    this.rejectedSpans += count;
    this.rejectedByReason.set(reason, (this.rejectedByReason.get(reason) ?? 0) + count);
    this.note(message);
  }

  /** Records a problem that did not reject anything (a clamped count, a cut value). */
  note(message: string): void {
    if (this.#seen.has(message)) return;
    this.#seen.add(message);
    if (this.#messages.length >= MAX_MESSAGES) {
      this.#dropped += 1;
      return;
    }
    this.#messages.push(message);
  }

  /** The `errorMessage` of the partial success: "" when there is nothing to say. */
  message(): string {
    const text = this.#messages.join("; ") + (this.#dropped > 0 ? `; and ${this.#dropped} more` : "");
    return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}...` : text;
  }
}
