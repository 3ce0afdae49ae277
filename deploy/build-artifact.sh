#!/usr/bin/env bash
# Usage: deploy/build-artifact.sh <built checkout> <empty directory>
# The production artifact: from a checkout where `npm ci && npm run build` ran, copies what the
# process reads at run time into the directory and installs the production dependencies there,
# no development dependency. The container image runs this script (Dockerfile), and so does
# the test that starts the artifact (test/e2e/artifact.test.ts): one list of steps for both.
set -euo pipefail
from=$(cd "$1" && pwd)
to=$2

if [[ ! -f $from/dist/main.js ]]; then
  echo "build-artifact: $from/dist/main.js is missing: run \`npm run build\` there first." >&2
  exit 1
fi
mkdir -p "$to/schema" "$to/scripts"
# package-lock.json pins the production tree; scripts/prestart.js lets `npm start` work there;
# schema/operations holds the example Apollo Sandbox opens with outside production.
cp "$from/package.json" "$from/package-lock.json" "$to/"
cp -R "$from/dist" "$to/dist"
cp -R "$from/schema/operations" "$to/schema/operations"
cp "$from/scripts/prestart.js" "$to/scripts/prestart.js"

cd "$to"
# No install scripts: no production dependency needs one to run (none has a native addon).
npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund
