# syntax=docker/dockerfile:1
# The sync agent's image: the one-file bundle (npm run build:agent) on Node's Alpine image, run as uid 65532.
#   docker build -t ghcr.io/edge-ingress/edge-ingress:0.1.0 .
# .github/workflows/release.yml publishes it for linux/amd64 and linux/arm64 on each v* tag.

# The bundle is plain JavaScript, the same for every platform: built once, on the build machine's platform,
# from the locked dependencies.
FROM --platform=$BUILDPLATFORM node:20.20.2-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: esbuild runs from its platform package without them.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY core core
COPY sync-agent sync-agent
COPY scripts scripts
RUN npm run build:agent

FROM node:20.20.2-alpine3.23
# Only the bundle, root's and read-only to the agent. Nothing is written at run time: the Deployment keeps the root
# filesystem read-only and gives /tmp as an emptyDir.
COPY --from=build /src/dist/edge-ingress.mjs /app/edge-ingress.mjs
WORKDIR /app
USER 65532:65532
ENTRYPOINT ["node", "/app/edge-ingress.mjs"]
CMD ["help"]
