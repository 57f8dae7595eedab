/**
 * The GenAI `gen_ai.provider.name` for an AI SDK provider id ("openai.chat" -> "openai",
 * "google.vertex.chat" -> "gcp.vertex_ai"), the same mapping `@ai-sdk/otel` applies to AI SDK 7
 * spans, so that both families file a call under the same provider.
 */
export function providerNameOf(provider: string): string {
  const lower = provider.toLowerCase();
  const table: ReadonlyArray<readonly [string, string]> = [
    ["google.vertex", "gcp.vertex_ai"],
    ["google.generative-ai", "gcp.gemini"],
    ["google-vertex", "gcp.vertex_ai"],
    ["amazon-bedrock", "aws.bedrock"],
    ["azure-openai", "azure.ai.openai"],
    ["anthropic", "anthropic"],
    ["openai", "openai"],
    ["azure", "azure.ai.inference"],
    ["google", "gcp.gemini"],
    ["mistral", "mistral_ai"],
    ["cohere", "cohere"],
    ["bedrock", "aws.bedrock"],
    ["groq", "groq"],
    ["deepseek", "deepseek"],
    ["perplexity", "perplexity"],
    ["xai", "x_ai"],
  ];
  for (const [prefix, mapped] of table) {
    if (lower === prefix || lower.startsWith(`${prefix}.`) || lower.startsWith(`${prefix}-`)) return mapped;
  }
  return provider;
}
