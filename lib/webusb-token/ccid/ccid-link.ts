// One CCID command at a time over the bulk pipes (CCID rev 1.1 §5.2, §6): bSeq numbering,
// answers reassembled from several transfers, stale answers dropped, time extensions waited
// out; and the interrupt pipe watched for the card leaving the slot.

import { TokenError } from '../errors';
import type { CcidInterface } from './ccid-descriptor';
import { CCID_ERROR, CCID_HEADER_LENGTH, decodeInterruptMessage, decodeReaderMessage, describeCcidError, readerMessageLength, type ReaderMessage } from './ccid-messages';
import type { UsbDeviceLike, UsbInTransferResultLike } from './usb-device';
import { transferBytes } from './usb-device';

/** The largest message we accept, whatever the descriptor says: an extended APDU with its header and a margin. */
export const MAX_CCID_MESSAGE = 10 + 65536 + 10;
/** Answers with an old bSeq skipped before giving up (a reader replaying its queue). */
export const MAX_STALE_ANSWERS = 8;
/** Time extensions one command may see (a YubiKey waiting for a touch sends one every second or so). */
export const MAX_TIME_EXTENSIONS = 600;
/** Empty transfers (stray zero-length packets) one message may see. */
const MAX_EMPTY_TRANSFERS = 8;

export class CcidLink {
  readonly maxMessageLength: number;
  private seq = 0;
  private cardRemoved = false;
  private cardPowered = false;
  private closed = false;

  constructor(
    private readonly device: UsbDeviceLike,
    private readonly ccid: CcidInterface,
    private readonly slot: number,
  ) {
    this.maxMessageLength = Math.min(Math.max(ccid.descriptor.maxMessageLength, CCID_HEADER_LENGTH + 4), MAX_CCID_MESSAGE);
  }

  /** Sends the message `build(bSeq)` makes and resolves with its final answer. */
  async call(build: (seq: number) => Uint8Array): Promise<ReaderMessage> {
    if (this.cardRemoved) throw removed();
    const seq = this.seq;
    this.seq = (seq + 1) & 0xff;
    const command = build(seq);
    if (command.length > this.maxMessageLength) throw new TokenError('invalid-argument', `A ${command.length}-byte CCID message exceeds the reader's ${this.maxMessageLength}.`);
    await this.usb(() => this.device.transferOut(this.ccid.bulkOut.endpointNumber, command));

    let stale = 0;
    let extensions = 0;
    for (;;) {
      const answer = await this.readMessage();
      if (answer.seq !== seq || answer.slot !== this.slot) {
        if (++stale > MAX_STALE_ANSWERS) throw this.protocolError('too many answers to other commands (bSeq)');
        continue;
      }
      if (answer.commandStatus === 'time-extension') {
        // §6.2.6: the card needs more time; the final answer follows with the same bSeq.
        if (++extensions > MAX_TIME_EXTENSIONS) throw new TokenError('card-unresponsive', 'The card kept asking for more time.');
        continue;
      }
      if (answer.iccStatus === 'absent' && this.cardPowered) this.cardRemoved = true;
      return answer;
    }
  }

  /** Throws the TokenError that a failed or card-less answer means. */
  expectOk(answer: ReaderMessage, what: string): void {
    if (answer.iccStatus === 'absent') throw this.cardRemoved ? removed() : new TokenError('no-card', 'The reader has no card.');
    if (answer.commandStatus === 'ok') return;
    if (answer.error === CCID_ERROR.ICC_MUTE) throw new TokenError('card-unresponsive', `The card did not answer (${what}).`);
    throw new TokenError('transport-error', `The reader failed ${what}: ${this.describeFailure(answer)}.`);
  }

  describeFailure(answer: ReaderMessage): string {
    return answer.commandStatus === 'failed' ? describeCcidError(answer.error) : `ICC status ${answer.iccStatus}`;
  }

  protocolError(what: string): TokenError {
    return new TokenError('transport-error', `The reader broke the CCID protocol: ${what}.`);
  }

  /** Listens on interrupt-IN for NotifySlotChange (§6.3.1) until the link closes. */
  watchSlotChanges(): void {
    const endpoint = this.ccid.interruptIn;
    if (!endpoint) return;
    void (async () => {
      while (!this.closed) {
        let result: UsbInTransferResultLike;
        try {
          result = await this.device.transferIn(endpoint.endpointNumber, Math.max(endpoint.packetSize, 8));
        } catch {
          return; // closed or unplugged: the bulk pipe reports it
        }
        const message = decodeInterruptMessage(transferBytes(result));
        if (message?.kind === 'slot-change' && message.slots[this.slot] && !message.slots[this.slot]!.present) this.cardRemoved = true;
      }
    })();
  }

  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.device.close();
    } catch {
      // Already gone.
    }
  }

  /** From now on an 'absent' slot means the card was pulled out, not that there never was one. */
  markCardPowered(): void {
    this.cardPowered = true;
  }

  /**
   * Reads one bulk-IN message. The first read asks for one packet, which a transfer always
   * completes; the rest is asked for exactly, so a reader that omits the zero-length packet
   * after a message filling its last packet cannot leave the transfer waiting (§5.2.1).
   */
  private async readMessage(): Promise<ReaderMessage> {
    const endpoint = this.ccid.bulkIn;
    const buffer = new Uint8Array(this.maxMessageLength);
    let have = 0;
    let total = 0;
    let empty = 0;
    while (total === 0 || have < total) {
      const want = total === 0 ? Math.min(endpoint.packetSize, this.maxMessageLength - have) : total - have;
      if (want <= 0) throw this.protocolError('a CCID header did not arrive whole');
      const result = await this.usb(() => this.device.transferIn(endpoint.endpointNumber, want));
      if (result.status !== undefined && result.status !== 'ok') throw this.protocolError(`bulk-IN transfer ${result.status}`);
      const bytes = transferBytes(result);
      if (bytes.length === 0) {
        if (++empty > MAX_EMPTY_TRANSFERS) throw this.protocolError('only empty transfers');
        continue;
      }
      if (bytes.length > want) throw this.protocolError('a transfer longer than asked for');
      buffer.set(bytes, have);
      have += bytes.length;
      if (total === 0 && have >= CCID_HEADER_LENGTH) {
        total = readerMessageLength(buffer.subarray(0, CCID_HEADER_LENGTH), this.maxMessageLength);
        if (have > total) throw this.protocolError('more bytes than the message holds');
      }
    }
    return decodeReaderMessage(buffer.slice(0, total), this.maxMessageLength);
  }

  /** A USB transfer that throws means the reader is gone (unplugged, or the card with it). */
  private async usb<T>(transfer: () => Promise<T>): Promise<T> {
    if (this.closed) throw new TokenError('transport-error', 'The reader connection is closed.');
    try {
      return await transfer();
    } catch (error) {
      this.cardRemoved = true;
      throw new TokenError('card-removed', `The reader stopped answering; it or its card was removed (${error instanceof Error ? error.message : String(error)}).`);
    }
  }
}

const removed = () => new TokenError('card-removed', 'The card was removed.');
