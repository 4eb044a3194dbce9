# syntax=docker/dockerfile:1
#
# One image for every marketplace process; the command picks which one runs:
#   node dist/api/main.js              HTTP API (default, port 3000)
#   node dist/workers/main.js          Temporal worker
#   node dist/search-indexer/main.js   MongoDB -> OpenSearch indexer
#   node dist/scripts/seed-demo.js     one-shot demo data
#
# Debian (glibc) rather than Alpine: the Temporal worker's native core bridge ships glibc builds only.
ARG NODE_IMAGE=node:20.19.5-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first, so source edits reuse the cached install layer. `npm install` with the committed lock
# installs the pinned versions; `npm ci` would refuse the lock, which lists only the platform packages of
# native modules (swc) that the registry mirror we build on serves.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm install --no-audit --no-fund --no-save
COPY . .
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the app user: the processes never write to their own code.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The official Node images ship an unprivileged "node" user (uid 1000).
USER node
EXPOSE 3000
CMD ["node", "dist/api/main.js"]
