// CompressedData (RFC 3274) built in the test itself: this OpenSSL is built without zlib
// (`openssl cms -compress` refuses), so the platform's CompressionStream makes the zlib stream
// ('deflate' in the Compression Streams standard is RFC 1950 zlib). Browser-safe: lib/smime's
// unit tests, which also run in Chromium, import it.
import * as asn1js from 'asn1js';

import { toDer } from '@/lib/smime/asn1/parse-der';
import { OID } from '@/lib/smime/oids';

export async function zlib(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A ContentInfo(CompressedData) around already compressed bytes. */
export function compressedData(compressed: Uint8Array, algorithm: string = OID.zlibCompress, contentType: string = OID.data): Uint8Array {
  const explicit = (value: asn1js.AsnType) => new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [value] });
  const body = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 0 }),
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: algorithm })] }),
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: contentType }), explicit(new asn1js.OctetString({ valueHex: new Uint8Array(compressed).buffer }))] }),
    ],
  });
  return toDer(new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.compressedData }), explicit(body)] }));
}
