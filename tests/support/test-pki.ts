// Certificates and keys for tests, made at test time by the machine's OpenSSL (an independent
// implementation, so our reader is not checking its own writer). Each CA keeps an `openssl ca`
// database, so tests can revoke, publish CRLs and answer OCSP with `openssl ocsp -index`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type TestKeyType = 'rsa-1024' | 'rsa-2048' | 'rsa-3072' | 'rsa-4096' | 'p256' | 'p384' | 'p521' | 'ed25519' | 'x25519';

export interface CertSpec {
  /** File-name-safe name, unique within the PKI. */
  name: string;
  key?: TestKeyType;
  /** rfc822Name in subjectAltName (and emailAddress in the subject unless emailInSubjectOnly). */
  email?: string;
  emailInSubjectOnly?: boolean;
  /** Issuing CA; the PKI's root when absent. */
  issuer?: IssuedCert;
  ca?: boolean;
  /** openssl keyUsage value; the default fits the key type (signing + encryption for RSA). */
  keyUsage?: string | null;
  /** openssl extendedKeyUsage value; default emailProtection; null for none. */
  extendedKeyUsage?: string | null;
  /** openssl ca -startdate/-enddate (YYYYMMDDHHMMSSZ); default: from yesterday for `days` days. */
  startDate?: string;
  endDate?: string;
  days?: number;
  /** Extra openssl extension lines (e.g. "authorityInfoAccess = caIssuers;URI:http://...") */
  extraExtensions?: string[];
}

export interface IssuedCert {
  name: string;
  email?: string;
  /** PEM certificate path and DER bytes. */
  certPath: string;
  certDer: Uint8Array;
  /** PEM private key path (PKCS#8) and PKCS#8 DER bytes. */
  keyPath: string;
  keyPkcs8: Uint8Array;
  keyType: TestKeyType;
  /** For CAs: the openssl ca config file. */
  caConfig?: string;
  issuer?: IssuedCert;
}

export interface TestPki {
  dir: string;
  root: IssuedCert;
  issue(spec: CertSpec): IssuedCert;
  /** Revokes with `openssl ca -revoke` in the issuer's database. */
  revoke(cert: IssuedCert): void;
  /** A fresh CRL (DER) from the CA's database. */
  crl(ca: IssuedCert): Uint8Array;
  /** Writes a PKCS#12 of cert + key (+ chain) and returns its path. `legacy` uses RC2-40/3DES. */
  pkcs12(cert: IssuedCert, password: string, options?: { legacy?: boolean; chain?: IssuedCert[]; friendlyName?: string }): string;
  file(name: string): string;
  cleanup(): void;
}

export function openssl(args: string[], input?: Uint8Array | string): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 512 * 1024 * 1024 });
}

function genKey(type: TestKeyType, out: string): void {
  const rsa = /^rsa-(\d+)$/.exec(type);
  if (rsa) openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${rsa[1]}`, '-out', out]);
  else if (type === 'ed25519' || type === 'x25519') openssl(['genpkey', '-algorithm', type.toUpperCase(), '-out', out]);
  else openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${{ p256: 'P-256', p384: 'P-384', p521: 'P-521' }[type as 'p256' | 'p384' | 'p521']}`, '-out', out]);
}

function defaultKeyUsage(type: TestKeyType, ca: boolean): string {
  if (ca) return 'critical, keyCertSign, cRLSign, digitalSignature';
  if (type.startsWith('rsa')) return 'critical, digitalSignature, nonRepudiation, keyEncipherment';
  if (type === 'ed25519') return 'critical, digitalSignature, nonRepudiation';
  if (type === 'x25519') return 'critical, keyAgreement';
  return 'critical, digitalSignature, nonRepudiation, keyAgreement';
}

/** A new PKI in a temporary folder with a self-signed RSA root ("Test Root CA"). */
export function createTestPki(prefix = 'sealpost-pki-'): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = (name: string) => path.join(dir, name);
  const names = new Set<string>();

  const caDatabase = (name: string) => {
    const db = file(`${name}-db`);
    fs.mkdirSync(db);
    fs.writeFileSync(path.join(db, 'index.txt'), '');
    fs.writeFileSync(path.join(db, 'index.txt.attr'), 'unique_subject = no\n');
    fs.writeFileSync(path.join(db, 'serial'), `${(0x1000 + names.size * 0x100).toString(16)}\n`);
    fs.writeFileSync(path.join(db, 'crlnumber'), '01\n');
    const config = file(`${name}-ca.cnf`);
    fs.writeFileSync(
      config,
      [
        '[ca]',
        'default_ca = this_ca',
        '[this_ca]',
        `database = ${path.join(db, 'index.txt')}`,
        `serial = ${path.join(db, 'serial')}`,
        `crlnumber = ${path.join(db, 'crlnumber')}`,
        `new_certs_dir = ${db}`,
        `certificate = ${file(`${name}.pem`)}`,
        `private_key = ${file(`${name}.key`)}`,
        'default_md = sha256',
        'default_crl_days = 30',
        'policy = anything',
        'copy_extensions = none',
        'email_in_dn = yes',
        '[anything]',
        'commonName = supplied',
        'emailAddress = optional',
        'organizationName = optional',
        '',
      ].join('\n'),
    );
    return config;
  };

  const read = (spec: CertSpec, keyType: TestKeyType, issuer?: IssuedCert): IssuedCert => ({
    name: spec.name,
    email: spec.email,
    certPath: file(`${spec.name}.pem`),
    certDer: new Uint8Array(openssl(['x509', '-in', file(`${spec.name}.pem`), '-outform', 'DER'])),
    keyPath: file(`${spec.name}.key`),
    keyPkcs8: new Uint8Array(openssl(['pkcs8', '-topk8', '-nocrypt', '-in', file(`${spec.name}.key`), '-outform', 'DER'])),
    keyType,
    issuer,
  });

  const extensions = (spec: CertSpec, keyType: TestKeyType): string => {
    const ca = spec.ca ?? false;
    const lines = ['[ext]', `basicConstraints = critical, CA:${ca ? 'TRUE' : 'FALSE'}`, 'subjectKeyIdentifier = hash'];
    if (spec.issuer !== undefined || !ca) lines.push('authorityKeyIdentifier = keyid');
    const ku = spec.keyUsage === undefined ? defaultKeyUsage(keyType, ca) : spec.keyUsage;
    if (ku) lines.push(`keyUsage = ${ku}`);
    const eku = spec.extendedKeyUsage === undefined ? (ca ? null : 'emailProtection') : spec.extendedKeyUsage;
    if (eku) lines.push(`extendedKeyUsage = ${eku}`);
    if (spec.email && !spec.emailInSubjectOnly) lines.push(`subjectAltName = email:${spec.email}`);
    lines.push(...(spec.extraExtensions ?? []));
    return lines.join('\n') + '\n';
  };

  const subject = (spec: CertSpec) => `/CN=${spec.name}${spec.email ? `/emailAddress=${spec.email}` : ''}`;

  const rootSpec: CertSpec = { name: 'root', key: 'rsa-2048', ca: true };
  genKey('rsa-2048', file('root.key'));
  fs.writeFileSync(file('root.ext'), extensions(rootSpec, 'rsa-2048'));
  openssl(['req', '-new', '-x509', '-key', file('root.key'), '-subj', '/CN=Test Root CA/O=Sealpost Tests', '-days', '3650', '-sha256', '-set_serial', '1', '-extensions', 'ext', '-config', file('root.ext'), '-out', file('root.pem')]);
  names.add('root');
  const root = { ...read(rootSpec, 'rsa-2048'), caConfig: caDatabase('root') };

  const issue = (spec: CertSpec): IssuedCert => {
    if (names.has(spec.name)) throw new Error(`test PKI: ${spec.name} issued twice`);
    names.add(spec.name);
    const keyType = spec.key ?? 'rsa-2048';
    const issuer = spec.issuer ?? root;
    genKey(keyType, file(`${spec.name}.key`));
    fs.writeFileSync(file(`${spec.name}.ext`), extensions(spec, keyType));
    const dates = spec.startDate || spec.endDate
      ? ['-startdate', spec.startDate ?? '20200101000000Z', '-enddate', spec.endDate ?? '20991231000000Z']
      : ['-startdate', new Date(Date.now() - 86_400_000).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z', '-days', String(spec.days ?? 365)];
    if (keyType === 'x25519') {
      // X25519 keys cannot sign a request: a throwaway key signs it, the real public key is forced in.
      genKey('p256', file(`${spec.name}.csr-key`));
      openssl(['req', '-new', '-key', file(`${spec.name}.csr-key`), '-subj', subject(spec), '-out', file(`${spec.name}.csr`)]);
      openssl(['pkey', '-in', file(`${spec.name}.key`), '-pubout', '-out', file(`${spec.name}.pub`)]);
      openssl(['x509', '-req', '-in', file(`${spec.name}.csr`), '-CA', issuer.certPath, '-CAkey', issuer.keyPath, '-force_pubkey', file(`${spec.name}.pub`), '-days', String(spec.days ?? 365), '-set_serial', String(0x5000 + names.size), '-extfile', file(`${spec.name}.ext`), '-extensions', 'ext', '-out', file(`${spec.name}.pem`)]);
    } else {
      openssl(['req', '-new', '-key', file(`${spec.name}.key`), '-subj', subject(spec), '-out', file(`${spec.name}.csr`)]);
      openssl(['ca', '-batch', '-notext', '-config', issuer.caConfig!, '-in', file(`${spec.name}.csr`), '-out', file(`${spec.name}.pem`), '-extfile', file(`${spec.name}.ext`), '-extensions', 'ext', ...dates]);
    }
    const cert = read(spec, keyType, issuer);
    return spec.ca ? { ...cert, caConfig: caDatabase(spec.name) } : cert;
  };

  return {
    dir,
    root,
    issue,
    revoke(cert) {
      openssl(['ca', '-config', cert.issuer!.caConfig!, '-revoke', cert.certPath]);
    },
    crl(ca) {
      const out = file(`${ca.name}-crl.pem`);
      openssl(['ca', '-config', ca.caConfig!, '-gencrl', '-out', out]);
      return new Uint8Array(openssl(['crl', '-in', out, '-outform', 'DER']));
    },
    pkcs12(cert, password, options = {}) {
      const out = file(`${cert.name}${options.legacy ? '-legacy' : ''}.p12`);
      const chainFile = file(`${cert.name}-chain.pem`);
      fs.writeFileSync(chainFile, (options.chain ?? []).map((c) => fs.readFileSync(c.certPath, 'utf8')).join(''));
      openssl([
        'pkcs12', '-export', '-inkey', cert.keyPath, '-in', cert.certPath, '-passout', `pass:${password}`, '-out', out,
        ...(options.chain?.length ? ['-certfile', chainFile] : []),
        ...(options.friendlyName ? ['-name', options.friendlyName] : []),
        ...(options.legacy ? ['-legacy'] : []),
      ]);
      return out;
    },
    file,
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Serving a test PKI on loopback (appended for the certificate tests): an HTTP server for AIA
// certificates and CRLs, `openssl ocsp` responders over a CA's database, and revocation with a
// reason code. Everything above is unchanged.

export interface PkiHttpServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Serves `body` at `pathname` (e.g. "/int.crl") from now on. */
  serve(pathname: string, body: Uint8Array): void;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 with a random port, answering 404 for anything not served. */
export async function startPkiHttpServer(): Promise<PkiHttpServer> {
  const http = await import('node:http');
  const files = new Map<string, Uint8Array>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push(pathname);
    const body = files.get(pathname);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(Buffer.from(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    serve: (pathname, body) => files.set(pathname, body),
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface OcspResponder {
  /** http://127.0.0.1:<port>/ */
  url: string;
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1 (for servers that must be named before they start). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * `openssl ocsp` answering for `ca` from its `openssl ca` database as it is when started (start it
 * after issuing and revoking), signing with `signer`: the CA itself by default, or a delegated
 * responder certificate with OCSPSigning. Give the port the certificates name (see freePort).
 */
export async function startOcspResponder(pki: TestPki, ca: IssuedCert, port: number, signer: IssuedCert = ca): Promise<OcspResponder> {
  const { spawn } = await import('node:child_process');
  const child = spawn(
    'openssl',
    ['ocsp', '-port', String(port), '-index', pki.file(`${ca.name}-db/index.txt`), '-CA', ca.certPath, '-rsigner', signer.certPath, '-rkey', signer.keyPath, '-rmd', 'sha256', '-ignore_err'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/waiting for OCSP client connections/.test(output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`openssl ocsp exited (${code}): ${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Revokes with a CRL reason code (`openssl ca -revoke -crl_reason`), e.g. "keyCompromise". */
export function revokeWithReason(cert: IssuedCert, reason: string): void {
  openssl(['ca', '-config', cert.issuer!.caConfig!, '-revoke', cert.certPath, '-crl_reason', reason]);
}
