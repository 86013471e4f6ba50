// The text `smime --help` prints; docs/cli.md says the same at more length.
export const USAGE = `Usage: smime <command> [options]

Commands:
  inspect <message.eml> [--p12 FILE --password PW]... [--trust ROOT.pem]... [--at ISO-TIME] [--no-network]
      Decrypt and verify a message; print a JSON report. Exit 0 whatever the verdict.
  sign [message.eml] --p12 FILE --password PW [--opaque]
  encrypt [message.eml] --to CERT... [--cipher C] [--oaep]
  sign-encrypt [message.eml] --p12 FILE --password PW --to CERT... [--cipher C] [--oaep] [--opaque]
      Read a plain RFC 5322 message (file, or stdin when absent or "-") and write the
      protected message to stdout.
  p12 <file.p12> --password PW
      Print what a PKCS#12 file holds, as JSON.

Options:
  --p12 FILE, --password PW   a PKCS#12 and its password (the n-th --password opens the n-th --p12)
  --trust FILE                trust anchor certificates (PEM, DER or .p7b), repeatable
  --to FILE                   recipient certificates (PEM, DER or .p7b), repeatable
  --at ISO-TIME               validate chains at this time instead of now
  --no-network                no CRL, OCSP or AIA fetches
  --opaque                    application/pkcs7-mime signed data instead of multipart/signed
  --cipher C                  aes-256-gcm, aes-256-cbc or aes-128-cbc
  --oaep                      RSAES-OAEP key transport for RSA recipients

Exit status: 0 done, 1 failed (unreadable input, wrong password, library error), 2 bad command line.
`;
