import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';

import { buildMessage } from './build-message';
import { type ComposeFields, emptyFields, outgoingMessage, readRecipients, recipientText, startFields, switchFormat } from './compose-fields';
import { parseMessage } from './parse-message';

const SELF = 'judy@sealpost.test';
const enc = (s: string) => new TextEncoder().encode(s);

const original = enc(
  [
    'From: "Mallory, M." <mallory@sealpost.test>',
    'To: Judy <judy@sealpost.test>, carol@sealpost.test',
    'Cc: dave@sealpost.test',
    'Subject: Re: Plans',
    'Date: Mon, 23 Nov 2026 10:00:00 +0000',
    'Message-ID: <m2@sealpost.test>',
    'References: <m1@sealpost.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello Judy',
    '--b',
    'Content-Type: text/plain; name="a.txt"',
    'Content-Disposition: attachment; filename="a.txt"',
    '',
    'file',
    '--b--',
    '',
  ].join('\r\n'),
);

describe('startFields', async () => {
  const parsed = await parseMessage(original);

  it('reply: the sender, Re: once, the quote and the thread', () => {
    const f = startFields('reply', parsed, original, SELF);
    expect(f.to).toBe('"Mallory, M." <mallory@sealpost.test>');
    expect(f.cc).toBe('');
    expect(f.subject).toBe('Re: Plans');
    expect(f.text).toMatch(/wrote:\n> Hello Judy\n$/);
    expect(f.inReplyTo).toBe('m2@sealpost.test');
    expect(f.references).toEqual(['m1@sealpost.test', 'm2@sealpost.test']);
    expect(f.attachments).toEqual([]);
  });

  it('reply all: everyone but the user', () => {
    const f = startFields('replyAll', parsed, original, SELF);
    expect(f.to).toBe('"Mallory, M." <mallory@sealpost.test>, carol@sealpost.test');
    expect(f.cc).toBe('dave@sealpost.test');
    expect(readRecipients(f).invalid).toEqual([]);
  });

  it('forward: the headers block and the attachments', () => {
    const f = startFields('forward', parsed, original, SELF);
    expect(f.subject).toBe('Fwd: Re: Plans');
    expect(f.to).toBe('');
    expect(f.text).toContain('---------- Forwarded message ----------\nFrom: Mallory, M. <mallory@sealpost.test>');
    expect(f.attachments.map((a) => a.filename)).toEqual(['a.txt']);
    expect(f.inReplyTo).toBeUndefined();
  });

  it('forward as attachment: the exact raw bytes as message/rfc822', () => {
    const f = startFields('forwardAsAttachment', parsed, original, SELF);
    expect(f.attachments).toHaveLength(1);
    expect(f.attachments[0]).toMatchObject({ filename: 'Re Plans.eml', mimeType: 'message/rfc822' });
    expect(f.attachments[0]!.content).toBe(original);
  });

  it('a draft comes back as it was saved: Bcc, rich text, thread, a forwarded message byte for byte', async () => {
    const saved: ComposeFields = {
      ...emptyFields(),
      to: 'Mallory <mallory@sealpost.test>',
      bcc: 'judy@sealpost.test',
      subject: 'Draft',
      format: 'rich',
      html: '<div>Hi <b>there</b></div>',
      inReplyTo: 'm2@sealpost.test',
      references: ['m1@sealpost.test', 'm2@sealpost.test'],
      attachments: [{ id: 'x', filename: 'orig.eml', mimeType: 'message/rfc822', content: original }],
    };
    const raw = buildMessage(outgoingMessage(saved, { name: '', address: SELF }, readRecipients(saved).recipients, { draft: true }));
    const back = startFields('draft', await parseMessage(raw), raw, SELF);
    expect(back).toMatchObject({ to: 'Mallory <mallory@sealpost.test>', bcc: 'judy@sealpost.test', subject: 'Draft', format: 'rich', inReplyTo: 'm2@sealpost.test' });
    expect(back.references).toEqual(['m1@sealpost.test', 'm2@sealpost.test']);
    expect(back.html).toBe('<div>Hi <b>there</b></div>');
    expect(back.attachments[0]!.content).toEqual(original);
  });
});

describe('outgoingMessage', () => {
  const f: ComposeFields = { ...emptyFields(), to: 'a@sealpost.test', bcc: 'b@sealpost.test', subject: 's', format: 'rich', html: '<p onclick="x()">Hi <script>1</script><b>you</b></p>' };
  const r = readRecipients(f).recipients;

  it('never writes Bcc into a message to send, but keeps it in a draft', async () => {
    const sent = new TextDecoder().decode(buildMessage(outgoingMessage(f, { name: '', address: SELF }, r, { draft: false })));
    expect(sent).not.toMatch(/^Bcc:/m);
    const draft = new TextDecoder().decode(buildMessage(outgoingMessage(f, { name: '', address: SELF }, r, { draft: true })));
    expect(draft).toMatch(/^Bcc: b@sealpost.test$/m);
  });

  it('sends rich text sanitized, with its text rendering', async () => {
    const m = await PostalMime.parse(buildMessage(outgoingMessage(f, { name: '', address: SELF }, r, { draft: false })));
    expect(m.html).toContain('<body><p>Hi <b>you</b></p></body>');
    expect(m.text?.trim()).toBe('Hi you');
  });

  it('From carries the display name when known, and no empty quoted name otherwise', () => {
    const named = new TextDecoder().decode(buildMessage(outgoingMessage({ ...f, format: 'plain' }, { name: 'Judy Test', address: SELF }, r, { draft: false })));
    expect(named).toMatch(/^From: "Judy Test" <judy@sealpost.test>$/m);
    const bare = new TextDecoder().decode(buildMessage(outgoingMessage({ ...f, format: 'plain' }, { name: '', address: SELF }, r, { draft: false })));
    expect(bare).toMatch(/^From: judy@sealpost.test$/m);
  });
});

describe('helpers', () => {
  it('quotes names with separators', () => {
    expect(recipientText([{ name: 'Doe, J', address: 'j@x.y' }, { name: 'Bob', address: 'b@x.y' }, { name: '', address: 'c@x.y' }])).toBe('"Doe, J" <j@x.y>, Bob <b@x.y>, c@x.y');
  });

  it('switches formats carrying the body over', () => {
    const rich = switchFormat({ ...emptyFields(), text: 'a <b>\n\nc' }, 'rich');
    expect(rich.html).toBe('<div>a &lt;b&gt;</div><div><br></div><div>c</div>');
    expect(switchFormat(rich, 'plain').text).toBe('a <b>\n\nc');
  });
});
