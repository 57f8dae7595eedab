import { envVar } from "../define.ts";
import { booleanFromEnv, keyValueListFromEnv, secretFromEnv, textFromEnv, urlFromEnv } from "../schemas.ts";

/** Variables of the instrumentation, inside the application that calls the AI SDK. */
export const INSTRUMENTATION_VARS = {
  endpoint: envVar({
    name: "GENLEDGER_ENDPOINT",
    processes: ["instrumentation"],
    description:
      "Base URL of the collector; spans go to `<endpoint>/v1/traces`. Takes precedence over `OTEL_EXPORTER_OTLP_ENDPOINT`.",
    schema: urlFromEnv(["http", "https"]),
    example: "https://collector.example.com",
  }),
  otlpEndpoint: envVar({
    name: "OTEL_EXPORTER_OTLP_ENDPOINT",
    processes: ["instrumentation"],
    description:
      "Base URL of the collector when `GENLEDGER_ENDPOINT` is unset; spans go to `<endpoint>/v1/traces`.",
    schema: urlFromEnv(["http", "https"]),
    default: "http://localhost:4318",
  }),
  otlpTracesEndpoint: envVar({
    name: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    processes: ["instrumentation"],
    description: "Full traces URL; overrides `OTEL_EXPORTER_OTLP_ENDPOINT`.",
    schema: urlFromEnv(["http", "https"]),
  }),
  otlpHeaders: envVar({
    name: "OTEL_EXPORTER_OTLP_HEADERS",
    processes: ["instrumentation"],
    description: "Extra export headers, `key=value` pairs separated by commas.",
    schema: keyValueListFromEnv,
    secret: true,
  }),
  serviceName: envVar({
    name: "OTEL_SERVICE_NAME",
    processes: ["instrumentation"],
    description: "Name of the instrumented service, kept on its spans.",
    schema: textFromEnv,
  }),
  dashboardUrl: envVar({
    name: "GENLEDGER_DASHBOARD_URL",
    processes: ["instrumentation"],
    description:
      "The dashboard's address, used to build the `/generation/:id` link of a generation made with `newGeneration()`.",
    schema: urlFromEnv(["http", "https"]),
    default: "http://localhost:3000",
  }),
  apiKey: envVar({
    name: "GENLEDGER_API_KEY",
    processes: ["instrumentation"],
    description: "Ingest key (Settings > Ingestion keys), sent as `Authorization: Bearer <key>`.",
    schema: secretFromEnv(1),
    secret: true,
  }),
  disabled: envVar({
    name: "GENLEDGER_DISABLED",
    processes: ["instrumentation"],
    description: "Turn the instrumentation off without removing the import.",
    schema: booleanFromEnv,
    default: "false",
  }),
};
