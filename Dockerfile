# The Lag Zero app image for docker-compose.yml: one Node process serving the built site and /api.
# Kafka runs in its own container (apache/kafka, see docker-compose.yml) and is reached through
# KAFKA_BROKERS, so this image needs no JDK and the npm postinstall skips the Kafka jars.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Toolchain only for native modules that have no prebuilt binary for this platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV KAFKA_BROKERS=kafka:19092 ASTRO_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY scripts/provision-kafka.mjs scripts/provision-toolchains.mjs scripts/
COPY server/kafka/provision.mjs server/kafka/pom.xml server/kafka/
# Java and Python labs need a JDK and python3-venv, which this image leaves out: the postinstall
# skips them, and /api/health and the lab pages say how to get them.
COPY server/toolchains/provision.mjs server/toolchains/pom.xml server/toolchains/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx astro build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# The lab sandbox confines learner programs with bubblewrap, prlimit and setpriv.
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap util-linux \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4321 DATA_DIR=/data KAFKA_BROKERS=kafka:19092
VOLUME ["/data"]
EXPOSE 4321
CMD ["node", "--import", "tsx", "server/main.ts"]
