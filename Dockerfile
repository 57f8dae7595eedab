# The genledger image: one image, the process is chosen by the command
# (`genledger start | collector | dashboard | migrate`). Used by docker-compose.yml.
# Node runs the TypeScript sources directly (see docs/decisions/000); only the dashboard is built.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-fund --no-audit && npm run build -w @genledger/dashboard && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
# glibc malloc: at most 2 arenas, and buffers over 128 KiB always mmap'd (returned to the system when
# freed; glibc's adaptive threshold otherwise keeps them in a fragmenting heap). V8: an 8 MB
# semi-space instead of 16 MB, so the young generation does not reserve memory for throughput the
# collector does not need. Measured on the collector alone at 1,000 generations/s over 5 minutes:
# RSS 380 MB and rising without either, 271 MB (max 293) with both (BENCHMARKS.md, Collector ingest).
ENV NODE_ENV=production \
    GENLEDGER_DATA_DIR=/data \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    NODE_OPTIONS=--max-semi-space-size=8
COPY --from=build /app /app
RUN printf '#!/bin/sh\nexec node /app/bin/genledger.ts "$@"\n' > /usr/local/bin/genledger \
 && chmod +x /usr/local/bin/genledger \
 && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4318 3000
ENTRYPOINT ["genledger"]
CMD ["start"]
