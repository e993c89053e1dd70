/** Shared helpers of the offline-host tests. */
import { createHost } from '../../src/offline/host/index.ts';
import type { Host, HostOptions } from '../../src/offline/host/index.ts';

/** A host with a small fake bundle loaded (its source is plain Apps Script JavaScript). */
export function hostWithBundle(source: string, options: HostOptions = {}): Host {
  const host = createHost(options);
  host.loadBundle(source);
  return host;
}

/** The instant at which clocks in `timeZone` show the given wall time (computed independently of the host). */
export function wallTimeIn(timeZone: string, y: number, mo: number, d: number, h = 0, mi = 0, s = 0): Date {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const offsetAt = (t: number) => {
    const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(t)).find((p) => p.type === 'timeZoneName')!.value;
    const m = /GMT([+-])(\d\d):(\d\d)/.exec(name);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 0;
  };
  return new Date(wall - offsetAt(wall - offsetAt(wall)));
}
