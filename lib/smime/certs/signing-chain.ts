// The intermediates to send with a signature when the key's holder has only its own certificate
// (a smart card holds the leaf, not its issuers): the path to a trust anchor built from the local
// certificates and the AIA caIssuers links, as the recipient's client would have to build it.
// Sending it spares the recipient that search; a recipient without network would otherwise see
// "no trusted root". The anchor itself is left out (the recipient must trust it already).
import type * as pkijs from 'pkijs';

import { buildPath } from './build-path';
import type { TrustSettings } from './validate-certificate';

export async function signingChain(certificate: pkijs.Certificate, trust: Pick<TrustSettings, 'anchors' | 'knownCertificates' | 'fetcher' | 'now'>): Promise<pkijs.Certificate[]> {
  const built = await buildPath(certificate, {
    anchors: trust.anchors,
    intermediates: trust.knownCertificates ?? [],
    fetcher: trust.fetcher ?? null,
    now: trust.now ?? new Date(),
  });
  const above = built.path.slice(1);
  return built.anchored ? above.slice(0, -1) : above;
}
