#!/usr/bin/env node
// HTTP for the demo PKI (node scripts/stack/pki-http-server.mjs --instance NAME): the CRLs and CA
// certificates that the certificates point to (CRL distribution points, AIA caIssuers).
// Files are read on every request, so a regenerated CRL is served at once.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { resolveInstance } from './instance.mjs';

const { values } = parseArgs({ options: { instance: { type: 'string', default: 'demo' } } });
const inst = resolveInstance(values.instance);

const ROUTES = {
  '/issuing.crl': ['issuing.crl', 'application/pkix-crl'],
  '/root.crl': ['root.crl', 'application/pkix-crl'],
  '/issuing.crt': ['issuing.crt', 'application/pkix-cert'],
  '/root.crt': ['root.crt', 'application/pkix-cert'],
};

function routeOf(url) {
  try {
    return ROUTES[new URL(url ?? '/', 'http://localhost').pathname];
  } catch {
    return undefined;
  }
}

const server = http.createServer((req, res) => {
  res.on('finish', () => process.stdout.write(`${new Date().toISOString()} ${req.method} ${req.url} ${res.statusCode}\n`));
  const route = routeOf(req.url);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
  } else if (!route) {
    res.writeHead(404).end();
  } else {
    fs.readFile(path.join(inst.dirs.pki, route[0]), (err, body) => {
      if (err) return res.writeHead(404).end();
      // No caching: a regenerated CRL must be seen at once (RFC 5280 lets clients cache by nextUpdate).
      res.writeHead(200, { 'Content-Type': route[1], 'Content-Length': body.length, 'Cache-Control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  }
});

server.listen(inst.ports.pkiHttp, inst.host);
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
