/** Reads a written xlsx's zip back for the tests, checking each entry as it goes (vitest's expect). */
import { crc32, inflateRawSync } from 'node:zlib';
import { expect } from 'vitest';

export interface ZipEntry {
  data: Buffer;
  flags: number;
}

/** Reads a zip through its central directory, checking each entry's size and CRC. */
export function readZip(buf: Buffer): Map<string, ZipEntry> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd, 'end of central directory').toBe(buf.length - 22);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  expect(p + buf.readUInt32LE(eocd + 12)).toBe(eocd);
  const out = new Map<string, ZipEntry>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(p)).toBe(0x02014b50);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const csize = buf.readUInt32LE(p + 20);
    const usize = buf.readUInt32LE(p + 24);
    const nlen = buf.readUInt16LE(p + 28);
    const skip = buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    const offset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nlen);
    expect(buf.readUInt32LE(offset), `${name}: local header`).toBe(0x04034b50);
    const start = offset + 30 + buf.readUInt16LE(offset + 26) + buf.readUInt16LE(offset + 28);
    const data = method === 8 ? inflateRawSync(buf.subarray(start, start + csize)) : buf.subarray(start, start + csize);
    expect(data.length, `${name}: size`).toBe(usize);
    expect(crc32(data), `${name}: crc`).toBe(crc);
    if (flags & 8) {
      // Streamed: the data descriptor after the data repeats CRC and sizes.
      expect(buf.readUInt32LE(start + csize)).toBe(0x08074b50);
      expect([buf.readUInt32LE(start + csize + 4), buf.readUInt32LE(start + csize + 8), buf.readUInt32LE(start + csize + 12)]).toEqual([crc, csize, usize]);
    }
    out.set(name, { data, flags });
    p += 46 + nlen + skip;
  }
  return out;
}
