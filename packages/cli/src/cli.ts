#!/usr/bin/env node
/**
 * The `tsgi` command: `tsgi serve <module>[:export] --port 8000 --workers 4`.
 * In the primary it gathers the settings (flags over `TSGI_*` over the config
 * file) and runs the arbiter; in a worker (the primary forks this file again, with
 * the plan in TSGI_WORKER_SETTINGS) it serves. A usage error is one line on stderr
 * and exit code 2, never a stack.
 * TypeScript apps: install tsx beside the app, then `tsgi serve app.ts` (load-app.ts
 * registers it).
 *
 * @example
 * // $ tsgi serve ./app.js:app --host 0.0.0.0 --port 8000 --workers 4 --max-requests 10000
 *
 * @module
 */
import { describeError } from '@tsgi/core';
import { parseCli } from './cli-args.js';
import { helpText } from './cli-help.js';
import { parseTarget, resolveAppModule } from './cli-target.js';
import { runPrimary, SETTINGS_ENV } from './cluster.js';
import { runWorker, type WorkerPlan } from './cluster-worker.js';
import {
  COMMAND_LINE,
  ConfigError,
  defaultNodeEnv,
  ENVIRONMENT,
  fromEnv,
  loadConfigFile,
  resolveSettings,
  type Settings,
  type SettingsInput,
} from './config.js';

/** Set by the `tsgi` bin from its package.json (the built CLI has no path to it in both module formats). */
const VERSION = (globalThis as { [key: symbol]: unknown })[Symbol.for('tsgi.version')] ?? 'unknown (run through the tsgi bin)';

/** Runs the CLI; resolves to an exit code for help/version/errors (serving never resolves). */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const plan = env[SETTINGS_ENV];
  if (plan !== undefined && process.send !== undefined) {
    // Not passed on to processes the app may start.
    delete env[SETTINGS_ENV];
    await runWorker(JSON.parse(plan) as WorkerPlan);
    return -1; // keep running
  }
  let settings: Settings;
  try {
    const command = parseCli(argv);
    if (command.kind === 'help') {
      process.stdout.write(helpText());
      return 0;
    }
    if (command.kind === 'version') {
      process.stdout.write(`tsgi ${VERSION}\n`);
      return 0;
    }
    const fromVariables = fromEnv(env);
    const configFile = command.config ?? (fromVariables as { config?: string }).config ?? env.TSGI_CONFIG;
    const sources: Array<[string, SettingsInput]> = [
      [COMMAND_LINE, command.flags],
      [ENVIRONMENT, fromVariables],
    ];
    if (configFile !== undefined) sources.push([configFile, await loadConfigFile(configFile)]);
    settings = resolveSettings(sources);
    // Before anything is bound: a missing module is the error to show, not a busy port.
    resolveAppModule(parseTarget(settings.app).module);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`tsgi: error: ${error.message}\n`);
    return 2;
  }
  defaultNodeEnv(settings, env);
  return runPrimary(settings);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tsgi: error: ${describeError(error)}\n`);
    process.exit(1);
  },
);
