// The signingTime attribute (RFC 5652 11.3): UTCTime for 1950-2049, GeneralizedTime otherwise,
// always in UTC with seconds and without fractions.
import * as asn1js from 'asn1js';

import { SmimeError } from '../../errors';

export function encodeSigningTime(time: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  if (Number.isNaN(time.getTime())) throw new SmimeError('invalid-argument', 'The signing time is not a valid date.');
  const text = time.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:T]/g, '');
  const year = time.getUTCFullYear();
  if (year >= 1950 && year < 2050) return new asn1js.UTCTime({ value: text.slice(2) });
  if (year < 0 || year > 9999) throw new SmimeError('invalid-argument', 'The signing time is outside the years 0000-9999.');
  return new asn1js.GeneralizedTime({ value: text });
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/** The time a signingTime value states; SmimeError('malformed-cms') for anything RFC 5652 forbids. */
export function decodeSigningTime(value: asn1js.AsnType): Date {
  let match: RegExpExecArray | null = null;
  let year = 0;
  // GeneralizedTime first: asn1js derives it from UTCTime.
  if (value instanceof asn1js.GeneralizedTime) {
    match = GENERALIZED_TIME.exec(timeText(value));
    if (match) year = Number(match[1]);
  } else if (value instanceof asn1js.UTCTime) {
    match = UTC_TIME.exec(timeText(value));
    if (match) year = Number(match[1]) + (Number(match[1]) >= 50 ? 1900 : 2000);
  }
  if (!match) throw new SmimeError('malformed-cms', 'The signing time is not a UTC time with seconds.');
  const [month, day, hour, minute, second] = match.slice(2).map(Number) as [number, number, number, number, number];
  const time = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  time.setUTCFullYear(year);
  if (time.getUTCMonth() !== month - 1 || time.getUTCDate() !== day || time.getUTCHours() !== hour || time.getUTCMinutes() !== minute || time.getUTCSeconds() !== second) {
    throw new SmimeError('malformed-cms', 'The signing time is not a real date.');
  }
  return time;
}

// The characters as received, not asn1js's reformatting of them.
function timeText(value: asn1js.UTCTime | asn1js.GeneralizedTime): string {
  return String.fromCharCode(...value.valueBlock.valueHexView);
}
