// smime p12 <file> --password PW: prints what a PKCS#12 holds (certificates, key types,
// algorithms) as JSON, as the library describes it.
import { type CliIo, readInputFile } from '../cli-io';
import { parseCommandLine, required } from '../command-line';
import type { SmimeLibrary } from '../smime-library';

export async function runP12(args: readonly string[], { library, io }: { library: SmimeLibrary; io: CliIo }): Promise<void> {
  const { options, positionals } = parseCommandLine('p12', args, { password: 'string' } as const, { min: 1, max: 1, names: '<file.p12>' });
  const password = required('p12', 'password', options.password);
  const { summary } = await library.loadPkcs12(await readInputFile(positionals[0]!), password);
  io.out(`${JSON.stringify(summary, null, 2)}\n`);
}
