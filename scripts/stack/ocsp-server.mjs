#!/usr/bin/env node
// The demo PKI's OCSP responder (node scripts/stack/ocsp-server.mjs --instance NAME).
// `openssl ocsp` does the responder's work (status from the CA database, signing); it is run once
// per request because its own `-port` listener binds every interface, and the stack stays on
// loopback. This program only carries the HTTP of RFC 6960 appendix A (GET and POST).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

import { resolveInstance } from './instance.mjs';
import { manifestPath } from './pki.mjs';

const MAX_REQUEST_BYTES = 64 * 1024;
const RESPONDER_TIMEOUT_MS = 10000;
// OCSPResponse { responseStatus malformedRequest(1) } (RFC 6960 §4.2.1), DER.
const MALFORMED = Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x01]);

const { values } = parseArgs({ options: { instance: { type: 'string', default: 'demo' } } });
const inst = resolveInstance(values.instance);
const pki = JSON.parse(fs.readFileSync(manifestPath(inst), 'utf8'));

function respond(request) {
  return new Promise((resolve) => {
    // -index is read per run, so a revocation in the CA database shows at the next request.
    const child = spawn('openssl', [
      'ocsp', '-index', pki.issuing.index, '-CA', pki.issuing.cert,
      '-rsigner', pki.ocsp.cert, '-rkey', pki.ocsp.key, '-nmin', '60',
      '-reqin', '-', '-respout', '-',
    ], { timeout: RESPONDER_TIMEOUT_MS });
    const out = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.resume();
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code === 0 && out.length ? Buffer.concat(out) : null));
    child.stdin.on('error', () => {}); // openssl may exit before reading a bad request
    child.stdin.end(request);
  });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new Error('request too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const server = http.createServer(async (req, res) => {
  let request = null;
  try {
    if (req.method === 'POST') request = await readBody(req);
    else if (req.method === 'GET') {
      // GET {url}/{url-encoding of base64 of the DER request}
      try {
        request = Buffer.from(decodeURIComponent((req.url ?? '/').slice(1)), 'base64');
      } catch {
        request = Buffer.alloc(0); // bad %-escape: answered as malformed
      }
    } else {
      res.writeHead(405, { Allow: 'GET, POST' }).end();
      return;
    }
  } catch {
    res.writeHead(413).end();
    return;
  }
  const response = (request.length && (await respond(request))) || MALFORMED;
  res.writeHead(200, { 'Content-Type': 'application/ocsp-response', 'Content-Length': response.length });
  res.end(response);
  process.stdout.write(`${new Date().toISOString()} ${req.method} ${request.length} bytes -> ${response.length} bytes\n`);
});

server.listen(inst.ports.ocsp, inst.host);
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
