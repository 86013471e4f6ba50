// DER written around one large primitive value (the encrypted content of an envelope, the
// content of an opaque signature). asn1js would hold that value in its tree and copy it again
// while serializing, several times the message in memory; here the lengths are computed from the
// tree, the output is allocated once, and the caller writes the large value into its place (at
// once, or piece by piece as a cipher produces it).

export type DerNode =
  /** A value already DER-encoded (small: an OID, an AlgorithmIdentifier, a RecipientInfo). */
  | Uint8Array
  /** A constructed value with a one-byte tag (0x30 SEQUENCE, 0xa0 [0], ...). */
  | { tag: number; children: DerNode[] }
  /** The primitive value the caller fills: its tag and the exact length of its contents. */
  | { tag: number; holeLength: number };

export interface DerWithHole {
  der: Uint8Array;
  /** The contents of the hole node inside `der`, still zero, for the caller to write (empty without one). */
  hole: Uint8Array;
}

/** Lays out `root`, which holds at most one hole node, into one buffer. */
export function derWithHole(root: DerNode): DerWithHole {
  const holes = countHoles(root);
  if (holes > 1) throw new Error(`derWithHole takes one hole, not ${holes}.`);
  const der = new Uint8Array(encodedLength(root));
  let hole = new Uint8Array(0);
  const write = (node: DerNode, offset: number): number => {
    if (node instanceof Uint8Array) {
      der.set(node, offset);
      return offset + node.length;
    }
    const header = headerOf(node.tag, contentLength(node));
    der.set(header, offset);
    offset += header.length;
    if ('holeLength' in node) {
      hole = der.subarray(offset, offset + node.holeLength);
      return offset + node.holeLength;
    }
    for (const child of node.children) offset = write(child, offset);
    return offset;
  };
  write(root, 0);
  return { der, hole };
}

function countHoles(node: DerNode): number {
  if (node instanceof Uint8Array) return 0;
  if ('holeLength' in node) return 1;
  return node.children.reduce((sum, child) => sum + countHoles(child), 0);
}

function contentLength(node: Exclude<DerNode, Uint8Array>): number {
  return 'holeLength' in node ? node.holeLength : node.children.reduce((sum, child) => sum + encodedLength(child), 0);
}

function encodedLength(node: DerNode): number {
  if (node instanceof Uint8Array) return node.length;
  const length = contentLength(node);
  return headerOf(node.tag, length).length + length;
}

/** Identifier and definite length octets (X.690 8.1.2 low tag numbers only, 8.1.3 minimal length). */
function headerOf(tag: number, length: number): Uint8Array {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xff || (tag & 0x1f) === 0x1f) throw new Error(`derWithHole takes one-byte tags, not ${tag}.`);
  if (length < 0x80) return new Uint8Array([tag, length]);
  const lengthBytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) lengthBytes.unshift(rest % 256);
  return new Uint8Array([tag, 0x80 | lengthBytes.length, ...lengthBytes]);
}
