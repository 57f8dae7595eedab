# The genledger image: one image, the process is chosen by the command
# (`genledger start | collector | dashboard | migrate`). Used by docker-compose.yml.
# Node runs the TypeScript sources directly (see docs/decisions/000); only the dashboard is built.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-fund --no-audit && npm run build -w @genledger/dashboard && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    GENLEDGER_DATA_DIR=/data
COPY --from=build /app /app
RUN printf '#!/bin/sh\nexec node /app/bin/genledger.ts "$@"\n' > /usr/local/bin/genledger \
 && chmod +x /usr/local/bin/genledger \
 && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4318 3000
ENTRYPOINT ["genledger"]
CMD ["start"]
