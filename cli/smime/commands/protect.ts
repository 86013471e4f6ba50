// smime sign | encrypt | sign-encrypt [message]: reads a plain RFC 5322 message (file or stdin)
// and writes the protected message to stdout.
import { type CliIo, readMessageInput } from '../cli-io';
import { oneOf, parseCommandLine, required } from '../command-line';
import { SEND_CIPHERS } from '../library';
import { loadCertificates, loadSigner } from '../load-inputs';
import type { SmimeLibrary } from '../smime-library';

const MESSAGE_ARGUMENT = { min: 0, max: 1, names: '[message.eml]' };
const SIGN_OPTIONS = { p12: 'string', password: 'string', opaque: 'flag' } as const;
const ENCRYPT_OPTIONS = { to: 'list', cipher: 'string', oaep: 'flag' } as const;

export interface ProtectContext {
  library: SmimeLibrary;
  io: CliIo;
}

export async function runSign(args: readonly string[], { library, io }: ProtectContext): Promise<void> {
  const { options, positionals } = parseCommandLine('sign', args, SIGN_OPTIONS, MESSAGE_ARGUMENT);
  const p12 = required('sign', 'p12', options.p12);
  const password = required('sign', 'password', options.password);
  const signer = await loadSigner(library, 'sign', p12, password);
  const raw = await readMessageInput(io, 'sign', positionals[0]);
  io.out(await library.signMessage(raw, signer, { opaque: options.opaque }));
}

export async function runEncrypt(args: readonly string[], { library, io }: ProtectContext): Promise<void> {
  const { options, positionals } = parseCommandLine('encrypt', args, ENCRYPT_OPTIONS, MESSAGE_ARGUMENT);
  const cipher = oneOf('encrypt', 'cipher', options.cipher, SEND_CIPHERS);
  const recipients = await loadCertificates(library, required('encrypt', 'to', nonEmpty(options.to)));
  const raw = await readMessageInput(io, 'encrypt', positionals[0]);
  io.out(await library.encryptMessage(raw, recipients, { ...(cipher ? { cipher } : {}), oaep: options.oaep }));
}

export async function runSignEncrypt(args: readonly string[], { library, io }: ProtectContext): Promise<void> {
  const { options, positionals } = parseCommandLine('sign-encrypt', args, { ...SIGN_OPTIONS, ...ENCRYPT_OPTIONS }, MESSAGE_ARGUMENT);
  const cipher = oneOf('sign-encrypt', 'cipher', options.cipher, SEND_CIPHERS);
  const p12 = required('sign-encrypt', 'p12', options.p12);
  const password = required('sign-encrypt', 'password', options.password);
  const recipientFiles = required('sign-encrypt', 'to', nonEmpty(options.to));
  const signer = await loadSigner(library, 'sign-encrypt', p12, password);
  const recipients = await loadCertificates(library, recipientFiles);
  const raw = await readMessageInput(io, 'sign-encrypt', positionals[0]);
  io.out(await library.signAndEncryptMessage(raw, signer, recipients, { ...(cipher ? { cipher } : {}), oaep: options.oaep, opaque: options.opaque }));
}

const nonEmpty = (list: string[]): string[] | undefined => (list.length > 0 ? list : undefined);
