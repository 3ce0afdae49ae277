/**
 * Builds the web example into `examples/web/dist/` (git-ignored): one esbuild bundle of React,
 * Apollo Client and the page, beside its HTML and CSS. Nothing here is in the subgraph's
 * production artifact. `npm run web:build` runs it; `npm run supergraph` and the browser tests
 * call {@link buildWebPage} themselves.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';

/** The example's folder: this file's, also when it runs as its compiled copy in `.tools/`. */
export const WEB_DIR =
  basename(resolve(__dirname, '../..')) === '.tools'
    ? resolve(__dirname, '../../../examples/web')
    : __dirname;
/** Where the built page goes. */
export const WEB_DIST_DIR = join(WEB_DIR, 'dist');

/** Bundles the page into `outdir` (default {@link WEB_DIST_DIR}); resolves with `outdir`. */
export async function buildWebPage(outdir: string = WEB_DIST_DIR): Promise<string> {
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: [join(WEB_DIR, 'src/main.tsx')],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    minify: true,
    sourcemap: true,
    // React's and Apollo Client's production builds: no development warnings in the console.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  await Promise.all(
    ['index.html', 'styles.css'].map((file) => copyFile(join(WEB_DIR, file), join(outdir, file))),
  );
  return outdir;
}

if (require.main === module) {
  buildWebPage().catch((error: unknown) => {
    process.stderr.write(`Web page build failed: ${String(error)}\n`);
    process.exit(1);
  });
}
