// The smime command: picks the command, runs it, and turns every failure into one line on
// stderr and an exit status (0 done, 1 failed, 2 bad command line).
import { isSmimeError } from '../../lib/smime/errors';
import { type CliIo, InputError, processIo } from './cli-io';
import { UsageError } from './command-line';
import { runInspect } from './commands/inspect';
import { runP12 } from './commands/p12';
import { runEncrypt, runSign, runSignEncrypt } from './commands/protect';
import * as library from './library';
import { createNodePkiFetcher } from './node-pki-fetcher';
import type { SmimeLibrary } from './smime-library';
import { USAGE } from './usage';

export const EXIT = { done: 0, failed: 1, usage: 2 } as const;

export interface SmimeContext {
  library: SmimeLibrary;
  io: CliIo;
}

export async function runSmime(args: readonly string[], { library, io }: SmimeContext): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help')) {
    io.out(USAGE);
    return command === undefined ? EXIT.usage : EXIT.done;
  }
  try {
    switch (command) {
      case 'inspect':
        await runInspect(rest, { library, io, makeFetcher: () => createNodePkiFetcher() });
        break;
      case 'sign':
        await runSign(rest, { library, io });
        break;
      case 'encrypt':
        await runEncrypt(rest, { library, io });
        break;
      case 'sign-encrypt':
        await runSignEncrypt(rest, { library, io });
        break;
      case 'p12':
        await runP12(rest, { library, io });
        break;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
    return EXIT.done;
  } catch (error) {
    return reportFailure(io, error);
  }
}

function reportFailure(io: CliIo, error: unknown): number {
  if (error instanceof UsageError) {
    io.err(`smime: ${error.message}\nRun "smime --help" for usage.`);
    return EXIT.usage;
  }
  if (isSmimeError(error)) io.err(`smime: ${error.message} (${error.code})`);
  else if (error instanceof InputError) io.err(`smime: ${error.message}`);
  // A local tool run by its user: an unexpected error's message is more useful than a generic one.
  else io.err(`smime: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT.failed;
}

/** Entry point of bin/smime.mjs. */
export function main(args: readonly string[]): Promise<number> {
  return runSmime(args, { library, io: processIo() });
}
