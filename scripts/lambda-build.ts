/**
 * One Lambda bundle, built as `serverless package` builds it: serverless-esbuild's options from serverless.yml
 * (custom.esbuild) and the same esbuild plugins (custom.esbuild.plugins, resources/esbuild-plugins.cjs). The
 * bench measures these bundles and the tests check them, so both see what is deployed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { parse } from 'yaml';
import { ROOT } from './functions.js';

interface EsbuildSettings {
  exclude: string[];
  target: string;
  format: 'esm' | 'cjs';
  mainFields: string[];
  banner: { js: string };
  minify: boolean;
  platform: 'node';
  plugins?: string;
}

/** serverless-esbuild's options as esbuild's: its own keys (exclude, packager, outputFileExtension) mapped or left out. */
export function lambdaBuildOptions(): BuildOptions {
  const sls = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'silent' }) as { custom: { esbuild: EsbuildSettings } };
  const { exclude, target, format, mainFields, banner, minify, platform, plugins } = sls.custom.esbuild;
  // serverless-esbuild require()s the file; a function is called with the serverless instance (none here).
  const loaded = plugins ? (createRequire(import.meta.url)(join(ROOT, plugins)) as Plugin[] | (() => Plugin[])) : [];
  return { bundle: true, minify, platform, target, format, external: exclude, mainFields, banner, plugins: typeof loaded === 'function' ? loaded() : [...loaded], logLevel: 'error' };
}

/** Builds the bundle of a function's handler file (`functions/<domain>/<name>.ts`) to `outfile`. */
export async function buildLambda(entry: string, outfile: string, options: BuildOptions = lambdaBuildOptions()): Promise<{ bytes: number; metafile: Metafile }> {
  const result = await build({ ...options, entryPoints: [entry], outfile, metafile: true });
  return { bytes: readFileSync(outfile).length, metafile: result.metafile };
}
