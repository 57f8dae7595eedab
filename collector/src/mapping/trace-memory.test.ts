import { describe, expect, it } from "vitest";
import { TraceMemory } from "./trace-memory.ts";

describe("trace memory", () => {
  it("forgets traces after the TTL and stays within its size", () => {
    const memory = new TraceMemory({ maxEntries: 3, ttlMs: 1000 });
    memory.remember("p", "t1", 0);
    memory.remember("p", "t2", 100);
    expect(memory.has("p", "t1", 500)).toBe(true);
    expect(memory.has("q", "t1", 500)).toBe(false);
    expect(memory.has("p", "t1", 1500)).toBe(false);
    memory.remember("p", "t3", 200);
    memory.remember("p", "t4", 300);
    memory.remember("p", "t5", 400);
    expect(memory.size).toBeLessThanOrEqual(3);
    expect(memory.has("p", "t5", 500)).toBe(true);
    // New arrivals evict expired ones.
    for (let i = 0; i < 3; i++) memory.remember("p", `late${i}`, 5000 + i);
    expect(memory.has("p", "t5", 5000)).toBe(false);
    expect(memory.size).toBe(3);
  });
});
