/**
 * Provider ids as they reach us: AI SDK provider ids ("openai.responses", "google.vertex.chat",
 * "vertex.anthropic.messages", "amazon-bedrock"), OpenTelemetry `gen_ai.system` values
 * ("gcp.vertex_ai", "aws.bedrock", "az.ai.openai") and plain names. Keys are tried whole, then with
 * the last dot-segment dropped, so "groq.chat" finds "groq".
 */
const PROVIDER_ALIASES: Readonly<Record<string, string>> = {
  openai: "openai",
  azure: "azure",
  "azure-openai": "azure",
  "az.ai.openai": "azure",
  anthropic: "anthropic",
  google: "google",
  "google.generative-ai": "google",
  gemini: "google",
  "gcp.gemini": "google",
  "gcp.gen_ai": "google",
  vertex: "vertex",
  "google.vertex": "vertex",
  "google-vertex": "vertex",
  "gcp.vertex_ai": "vertex",
  "vertex.anthropic": "vertex",
  bedrock: "bedrock",
  "amazon-bedrock": "bedrock",
  "aws.bedrock": "bedrock",
  groq: "groq",
  xai: "xai",
  "x-ai": "xai",
  x_ai: "xai",
  mistral: "mistral",
  mistralai: "mistral",
  mistral_ai: "mistral",
  deepseek: "deepseek",
  together: "together",
  togetherai: "together",
  "together-ai": "together",
  fireworks: "fireworks",
  "fireworks-ai": "fireworks",
  fireworks_ai: "fireworks",
  gateway: "gateway",
  "vercel-ai-gateway": "gateway",
  openrouter: "gateway",
};

const API_KIND_SUFFIX =
  /(?:\.(?:chat|responses|completion|completions|embedding|embeddings|image|images|messages|speech|transcription))+$/;

/** Providers that route to other vendors: the vendor prefix of the model id decides the price. */
export const ROUTING_PROVIDERS: ReadonlySet<string> = new Set(["gateway", ""]);

/**
 * Maps any provider id to its canonical form ("openai.chat" -> "openai", "gcp.vertex_ai" ->
 * "vertex"). Unknown ids come back lower-cased and trimmed, so overrides can use their own.
 */
export function normalizeProvider(raw: string | undefined): string {
  let key = (raw ?? "").trim().toLowerCase();
  while (key !== "") {
    const alias = PROVIDER_ALIASES[key];
    if (alias !== undefined) return alias;
    const dot = key.lastIndexOf(".");
    if (dot < 0) break;
    key = key.slice(0, dot);
  }
  // An id we do not know keeps its name, minus the AI SDK's API-kind suffix ("ollama.chat").
  return (raw ?? "").trim().toLowerCase().replace(API_KIND_SUFFIX, "");
}

/** A model id reduced to the name the catalog matches, and the vendor its id named, if any. */
export interface NormalizedModel {
  /** e.g. "claude-3-5-sonnet-20241022" for "us.anthropic.claude-3-5-sonnet-20241022-v2:0" */
  readonly model: string;
  /** The vendor prefix the id carried ("openai" in "openai/gpt-4o", "anthropic" on Bedrock). */
  readonly vendor: string | undefined;
}

const BEDROCK_REGION = /^(?:us|eu|apac|global|us-gov|jp|au|ca)\./;
const BEDROCK_VENDOR = /^(anthropic|meta|amazon|mistral|deepseek|openai|cohere|ai21|qwen|writer)\.(.+)$/;

/**
 * Reduces the many spellings of a model id to one: gateway style "openai/gpt-4o", Gemini's
 * "models/gemini-2.5-pro", Fireworks' "accounts/fireworks/models/x", Bedrock's
 * "us.anthropic.claude-...-v2:0", Vertex's "claude-sonnet-4@20250514", dotted Claude versions
 * ("claude-sonnet-4.5"). Dated snapshot suffixes are kept: matching decides what they mean.
 */
export function normalizeModel(raw: string): NormalizedModel {
  let model = raw.trim().toLowerCase();
  let vendor: string | undefined;

  const modelsSegment = model.lastIndexOf("/models/");
  if (modelsSegment >= 0) {
    model = model.slice(modelsSegment + "/models/".length);
  } else if (model.startsWith("models/")) {
    model = model.slice("models/".length);
  }
  const slash = model.indexOf("/");
  if (slash >= 0) {
    vendor = model.slice(0, slash);
    model = model.slice(model.lastIndexOf("/") + 1);
  }

  model = model.replace(BEDROCK_REGION, "");
  const bedrock = BEDROCK_VENDOR.exec(model);
  if (bedrock) {
    vendor ??= bedrock[1];
    model = bedrock[2]!;
  }
  // Bedrock version suffixes ("-v2:0", "-1:0", ":0") name a deployment, not a priced model.
  model = model.replace(/-(?:v\d+|\d{1,2}):\d+$/, "").replace(/:\d+$/, "");
  // Vertex writes the snapshot after "@", sometimes with a "-v2" revision before it.
  model = model.replace(/(?:-v\d+)?@(\d{8})$/, "-$1").replace(/@latest$/, "-latest");
  if (model.startsWith("claude-")) {
    model = model.replace(/(\d)\.(\d)/g, "$1-$2");
  }
  return { model, vendor };
}
