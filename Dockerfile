# netswim API and worker image (the same image runs either role; see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NETSWIM_DATA_DIR=/data
# Two malloc arenas instead of glibc's 8 per core: the worker's many threads (Temporal's Rust
# core, Node's) otherwise keep about 100 MiB more resident (docs/bench-results.md).
ENV MALLOC_ARENA_MAX=2
COPY package.json package-lock.json ./
# No dependency needs an install script (see README, "Dependencies").
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY domain ./domain
COPY images ./images
COPY store ./store
COPY distribution ./distribution
COPY activities ./activities
COPY workflows ./workflows
COPY workers ./workers
COPY api ./api
COPY runtime ./runtime
COPY tsconfig.json ./
USER node
CMD ["node", "--import", "tsx", "runtime/main.ts"]
