// Seeds each demo user's mailbox over IMAP with a few hundred realistic messages: threads among
// the demo users, outside correspondents with names from many scripts, HTML newsletters (with a
// remote image the webmail must block), attachments of common types, an inline cid: image.
// The plan is a pure function of the users and `now`, so it is deterministic and testable.
import fs from 'node:fs';
import path from 'node:path';

import { ImapFlow } from 'imapflow';

import { DEMO_DOMAIN, DEMO_USERS, emailOf } from './demo-users.mjs';
import { buildMessage } from './mail-factory.mjs';
import { sampleCsv, sampleIcs, samplePdf, samplePng } from './sample-files.mjs';

const DAY = 24 * 3600 * 1000;

export const OUTSIDERS = [
  { name: 'José Ñúñez', address: 'jose.nunez@correo.example' },
  { name: 'Zoë Ünal', address: 'zoe@unal.example' },
  { name: 'Łukasz Żółć', address: 'lukasz@poczta.example' },
  { name: '山田太郎', address: 'yamada@kaisha.example' },
  { name: 'Αλέξης Παπαδόπουλος', address: 'alexis@example.gr' },
  { name: 'Søren Kierkegaard', address: 'soren@post.example' },
  { name: "Siobhán O'Neill", address: 'siobhan@example.ie' },
  { name: 'Priya Raman', address: 'priya@example.in' },
];

const NEWSLETTERS = [
  { name: 'Sealpost Weekly', address: 'news@newsletter.example' },
  { name: 'Café Büro — Angebote', address: 'angebote@cafe-buero.example' },
];

const SUBJECTS = [
  'Lunch on Thursday?', 'Budget numbers for Q3', 'Quick question about the release', 'Notes from Montag’s meeting',
  'Café order for the offsite ☕', 'Travel plans: Zürich → Kraków', 'Can you review the draft?', 'Server maintenance window',
  'Résumé of the new candidate', 'Invoice 2026-0412', 'Photos from the team day 📷', 'Re: parking permits',
  'Welcome our new colleague Zoë', 'Änderung im Dienstplan', 'Agenda for the board review', 'Password policy update',
  'Printer on 3rd floor 🖨️', 'Customer feedback — Øresund project', 'Holiday schedule', 'Training: secure email basics',
  '会議の議事録', 'Ερωτήσεις για το έργο', 'Spotkanie w piątek', 'Contract renewal', 'Bug 4711: attachments too large',
];

const SENTENCES = [
  'Thanks for the quick turnaround on this.', 'Could you have a look before Friday?', 'I have attached the latest version.',
  'Let me know if anything is unclear.', 'We agreed to revisit this next week.', 'The numbers look better than expected.',
  'Ich melde mich morgen noch einmal.', '¿Podemos hablar mañana por la mañana?', 'Merci pour ton aide précieuse !',
  'The meeting room is booked from 10:00 to 11:30.', 'Please keep this internal for now.', 'I will forward it to the team.',
  'Kind regards from Ødegård’s office.', 'No rush — whenever you get to it.', 'See the table below for details.',
];

/** mulberry32: a small deterministic PRNG, so the demo mailboxes are the same on every machine. */
function prng(seedText) {
  let a = [...seedText].reduce((h, c) => Math.imul(h ^ c.codePointAt(0), 2654435761) >>> 0, 1779033703);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const person = (u) => ({ name: u.fullName, address: emailOf(u) });

/**
 * @typedef {{ folder: string, flags: string[], date: Date, raw: Buffer, subject: string }} PlannedMessage
 * @param {typeof DEMO_USERS} users
 * @param {number} now epoch ms
 * @returns {Map<string, PlannedMessage[]>} per user name
 */
export function planSeedMail(users, now) {
  const plan = new Map(users.map((u) => [u.name, []]));
  const add = (user, folder, spec, flags = []) =>
    plan.get(user.name).push({ folder, flags, date: spec.date, raw: buildMessage(spec), subject: spec.subject });
  const deliver = (spec, sender, recipients) => {
    // The sender keeps a copy in Sent; each demo recipient finds it in the Inbox.
    if (sender) add(sender, 'Sent', spec, ['\\Seen']);
    for (const r of recipients) if (r !== sender) add(r, 'INBOX', spec, seenFlags(spec.date, now, r.name + spec.messageId));
  };

  longThread(users, now, deliver);
  for (const user of users) {
    const rnd = prng(`seed/${user.name}`);
    const pick = (list) => list[Math.floor(rnd() * list.length)];
    const others = users.filter((u) => u !== user);
    const body = (n) => Array.from({ length: n }, () => pick(SENTENCES)).join(' ');

    add(user, 'INBOX', welcome(user, now), []);

    for (let i = 0; i < 200; i++) {
      const date = new Date(now - Math.floor(rnd() ** 1.5 * 365 * DAY) - 3600 * 1000);
      const fromDemo = rnd() < 0.4;
      const from = fromDemo ? person(pick(others)) : pick(OUTSIDERS);
      const kind = rnd();
      const spec = {
        from,
        to: [person(user)],
        cc: rnd() < 0.15 ? [person(pick(others))] : [],
        subject: pick(SUBJECTS),
        date,
        messageId: `seed-${user.name}-${i}@${DEMO_DOMAIN}`,
        text: `Hi ${user.fullName.split(' ')[0]},\n\n${body(2 + Math.floor(rnd() * 5))}\n\n${from.name}`,
      };
      if (kind < 0.12) {
        spec.html = newsletterHtml(spec.subject, body(4));
        spec.from = pick(NEWSLETTERS);
        spec.extraHeaders = [['List-Unsubscribe', `<mailto:unsubscribe@${spec.from.address.split('@')[1]}>`]];
      } else if (kind < 0.3) {
        spec.attachments = [sampleAttachment(pick, i, date, from.address)];
      } else if (kind < 0.35) {
        spec.html = `<p>${escapeHtml(body(2))}</p><p><img src="cid:chart-${i}@sealpost" alt="Chart" width="120" height="60"></p>`;
        spec.attachments = [{ filename: 'chart.png', contentType: 'image/png', content: samplePng(120, 60), cid: `chart-${i}@sealpost` }];
      }
      add(user, 'INBOX', spec, seenFlags(date, now, `${user.name}/${i}`));
    }

    // Short threads: someone writes, the user answers (Sent), they answer back (Inbox).
    for (let t = 0; t < 12; t++) {
      const other = others[t % others.length];
      const subject = pick(SUBJECTS);
      let date = new Date(now - Math.floor(rnd() * 200 * DAY) - DAY);
      const ids = [];
      for (let k = 0; k < 3; k++) {
        const mine = k % 2 === 1;
        const id = `thread-${user.name}-${t}-${k}@${DEMO_DOMAIN}`;
        const spec = {
          from: person(mine ? user : other),
          to: [person(mine ? other : user)],
          subject: k === 0 ? subject : `Re: ${subject}`,
          date,
          messageId: id,
          inReplyTo: ids.at(-1),
          references: [...ids],
          text: `${body(2)}\n\n${k > 0 ? `> ${body(1)}\n` : ''}`,
        };
        add(user, mine ? 'Sent' : 'INBOX', spec, mine ? ['\\Seen'] : seenFlags(date, now, id));
        ids.push(id);
        date = new Date(date.getTime() + Math.floor(rnd() * 20 * 3600 * 1000) + 600000);
      }
    }

    for (let i = 0; i < 25; i++) {
      const to = pick(rnd() < 0.5 ? others.map(person) : OUTSIDERS);
      const date = new Date(now - Math.floor(rnd() * 300 * DAY));
      add(user, 'Sent', { from: person(user), to: [to], subject: pick(SUBJECTS), date, messageId: `sent-${user.name}-${i}@${DEMO_DOMAIN}`, text: body(3) }, ['\\Seen']);
    }
    for (let i = 0; i < 8; i++) {
      const date = new Date(now - Math.floor((200 + rnd() * 160) * DAY));
      add(user, 'Archive', { from: pick(OUTSIDERS), to: [person(user)], subject: `[Archived] ${pick(SUBJECTS)}`, date, messageId: `archive-${user.name}-${i}@${DEMO_DOMAIN}`, text: body(3) }, ['\\Seen']);
    }
    for (let i = 0; i < 2; i++) {
      add(user, 'Drafts', { from: person(user), to: [person(others[i])], subject: i ? 'Draft: ideas for the offsite' : 'Unfinished: reply to José', date: new Date(now - (i + 1) * 3600 * 1000), messageId: `draft-${user.name}-${i}@${DEMO_DOMAIN}`, text: `${body(1)}\n\n(to be continued)` }, ['\\Seen', '\\Draft']);
    }
    for (let i = 0; i < 5; i++) {
      const date = new Date(now - Math.floor(rnd() * 30 * DAY));
      add(user, 'Junk', { from: { name: 'Prize Department', address: `winner${i}@lottery.example` }, to: [person(user)], subject: 'You have won 1.000.000 €!!!', date, messageId: `junk-${user.name}-${i}@${DEMO_DOMAIN}`, html: '<h1>Congratulations!</h1><p><a href="http://lottery.example/claim">Claim now</a></p><img src="http://lottery.example/track.gif">' }, []);
      add(user, 'Trash', { from: pick(OUTSIDERS), to: [person(user)], subject: `Old: ${pick(SUBJECTS)}`, date, messageId: `trash-${user.name}-${i}@${DEMO_DOMAIN}`, text: body(2) }, ['\\Seen']);
    }
  }
  for (const list of plan.values()) list.sort((a, b) => a.date - b.date);
  return plan;
}

// The older a message, the likelier it was read; some are flagged. Deterministic per message.
function seenFlags(date, now, key) {
  const r = prng(`flags/${key}`)();
  const flags = [];
  if (now - date.getTime() > 3 * DAY ? r < 0.92 : r < 0.3) flags.push('\\Seen');
  if (r > 0.95) flags.push('\\Flagged');
  return flags;
}

function welcome(user, now) {
  const first = user.fullName.split(' ')[0];
  const text = `Hello ${first},

this is the Sealpost demo. Your mailbox holds a few hundred sample messages: threads with the other
demo users, newsletters with remote images (blocked until you allow them), attachments and
messages in many languages.

Your S/MIME certificate and key are in .devstack/demo/pki/users/${user.name}.p12 (password
${user.p12Password}). The other demo users are alice, bob, carol, dave (revoked certificate)
and erin (expired certificate); each one's password is <name>-pass.

Have fun,
The Sealpost team`;
  return {
    from: { name: 'Sealpost', address: `postmaster@${DEMO_DOMAIN}` },
    to: [person(user)],
    subject: `Welcome to Sealpost, ${first}!`,
    date: new Date(now - 5 * 60 * 1000),
    messageId: `welcome-${user.name}@${DEMO_DOMAIN}`,
    text,
  };
}

// One long conversation among every demo user (10 messages, each to all the others).
function longThread(users, now, deliver) {
  const rnd = prng('long-thread');
  const subject = 'Q4 roadmap: décisions finales 🚀';
  const ids = [];
  let date = now - 20 * DAY;
  for (let k = 0; k < 10; k++) {
    const sender = users[k % users.length];
    const id = `roadmap-${k}@${DEMO_DOMAIN}`;
    const spec = {
      from: person(sender),
      to: users.filter((u) => u !== sender).map(person),
      subject: k === 0 ? subject : `Re: ${subject}`,
      date: new Date(date),
      messageId: id,
      inReplyTo: ids.at(-1),
      references: [...ids],
      text: `${SENTENCES[k % SENTENCES.length]} ${SENTENCES[(k * 7) % SENTENCES.length]}\n\n${sender.fullName}`,
    };
    deliver(spec, sender, users);
    ids.push(id);
    date += Math.floor((0.2 + rnd()) * DAY);
  }
}

function sampleAttachment(pick, i, date, organizer) {
  const kind = pick(['pdf', 'png', 'csv', 'ics', 'txt', 'eml']);
  switch (kind) {
    case 'pdf':
      return { filename: pick(['Invoice 2026-0412.pdf', 'Bericht Größe.pdf', 'Contrat signé.pdf']), contentType: 'application/pdf', content: samplePdf(`Sealpost demo document ${i}`) };
    case 'png':
      return { filename: pick(['team-day.png', 'Screenshot 2026-10-01.png', 'Øresund.png']), contentType: 'image/png', content: samplePng(64 + (i % 5) * 16, 48) };
    case 'csv':
      return { filename: 'report.csv', contentType: 'text/csv', content: sampleCsv([['Month', 'Revenue', 'Note'], ['Jan', '1200', 'ok'], ['Feb', '1350', 'Ümsatz "gut"']]) };
    case 'ics':
      return { filename: 'invite.ics', contentType: 'text/calendar', content: sampleIcs({ uid: `ev-${i}@sealpost.test`, summary: 'Project sync', start: date, minutes: 30, organizer }) };
    case 'txt':
      return { filename: 'notes – draft.txt', contentType: 'text/plain', content: Buffer.from('Notes\r\n- first point\r\n- zweiter Punkt\r\n', 'utf8') };
    default:
      return {
        filename: 'Forwarded message.eml',
        contentType: 'message/rfc822',
        content: buildMessage({ from: { name: 'Priya Raman', address: 'priya@example.in' }, to: ['team@sealpost.test'], subject: 'Original announcement', date, messageId: `fwd-${i}@example.in`, text: 'This is the forwarded original.' }),
      };
  }
}

const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function newsletterHtml(subject, text) {
  return `<!doctype html><html><body style="margin:0;background:#f3f4f6;font-family:Arial,sans-serif">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="600" style="background:#ffffff;border-radius:8px">
<tr><td style="padding:24px;background:#1e3a8a;color:#fff;font-size:22px">${escapeHtml(subject)}</td></tr>
<tr><td style="padding:24px;color:#111827;font-size:15px;line-height:1.5">${escapeHtml(text)}</td></tr>
<tr><td style="padding:24px"><img src="http://example.com/pixel.png" width="1" height="1" alt="">
<a href="https://example.com/read-more" style="color:#1e40af">Read more</a></td></tr>
</table></td></tr></table></body></html>`;
}

export function seedMarkerPath(inst) {
  return path.join(inst.stateDir, 'seeded.json');
}

/**
 * Seeds the instance's mailboxes once (a marker file records it).
 * @returns {Promise<Record<string, Record<string, number>>>} message counts per user and folder
 */
export async function ensureSeeded(inst, { users = DEMO_USERS, now = Date.now() } = {}) {
  const marker = seedMarkerPath(inst);
  if (fs.existsSync(marker)) return JSON.parse(fs.readFileSync(marker, 'utf8')).counts;
  const plan = planSeedMail(users, now);
  const counts = {};
  await Promise.all(
    users.map(async (user) => {
      const client = new ImapFlow({ host: inst.host, port: inst.ports.imap, secure: false, auth: { user: user.name, pass: user.password }, logger: false });
      await client.connect();
      try {
        const perFolder = {};
        for (const m of plan.get(user.name)) {
          const res = await client.append(m.folder, m.raw, m.flags, m.date);
          if (!res) throw new Error(`APPEND to ${user.name}/${m.folder} failed`);
          perFolder[m.folder] = (perFolder[m.folder] ?? 0) + 1;
        }
        counts[user.name] = perFolder;
      } finally {
        await client.logout();
      }
    }),
  );
  fs.writeFileSync(marker, JSON.stringify({ seededAt: new Date(now).toISOString(), counts }, null, 2) + '\n');
  return counts;
}
