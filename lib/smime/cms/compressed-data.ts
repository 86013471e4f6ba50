// CompressedData (RFC 3274): zlib-compressed content, inflated as a stream and stopped at a byte
// cap, so a small "decompression bomb" cannot fill memory.
import { SmimeError } from '../errors';
import { LIMITS } from '../limits';
import { OID } from '../oids';
import { children, isContext, isUniversal, malformed, octets, oidOf, parseCms } from './envelope/asn1-read';

/**
 * contentInfoDer: a ContentInfo holding CompressedData (1.2.840.113549.1.9.16.1.9) with the zlib
 * algorithm. The content is the inflated eContent; 'limit-exceeded' past `maxBytes`.
 */
export async function decompressData(contentInfoDer: Uint8Array, maxBytes: number = LIMITS.decompressedBytes): Promise<{ content: Uint8Array; contentType: string }> {
  const { compressed, contentType } = readCompressedData(contentInfoDer);
  return { content: await inflate(compressed, maxBytes), contentType };
}

function readCompressedData(der: Uint8Array): { compressed: Uint8Array; contentType: string } {
  const [typeValue, wrapped, ...rest] = children(parseCms(der, 'CMS message'), 'ContentInfo');
  const type = oidOf(typeValue, 'ContentInfo content type');
  if (type !== OID.compressedData) throw malformed(`The CMS message is ${type}, not CompressedData.`);
  if (!isContext(wrapped, 0) || rest.length > 0) throw malformed('The ContentInfo does not hold one [0] content.');
  const explicit = children(wrapped, 'ContentInfo content');
  // CompressedData ::= SEQUENCE { version, compressionAlgorithm, encapContentInfo }
  const [version, algorithm, encapsulated, ...more] = children(explicit[0], 'CompressedData');
  if (explicit.length !== 1 || !isUniversal(version, 2) || more.length > 0) throw malformed('The CompressedData is not the expected structure.');
  const [algorithmOid] = children(algorithm, 'compression algorithm');
  const algorithmId = oidOf(algorithmOid, 'compression algorithm');
  if (algorithmId !== OID.zlibCompress) throw new SmimeError('unsupported-algorithm', `Compression with ${algorithmId} is not supported.`);
  const [contentTypeValue, eContent, ...tail] = children(encapsulated, 'EncapsulatedContentInfo');
  if (!isContext(eContent, 0) || tail.length > 0) throw malformed('The CompressedData carries no content.');
  const inner = children(eContent, 'compressed content');
  if (inner.length !== 1 || !isUniversal(inner[0], 4)) throw malformed('The compressed content is not an OCTET STRING.');
  return { compressed: octets(inner[0], 'compressed content'), contentType: oidOf(contentTypeValue, 'compressed content type') };
}

async function inflate(compressed: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  // 'deflate' in the Compression Streams standard is the zlib format (RFC 1950) that RFC 3274 uses.
  const reader = new Blob([compressed as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (true) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch (error) {
      throw malformed('The compressed content is not valid zlib data.', error);
    }
    if (step.done) break;
    total += step.value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new SmimeError('limit-exceeded', `The compressed content inflates to more than ${maxBytes} bytes.`);
    }
    chunks.push(step.value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
