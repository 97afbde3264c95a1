import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The resident page loads these modules in the browser as they are: no Node built-ins, no Node
// globals, and imports only of each other (and zod, which runs in browsers).
const dir = import.meta.dirname;
const sources = readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));

describe('the verifier modules', () => {
  it.each(sources)('%s uses only Web APIs', (name) => {
    const code = readFileSync(join(dir, name), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(code).not.toMatch(/\bBuffer\b|\bprocess\.|\brequire\(|from 'node:|import\('node:/);
    const imports = [...code.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    for (const target of imports)
      expect(target === 'zod' || /^\.\/[a-z-]+\.js$/.test(target ?? '')).toBe(true);
  });
});
