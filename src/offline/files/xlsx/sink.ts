/**
 * Where a sheet's XML goes on its way to the deflate stream: each piece (a row) is encoded at once
 * into one of a few reusable byte buffers, and a full buffer is lent to zlib while the next one
 * fills. The rows' strings die young and no large string or buffer is allocated per megabyte, which
 * keeps the garbage collector's work (and memory) flat however long the sheet: a million rows
 * cost three megabytes here.
 */
import type { EntryStream } from './zip.ts';

const SIZE = 1 << 20;
const BUFFERS = 3;

export class XmlSink {
  private readonly bufs: Buffer[] = [];
  private readonly lent: (Promise<void> | null)[] = [];
  private cur = 0;
  private used = 0;
  private failed: unknown = null;

  constructor(private readonly out: EntryStream) {
    for (let i = 0; i < BUFFERS; i++) {
      this.bufs.push(Buffer.allocUnsafe(SIZE));
      this.lent.push(null);
    }
  }

  /** Adds XML text; returns a promise only when the caller must wait for a buffer to come back. */
  put(xml: string): Promise<void> | undefined {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.used + xml.length * 3 <= SIZE) {
      this.used += this.bufs[this.cur].write(xml, this.used, 'utf8');
      return undefined;
    }
    return this.spill(xml);
  }

  private async spill(xml: string): Promise<void> {
    await this.handOver();
    if (xml.length * 3 > SIZE) await this.out.write(xml); // a row of very long texts: on its own
    else this.used = this.bufs[this.cur].write(xml, 0, 'utf8');
  }

  /** Lends the current buffer to zlib and moves to the next, waiting for it if zlib still has it. */
  private async handOver(): Promise<void> {
    if (this.failed) throw this.failed;
    if (this.used) {
      const pending = this.out.lend(this.bufs[this.cur].subarray(0, this.used));
      // Rejections are kept and rethrown from the writer's side, never left unhandled.
      this.lent[this.cur] = pending.catch((e) => { this.failed ??= e; });
      this.cur = (this.cur + 1) % BUFFERS;
      this.used = 0;
    }
    const next = this.lent[this.cur];
    if (next) {
      await next;
      this.lent[this.cur] = null;
    }
    if (this.failed) throw this.failed;
  }

  /** Hands over what is left and waits until zlib has read every buffer. */
  async end(): Promise<void> {
    await this.handOver();
    await Promise.all(this.lent);
    if (this.failed) throw this.failed;
  }
}
