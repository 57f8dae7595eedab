import { describe, expect, it } from "vitest";
import { formatUsd } from "./money.ts";

describe("formatUsd", () => {
  it("formats nano-dollars exactly, rounding half up at the last shown decimal", () => {
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(1_500_000_000n)).toBe("$1.50");
    expect(formatUsd(1_234_500)).toBe("$0.001235");
    expect(formatUsd(1_234_499)).toBe("$0.001234");
    expect(formatUsd(123_456_789_000_000_000n)).toBe("$123,456,789.00");
    expect(formatUsd(-2_500_000_000n, 2)).toBe("-$2.50");
  });
});
