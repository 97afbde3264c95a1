import { z } from 'zod';
import { TsunagiError } from '../core/errors.js';

/**
 * Reads a module's settings from environment variables, validated by a zod object
 * schema whose keys are the variable names. Each module declares its own schema
 * (with documented defaults) next to the code that uses it; see docs/configuration.md.
 */
export function readEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const picked: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    picked[key] = value === '' ? undefined : value;
  }
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? '?');
    throw new TsunagiError('CONFIG_INVALID', `environment variable ${variable}: ${issue?.message}`, {
      path: variable,
    });
  }
  return parsed.data;
}

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
