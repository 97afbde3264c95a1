import { join } from 'node:path';

/** Layout of TSUNAGI_HOME (git-ignored): downloads are cached, data and logs are per instance. */
export interface InfraPaths {
  home: string;
  cache: string;
  data: (service: string) => string;
  log: (service: string) => string;
  pidFile: (service: string) => string;
  run: string;
}

export function infraPaths(home: string): InfraPaths {
  return {
    home,
    cache: join(home, 'cache'),
    data: (service) => join(home, 'data', service),
    log: (service) => join(home, 'logs', `${service}.log`),
    pidFile: (service) => join(home, 'run', `${service}.pid`),
    run: join(home, 'run'),
  };
}
