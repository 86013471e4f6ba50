// smime inspect <message.eml>: reads a message (decrypts, verifies, checks chains) and prints the
// MessageReport as JSON. It exits 0 whatever the verdict: the verdict is in the JSON.
import type { PkiFetcher } from '../../../lib/smime/certs/pki-fetcher';
import { type CliIo, readInputFile } from '../cli-io';
import { isoTime, parseCommandLine } from '../command-line';
import { loadCertificates, loadIdentities } from '../load-inputs';
import type { SmimeLibrary } from '../smime-library';

const OPTIONS = { p12: 'list', password: 'list', trust: 'list', at: 'string', 'no-network': 'flag' } as const;

export interface InspectContext {
  library: SmimeLibrary;
  io: CliIo;
  /** Made only when the network is allowed. */
  makeFetcher: () => PkiFetcher;
}

export async function runInspect(args: readonly string[], { library, io, makeFetcher }: InspectContext): Promise<void> {
  const { options, positionals } = parseCommandLine('inspect', args, OPTIONS, { min: 1, max: 1, names: '<message.eml>' });
  const at = isoTime('inspect', 'at', options.at);
  const identities = await loadIdentities(library, 'inspect', options.p12, options.password);
  const anchors = await loadCertificates(library, options.trust);
  const raw = await readInputFile(positionals[0]!);
  const report = await library.inspectMessage(raw, {
    identities,
    anchors,
    ...(at ? { at } : {}),
    fetcher: options['no-network'] ? null : makeFetcher(),
  });
  io.out(`${JSON.stringify(report, null, 2)}\n`);
}
