# The production image: the artifact of deploy/build-artifact.sh on Node 24 LTS (the version in
# .nvmrc, the newest the tests run on), started as the unprivileged `node` user.
#
# No container engine runs on the development and CI machines, so this file is not built there.
# Instead, test/e2e/artifact.test.ts reads it, runs the same script and starts the artifact with
# its ENV and CMD, and test/unit/dockerfile.test.ts checks the rest (base image, user, port).
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
RUN bash deploy/build-artifact.sh /src /app

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only for `node`: the process cannot change its own code.
COPY --from=build /app ./
USER node
EXPOSE 4000
CMD ["node", "dist/main.js"]
