// SafeContents (RFC 7292 section 4.2): the bags of a PKCS#12 file with their friendlyName and
// localKeyId attributes. Bags we have no use for (CRLs, secrets, nested contents) are skipped.
import * as asn1js from 'asn1js';

import { parseAsn1 } from '../asn1/parse-der';
import { OID } from '../oids';
import { explicitContent, malformed, objectId, octetBytes, sequenceItems, setItems } from './der-fields';

export interface SafeBag {
  kind: 'key' | 'shrouded-key' | 'certificate';
  /** PrivateKeyInfo, EncryptedPrivateKeyInfo or CertBag. */
  value: asn1js.AsnType;
  friendlyName: string | null;
  /** Hex. */
  localKeyId: string | null;
}

const KINDS: Record<string, SafeBag['kind']> = {
  [OID.keyBag]: 'key',
  [OID.pkcs8ShroudedKeyBag]: 'shrouded-key',
  [OID.certBag]: 'certificate',
};

/** SafeContents ::= SEQUENCE OF SafeBag; SafeBag ::= SEQUENCE { bagId, bagValue [0] EXPLICIT, bagAttributes SET OF Attribute OPTIONAL } */
export function readSafeContents(bytes: Uint8Array): SafeBag[] {
  const bags: SafeBag[] = [];
  for (const node of sequenceItems(parseAsn1(bytes, 'PKCS#12 bag list'), 'bag list', 0, Infinity)) {
    const [id, wrapped, attributes] = sequenceItems(node, 'bag', 2, 3);
    const kind = KINDS[objectId(id, 'bag type')];
    const value = explicitContent(wrapped, 0, 'bag value');
    if (!kind) continue;
    bags.push({ kind, value, ...readAttributes(attributes) });
  }
  return bags;
}

function readAttributes(node: asn1js.AsnType | undefined): { friendlyName: string | null; localKeyId: string | null } {
  let friendlyName: string | null = null;
  let localKeyId: string | null = null;
  for (const attribute of node ? setItems(node, 'bag attributes') : []) {
    const [type, values] = sequenceItems(attribute, 'bag attribute', 2, 2);
    const oid = objectId(type, 'bag attribute type');
    const [value] = setItems(values, 'bag attribute values');
    if (oid === OID.friendlyName) {
      if (!(value instanceof asn1js.BmpString)) throw malformed('friendly name');
      friendlyName = value.valueBlock.value;
    } else if (oid === OID.localKeyId) {
      localKeyId = [...octetBytes(value, 'local key id')].map((b) => b.toString(16).padStart(2, '0')).join('');
    }
  }
  return { friendlyName, localKeyId };
}
