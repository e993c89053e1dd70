/** Makes a zip's bytes independent of the time it was written (JSZip stamps every entry with "now"). */

const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;

export function fixZipTimes(zip: Buffer): Buffer {
  const out = Buffer.from(zip);
  let eocd = -1;
  for (let i = out.length - 22; i >= Math.max(0, out.length - 22 - 0xffff); i--) {
    if (out.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip: no end of central directory');
  const count = out.readUInt16LE(eocd + 10);
  let p = out.readUInt32LE(eocd + 16);
  for (let n = 0; n < count; n++) {
    if (out.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
    out.writeUInt16LE(0, p + 12);
    out.writeUInt16LE(DOS_DATE_1980_01_01, p + 14);
    const local = out.readUInt32LE(p + 42);
    if (out.readUInt32LE(local) !== 0x04034b50) throw new Error('bad local header');
    out.writeUInt16LE(0, local + 10);
    out.writeUInt16LE(DOS_DATE_1980_01_01, local + 12);
    p += 46 + out.readUInt16LE(p + 28) + out.readUInt16LE(p + 30) + out.readUInt16LE(p + 32);
  }
  return out;
}
