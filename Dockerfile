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
# freed; glibc's adaptive threshold otherwise keeps them in a fragmenting heap). Measured on the
# collector alone at 1,000 generations/s: ~120 MB less resident memory (BENCHMARKS.md, Collector ingest).
ENV NODE_ENV=production \
    GENLEDGER_DATA_DIR=/data \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072
COPY --from=build /app /app
RUN printf '#!/bin/sh\nexec node /app/bin/genledger.ts "$@"\n' > /usr/local/bin/genledger \
 && chmod +x /usr/local/bin/genledger \
 && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4318 3000
ENTRYPOINT ["genledger"]
CMD ["start"]
