import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ApiKeyLookup, createKeyResolver } from "./auth.ts";
import type { CollectorConfig } from "./config.ts";
import { readBody } from "./http/body.ts";
import { HttpError } from "./http/errors.ts";
import { storageError } from "./http/storage-error.ts";
import { createIngestor, type IngestSink } from "./ingest.ts";
import { createLogger, type Logger } from "./logger.ts";
import { catalogPricer, type Pricer } from "./mapping/cost.ts";
import { TraceMemory } from "./mapping/trace-memory.ts";
import type { BlobSink } from "./media.ts";
import { createMetricsRegistry, METRIC, METRICS_CONTENT_TYPE, type MetricsRegistry } from "./metrics.ts";
import { decodeTraceRequest } from "./otlp/decode.ts";
import { contentTypeOf, encodeExportResponse, encodeStatus, type OtlpEncoding } from "./otlp/encode.ts";
import { type DecodedSpan, DecodeError } from "./otlp/types.ts";
import { type ReadinessCheck, runReadiness } from "./readiness.ts";

/** What {@link createCollector} needs. */
export interface CollectorOptions {
  config: CollectorConfig;
  /** The durable spool; `append` must resolve only once the batch is on disk. */
  spool: IngestSink;
  /** The blob store for extracted images and files. */
  blobs: BlobSink;
  /** Key store lookup: `(secret) => findApiKey(store, secret)`; static keys work without it. */
  lookupKey?: ApiKeyLookup;
  /** Prices generations without `genledger.cost.*`; default: built-in prices plus `GENLEDGER_PRICES_FILE`. */
  pricer?: Pricer;
  /** Shared with the durability side so `/metrics` shows the whole pipeline. */
  metrics?: MetricsRegistry;
  logger?: Logger;
  readiness?: ReadinessCheck[];
}

/** The OTLP/HTTP receiver. */
export interface Collector {
  readonly server: Server;
  readonly metrics: MetricsRegistry;
  /** Starts listening (defaults from the config); resolves with the bound address. */
  listen(port?: number, host?: string): Promise<{ port: number; host: string; url: string }>;
  /** Stops accepting connections and waits for requests in flight (their batches reach the spool). */
  close(): Promise<void>;
}

/** Per-request state passed along the middleware chain. */
interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  /** Encoding of the answer: the request's, JSON until known. */
  encoding: OtlpEncoding;
  gzip: boolean;
  projectId: string;
  spans: DecodedSpan[];
  /** True once the body was read (or reading started): until then an error leaves it unread. */
  bodyTouched: boolean;
}

/** An unread body larger than this is not drained after an error: the connection is closed instead. */
const DRAIN_LIMIT_BYTES = 1024 * 1024;

type Step = (exchange: Exchange) => Promise<void> | void;

/** `Content-Type` by inclusion (`application/json; charset=utf-8` is JSON). */
export function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const value = (contentType ?? "").toLowerCase();
  if (value.includes("application/x-protobuf") || value.includes("application/protobuf")) return "protobuf";
  if (value.includes("application/json")) return "json";
  return undefined;
}

/**
 * The collector's HTTP app: `POST /v1/traces` (OTLP/HTTP, protobuf or JSON, optionally gzip),
 * `GET /healthz`, `GET /readyz` and `GET /metrics`. Trace exports run through a fixed chain:
 * method, content type, content encoding, key, body (size limits, streaming gunzip), decode,
 * ingest (map, blobs, redaction, spool); one error handler turns every failure into an OTLP
 * `google.rpc.Status` answer. See collector/README.md for every response.
 */
export function createCollector(options: CollectorOptions): Collector {
  const { config } = options;
  const metrics = options.metrics ?? createMetricsRegistry();
  const logger = options.logger ?? createLogger({ level: config.logLevel, base: { service: "collector" } });
  const keys = createKeyResolver(config.auth, options.lookupKey);
  const ingestor = createIngestor({
    config,
    sink: options.spool,
    blobs: options.blobs,
    pricer: options.pricer ?? catalogPricer(),
    traceMemory: new TraceMemory(),
    metrics,
  });
  const requests = metrics.counter(METRIC.requests, "HTTP requests answered, by route and status code");
  const requestBytes = metrics.counter(METRIC.requestBytes, "Request body bytes as received, by encoding");
  const rejectedRequests = metrics.counter(METRIC.requestsRejected, "Export requests refused, by reason");
  const ingestDuration = metrics.histogram(
    METRIC.ingestDuration,
    "Export request received to acknowledged, seconds",
  );

  const requirePost: Step = ({ request }) => {
    if (request.method !== "POST") {
      throw new HttpError(405, "method_not_allowed", `use POST for /v1/traces, not ${request.method}`, {
        headers: { Allow: "POST" },
      });
    }
  };
  const negotiateContentType: Step = (exchange) => {
    const encoding = encodingOf(exchange.request.headers["content-type"]);
    if (encoding === undefined) {
      throw new HttpError(
        415,
        "unsupported_content_type",
        `unsupported Content-Type ${JSON.stringify(exchange.request.headers["content-type"] ?? "")}: send application/x-protobuf or application/json`,
      );
    }
    exchange.encoding = encoding;
  };
  const negotiateContentEncoding: Step = (exchange) => {
    const value = (exchange.request.headers["content-encoding"] ?? "identity").toLowerCase().trim();
    if (value === "gzip" || value === "x-gzip") exchange.gzip = true;
    else if (value !== "identity" && value !== "") {
      throw new HttpError(
        415,
        "unsupported_content_encoding",
        `unsupported Content-Encoding "${value}": send gzip or none`,
      );
    }
  };
  const authenticate: Step = async (exchange) => {
    exchange.projectId = await keys.projectFor(exchange.request.headers);
  };
  const decodeBody: Step = async (exchange) => {
    exchange.bodyTouched = true;
    const body = await readBody(exchange.request, exchange.gzip, config.limits);
    requestBytes.inc({ encoding: exchange.encoding }, body.wireBytes);
    try {
      exchange.spans = decodeTraceRequest(body.bytes, exchange.encoding, {
        maxAttributeBytes: config.limits.maxAttributeBytes,
      });
    } catch (error) {
      if (error instanceof DecodeError) {
        throw new HttpError(
          400,
          "undecodable",
          `cannot decode the ${exchange.encoding} body: ${error.message}`,
        );
      }
      throw error;
    }
  };
  const ingest: Step = async (exchange) => {
    let outcome: Awaited<ReturnType<typeof ingestor.ingest>>;
    try {
      outcome = await ingestor.ingest(exchange.projectId, exchange.spans);
    } catch (error) {
      throw storageError(error, logger);
    }
    if (outcome.rejectedSpans > 0 || outcome.message !== "") {
      logger.info("export partly rejected", {
        project: exchange.projectId,
        rejected: outcome.rejectedSpans,
        message: outcome.message,
      });
    }
    send(
      exchange,
      200,
      encodeExportResponse(exchange.encoding, {
        rejectedSpans: outcome.rejectedSpans,
        errorMessage: outcome.message,
      }),
    );
  };
  const traceChain: Step[] = [
    requirePost,
    negotiateContentType,
    negotiateContentEncoding,
    authenticate,
    decodeBody,
    ingest,
  ];

  function send(
    exchange: Exchange,
    status: number,
    body: Uint8Array,
    headers: Record<string, string> = {},
  ): void {
    exchange.response.writeHead(status, {
      "Content-Type": contentTypeOf(exchange.encoding),
      "Content-Length": String(body.byteLength),
      ...headers,
    });
    exchange.response.end(body);
  }

  async function readiness(exchange: Exchange): Promise<void> {
    const report = await runReadiness(options.readiness ?? []);
    exchange.encoding = "json";
    send(exchange, report.status === "ready" ? 200 : 503, Buffer.from(JSON.stringify(report)));
  }

  function fail(exchange: Exchange, error: unknown): void {
    const httpError =
      error instanceof HttpError
        ? error
        : new HttpError(500, "internal", "internal error while handling the export", { cause: error });
    if (httpError.status >= 500 && httpError.reason === "internal") logger.error("request failed", { error });
    else
      logger.debug("request refused", {
        status: httpError.status,
        reason: httpError.reason,
        message: httpError.message,
      });
    if (exchange.request.url?.startsWith("/v1/traces")) rejectedRequests.inc({ reason: httpError.reason });
    if (exchange.response.headersSent) {
      exchange.response.destroy();
      return;
    }
    const headers = { ...httpError.headers };
    const declared = Number(exchange.request.headers["content-length"] ?? 0);
    // Node drains an unread body to keep the connection; for a large one, closing is cheaper.
    if (httpError.close || (!exchange.bodyTouched && declared > DRAIN_LIMIT_BYTES))
      headers.Connection = "close";
    send(
      exchange,
      httpError.status,
      encodeStatus(exchange.encoding, httpError.status, httpError.message),
      headers,
    );
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const exchange: Exchange = {
      request,
      response,
      encoding: "json",
      gzip: false,
      projectId: "",
      spans: [],
      bodyTouched: false,
    };
    const path = (request.url ?? "/").split("?")[0];
    let route = "other";
    try {
      if (path === "/v1/traces") {
        route = "traces";
        for (const step of traceChain) await step(exchange);
        ingestDuration.observe((performance.now() - started) / 1000);
      } else if (path === "/healthz" && (request.method === "GET" || request.method === "HEAD")) {
        route = "healthz";
        send(exchange, 200, Buffer.from('{"status":"ok"}'));
      } else if (path === "/readyz" && (request.method === "GET" || request.method === "HEAD")) {
        route = "readyz";
        await readiness(exchange);
      } else if (path === "/metrics" && request.method === "GET") {
        route = "metrics";
        const body = Buffer.from(metrics.render());
        response.writeHead(200, {
          "Content-Type": METRICS_CONTENT_TYPE,
          "Content-Length": String(body.byteLength),
        });
        response.end(body);
      } else {
        throw new HttpError(
          404,
          "not_found",
          `no route for ${request.method} ${path}: exports go to POST /v1/traces`,
        );
      }
    } catch (error) {
      fail(exchange, error);
    } finally {
      requests.inc({ route, code: String(response.statusCode) });
    }
  }

  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 300_000 }, (request, response) => {
    handle(request, response).catch((error) => {
      // handle() answers every error itself; this is the guard of the guard.
      logger.error("unhandled request failure", { error });
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  server.on("clientError", (error, socket) => {
    logger.debug("client error", { error });
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });

  return {
    server,
    metrics,
    async listen(port = config.port, host = config.host) {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      const url = `http://${shownHost}:${address.port}`;
      logger.info("collector listening", { url, traces: `${url}/v1/traces` });
      return { port: address.port, host: address.address, url };
    },
    async close() {
      if (!server.listening) return;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
