// The CLI's contact with the terminal and the file system, behind a small interface so the
// commands can be run in tests with captured output.
import fs from 'node:fs/promises';

export interface CliIo {
  /** Standard output: JSON text or a protected message's bytes. */
  out(data: Uint8Array | string): void;
  /** Standard error: one line per problem. */
  err(text: string): void;
  readStdin(): Promise<Uint8Array>;
  /** True when stdin is a terminal, where waiting for input would look like a hang. */
  stdinIsTerminal: boolean;
}

/** The input could not be had (missing file, unreadable stdin): main reports it and exits 1. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export function processIo(): CliIo {
  return {
    out: (data) => void process.stdout.write(data),
    err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return new Uint8Array(Buffer.concat(chunks));
    },
    stdinIsTerminal: process.stdin.isTTY === true,
  };
}

export async function readInputFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fs.readFile(path));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new InputError(`cannot read ${path}: ${reason}`, { cause: error });
  }
}

/** The message to protect: a file, or stdin when the argument is absent or "-". */
export async function readMessageInput(io: CliIo, command: string, path: string | undefined): Promise<Uint8Array> {
  if (path !== undefined && path !== '-') return readInputFile(path);
  if (io.stdinIsTerminal) throw new InputError(`${command}: give a message file or pipe the message to stdin`);
  return io.readStdin();
}
