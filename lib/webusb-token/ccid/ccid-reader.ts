// The WebUSB-CCID transport: opens a CCID reader, powers the card, and carries APDUs at the
// reader's exchange level (CCID rev 1.1 §6): T=1 blocks at TPDU level, whole APDUs at APDU
// level (extended ones chained through wLevelParameter).

import { concatBytes } from '../../bytes';
import { TokenError } from '../errors';
import type { ApduTransport } from '../transport';
import { parseAtr, type Atr } from './atr';
import { FEATURE, PROTOCOL_T0, PROTOCOL_T1, parseConfigurationDescriptor, readConfigurationDescriptor, type ExchangeLevel } from './ccid-descriptor';
import { CcidLink } from './ccid-link';
import { CCID_ERROR, CHAIN, POWER_SELECT, encodeIccPowerOff, encodeIccPowerOn, encodeGetSlotStatus, encodeSetParametersT1, encodeXfrBlock, type ReaderMessage } from './ccid-messages';
import { T1Engine, T1_MAX_INF, T1_MAX_RESPONSE } from './t1';
import type { UsbDeviceLike } from './usb-device';

export interface CcidReader extends ApduTransport {
  readonly atr: Uint8Array;
  readonly exchangeLevel: ExchangeLevel;
}

export interface CcidReaderOptions {
  /** The slot of a multi-slot reader; 0 unless given. */
  slot?: number;
}

/** Opens `device` as a CCID reader and powers its card. Rejects with 'no-reader', 'no-card', 'card-unresponsive', ... */
export async function openCcidReader(device: UsbDeviceLike, options: CcidReaderOptions = {}): Promise<CcidReader> {
  const slot = options.slot ?? 0;
  const ccid = await claimCcidInterface(device);
  if (slot > ccid.descriptor.maxSlotIndex) throw new TokenError('invalid-argument', `The reader has no slot ${slot}.`);
  if (ccid.exchangeLevel === 'character') throw new TokenError('no-reader', 'Character-level CCID readers are not supported.');
  const link = new CcidLink(device, ccid, slot);
  try {
    link.watchSlotChanges();
    const status = await link.call((seq) => encodeGetSlotStatus(slot, seq));
    if (status.iccStatus === 'absent') throw new TokenError('no-card', 'The reader has no card.');
    const atrBytes = await powerOn(link, slot, ccid.descriptor.features, ccid.descriptor.voltageSupport);
    const atr = parseAtr(atrBytes);
    const exchange =
      ccid.exchangeLevel === 'tpdu'
        ? await startT1(link, slot, atr, ccid.descriptor)
        : (apdu: Uint8Array) => transmitApdu(link, slot, apdu, ccid.exchangeLevel === 'extended-apdu');
    return new OpenCcidReader(link, slot, atrBytes, ccid.exchangeLevel, exchange);
  } catch (error) {
    await link.close();
    throw error;
  }
}

async function claimCcidInterface(device: UsbDeviceLike) {
  try {
    if (!device.opened) await device.open();
  } catch (error) {
    throw new TokenError('no-reader', `The USB reader could not be opened (${describe(error)}).`);
  }
  const ccid = parseConfigurationDescriptor(await readConfigurationDescriptor(device));
  try {
    if (device.configuration?.configurationValue !== ccid.configurationValue) await device.selectConfiguration(ccid.configurationValue);
    await device.claimInterface(ccid.interfaceNumber);
  } catch (error) {
    throw new TokenError('no-reader', `The reader's CCID interface could not be claimed; another program (pcscd?) may hold it (${describe(error)}).`);
  }
  return ccid;
}

/** IccPowerOn (§6.1.1): automatic voltage if the reader selects it, else the lowest class it offers first (ISO 7816-3 §6.2.4). */
async function powerOn(link: CcidLink, slot: number, features: number, voltageSupport: number): Promise<Uint8Array> {
  const voltages =
    features & FEATURE.autoVoltage ? [POWER_SELECT.auto] : [[0x04, POWER_SELECT['1.8V']], [0x02, POWER_SELECT['3V']], [0x01, POWER_SELECT['5V']]].filter(([bit]) => voltageSupport & bit!).map(([, v]) => v!);
  if (voltages.length === 0) voltages.push(POWER_SELECT.auto);
  let last: ReaderMessage | undefined;
  for (const voltage of voltages) {
    last = await link.call((seq) => encodeIccPowerOn(slot, seq, voltage));
    if (last.iccStatus === 'absent') throw new TokenError('no-card', 'The reader has no card.');
    if (last.commandStatus === 'ok' && last.data.length > 0) {
      link.markCardPowered();
      return last.data.slice();
    }
  }
  throw new TokenError('card-unresponsive', `The card did not answer the reset (${link.describeFailure(last!)}).`);
}

/** TPDU level: PPS if the reader leaves it to us, SetParameters(T=1), S(IFS) unless the reader does it. */
async function startT1(link: CcidLink, slot: number, atr: Atr, descriptor: { features: number; protocols: number; maxIfsd: number }) {
  if (!atr.t1) throw new TokenError('unsupported-card', 'The card offers only T=0, which this TPDU-level reader would need the host to run.');
  if (atr.t1.edc === 'crc') throw new TokenError('unsupported-card', 'The card asks for a CRC on T=1 blocks, which is not supported.');
  // QEMU's usb-ccid writes dwProtocols byte-swapped (neither T=0 nor T=1 bit): then trust the ATR.
  if (descriptor.protocols & (PROTOCOL_T0 | PROTOCOL_T1) && !(descriptor.protocols & PROTOCOL_T1)) {
    throw new TokenError('unsupported-card', 'The reader does not carry T=1.');
  }

  let findexDindex = 0x11;
  const readerNegotiates = descriptor.features & (FEATURE.autoPps | FEATURE.autoParameterNegotiation);
  if (atr.ta1 !== undefined && !atr.specificMode) {
    if (readerNegotiates) findexDindex = atr.ta1;
    else if (atr.ta1 !== 0x11) findexDindex = await pps(link, slot, atr.ta1);
  } else if (atr.ta1 !== undefined) findexDindex = atr.ta1;

  const parameters = await link.call((seq) =>
    encodeSetParametersT1(slot, seq, {
      findexDindex,
      tcckst1: 0x10 | (atr.convention === 'inverse' ? 0x02 : 0),
      guardTime: atr.tc1 ?? 0,
      waitingIntegers: (atr.t1!.bwi << 4) | atr.t1!.cwi,
      clockStop: 0,
      ifsc: atr.t1!.ifsc,
      nad: 0,
    }),
  );
  link.expectOk(parameters, 'SetParameters');

  const ifsd = Math.min(T1_MAX_INF, descriptor.maxIfsd || T1_MAX_INF, link.maxMessageLength - 10 - 4);
  if (ifsd < 1) throw new TokenError('transport-error', 'The reader cannot carry a T=1 block.');
  const engine = new T1Engine(async (block, wtxMultiplier) => {
    const answer = await link.call((seq) => encodeXfrBlock(slot, seq, block, { bwi: wtxMultiplier > 1 ? Math.min(wtxMultiplier, 0xff) : 0 }));
    // A block the card did not answer in time is the T=1 engine's to recover (§11.6.3).
    if (answer.commandStatus === 'failed' && answer.error === CCID_ERROR.ICC_MUTE && answer.iccStatus !== 'absent') return null;
    link.expectOk(answer, 'XfrBlock');
    return answer.data;
  }, { ifsc: atr.t1.ifsc, ifsd, maxResponseLength: T1_MAX_RESPONSE });
  if (!(descriptor.features & FEATURE.autoIfsd)) await engine.negotiateIfsd();
  return (apdu: Uint8Array) => engine.transceive(apdu);
}

/** PPS (ISO 7816-3 §9): PPSS FF, PPS0 with PPS1 and T=1, PPS1 = TA1, PCK; the card echoes it to accept. */
async function pps(link: CcidLink, slot: number, ta1: number): Promise<number> {
  const request = Uint8Array.of(0xff, 0x11, ta1, 0xff ^ 0x11 ^ ta1);
  const answer = await link.call((seq) => encodeXfrBlock(slot, seq, request, { levelParameter: request.length }));
  link.expectOk(answer, 'PPS');
  if (answer.data.length !== request.length || answer.data.some((b, i) => b !== request[i])) {
    throw new TokenError('card-unresponsive', 'The card refused the protocol and speed selection (PPS).');
  }
  return ta1;
}

/** APDU level (§6.1.4): one XfrBlock, or a wLevelParameter chain for an extended APDU that does not fit one message. */
async function transmitApdu(link: CcidLink, slot: number, apdu: Uint8Array, extendedLevel: boolean): Promise<Uint8Array> {
  const room = link.maxMessageLength - 10;
  if (!extendedLevel && (apdu.length > room || isExtendedApdu(apdu))) {
    throw new TokenError('invalid-argument', 'This reader carries short APDUs only.');
  }
  const xfr = (data: Uint8Array, levelParameter: number) => link.call((seq) => encodeXfrBlock(slot, seq, data, { levelParameter }));

  let answer: ReaderMessage;
  if (apdu.length <= room) {
    answer = await xfr(apdu, CHAIN.beginsAndEnds);
  } else {
    answer = await xfr(apdu.subarray(0, room), CHAIN.beginsMoreFollows);
    for (let offset = room; offset < apdu.length; offset += room) {
      link.expectOk(answer, 'XfrBlock');
      if (answer.specific !== CHAIN.next) throw link.protocolError(`the reader did not ask for the next command part (bChainParameter 0x${answer.specific.toString(16)})`);
      const last = offset + room >= apdu.length;
      answer = await xfr(apdu.subarray(offset, offset + room), last ? CHAIN.continuesAndEnds : CHAIN.continues);
    }
  }

  const parts: Uint8Array[] = [];
  let length = 0;
  const maxParts = Math.ceil(T1_MAX_RESPONSE / Math.max(1, room)) + 1;
  for (let count = 0; ; count++) {
    link.expectOk(answer, 'XfrBlock');
    length += answer.data.length;
    if (length > T1_MAX_RESPONSE || count > maxParts) throw new TokenError('limit-exceeded', `The card's response passed ${T1_MAX_RESPONSE} bytes.`);
    parts.push(answer.data.slice());
    const chain = answer.specific;
    if (chain === CHAIN.beginsAndEnds || chain === CHAIN.continuesAndEnds) break;
    if (chain !== CHAIN.beginsMoreFollows && chain !== CHAIN.continues) throw link.protocolError(`bChainParameter 0x${chain.toString(16)} in a response`);
    answer = await xfr(new Uint8Array(0), CHAIN.next);
  }
  const response = concatBytes(...parts);
  if (response.length < 2) throw new TokenError('card-unresponsive', 'The card answered without a status word.');
  return response;
}

/** Extended length (ISO 7816-4 §5.1): after the header, a 00 byte followed by more. */
function isExtendedApdu(apdu: Uint8Array): boolean {
  return apdu.length > 5 && apdu[4] === 0x00;
}

class OpenCcidReader implements CcidReader {
  readonly capabilities: { extendedLength: boolean };
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly link: CcidLink,
    private readonly slot: number,
    readonly atr: Uint8Array,
    readonly exchangeLevel: ExchangeLevel,
    private readonly exchange: (apdu: Uint8Array) => Promise<Uint8Array>,
  ) {
    this.capabilities = { extendedLength: exchangeLevel === 'extended-apdu' };
  }

  /** One command at a time (CCID allows one outstanding message per slot, §5.2). */
  transmit(command: Uint8Array): Promise<Uint8Array> {
    const run = this.queue.then(() => {
      if (this.closed) throw new TokenError('transport-error', 'The reader connection is closed.');
      return this.exchange(command);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    try {
      await this.link.call((seq) => encodeIccPowerOff(this.slot, seq));
    } catch {
      // The card or reader may already be gone; closing goes on.
    }
    await this.link.close();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
