import type * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readCertificates } from '@/lib/smime/certs/read-certificates';
import { signingChain } from '@/lib/smime/certs/signing-chain';
import { createNodePkiFetcher } from '../../cli/smime/node-pki-fetcher';
import { createTestPki, startPkiHttpServer, type IssuedCert, type PkiHttpServer, type TestPki } from '../support/test-pki';

// The chain a card-held certificate is sent with: OpenSSL-made root -> intermediate -> leaf, the
// intermediate found locally or by AIA caIssuers, never the root, nothing invented when no path
// exists.
let pki: TestPki;
let server: PkiHttpServer;
let root: pkijs.Certificate;
let int: IssuedCert;
const cert = (issued: { certDer: Uint8Array }) => readCertificates(issued.certDer)[0]!;
const cn = (c: pkijs.Certificate) => String(c.subject.typesAndValues[0]!.value.valueBlock.value);

beforeAll(async () => {
  pki = createTestPki('sealpost-signing-chain-');
  server = await startPkiHttpServer();
  root = cert(pki.root);
  int = pki.issue({ name: 'int', ca: true, key: 'p256' });
});
afterAll(async () => {
  await server?.close();
  pki?.cleanup();
});

describe('signingChain', () => {
  it('takes the intermediate from the local certificates and leaves out the root', async () => {
    const leaf = pki.issue({ name: 'card-holder', issuer: int, key: 'p256', email: 'holder@example.test' });
    const chain = await signingChain(cert(leaf), { anchors: [root], knownCertificates: [cert(int)] });
    expect(chain.map(cn)).toEqual(['int']);
  });

  it('fetches the intermediate from AIA caIssuers when nothing local has it', async () => {
    server.serve('/int.cer', int.certDer);
    const leaf = pki.issue({ name: 'card-aia', issuer: int, key: 'p256', extraExtensions: [`authorityInfoAccess = caIssuers;URI:${server.url}/int.cer`] });
    expect(await signingChain(cert(leaf), { anchors: [root] })).toEqual([]);
    const chain = await signingChain(cert(leaf), { anchors: [root], fetcher: createNodePkiFetcher() });
    expect(chain.map(cn)).toEqual(['int']);
    expect(server.requests).toContain('/int.cer');
  });

  it('sends nothing for a certificate the anchors issued directly, and only what it found when no anchor is reached', async () => {
    const direct = pki.issue({ name: 'direct', key: 'p256' });
    expect(await signingChain(cert(direct), { anchors: [root] })).toEqual([]);
    const leaf = pki.issue({ name: 'orphan', issuer: int, key: 'p256' });
    const other = createTestPki('sealpost-signing-chain-other-');
    try {
      expect((await signingChain(cert(leaf), { anchors: [cert(other.root)], knownCertificates: [cert(int)] })).map(cn)).toEqual(['int']);
    } finally {
      other.cleanup();
    }
  });
});
