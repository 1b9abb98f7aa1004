# netswim API and worker image (the same image runs either role; see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NETSWIM_DATA_DIR=/data
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
