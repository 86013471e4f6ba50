// Byte helpers that work the same in the browser and in Node (no Buffer).

/** Base64 of any size: String.fromCharCode takes its arguments in chunks to stay under call limits. */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
