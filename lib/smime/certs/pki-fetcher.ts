// How the engine reaches the network for CRLs, OCSP and AIA caIssuers: through a caller-supplied
// fetcher. In the browser it is the server's relay (untrusted: every answer is signed and checked
// here); in the CLI it is Node's fetch. The engine passes only URLs taken from certificates in a
// chain it is validating, never from message content.

export interface PkiFetchRequest {
  url: string;
  /** OCSP over POST (RFC 6960 appendix A.1); GET for CRLs and certificates. */
  method: 'GET' | 'POST';
  body?: Uint8Array;
  contentType?: string;
  /** The caller's cap; the fetcher must stop reading beyond it. */
  maxBytes: number;
}

export interface PkiFetcher {
  /** The response body; throws SmimeError('fetch-failed') on any failure. */
  fetch(request: PkiFetchRequest): Promise<Uint8Array>;
}
