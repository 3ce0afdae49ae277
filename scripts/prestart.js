// `npm start` builds first in a clone; in a production tree (`npm ci --omit=dev`, the container
// image) there is no TypeScript to build with, so it only checks that a build is there.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { resolve } = require('node:path');

const root = resolve(__dirname, '..');

function resolves(name) {
  try {
    require.resolve(name, { paths: [root] });
    return true;
  } catch {
    return false;
  }
}

if (resolves('typescript')) {
  // The npm that runs this script (npm_execpath) runs the build script too.
  const npm = process.env.npm_execpath;
  const build = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  process.exit(build.status ?? 1);
}
if (!existsSync(resolve(root, 'dist/main.js'))) {
  console.error(
    'npm start: there is no build (dist/main.js) and no TypeScript to make one: this tree has ' +
      'production dependencies only. Build where the development dependencies are installed ' +
      '(`npm ci && npm run build`), or use the container image (docs/deploy.md).',
  );
  process.exit(1);
}
