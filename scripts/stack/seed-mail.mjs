// Seeds each demo user's mailbox over IMAP with a few hundred realistic messages from the last
// twelve months: threads among the demo users (each message in the sender's Sent and the
// recipients' Inbox), correspondents writing in many languages and scripts, HTML newsletters
// with a remote image the webmail must block, notifications, attachments of common types, an
// inline cid: image, a forwarded message. planSeedMail is a pure function of (users, now), so
// the mailboxes are the same on every machine and the plan is unit-tested.
import fs from 'node:fs';
import path from 'node:path';

import { ImapFlow } from 'imapflow';

import { DEMO_DOMAIN, DEMO_USERS, emailOf } from './demo-users.mjs';
import { REPO_ROOT } from './instance.mjs';
import { prng } from './prng.mjs';
import { buildMessage } from './mail-factory.mjs';
import { sampleCsv, sampleIcs, samplePdf, samplePng } from './sample-files.mjs';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Correspondents outside the demo domain; each writes in their own language. */
export const OUTSIDERS = [
  { name: 'José Ñúñez', address: 'jose.nunez@correo.example', lang: 'es' },
  { name: 'Zoë Ünal', address: 'zoe.unal@buero.example', lang: 'de' },
  { name: 'Łukasz Żółć', address: 'lukasz@poczta.example', lang: 'pl' },
  { name: '山田太郎', address: 'yamada@kaisha.example', lang: 'ja' },
  { name: 'Αλέξης Παπαδόπουλος', address: 'alexis@grafeio.example', lang: 'el' },
  { name: 'مريم الحسيني', address: 'mariam@sharika.example', lang: 'ar' },
  { name: 'Søren Løvborg', address: 'soren@firma.example', lang: 'da' },
  { name: "Siobhán O'Neill", address: 'siobhan@consultancy.example', lang: 'en' },
  { name: 'Priya Raman', address: 'priya@partner.example', lang: 'en' },
];

/** Per language: greeting, body paragraphs, sign-off, and subjects. */
const LANG = {
  en: { hi: (n) => `Hi ${n},`, bye: 'Best regards,', subjects: ['Partnership proposal', 'Follow-up from our call', 'Conference in Galway', 'Question about your invoice', 'Slides for next week'],
    paras: ['Thanks for taking the time to talk yesterday. I have summarised the main points below so we are on the same page.', 'Could you send me the signed copy by the end of the week? Our legal team is waiting for it.', 'I am travelling on Tuesday and Wednesday, but I will read my mail in the evening.', 'Attached you will find the figures we discussed. Let me know if anything looks off.'] },
  es: { hi: (n) => `Hola ${n}:`, bye: 'Un saludo,', subjects: ['Presupuesto para la conferencia', 'Reunión del próximo martes', '¿Revisaste el contrato?'],
    paras: ['¿Podrías enviarme el presupuesto actualizado antes del viernes? Necesitamos cerrar la reserva del auditorio.', 'Te adjunto el acta de la última reunión. Falta la parte de logística, que completaré mañana.', 'Mañana por la mañana estoy en la oficina de Málaga; llámame si hace falta.'] },
  de: { hi: (n) => `Hallo ${n},`, bye: 'Viele Grüße', subjects: ['Termin für den Workshop', 'Änderung im Dienstplan', 'Rückfrage zur Rechnung'],
    paras: ['könnten wir den Workshop auf Donnerstag verschieben? Am Mittwoch ist der Raum leider schon belegt.', 'anbei die überarbeitete Fassung. Die Änderungen sind gelb markiert, größere Umstellungen habe ich kommentiert.', 'Ich bin ab Montag wieder im Büro und melde mich dann ausführlicher.'] },
  pl: { hi: (n) => `Cześć ${n},`, bye: 'Pozdrawiam serdecznie,', subjects: ['Spotkanie w piątek — pytania', 'Zamówienie nr 4711', 'Prośba o ofertę'],
    paras: ['czy możemy przesunąć spotkanie na piątek o 10:00? W czwartek mam szkolenie przez cały dzień.', 'w załączniku przesyłam poprawioną wersję umowy. Zmiany dotyczą głównie terminów płatności.', 'Dziękuję za szybką odpowiedź, wszystko jest już jasne.'] },
  ja: { hi: (n) => `${n}様`, bye: 'よろしくお願いいたします。', subjects: ['来週の打ち合わせについて', '見積書の送付', '資料の確認のお願い'],
    paras: ['お世話になっております。来週の打ち合わせの日程について、火曜日の午後はいかがでしょうか。', '先日ご依頼いただいた資料を添付いたします。ご確認のほど、よろしくお願いいたします。', 'ご不明な点がございましたら、お気軽にお問い合わせください。'] },
  el: { hi: (n) => `Γεια σου ${n},`, bye: 'Φιλικά,', subjects: ['Ερωτήσεις για το έργο', 'Συνάντηση την Πέμπτη', 'Τιμολόγιο Οκτωβρίου'],
    paras: ['έχω μερικές ερωτήσεις για το χρονοδιάγραμμα του έργου. Μπορούμε να μιλήσουμε αύριο το πρωί;', 'σου στέλνω συνημμένα τα σχόλιά μας για το προσχέδιο. Τα περισσότερα είναι μικρές διορθώσεις.', 'Ευχαριστώ πολύ για τη βοήθεια!'] },
  ar: { hi: (n) => `مرحباً ${n}،`, bye: 'مع أطيب التحيات،', subjects: ['ملاحظات حول العرض', 'موعد الاجتماع القادم'],
    paras: ['شكراً على العرض التقديمي أمس. لدينا بعض الملاحظات حول الجدول الزمني والميزانية.', 'هل يمكننا تحديد موعد للاجتماع القادم يوم الأحد؟'] },
  da: { hi: (n) => `Hej ${n},`, bye: 'Venlig hilsen', subjects: ['Møde om Øresund-projektet', 'Kommentarer til udkastet'],
    paras: ['tak for udkastet. Jeg har et par kommentarer til afsnittet om økonomi, som jeg gerne vil gennemgå med dig.', 'kan vi mødes på torsdag kl. 14? Jeg booker et mødelokale på kontoret i København.'] },
};

/** Conversations between demo users: a subject and the messages of the thread, in order. */
const TOPICS = [
  ['Lunch on Thursday?', ['Anyone up for lunch on Thursday? The new Vietnamese place on Hauptstraße has good reviews.', 'Count me in. 12:30 works for me.', 'Great, I booked a table for four at 12:30.', 'See you there!']],
  ['Budget numbers for Q3', ['Finance needs our Q3 numbers by Friday. Could you check the travel line? It looks high.', 'The travel line includes the Zürich offsite; without it we are under budget.', 'Thanks, I added a note to the sheet.']],
  ['Can you review the draft?', ['I put the draft of the security whitepaper in the shared folder. Could you review sections 2 and 3?', 'Done. Section 3 needs a paragraph on certificate revocation; the rest reads well.', 'Good catch. I will add it and send the final version tomorrow.', 'Looks good now. Ship it!']],
  ['Server maintenance window', ['The mail server gets its upgrade on Saturday between 06:00 and 08:00 UTC. IMAP will be unavailable for about 20 minutes.', 'Noted. Will the old certificates still work afterwards?', 'Yes, nothing changes for S/MIME. Only the TLS certificate of the server is renewed.']],
  ['Travel plans: Zürich → Kraków', ['I am booking the trip to the Kraków meeting. Train via Vienna or a flight?', 'The night train is nicer and not much slower. I would take it.', 'Night train it is. I booked two couchettes.']],
  ['Printer on the 3rd floor 🖨️', ['The printer on the 3rd floor is jammed again. Has anyone called facilities?', 'I did this morning; they are coming after lunch.', 'Fixed. It was a paper clip.']],
  ['Holiday schedule', ['Please put your holidays for December into the team calendar by the end of the month.', 'Done. I am off from the 22nd to the 2nd.', 'Thanks! We still have cover for every week.']],
  ['Customer feedback: encrypted mail', ['The customer says encrypted replies sometimes arrive unreadable in their old client. Any idea?', 'Probably 3DES vs AES: their client advertises only AES-CBC. I will check the capabilities in their certificate.', 'Confirmed, it was the capabilities. Fixed in the next release.']],
  ['Welcome our new colleague Zoë', ['Zoë starts on Monday in the support team. Please say hello when you see her!', 'Welcome aboard, Zoë!', 'Thank you all, very happy to be here.']],
  ['Training: secure email basics', ['The secure email training is on the 14th at 10:00 in room 2.17. It covers signing, encryption and spotting phishing.', 'Will there be a recording for those who cannot attend?', 'Yes, we will record it and share the link afterwards.']],
];

const SINGLE_SUBJECTS = ['Quick question', 'Notes from Monday’s meeting', 'Café order for the offsite ☕', 'Photos from the team day 📷', 'Re: parking permits', 'Password policy update', 'Agenda for the board review', 'Contract renewal', 'Bug 4711: attachments too large', 'Document for signature ✍️', 'Résumé of the new candidate', 'FYI: new office hours', 'Reminder: expense reports 🧾', 'Small favour', 'Out of office next week 🌴'];
const ENGLISH_PARAS = ['Thanks for the quick turnaround on this.', 'Could you have a look before Friday?', 'I have attached the latest version.', 'Let me know if anything is unclear.', 'We agreed to revisit this next week.', 'The numbers look better than expected.', 'The meeting room is booked from 10:00 to 11:30.', 'Please keep this internal for now.', 'I will forward it to the team.', 'No rush, whenever you get to it.', 'See the table below for details.', 'I talked to the vendor and they can deliver by the end of the month.'];

const NEWSLETTERS = [
  { from: { name: 'Sealpost Weekly', address: 'weekly@newsletter.example' }, title: 'This week in secure email', items: ['Why S/MIME signatures still matter', 'Certificate revocation explained in five minutes', 'Tip: check the sender’s certificate before you reply'] },
  { from: { name: 'Café Büro — Angebote', address: 'angebote@cafe-buero.example' }, title: 'Frische Angebote für Ihr Büro ☕', items: ['Espresso-Bohnen „Größe L“ — 20 % günstiger', 'Neue Tassen mit Ihrem Logo', 'Gratis-Lieferung ab 50 €'] },
  { from: { name: 'Open Source Digest', address: 'digest@oss-digest.example' }, title: 'Open Source Digest', items: ['A new release of your favourite IMAP server', 'Five tools for testing MIME parsers', 'Interview: maintaining a mail library for ten years'] },
];

const person = (u) => ({ name: u.fullName, address: emailOf(u) });
const firstName = (p) => (p.lang === 'ja' ? p.name.slice(0, 2) : p.name.split(' ')[0]);
const domainOf = (address) => address.split('@')[1];
const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const quote = (who, date, text) => `\n\nOn ${date.toUTCString()}, ${who.name} wrote:\n${text.split('\n').map((l) => (l.startsWith('>') ? `>${l}` : l ? `> ${l}` : '>')).join('\n')}`;

/**
 * @typedef {{ folder: string, flags: string[], date: Date, messageId: string, subject: string, raw: Buffer }} PlannedMessage
 * Every message that ensureSeeded appends, per user name, oldest first (the welcome mail last).
 * @param {import('./demo-users.mjs').DemoUser[]} [users]
 * @param {number} [now] epoch ms; all dates lie before it
 * @param {{ p12Dir?: string }} [options]  where the users' PKCS#12 files are, for the welcome text
 * @returns {Map<string, PlannedMessage[]>}
 */
export function planSeedMail(users = DEMO_USERS, now = Date.now(), { p12Dir = '.devstack/demo/pki/users' } = {}) {
  const nowS = Math.floor(now / 1000) * 1000;
  const ago = (ms) => new Date(nowS - Math.floor(ms / 1000) * 1000);
  const rnd = prng(`sealpost-seed/${users.map((u) => u.name).join(',')}`);
  const plan = new Map(users.map((u) => [u.name, []]));
  const userOf = (p) => users.find((u) => emailOf(u) === p.address);

  const file = (user, folder, spec, flags) => {
    spec.date = new Date(Math.floor(spec.date.getTime() / 1000) * 1000); // IMAP internal dates have whole seconds
    const entry = { folder, flags, date: spec.date, messageId: spec.messageId, subject: spec.subject, raw: buildMessage(spec) };
    plan.get(user.name).push(entry);
    return entry;
  };
  // Unread when recent, mostly read when older; a few flagged. Stable per message and user.
  const inboxFlags = (user, spec) => {
    const r = prng(`flags/${user.name}/${spec.messageId}`);
    const age = nowS - spec.date.getTime();
    return [...(r() < (age > 2 * DAY ? 0.93 : 0.35) ? ['\\Seen'] : []), ...(r() < 0.06 ? ['\\Flagged'] : [])];
  };
  /** Files a message as mail does: the demo sender's Sent, every demo recipient's Inbox. */
  const deliver = (spec) => {
    const sender = userOf(spec.from);
    const filed = new Map();
    if (sender) filed.set(sender.name, file(sender, 'Sent', spec, ['\\Seen']));
    for (const r of [...(spec.to ?? []), ...(spec.cc ?? [])]) {
      const u = userOf(r);
      if (u && u !== sender && !filed.has(u.name)) filed.set(u.name, file(u, 'INBOX', spec, inboxFlags(u, spec)));
    }
    return filed;
  };
  /** A thread, one message per body, the participants writing in turn, each quoting the previous one. */
  const thread = ({ id, subject, bodies, participants, start, gaps }) => {
    const ids = [];
    let prev = null;
    let date = start;
    bodies.forEach((body, k) => {
      const from = participants[k % participants.length];
      const to = participants.filter((p) => p !== from);
      const messageId = `${id}.${k}@${domainOf(from.address)}`;
      const spec = {
        from, to, date, messageId, subject: k ? `Re: ${subject}` : subject,
        inReplyTo: ids.at(-1), references: [...ids],
        text: `${greeting(from, to[0])}\n\n${body}\n\n${signOff(from)}${prev ? quote(prev.from, prev.date, prev.text) : ''}`,
      };
      const filed = deliver(spec);
      // The one who answers has answered the previous message in their Inbox.
      if (prev) prev.filed.get(userOf(from)?.name)?.flags.push('\\Answered');
      prev = { ...spec, filed };
      ids.push(messageId);
      date = new Date(date.getTime() + gaps[k]);
    });
    return { subject, ids };
  };
  const threadTimes = (n, maxAgeDays) => {
    const gaps = Array.from({ length: n }, () => Math.floor((0.2 + rnd() * 20) * HOUR));
    const span = gaps.slice(0, -1).reduce((a, b) => a + b, 0);
    return { gaps, start: ago(span + 2 * HOUR + rnd() * maxAgeDays * DAY) };
  };

  // 1. One long thread among all demo users (10 messages).
  if (users.length > 1) {
    const bodies = ['Here is my proposal for the Q4 roadmap: finish S/MIME decryption in the browser, then certificate lookup over LDAP, then the hardware token support.', 'Agreed on the order. Hardware tokens may slip; the WebUSB part needs more testing.', 'Could we move LDAP lookup first? Support gets many questions about missing recipient certificates.', 'Fine with me, LDAP first. It is the smaller piece anyway.', 'Then decryption second. I will update the plan.', 'What about revocation checks? OCSP and CRLs should be in Q4 too.', 'Yes, revocation belongs with verification. Adding it.', 'Updated plan is in the shared folder. Décisions finales, I hope 🙂', 'Looks good. One note: the demo needs a revoked and an expired certificate for testing.', 'Already there: Dave’s is revoked and Erin’s has expired. Closing this thread, thanks all!'];
    const ids = [];
    bodies.forEach((body, k) => {
      const sender = users[k % users.length];
      const messageId = `roadmap-q4.${k}@${DEMO_DOMAIN}`;
      // Every 1.6 days from 24 days ago, give or take a few hours.
      const date = ago((24 - 1.6 * k) * DAY - rnd() * 5 * HOUR);
      deliver({ from: person(sender), to: users.filter((u) => u !== sender).map(person), subject: k ? 'Re: Q4 roadmap: décisions finales 🚀' : 'Q4 roadmap: décisions finales 🚀', date, messageId, inReplyTo: ids.at(-1), references: [...ids], text: `${body}\n\n${sender.fullName}` });
      ids.push(messageId);
    });
  }

  // 2. Short threads between every pair of demo users, two per pair.
  users.forEach((a, i) => users.slice(i + 1).forEach((b, j) => {
    for (let t = 0; t < 2; t++) {
      const [subject, bodies] = TOPICS[(i * 3 + j * 2 + t * 5) % TOPICS.length];
      const times = threadTimes(bodies.length, 330);
      thread({ id: `pair-${a.name}-${b.name}-${t}`, subject, bodies, participants: t ? [person(b), person(a)] : [person(a), person(b)], ...times });
    }
  }));

  for (const user of users) {
    const me = person(user);
    const others = users.filter((u) => u !== user).map(person);
    const ur = prng(`seed/${user.name}`);
    const upick = (list) => list[Math.floor(ur() * list.length)];
    const age = (maxDays = 360) => Math.floor(2 * HOUR + ur() ** 1.4 * maxDays * DAY);

    // 3. Outside correspondents, each in their own language, and the user's answers.
    const outsideThreads = OUTSIDERS.map((o, k) => {
      const lang = LANG[o.lang];
      const bodies = [upick(lang.paras), 'Thanks, I will get back to you shortly.', upick(lang.paras)];
      return thread({ id: `ext-${user.name}-${k}`, subject: upick(lang.subjects), bodies, participants: [o, me], ...threadTimes(bodies.length, 300) });
    });

    // 4. Newsletters: HTML with tables, inline CSS and a remote tracking image.
    NEWSLETTERS.forEach((n, k) => {
      for (let w = 0; w < 9; w++) {
        const spec = {
          from: n.from, to: [me], subject: `${n.title} #${48 - w * 5}`, date: ago((w * 5 * 7 + k * 2 + ur()) * DAY + 9 * HOUR),
          messageId: `nl-${k}-${w}-${user.name}@${domainOf(n.from.address)}`, text: newsletterText(n), html: newsletterHtml(n, w),
          extraHeaders: [['List-Id', `<${domainOf(n.from.address)}>`], ['List-Unsubscribe', `<mailto:unsubscribe@${domainOf(n.from.address)}>`]],
        };
        file(user, 'INBOX', spec, inboxFlags(user, spec));
      }
    });

    // 5. Notifications: CI builds, invoices with a PDF, calendar invitations.
    for (let k = 0; k < 40; k++) {
      const date = ago(age());
      const spec = notification(k, user, me, date);
      file(user, 'INBOX', spec, inboxFlags(user, spec));
    }

    // 6. Single messages: outsiders to the user, the user to other demo users.
    for (let k = 0; k < 118; k++) {
      const from = upick(OUTSIDERS);
      const lang = LANG[from.lang];
      const date = ago(age());
      const spec = {
        from, to: [me], subject: upick([...lang.subjects, ...SINGLE_SUBJECTS]), date, messageId: `single-${user.name}-${k}@${domainOf(from.address)}`,
        text: `${lang.hi(firstName(me))}\n\n${upick(lang.paras)}\n\n${lang.bye}\n${from.name}`,
      };
      if (ur() < 0.25) spec.attachments = [sampleAttachment(upick(['pdf', 'png', 'csv', 'txt', 'ics', 'eml']), `${user.name}-${k}`, date, from)];
      file(user, 'INBOX', spec, inboxFlags(user, spec));
    }
    for (let k = 0; k < 8 && others.length; k++) {
      const to = upick(others);
      const cc = ur() < 0.3 ? others.filter((o) => o !== to).slice(0, 1) : [];
      deliver({ from: me, to: [to], cc, subject: upick(SINGLE_SUBJECTS), date: ago(age(300)), messageId: `note-${user.name}-${k}@${DEMO_DOMAIN}`, text: `Hi ${firstName(to)},\n\n${upick(ENGLISH_PARAS)} ${upick(ENGLISH_PARAS)}\n\n${firstName(me)}` });
    }
    for (let k = 0; k < 8; k++) {
      const to = upick(OUTSIDERS);
      file(user, 'Sent', { from: me, to: [to], subject: upick(LANG[to.lang].subjects), date: ago(age(300)), messageId: `out-${user.name}-${k}@${DEMO_DOMAIN}`, text: `Hello ${firstName(to)},\n\n${upick(ENGLISH_PARAS)}\n\n${signOff(me)}` }, ['\\Seen']);
    }

    // 7. Recent showcase mail, so the first screen shows the interesting cases.
    for (const spec of showcase(user, me, others, ago)) file(user, 'INBOX', spec, spec.date.getTime() > nowS - 12 * HOUR ? [] : ['\\Seen']);

    // 8. The other folders.
    for (let k = 0; k < 6; k++) {
      const from = upick(OUTSIDERS);
      file(user, 'Archive', { from, to: [me], subject: upick(LANG[from.lang].subjects), date: ago((200 + ur() * 160) * DAY), messageId: `archive-${user.name}-${k}@${domainOf(from.address)}`, text: `${LANG[from.lang].hi(firstName(me))}\n\n${upick(LANG[from.lang].paras)}\n\n${from.name}` }, ['\\Seen']);
    }
    // A reply to José, half written.
    const { subject: joseSubject, ids: joseIds } = outsideThreads[0];
    file(user, 'Drafts', { from: me, to: [OUTSIDERS[0]], subject: `Re: ${joseSubject}`, date: ago(50 * MINUTE), messageId: `draft-${user.name}-0@${DEMO_DOMAIN}`, inReplyTo: joseIds.at(-1), references: joseIds, text: 'Hola José,\n\nthe updated numbers are almost ready; I am still waiting for' }, ['\\Seen', '\\Draft']);
    file(user, 'Drafts', { from: me, to: others.slice(0, 2), subject: 'Ideas for the offsite', date: ago(2 * DAY), messageId: `draft-${user.name}-1@${DEMO_DOMAIN}`, text: '- hiking day?\n- a session on key management\n- ' }, ['\\Seen', '\\Draft']);
    for (let k = 0; k < 4; k++) {
      const date = ago((1 + ur() * 25) * DAY);
      file(user, 'Junk', junk(k, me, date, `junk-${user.name}-${k}`), k ? ['\\Seen'] : []);
      const from = upick(OUTSIDERS);
      file(user, 'Trash', { from, to: [me], subject: `Old: ${upick(SINGLE_SUBJECTS)}`, date, messageId: `trash-${user.name}-${k}@${domainOf(from.address)}`, text: upick(ENGLISH_PARAS) }, ['\\Seen']);
    }

    file(user, 'INBOX', welcome(user, users, nowS, p12Dir), []);
  }
  // Appending oldest first gives UIDs in date order, as mail that arrived over time has.
  for (const list of plan.values()) list.sort((x, y) => x.date - y.date);
  return plan;
}

function greeting(from, to) {
  if (from.lang && LANG[from.lang]) return LANG[from.lang].hi(firstName(to));
  return `Hi ${firstName(to)},`;
}

function signOff(from) {
  return from.lang && LANG[from.lang] ? `${LANG[from.lang].bye}\n${from.name}` : `Cheers,\n${firstName(from)}`;
}

function notification(k, user, me, date) {
  const kind = k % 4;
  const base = { to: [me], date, extraHeaders: [['Auto-Submitted', 'auto-generated']] };
  if (kind === 0) {
    const failed = k % 12 === 0;
    return { ...base, from: { name: 'Build Bot', address: 'ci@builds.example' }, subject: `[sealpost/web] Pipeline #${2400 + k} ${failed ? 'failed ❌' : 'passed ✅'} on main`, messageId: `ci-${user.name}-${k}@builds.example`, text: `Pipeline #${2400 + k} ${failed ? 'failed' : 'passed'} on main.\n\nStages: lint ✓  typecheck ✓  unit ${failed ? '✗' : '✓'}  integration ✓\n\nhttps://builds.example/sealpost/web/pipelines/${2400 + k}` };
  }
  if (kind === 1) {
    const number = `2026-${String(400 + k).padStart(4, '0')}`;
    return { ...base, from: { name: 'Buchhaltung Müller & Söhne', address: 'rechnung@mueller-soehne.example' }, subject: `Ihre Rechnung Nr. ${number}`, messageId: `invoice-${user.name}-${k}@mueller-soehne.example`, text: `Sehr geehrte Damen und Herren,\n\nim Anhang erhalten Sie unsere Rechnung Nr. ${number}.\n\nMit freundlichen Grüßen\nMüller & Söhne GmbH`, attachments: [{ filename: `Rechnung ${number}.pdf`, contentType: 'application/pdf', content: samplePdf(`Rechnung ${number}: 1.234,56 EUR`) }] };
  }
  if (kind === 2) {
    const start = new Date(date.getTime() + 3 * DAY);
    return { ...base, from: { name: 'Team Calendar', address: `calendar@${DEMO_DOMAIN}` }, subject: `Invitation: Project sync @ ${start.toUTCString().slice(0, 16)}`, messageId: `cal-${user.name}-${k}@${DEMO_DOMAIN}`, text: `You have been invited to "Project sync" on ${start.toUTCString()} (30 minutes).`, attachments: [{ filename: 'invite.ics', contentType: 'text/calendar; method=REQUEST; charset=utf-8', content: sampleIcs({ uid: `sync-${user.name}-${k}@${DEMO_DOMAIN}`, summary: 'Project sync', start, minutes: 30, organizer: `calendar@${DEMO_DOMAIN}` }) }] };
  }
  return { ...base, from: { name: 'Account Security', address: 'security@accounts.example' }, subject: 'New sign-in to your account', messageId: `signin-${user.name}-${k}@accounts.example`, text: `We noticed a new sign-in to your account from Firefox on Linux.\n\nIf this was you, there is nothing to do. If not, change your password now.`, html: `<p>We noticed a new sign-in to your account from <b>Firefox on Linux</b>.</p><p>If this was you, there is nothing to do. If not, <a href="https://accounts.example/security">change your password now</a>.</p>` };
}

/** A small attachment of the given kind (pdf, png, csv, txt, ics, eml). */
export function sampleAttachment(kind, key, date, sender) {
  switch (kind) {
    case 'pdf': return { filename: 'Contrat signé — version finale.pdf', contentType: 'application/pdf', content: samplePdf(`Sealpost demo document ${key}`) };
    case 'png': return { filename: 'Øresund-bridge.png', contentType: 'image/png', content: samplePng(96, 64) };
    case 'csv': return { filename: 'report-Q3.csv', contentType: 'text/csv; charset=utf-8', content: sampleCsv([['Month', 'Revenue', 'Note'], ['Jul', '1200', 'ok'], ['Aug', '1350', 'Umsatz "gut"'], ['Sep', '980', 'Ferien, Ümsatz tief']]) };
    case 'txt': return { filename: 'notes – draft.txt', contentType: 'text/plain; charset=utf-8', content: Buffer.from('Notes\r\n- first point\r\n- zweiter Punkt: Größe prüfen\r\n', 'utf8') };
    case 'ics': return { filename: 'meeting.ics', contentType: 'text/calendar; method=REQUEST; charset=utf-8', content: sampleIcs({ uid: `ev-${key}@${domainOf(sender.address)}`, summary: 'Meeting', start: new Date(date.getTime() + 2 * DAY), minutes: 60, organizer: sender.address }) };
    default: return { filename: 'Original announcement.eml', contentType: 'message/rfc822', content: buildMessage({ from: { name: 'Priya Raman', address: 'priya@partner.example' }, to: ['team@partner.example'], subject: 'Announcement: new office in Zürich', date: new Date(date.getTime() - 3 * DAY), messageId: `announce-${key}@partner.example`, text: 'We are opening a new office in Zürich next spring. Details to follow.' }) };
  }
}

function showcase(user, me, others, ago) {
  const colleague = others[0] ?? { name: 'Carol Müller', address: `carol@${DEMO_DOMAIN}` };
  const id = (s) => `${s}-${user.name}@${DEMO_DOMAIN}`;
  const photo = samplePng(160, 90, [20, 120, 80], [250, 220, 120]);
  return [
    { from: colleague, to: [me], subject: 'Photos from the team day 📷', date: ago(3 * HOUR), messageId: id('team-photo'),
      text: 'The best photo from the team day is below. More in the shared folder!',
      html: '<p>The best photo from the team day:</p><p><img src="cid:team-day@sealpost.test" alt="Team day" width="160" height="90"></p><p>More in the shared folder!</p>',
      attachments: [{ filename: 'team-day.png', contentType: 'image/png', content: photo, cid: 'team-day@sealpost.test' }] },
    { from: OUTSIDERS[8], to: [me], cc: others.slice(0, 1), subject: 'Quarterly documents 📎 (PDF, CSV, image, calendar, notes)', date: ago(7 * HOUR), messageId: `quarterly-${user.name}@partner.example`,
      text: `Hi ${firstName(me)},\n\nall documents for the quarterly review are attached: the contract, the figures, a photo of the whiteboard, the invitation and my notes.\n\nBest regards,\nPriya`,
      attachments: ['pdf', 'csv', 'png', 'ics', 'txt'].map((k) => sampleAttachment(k, `q-${user.name}`, ago(7 * HOUR), OUTSIDERS[8])) },
    { from: colleague, to: [me], subject: 'Fwd: Announcement: new office in Zürich', date: ago(26 * HOUR), messageId: id('fwd'),
      text: 'FYI, see the forwarded announcement below.', attachments: [sampleAttachment('eml', `fwd-${user.name}`, ago(26 * HOUR), OUTSIDERS[8])] },
    { from: OUTSIDERS[3], to: [me], subject: '来週の打ち合わせについて 🗓️', date: ago(30 * HOUR), messageId: `meeting-${user.name}@kaisha.example`,
      text: `${firstName(me)}様\n\nお世話になっております。山田です。\n来週の打ち合わせですが、火曜日の14時からでいかがでしょうか。\n\nよろしくお願いいたします。\n山田太郎` },
  ];
}

function junk(k, me, date, id) {
  const offers = [
    ['You have won 1.000.000 €!!! 🎉', 'Congratulations!', 'Claim your prize now'],
    ['Your mailbox is almost full', 'Mailbox quota exceeded', 'Verify your account'],
    ['Cheap watches — 90% off ⌚', 'Luxury for less', 'Shop now'],
    ['Invoice overdue: pay within 24 hours', 'Final notice', 'Pay now'],
  ][k % 4];
  const site = `http://offers${k}.example`;
  return { from: { name: 'Prize Department', address: `winner${k}@lottery.example` }, to: [me], subject: offers[0], date, messageId: `${id}@lottery.example`,
    html: `<h1 style="color:#c00">${offers[1]}</h1><p><a href="${site}/claim">${offers[2]}</a></p><img src="${site}/track.gif" width="1" height="1">` };
}

function newsletterText(n) {
  return `${n.title}\n\n${n.items.map((i) => `* ${i}`).join('\n')}\n\nRead more: https://example.com/read-more\nUnsubscribe: https://example.com/unsubscribe`;
}

function newsletterHtml(n, issue) {
  const rows = n.items.map((item, i) => `<tr><td style="padding:12px 24px;border-bottom:1px solid #e5e7eb"><table role="presentation" width="100%"><tr>
<td width="48" style="font-size:28px;color:#1e40af;font-weight:bold">${i + 1}</td>
<td style="font-size:15px;line-height:1.5;color:#111827"><a href="https://example.com/articles/${issue}-${i}" style="color:#1e40af;text-decoration:none">${escapeHtml(item)}</a></td></tr></table></td></tr>`).join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(n.title)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;font-family:Helvetica,Arial,sans-serif">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6"><tr><td align="center" style="padding:24px 0">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:8px;overflow:hidden">
<tr><td style="padding:24px;background:#1e3a8a;color:#ffffff;font-size:22px;font-weight:bold">${escapeHtml(n.title)}</td></tr>
${rows}
<tr><td style="padding:24px;font-size:12px;color:#6b7280">You receive this because you subscribed with ${escapeHtml(n.from.address)}.
<a href="https://example.com/unsubscribe" style="color:#6b7280">Unsubscribe</a>
<img src="http://example.com/pixel.png" width="1" height="1" alt="" style="display:block;border:0"></td></tr>
</table></td></tr></table></body></html>`;
}

function welcome(user, users, now, p12Dir) {
  const first = user.fullName.split(' ')[0];
  const others = users.filter((u) => u !== user).map((u) => `${u.name} (${emailOf(u)}, password ${u.password}${u.certStatus === 'valid' ? '' : `, certificate ${u.certStatus}`})`);
  const p12 = `${p12Dir}/${user.name}.p12`;
  const text = `Hello ${first},

welcome to the Sealpost demo. Sealpost is a webmail for S/MIME: signing, verifying, encrypting
and decrypting happen in your browser; the server only moves mail over IMAP and SMTP.

What is in this mailbox
- Generated sample mail from the last twelve months: conversations with the other demo users
  (one long thread, "Q4 roadmap"), mail in many languages and scripts, newsletters,
  notifications, and attachments (PDF, PNG, CSV, text, calendar invitations, a forwarded message).
- The newsletters load a remote image. Sealpost blocks remote content, so senders cannot see
  when you read their mail.
- Sent, Drafts, Archive, Junk and Trash hold a few messages each.
None of this mail is signed or encrypted: send some S/MIME mail yourself.

Try S/MIME
- Your certificate and private key: ${p12} (password ${user.p12Password}).
- The other demo users: ${others.join('; ')}.
- A revoked or expired certificate cannot be used for encryption: try writing to dave or erin.

Everything runs on this machine, on 127.0.0.1.

The Sealpost demo`;
  const html = `<div style="font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;max-width:640px">${text
    .split('\n\n')
    .map((para) => `<p>${escapeHtml(para).replace(/\n(?=- )/g, '<br>').replace(/\n(?!- )/g, ' ')}</p>`)
    .join('\n')}</div>`;
  return { from: { name: 'Sealpost', address: `postmaster@${DEMO_DOMAIN}` }, to: [person(user)], subject: `Welcome to Sealpost, ${first}!`, date: new Date(now - 5 * MINUTE), messageId: `welcome-${user.name}@${DEMO_DOMAIN}`, text, html };
}

/** @returns {Record<string, Record<string, number>>} messages per user and folder */
export function countPlan(plan) {
  const counts = {};
  for (const [name, list] of plan) {
    counts[name] = {};
    for (const m of list) counts[name][m.folder] = (counts[name][m.folder] ?? 0) + 1;
  }
  return counts;
}

export function seedMarkerPath(inst) {
  return path.join(inst.stateDir, 'seeded.json');
}

/**
 * Seeds the instance's mailboxes unless its marker file says that was done. An interrupted run
 * resumes: messages already in a folder (same Message-ID) are not appended again.
 * @param {ReturnType<import('./instance.mjs').resolveInstance>} inst
 * @param {{ users?: import('./demo-users.mjs').DemoUser[], now?: number }} [options]
 * @returns {Promise<Record<string, Record<string, number>>>} messages per user and folder
 */
export async function ensureSeeded(inst, { users = DEMO_USERS, now = Date.now() } = {}) {
  const marker = seedMarkerPath(inst);
  if (fs.existsSync(marker)) return JSON.parse(fs.readFileSync(marker, 'utf8')).counts;
  const t0 = Date.now();
  // The same folder scripts/stack/pki.mjs writes to; relative when inside the checkout.
  const p12Dir = path.join(inst.dirs.pki, 'users');
  const relative = path.relative(REPO_ROOT, p12Dir);
  const plan = planSeedMail(users, now, { p12Dir: relative.startsWith('..') ? p12Dir : relative });
  await Promise.all(users.map((user) => seedUser(inst, user, plan.get(user.name))));
  const counts = countPlan(plan);
  fs.mkdirSync(inst.stateDir, { recursive: true });
  fs.writeFileSync(marker, JSON.stringify({ seededAt: new Date(now).toISOString(), ms: Date.now() - t0, counts }, null, 2) + '\n');
  return counts;
}

async function seedUser(inst, user, messages) {
  const client = new ImapFlow({ host: inst.host, port: inst.ports.imap, secure: false, auth: { user: user.name, pass: user.password }, logger: false });
  try {
    await client.connect();
    const folders = [...new Set(messages.map((m) => m.folder))];
    const existing = new Set((await client.list()).map((m) => m.path));
    const present = new Set();
    for (const folder of folders) {
      if (!existing.has(folder)) {
        await client.mailboxCreate(folder);
        continue;
      }
      const { messages: n } = await client.status(folder, { messages: true });
      if (!n) continue;
      await client.mailboxOpen(folder, { readOnly: true });
      for await (const m of client.fetch('1:*', { envelope: true })) present.add(`${folder}\n${m.envelope?.messageId}`);
      await client.mailboxClose();
    }
    for (const m of messages) {
      if (present.has(`${m.folder}\n<${m.messageId}>`)) continue;
      if (!(await client.append(m.folder, m.raw, m.flags, m.date))) throw new Error(`APPEND to ${m.folder} was refused`);
    }
    await client.logout();
  } catch (e) {
    client.close();
    throw new Error(`seeding the mailbox of ${user.name} failed: ${e.message}`, { cause: e });
  }
}
