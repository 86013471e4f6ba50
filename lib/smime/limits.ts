// Caps on work a hostile message or file can cause (issue 7, "Denial of service"). Every cap is
// enforced where the work happens and reported as SmimeError('limit-exceeded').

export const LIMITS = {
  /** Nesting of ASN.1 constructed values; real CMS stays under 20. */
  asn1Depth: 64,
  /** ASN.1 values in one structure: a 25 MB message streamed as BER in 1,000-byte pieces has 25,000. */
  asn1Nodes: 250_000,
  /** Nested S/MIME layers (signed inside encrypted inside signed ...); RFC 8551 section 3.7. */
  smimeNesting: 8,
  /** MIME parts in one message, all levels together. */
  mimeParts: 1000,
  /** MIME multipart nesting. */
  mimeDepth: 32,
  /** Bytes a CompressedData may inflate to. */
  decompressedBytes: 64 * 1024 * 1024,
  /** PBKDF2 / PKCS#12 KDF iterations; exports use 2,000 to 600,000. */
  keyDerivationIterations: 1_000_000,
  /** RSA modulus bits accepted for any operation (RFC 8551 section 6). */
  rsaModulusBits: 8192,
  /** Certificates considered while building one chain. */
  chainCandidates: 64,
  /** Length of a chain, anchor included. */
  chainLength: 10,
  /** Bytes of one CRL, OCSP response or AIA certificate fetched. */
  fetchedBytes: 10 * 1024 * 1024,
  /** RecipientInfos in one EnvelopedData or AuthEnvelopedData; mailing lists stay far below. */
  recipientInfos: 1000,
  /** Private-key operations spent opening one envelope (recipients matching the user's identities). */
  decryptionAttempts: 16,
  /** Bytes of one MIME entity's header block; real mail stays far below. */
  mimeHeaderBytes: 256 * 1024,
  /** Nodes of one chain's RFC 5280 valid_policy_tree; policy mappings can grow it exponentially (CVE-2023-0464). */
  policyTreeNodes: 1000,
} as const;
