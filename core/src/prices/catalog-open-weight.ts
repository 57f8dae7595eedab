import type { PriceEntry } from "./schema.ts";

const groq = "https://groq.com/pricing";
const together = "https://www.together.ai/pricing";
const fireworks = "https://fireworks.ai/pricing";
const bedrock = "https://aws.amazon.com/bedrock/pricing/";

/**
 * Open-weight models as billed by the hosts that serve them (each host sets its own price, so
 * every entry names the host as its provider). Model names are as the hosts spell them after
 * normalization (vendor prefix and Bedrock version suffix removed).
 */
export const openWeightPrices: readonly PriceEntry[] = [
  {
    id: "groq/llama-3.3-70b-versatile@2024-12-06",
    provider: "groq",
    match: ["llama-3.3-70b-versatile"],
    input: "0.59",
    output: "0.79",
    effectiveFrom: "2024-12-06",
    sourceUrl: groq,
  },
  {
    id: "groq/llama-3.1-8b-instant@2024-07-23",
    provider: "groq",
    match: ["llama-3.1-8b-instant"],
    input: "0.05",
    output: "0.08",
    effectiveFrom: "2024-07-23",
    sourceUrl: groq,
  },
  {
    id: "groq/gpt-oss-120b@2025-08-05",
    provider: "groq",
    match: ["gpt-oss-120b"],
    input: "0.15",
    output: "0.60",
    effectiveFrom: "2025-08-05",
    sourceUrl: groq,
  },
  {
    id: "groq/qwen3-32b@2025-04-29",
    provider: "groq",
    match: ["qwen3-32b"],
    input: "0.29",
    output: "0.59",
    effectiveFrom: "2025-04-29",
    sourceUrl: groq,
  },
  {
    id: "together/llama-3.3-70b-instruct-turbo@2024-12-06",
    provider: "together",
    match: ["llama-3.3-70b-instruct-turbo"],
    input: "0.88",
    output: "0.88",
    effectiveFrom: "2024-12-06",
    sourceUrl: together,
  },
  {
    id: "together/meta-llama-3.1-8b-instruct-turbo@2024-07-23",
    provider: "together",
    match: ["meta-llama-3.1-8b-instruct-turbo"],
    input: "0.18",
    output: "0.18",
    effectiveFrom: "2024-07-23",
    sourceUrl: together,
  },
  {
    id: "together/qwen2.5-72b-instruct-turbo@2024-09-19",
    provider: "together",
    match: ["qwen2.5-72b-instruct-turbo"],
    input: "1.20",
    output: "1.20",
    effectiveFrom: "2024-09-19",
    sourceUrl: together,
  },
  {
    id: "together/gpt-oss-120b@2025-08-05",
    provider: "together",
    match: ["gpt-oss-120b"],
    input: "0.15",
    output: "0.60",
    effectiveFrom: "2025-08-05",
    sourceUrl: together,
  },
  {
    id: "fireworks/llama-v3p3-70b-instruct@2024-12-06",
    provider: "fireworks",
    match: ["llama-v3p3-70b-instruct"],
    input: "0.90",
    output: "0.90",
    effectiveFrom: "2024-12-06",
    sourceUrl: fireworks,
  },
  {
    id: "fireworks/gpt-oss-120b@2025-08-05",
    provider: "fireworks",
    match: ["gpt-oss-120b"],
    input: "0.15",
    output: "0.60",
    effectiveFrom: "2025-08-05",
    sourceUrl: fireworks,
  },
  {
    id: "bedrock/llama3-3-70b-instruct@2024-12-06",
    provider: "bedrock",
    match: ["llama3-3-70b-instruct"],
    input: "0.72",
    output: "0.72",
    effectiveFrom: "2024-12-06",
    sourceUrl: bedrock,
  },
  {
    id: "bedrock/llama3-1-8b-instruct@2024-07-23",
    provider: "bedrock",
    match: ["llama3-1-8b-instruct"],
    input: "0.22",
    output: "0.22",
    effectiveFrom: "2024-07-23",
    sourceUrl: bedrock,
  },
  {
    id: "bedrock/gpt-oss-120b@2025-08-05",
    provider: "bedrock",
    match: ["gpt-oss-120b"],
    input: "0.15",
    output: "0.60",
    effectiveFrom: "2025-08-05",
    sourceUrl: bedrock,
  },
];
