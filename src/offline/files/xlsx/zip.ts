/**
 * A streaming zip writer, just what an xlsx needs: every entry deflated, small parts compressed in
 * one go (sizes in the local header), large parts streamed through a raw deflate stream with the
 * sizes and CRC in a data descriptor after the data (general purpose flag bit 3), then the central
 * directory. Nothing of a streamed entry is kept in memory beyond the chunks in flight.
 *
 * No Zip64: every entry, the offsets and the directory must stay under 4 GiB, and the archive
 * under 65,535 entries; the writer checks and refuses with a clear error past them. (A
 * 1,048,576-row sheet of 18 columns is about 1 GB of XML, a quarter of the limit.)
 */
import type { FileHandle } from 'node:fs/promises';
import { constants, createDeflateRaw, crc32, deflateRawSync, type ZlibOptions } from 'node:zlib';

const LIMIT = 0xffff_ffff;
/** Entry names are UTF-8 (bit 11); bit 3: sizes and CRC follow the data. */
const FLAG_UTF8 = 0x0800;
const FLAG_DESCRIPTOR = 0x0008;
const DEFLATE = 8;
/** Bytes gathered before a write to the file. */
const FLUSH_AT = 1 << 20;

export class ZipLimitError extends Error {}

interface Entry {
  name: Buffer;
  flags: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

/** One streamed entry: text or bytes go in, deflated as they come. */
export interface EntryStream {
  /** Adds text (UTF-8) or bytes; resolves once the deflate stream can take more. */
  write(data: string | Buffer): Promise<void>;
  /**
   * Adds bytes the caller wants back: resolves once zlib has read all of them, so the buffer can
   * be filled again (the caller bounds what is in flight by how many buffers it keeps).
   */
  lend(data: Buffer): Promise<void>;
  /** Uncompressed bytes so far. */
  readonly size: number;
}

function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

export interface ZipOptions {
  /** zlib level for streamed entries (1 fastest … 9 smallest). */
  level?: number;
  /** Timestamp of every entry (default: now). */
  date?: Date;
}

export class ZipWriter {
  private readonly entries: Entry[] = [];
  private readonly names = new Set<string>();
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of the archive so far, including those not yet flushed. */
  private offset = 0;
  private readonly time: number;
  private readonly date: number;
  private readonly level: number;
  private open = false;

  constructor(private readonly fh: FileHandle, opts: ZipOptions = {}) {
    const { time, date } = dosDateTime(opts.date ?? new Date());
    this.time = time;
    this.date = date;
    this.level = opts.level ?? 3;
  }

  private async emit(buf: Buffer): Promise<void> {
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    this.offset += buf.length;
    if (this.pendingBytes >= FLUSH_AT) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.pendingBytes) return;
    const buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    for (let at = 0; at < buf.length;) {
      const { bytesWritten } = await this.fh.write(buf, at, buf.length - at);
      at += bytesWritten;
    }
  }

  private start(name: string): Buffer {
    if (this.open) throw new Error('zip: one entry at a time');
    if (this.names.has(name)) throw new Error(`zip: duplicate entry ${name}`);
    if (this.entries.length >= 0xfffe) throw new ZipLimitError('The workbook would need more than 65,535 zip entries (Zip64 is not supported).');
    this.names.add(name);
    return Buffer.from(name, 'utf8');
  }

  private localHeader(name: Buffer, flags: number, crc: number, compressed: number, size: number): Buffer {
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(flags, 6);
    h.writeUInt16LE(DEFLATE, 8);
    h.writeUInt16LE(this.time, 10);
    h.writeUInt16LE(this.date, 12);
    h.writeUInt32LE(crc >>> 0, 14);
    h.writeUInt32LE(compressed, 18);
    h.writeUInt32LE(size, 22);
    h.writeUInt16LE(name.length, 26);
    h.writeUInt16LE(0, 28);
    return h;
  }

  private check(what: string, n: number): void {
    if (n > LIMIT) throw new ZipLimitError(`${what} would pass 4 GiB (${n} bytes); LeadFlow's xlsx writer does not write Zip64.`);
  }

  /** A whole entry at once (small parts: the XML around the sheets). */
  async add(name: string, data: string | Buffer): Promise<void> {
    const n = this.start(name);
    const raw = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const deflated = deflateRawSync(raw, { level: 6 });
    const offset = this.offset;
    this.check(name, raw.length);
    this.check('The zip file', offset);
    const crc = crc32(raw);
    await this.emit(this.localHeader(n, FLAG_UTF8, crc, deflated.length, raw.length));
    await this.emit(n);
    await this.emit(deflated);
    this.entries.push({ name: n, flags: FLAG_UTF8, crc, compressed: deflated.length, size: raw.length, offset });
  }

  /**
   * A streamed entry: `produce` writes the content piece by piece (awaiting each write keeps at
   * most a few megabytes in flight); the deflated bytes go to the file as they come.
   */
  async stream(name: string, produce: (out: EntryStream) => Promise<void>): Promise<void> {
    const n = this.start(name);
    const flags = FLAG_UTF8 | FLAG_DESCRIPTOR;
    const offset = this.offset;
    this.check('The zip file', offset);
    await this.emit(this.localHeader(n, flags, 0, 0, 0));
    await this.emit(n);
    this.open = true;
    // A few megabytes may wait for zlib, so the producer keeps writing while zlib compresses (zlib
    // passes its options on to the Transform stream; its typings do not list the stream's).
    const deflate = createDeflateRaw({ level: this.level, chunkSize: 1 << 20, strategy: constants.Z_DEFAULT_STRATEGY, writableHighWaterMark: 4 << 20 } as ZlibOptions);
    let crc = 0;
    let size = 0;
    let compressed = 0;
    // Compressed bytes go to the file while the producer writes more (zlib works on its own thread).
    const consume = (async () => {
      for await (const chunk of deflate as AsyncIterable<Buffer>) {
        compressed += chunk.length;
        await this.emit(chunk);
      }
    })();
    let failed: unknown = null;
    consume.catch((e) => { failed = e; });
    const take = (buf: Buffer) => {
      if (failed) throw failed;
      crc = crc32(buf, crc);
      size += buf.length;
      if (size > LIMIT) throw new ZipLimitError(`${name} would pass 4 GiB of XML; LeadFlow's xlsx writer does not write Zip64.`);
    };
    const out: EntryStream = {
      get size() { return size; },
      lend: (buf) => {
        if (!buf.length) return Promise.resolve();
        take(buf);
        return new Promise<void>((resolve, reject) => {
          deflate.write(buf, (e) => (e ? reject(e) : failed ? reject(failed) : resolve()));
        });
      },
      write: async (data) => {
        const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
        if (!buf.length) return;
        take(buf);
        if (!deflate.write(buf)) {
          await new Promise<void>((resolve) => {
            const done = () => { deflate.off('drain', done); deflate.off('close', done); deflate.off('error', done); resolve(); };
            deflate.on('drain', done);
            deflate.on('close', done);
            deflate.on('error', done);
          });
          if (failed) throw failed;
          if (deflate.destroyed) throw new Error(`zip: the deflate stream of ${name} closed early`);
        }
      },
    };
    try {
      await produce(out);
      deflate.end();
      await consume;
    } catch (e) {
      deflate.destroy();
      await consume.catch(() => undefined);
      throw e;
    } finally {
      this.open = false;
    }
    this.check(name, compressed);
    const d = Buffer.alloc(16);
    d.writeUInt32LE(0x08074b50, 0);
    d.writeUInt32LE(crc >>> 0, 4);
    d.writeUInt32LE(compressed, 8);
    d.writeUInt32LE(size, 12);
    await this.emit(d);
    this.entries.push({ name: n, flags, crc, compressed, size, offset });
  }

  /** Writes the central directory and the end record, and flushes everything to the file. */
  async finish(): Promise<number> {
    const start = this.offset;
    this.check('The zip file', start);
    for (const e of this.entries) {
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(20, 4);
      h.writeUInt16LE(20, 6);
      h.writeUInt16LE(e.flags, 8);
      h.writeUInt16LE(DEFLATE, 10);
      h.writeUInt16LE(this.time, 12);
      h.writeUInt16LE(this.date, 14);
      h.writeUInt32LE(e.crc >>> 0, 16);
      h.writeUInt32LE(e.compressed, 20);
      h.writeUInt32LE(e.size, 24);
      h.writeUInt16LE(e.name.length, 28);
      // extra, comment, disk number, internal and external attributes: 0
      h.writeUInt32LE(e.offset, 42);
      await this.emit(h);
      await this.emit(e.name);
    }
    const size = this.offset - start;
    this.check('The zip file', this.offset);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(size, 12);
    end.writeUInt32LE(start, 16);
    await this.emit(end);
    await this.flush();
    return this.offset;
  }
}
