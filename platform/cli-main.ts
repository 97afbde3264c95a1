import { pathToFileURL } from 'node:url';
import { isTsunagiError } from '../core/errors.js';

/**
 * Runs `main` when `moduleUrl` is the script node was started with (so the module can also be
 * imported by tests), then exits with its code; an error prints `CODE: message` and exits 1.
 */
export function runIfMain(moduleUrl: string, main: () => Promise<number>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(isTsunagiError(error) ? `${error.code}: ${error.message}` : String(error));
      process.exit(1);
    },
  );
}
