#!/usr/bin/python3
"""One PC/SC connection held open for a test's ApduTransport (tests/support/pcsc-transport.ts):
connects to the first reader whose name contains the argument, prints the ATR as hex, then reads
one command APDU (hex) per line from stdin and prints the card's response (hex), or "error <rv>".
Through Debian's libpcsclite (ctypes); sends no GET RESPONSE of its own. EOF disconnects.
The pcscd socket comes from PCSCLITE_CSOCK_NAME, as for any libpcsclite client."""

import ctypes
import sys

DWORD = ctypes.c_ulong
LONG = ctypes.c_long
SCARD_SCOPE_SYSTEM = 2
SCARD_SHARE_EXCLUSIVE = 1
SCARD_PROTOCOL_T1 = 2
SCARD_UNPOWER_CARD = 2
MAX_RESPONSE = 65536 + 2


class ScardIoRequest(ctypes.Structure):
    _fields_ = [("dwProtocol", DWORD), ("cbPciLength", DWORD)]


def check(rv, what):
    if rv != 0:
        sys.exit(f"{what} failed: 0x{rv & 0xFFFFFFFF:08X}")


def main():
    wanted = sys.argv[1]
    pcsc = ctypes.CDLL("libpcsclite.so.1")
    for name in ("SCardEstablishContext", "SCardListReaders", "SCardConnect", "SCardStatus", "SCardTransmit", "SCardDisconnect", "SCardReleaseContext"):
        getattr(pcsc, name).restype = LONG

    context = LONG()
    check(pcsc.SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), None, None, ctypes.byref(context)), "SCardEstablishContext")
    size = DWORD()
    check(pcsc.SCardListReaders(context, None, None, ctypes.byref(size)), "SCardListReaders")
    names = ctypes.create_string_buffer(size.value)
    check(pcsc.SCardListReaders(context, None, names, ctypes.byref(size)), "SCardListReaders")
    readers = [r.decode() for r in names.raw[: size.value].split(b"\0") if r]
    reader = next((r for r in readers if wanted in r), None)
    if reader is None:
        sys.exit(f"no reader matching {wanted!r} in {readers}")

    card = LONG()
    protocol = DWORD()
    check(pcsc.SCardConnect(context, reader.encode(), DWORD(SCARD_SHARE_EXCLUSIVE), DWORD(SCARD_PROTOCOL_T1), ctypes.byref(card), ctypes.byref(protocol)), "SCardConnect")
    atr = ctypes.create_string_buffer(33)
    atr_length = DWORD(33)
    state = DWORD()
    reader_length = DWORD(0)
    check(pcsc.SCardStatus(card, None, ctypes.byref(reader_length), ctypes.byref(state), ctypes.byref(protocol), atr, ctypes.byref(atr_length)), "SCardStatus")
    print(atr.raw[: atr_length.value].hex(), flush=True)

    pci = ScardIoRequest(protocol.value, ctypes.sizeof(ScardIoRequest))
    for line in sys.stdin:
        command = bytes.fromhex(line.strip())
        response = ctypes.create_string_buffer(MAX_RESPONSE)
        length = DWORD(MAX_RESPONSE)
        rv = pcsc.SCardTransmit(card, ctypes.byref(pci), command, DWORD(len(command)), None, response, ctypes.byref(length))
        print(f"error {rv & 0xFFFFFFFF:08X}" if rv != 0 else response.raw[: length.value].hex(), flush=True)

    pcsc.SCardDisconnect(card, DWORD(SCARD_UNPOWER_CARD))
    pcsc.SCardReleaseContext(context)


main()
