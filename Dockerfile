# cdrql's image: the Prisma client is generated in a build stage that has the dev tools (the
# prisma CLI); the image itself holds the production dependencies only and runs as `node`.
# CI builds no image (none can be built on its machine); test/deploy.test.ts runs this file's
# CMD with its ENV outside a container, and its HEALTHCHECK command against that process.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=4000 PGLITE_DIR=/data/pglite SEED_ON_START=false
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json schema.graphql ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY src ./src
COPY --from=build /app/src/db/generated ./src/db/generated
# npm start bundles the server into .build/ at its first start; /data holds the embedded database
# when DATABASE_URL is not set.
RUN mkdir -p /data .build && chown node:node /data .build
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "scripts/start.mjs"]
