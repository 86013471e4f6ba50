// What the user is shown of an entity: the body text (text/plain, else text from text/html) and
// the attachments (leaf parts that are not the body and not marked inline).
import { htmlToText } from '../../mail/html-to-text';
import { digest } from '../web-crypto';
import { bodyText, decodedBody, dispositionOf, filenameOf } from '../mime/part-content';
import type { MimePart } from '../mime/parse-mime';
import type { AttachmentReport } from '../report';
import { isSignaturePart, smimeEntityKind } from './smime-entity';

const isBodyCandidate = (part: MimePart) =>
  part.children.length === 0 && dispositionOf(part) !== 'attachment' && (part.contentType.value === 'text/plain' || part.contentType.value === 'text/html');

/** The leaf whose text is the body, and the parts that belong to the body (the alternatives). */
function findBody(part: MimePart, preferPlain: boolean): { leaf: MimePart; container: MimePart } | null {
  if (part.children.length === 0) {
    if (!isBodyCandidate(part)) return null;
    return preferPlain && part.contentType.value !== 'text/plain' ? null : { leaf: part, container: part };
  }
  if (part.contentType.value === 'multipart/alternative') {
    for (const plain of [true, false]) {
      for (const child of part.children) {
        const found = findBody(child, plain);
        if (found) return { leaf: found.leaf, container: part };
      }
    }
    return null;
  }
  // mixed, related, a signed part inside: the body is the first part that can be one.
  for (const child of part.children) {
    if (isSignaturePart(child)) continue;
    const found = findBody(child, false);
    if (found) return found;
  }
  return null;
}

function within(part: MimePart, container: MimePart): boolean {
  return part.source === container.source && part.start >= container.start && part.end <= container.end;
}

export async function describeContent(root: MimePart): Promise<{ text: string; attachments: AttachmentReport[] }> {
  const body = findBody(root, false);
  const text = body ? (body.leaf.contentType.value === 'text/html' ? htmlToText(bodyText(body.leaf)) : bodyText(body.leaf)) : '';
  const attachments: AttachmentReport[] = [];
  const visit = async (part: MimePart, parent: MimePart | null) => {
    if (part.children.length > 0) {
      for (const child of part.children) await visit(child, part);
      return;
    }
    if (body && within(part, body.container)) return;
    if (dispositionOf(part) === 'inline') return;
    // The .p7s of a signed part inside the shown content is its signature, not an attachment.
    if (parent && smimeEntityKind(parent) === 'multipart-signed' && parent.children[1] === part) return;
    const content = decodedBody(part);
    const hash = await digest('SHA-256', content);
    attachments.push({
      filename: filenameOf(part),
      contentType: part.contentType.value,
      size: content.length,
      sha256: Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join(''),
    });
  };
  await visit(root, null);
  return { text, attachments };
}
