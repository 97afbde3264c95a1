import { mkdirSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { Plugin } from 'esbuild';
import type { FastifyPluginAsync } from 'fastify';
import { TsunagiError } from '../../core/errors.js';

/** The page's sources (HTML, CSS, TypeScript); app.ts is bundled with the verifier into `assetsDir`. */
export const PAGE_SOURCES = resolve(import.meta.dirname, 'page');

export interface ResidentPageOptions {
  /** Where `buildResidentPage` wrote app.js (a git-ignored folder, e.g. TSUNAGI_HOME/cache). */
  assetsDir: string;
}

/**
 * Only what the page needs: its own scripts and styles, requests to its own origin, no inline script
 * or style, no eval (zod runs jitless), never framed, no forms posted elsewhere.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * zod re-exports every locale (`z.locales`, ~260 kB); the page uses none but English, which zod
 * imports on its own, so the index of locales is replaced by an empty module.
 */
const zodWithoutLocales: Plugin = {
  name: 'zod-without-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${sep}zod${sep}`) ? { path: 'zod-locales', namespace: 'empty' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/**
 * Bundles the page's app.ts with the browser-safe verifier (trail/log/verifier/) and zod into
 * `<outDir>/app.js` with esbuild (installed as a development dependency; run at gateway start).
 */
export async function buildResidentPage(outDir: string): Promise<ResidentPageOptions> {
  mkdirSync(outDir, { recursive: true });
  try {
    const { build } = await import('esbuild');
    await build({
      entryPoints: [join(PAGE_SOURCES, 'app.ts')],
      outfile: join(outDir, 'app.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
      plugins: [zodWithoutLocales],
    });
  } catch (cause) {
    throw new TsunagiError(
      'CONFIG_INVALID',
      'the resident page could not be bundled (is esbuild installed?)',
      {
        cause,
        path: 'gateway/resident/page/app.ts',
      },
    );
  }
  return { assetsDir: outDir };
}

/**
 * The resident's web page at `/resident/`: index.html and style.css from the sources, app.js from the
 * bundle. Its Content-Security-Policy replaces the API's `default-src 'none'` for these answers only.
 */
export const residentPage: FastifyPluginAsync<ResidentPageOptions> = async (app, options) => {
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('content-security-policy', PAGE_CSP);
    return payload;
  });
  app.get('/resident', async (_request, reply) => reply.redirect('/resident/', 301));
  await app.register(fastifyStatic, {
    root: [options.assetsDir, PAGE_SOURCES],
    prefix: '/resident/',
    index: ['index.html'],
    allowedPath: (path) => /^\/(index\.html|style\.css|app\.js)?$/.test(path),
    cacheControl: false,
    etag: true,
    lastModified: false,
  });
};
