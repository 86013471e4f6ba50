import { describe, expect, it } from 'vitest';

import { opensslCommands } from './openssl-reference.mjs';

const files = { signerCert: 'alice.pem', signerKey: 'alice.key', recipientCert: 'bob.pem', recipientKey: 'bob.key', root: 'root.pem' };
const inputs = { message: 'm.txt', signedDetached: 's.der', enveloped: 'e.der', signedEnveloped: 'se.der' };
const c = opensslCommands(files, inputs, 'scratch.der');
const text = (commands) => commands.map((a) => a.join(' '));

describe('opensslCommands', () => {
  it('does what the Operations contract says, with the same keys', () => {
    expect(text(c.sign)).toEqual(['cms -sign -binary -md sha256 -in m.txt -signer alice.pem -inkey alice.key -outform DER -out /dev/null']);
    expect(text(c.verify)).toEqual(['cms -verify -binary -noverify -inform DER -in s.der -content m.txt -out /dev/null']);
    expect(text(c.encrypt)).toEqual(['cms -encrypt -binary -aes-256-cbc -in m.txt -recip bob.pem -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256 -outform DER -out /dev/null']);
    expect(text(c.decrypt)).toEqual(['cms -decrypt -binary -inform DER -in e.der -recip bob.pem -inkey bob.key -out /dev/null']);
  });
  it('runs the two-step operations as two processes through the scratch file', () => {
    expect(text(c.signEncrypt)).toEqual([
      'cms -sign -binary -md sha256 -nodetach -in m.txt -signer alice.pem -inkey alice.key -outform DER -out scratch.der',
      'cms -encrypt -binary -aes-256-cbc -in scratch.der -recip bob.pem -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256 -outform DER -out /dev/null',
    ]);
    expect(text(c.decryptVerify)).toEqual([
      'cms -decrypt -binary -inform DER -in se.der -recip bob.pem -inkey bob.key -out scratch.der',
      'cms -verify -binary -noverify -inform DER -in scratch.der -out /dev/null',
    ]);
  });
});
