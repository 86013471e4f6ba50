// The PIV simulator counts as a test oracle only because two independent PIV clients accept it:
// OpenSC (pkcs11-tool over opensc-pkcs11.so) and Yubico's libykpiv (yubico-piv-tool), each talking
// to it through a private pcscd and vpcd, as to a card in a reader. Keys and certificates come from
// OpenSSL; every signature, decryption and shared secret the card produces is checked by OpenSSL.
import { execFile } from 'node:child_process';
import fs from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createPivSimulator, type PivSimulatorProfile } from '@/lib/webusb-token/simulator/piv-simulator';
import { freeVpcdPort, startPcscd, vpcdReader, VPCD_DRIVER, type Pcscd } from '../support/pcscd';
import { createTestPki, openssl, type IssuedCert, type TestPki } from '../support/test-pki';
import { attachCardToVpcd, type VpcdCard } from '../support/vpcd-card';

const OPENSC_MODULE = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const REQUIRED = {
  pcscd: '/usr/sbin/pcscd',
  'vsmartcard-vpcd': VPCD_DRIVER,
  'opensc (pkcs11-tool)': '/usr/bin/pkcs11-tool',
  'opensc-pkcs11': OPENSC_MODULE,
  'yubico-piv-tool': '/usr/bin/yubico-piv-tool',
  'util-linux (unshare)': '/usr/bin/unshare',
};
const PIN = '123456';
/** pcscd names vpcd's two readers after the FRIENDLYNAME: slot 00 on the port, slot 01 on port + 1. */
const READER_MAIN = 'Virtual PCD 00 00';
const READER_EC = 'Virtual PCD 00 01';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let pki: TestPki;
let pcscd: Pcscd;
const cards: VpcdCard[] = [];
const certs: Record<string, IssuedCert> = {};

/** Runs a client against the private pcscd (async: the card answers from this very process). */
function run(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { env: pcscd.clientEnv(), timeout: 60000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const explain = (result: Run) => `exit ${result.code}\n${result.stdout}\n${result.stderr}\n--- card trace (last 40) ---\n${cards.flatMap((c) => c.trace()).slice(-40).join('\n')}`;

async function succeeds(command: string, args: string[]): Promise<Run> {
  const result = await run(command, args);
  expect(result.code, explain(result)).toBe(0);
  return result;
}

const pkcs11 = (...args: string[]) => succeeds('pkcs11-tool', ['--module', OPENSC_MODULE, ...args]);
const ykpiv = (reader: string, ...args: string[]) => succeeds('yubico-piv-tool', ['-r', reader, ...args]);
const file = (name: string) => pki.file(name);
const publicKeyPem = (cert: IssuedCert) => {
  const out = file(`${cert.name}.pub.pem`);
  fs.writeFileSync(out, openssl(['x509', '-in', cert.certPath, '-pubkey', '-noout']));
  return out;
};

beforeAll(async () => {
  const missing = Object.entries(REQUIRED).filter(([, p]) => !fs.existsSync(p));
  if (missing.length > 0) {
    throw new Error(`PIV client checks need ${missing.map(([name, p]) => `${name} (${p})`).join(', ')}: run scripts/bootstrap.mjs`);
  }
  pki = createTestPki('sealpost-pivsim-');
  for (const [name, key] of [
    ['auth-p256', 'p256'], ['sign-rsa', 'rsa-2048'], ['keymgmt-rsa', 'rsa-2048'], ['cardauth-p384', 'p384'],
    ['retired1-p256', 'p256'], ['retired2-rsa', 'rsa-2048'], ['ec-sign', 'p256'], ['ec-keymgmt', 'p256'],
  ] as const) {
    certs[name] = pki.issue({ name, key, email: `${name}@example.test` });
  }
  const slot = (cert: IssuedCert, compressCertificate = false) => ({ privateKeyPkcs8: cert.keyPkcs8, certificateDer: cert.certDer, compressCertificate });
  const main: PivSimulatorProfile = {
    pin: PIN,
    slots: {
      0x9a: slot(certs['auth-p256']!, true),
      0x9c: slot(certs['sign-rsa']!),
      0x9d: slot(certs['keymgmt-rsa']!),
      0x9e: slot(certs['cardauth-p384']!),
      0x82: slot(certs['retired1-p256']!),
      0x83: slot(certs['retired2-rsa']!, true),
    },
  };
  const ec: PivSimulatorProfile = { pin: PIN, serial: 87654321, slots: { 0x9c: slot(certs['ec-sign']!), 0x9d: slot(certs['ec-keymgmt']!) } };

  const port = await freeVpcdPort();
  pcscd = await startPcscd([vpcdReader(port)]);
  cards.push(await attachCardToVpcd(createPivSimulator(main), port));
  cards.push(await attachCardToVpcd(createPivSimulator(ec), port + 1));
  await Promise.all(cards.map((card) => card.powered));
});

afterAll(async () => {
  await Promise.all(cards.map((card) => card.close()));
  await pcscd?.stop();
  pki?.cleanup();
});

// OpenSC numbers PIV keys by slot: 9A 01, 9C 02, 9D 03, 9E 04, retired 82.. from 05.
describe('OpenSC (pkcs11-tool, opensc-pkcs11)', () => {
  // pkcs11-tool takes the first reader with a card: the main card in "Virtual PCD 00 00".

  it('lists the certificates of every filled slot, retired ones included', async () => {
    const { stdout } = await pkcs11('--list-objects');
    for (const cn of ['auth-p256', 'sign-rsa', 'keymgmt-rsa', 'cardauth-p384', 'retired1-p256', 'retired2-rsa']) {
      expect(stdout).toContain(`CN=${cn}`);
    }
    expect(stdout).toContain('Retired Certificate for Key Management 2');
  });

  it.each([
    ['01', 'auth-p256', 'gzip-compressed'],
    ['02', 'sign-rsa', 'plain'],
    ['05', 'retired1-p256', 'retired slot 82'],
    ['06', 'retired2-rsa', 'retired slot 83, gzip-compressed'],
  ])('reads certificate %s (%s, %s) byte for byte', async (id, name) => {
    const out = file(`read-${id}.der`);
    await pkcs11('--read-object', '--type', 'cert', '--id', id, '-o', out);
    expect(Buffer.from(fs.readFileSync(out)).equals(Buffer.from(certs[name]!.certDer))).toBe(true);
  });

  it('signs with RSA-2048 in 9C (PIN always) and OpenSSL verifies against the certificate', async () => {
    const data = file('rsa-data.bin');
    const signature = file('rsa-data.sig');
    fs.writeFileSync(data, 'message signed on a simulated PIV card\n');
    await pkcs11('--login', '--pin', PIN, '--sign', '--id', '02', '-m', 'SHA256-RSA-PKCS', '-i', data, '-o', signature);
    const verdict = openssl(['dgst', '-sha256', '-verify', publicKeyPem(certs['sign-rsa']!), '-signature', signature, data]).toString();
    expect(verdict).toContain('Verified OK');
  });

  it.each([
    ['01', 'auth-p256', 'ECDSA-SHA256', 'sha256'],
    ['04', 'cardauth-p384', 'ECDSA-SHA384', 'sha384'],
  ])('signs with EC key %s (%s, %s) and OpenSSL verifies the DER signature', async (id, name, mechanism, digest) => {
    const data = file(`ec-data-${id}.bin`);
    const signature = file(`ec-data-${id}.sig`);
    fs.writeFileSync(data, `ECDSA over ${name}\n`);
    await pkcs11('--login', '--pin', PIN, '--sign', '--id', id, '-m', mechanism, '--signature-format', 'openssl', '-i', data, '-o', signature);
    const verdict = openssl(['dgst', `-${digest}`, '-verify', publicKeyPem(certs[name]!), '-signature', signature, data]).toString();
    expect(verdict).toContain('Verified OK');
  });

  it.each([
    ['03', 'keymgmt-rsa'],
    ['06', 'retired2-rsa'],
  ])('decrypts RSA PKCS#1 v1.5 with key %s (%s) what OpenSSL encrypted to its certificate', async (id, name) => {
    const plain = file(`plain-${id}.bin`);
    const cipher = file(`cipher-${id}.bin`);
    const out = file(`decrypted-${id}.bin`);
    fs.writeFileSync(plain, `a content-encryption key for ${name}`);
    openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', publicKeyPem(certs[name]!), '-pkeyopt', 'rsa_padding_mode:pkcs1', '-in', plain, '-out', cipher]);
    await pkcs11('--login', '--pin', PIN, '--decrypt', '--id', id, '-m', 'RSA-PKCS', '-i', cipher, '-o', out);
    expect(fs.readFileSync(out).toString()).toBe(fs.readFileSync(plain).toString());
  });

  it('derives the same ECDH secret with retired P-256 key 05 as OpenSSL does', async () => {
    const peerKey = file('peer.key');
    const peerPublic = file('peer.pub.der');
    const z = file('z-card.bin');
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', peerKey]);
    openssl(['pkey', '-in', peerKey, '-pubout', '-outform', 'DER', '-out', peerPublic]);
    await pkcs11('--login', '--pin', PIN, '--derive', '-m', 'ECDH1-DERIVE', '--id', '05', '-i', peerPublic, '-o', z);
    const expected = openssl(['pkeyutl', '-derive', '-inkey', peerKey, '-peerkey', publicKeyPem(certs['retired1-p256']!)]);
    expect(fs.readFileSync(z).toString('hex')).toBe(expected.toString('hex'));
  });

  it('passes pkcs11-tool --test with a login (random, sign, verify, decrypt)', async () => {
    const { stdout, stderr } = await pkcs11('--test', '--login', '--pin', PIN);
    expect(`${stdout}${stderr}`).toContain('No errors');
  });
});

describe('yubico-piv-tool (libykpiv)', () => {
  it('shows the status: version, serial, every slot, PIN tries', async () => {
    const { stdout } = await ykpiv(READER_MAIN, '-a', 'status');
    // libykpiv 2.2.0 is built without zlib: it shows the gzip-compressed 9A and 83 as "Invalid cert data".
    expect(stdout).toMatch(/Version:\s+5\.4\.3/);
    expect(stdout).toMatch(/Serial Number:\s+12345678/);
    expect(stdout).toMatch(/Slot 9c:\s+Algorithm:\s+RSA2048\s+Subject DN:\s+CN=sign-rsa/);
    expect(stdout).toMatch(/Slot 9d:\s+Algorithm:\s+RSA2048/);
    expect(stdout).toMatch(/Slot 9e:\s+Algorithm:\s+ECCP384/);
    expect(stdout).toMatch(/PIN tries left:\s+3/);
  });

  it('reads the 9C certificate byte for byte', async () => {
    const { stdout } = await ykpiv(READER_MAIN, '-a', 'read-certificate', '-s', '9c');
    expect(openssl(['x509', '-outform', 'DER'], stdout).equals(Buffer.from(certs['sign-rsa']!.certDer))).toBe(true);
  });

  it.each([
    [READER_MAIN, '9c', 'sign-rsa', 'Successful RSA verification'],
    [READER_EC, '9c', 'ec-sign', 'Successful ECDSA verification'],
  ])('test-signature on %s slot %s (%s)', async (reader, slot, name, message) => {
    const { stdout, stderr } = await ykpiv(reader, '-a', 'verify-pin', '-P', PIN, '-a', 'test-signature', '-s', slot, '-i', certs[name]!.certPath);
    expect(`${stdout}${stderr}`).toContain(message);
  });

  it.each([
    [READER_MAIN, '9d', 'keymgmt-rsa', 'Successfully performed RSA decryption'],
    [READER_MAIN, '82', 'retired1-p256', 'Successfully performed ECDH exchange'],
    [READER_EC, '9d', 'ec-keymgmt', 'Successfully performed ECDH exchange'],
  ])('test-decipher on %s slot %s (%s)', async (reader, slot, name, message) => {
    const { stdout, stderr } = await ykpiv(reader, '-a', 'verify-pin', '-P', PIN, '-a', 'test-decipher', '-s', slot, '-i', certs[name]!.certPath);
    expect(`${stdout}${stderr}`).toContain(message);
  });

  it('counts wrong PINs down, and a right PIN restores the counter (seen by both clients)', async () => {
    const wrong = await run('yubico-piv-tool', ['-r', READER_EC, '-a', 'verify-pin', '-P', '999999']);
    expect(wrong.code).not.toBe(0);
    expect(`${wrong.stdout}${wrong.stderr}`).toContain('2 tries left');
    expect((await ykpiv(READER_EC, '-a', 'status')).stdout).toMatch(/PIN tries left:\s+2/);

    await ykpiv(READER_EC, '-a', 'verify-pin', '-P', PIN);
    expect((await ykpiv(READER_EC, '-a', 'status')).stdout).toMatch(/PIN tries left:\s+3/);

    // OpenSC on the main card: a wrong PIN is refused as such.
    const openscWrong = await run('pkcs11-tool', ['--module', OPENSC_MODULE, '--login', '--pin', '999999', '--list-objects']);
    expect(openscWrong.code).not.toBe(0);
    expect(`${openscWrong.stdout}${openscWrong.stderr}`).toContain('CKR_PIN_INCORRECT');
    expect((await ykpiv(READER_MAIN, '-a', 'status')).stdout).toMatch(/PIN tries left:\s+2/);
    await ykpiv(READER_MAIN, '-a', 'verify-pin', '-P', PIN);
  });
});
