#!/usr/bin/python3
"""Sends APDUs to a PC/SC reader through Debian's libpcsclite (ctypes, no extra package) and
prints the raw responses as JSON: {"atr": hex, "responses": [hex, ...]}. Unlike opensc-tool it
sends no GET RESPONSE of its own, so a 61xx answer is shown as the card gave it.

Usage: pcsc-transmit.py <reader name substring> <apdu hex>...
The pcscd socket comes from PCSCLITE_CSOCK_NAME, as for any libpcsclite client."""

import ctypes
import json
import sys

# pcsc-lite on Linux: DWORD is unsigned long, LONG and the handles are long.
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
    wanted, apdus = sys.argv[1], sys.argv[2:]
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

    pci = ScardIoRequest(protocol.value, ctypes.sizeof(ScardIoRequest))
    responses = []
    for apdu in apdus:
        command = bytes.fromhex(apdu)
        response = ctypes.create_string_buffer(MAX_RESPONSE)
        length = DWORD(MAX_RESPONSE)
        check(pcsc.SCardTransmit(card, ctypes.byref(pci), command, DWORD(len(command)), None, response, ctypes.byref(length)), f"SCardTransmit {apdu}")
        responses.append(response.raw[: length.value].hex())

    pcsc.SCardDisconnect(card, DWORD(SCARD_UNPOWER_CARD))
    pcsc.SCardReleaseContext(context)
    print(json.dumps({"reader": reader, "protocol": protocol.value, "atr": atr.raw[: atr_length.value].hex(), "responses": responses}))


main()
