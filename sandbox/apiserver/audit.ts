/** The audit log: one JSON line per API request, in a file and in memory for the admin endpoint. */
import { appendFileSync } from 'node:fs';

export interface AuditEntry {
  seq: number;
  time: string;
  user: string;
  verb: string;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  fieldManager?: string;
  contentType?: string;
  dryRun: boolean;
  /** The request changed a stored object (a no-op update, a dry run or a read did not). */
  changed: boolean;
  /** POST/PUT/PATCH/DELETE that was not a dry run and was answered with a 2xx. */
  mutating: boolean;
  /** Admission's audit annotations, when it added any (Pod Security's `audit` level). */
  annotations?: Record<string, string>;
}

export class AuditLog {
  private readonly entries: AuditEntry[] = [];
  private seq = 0;
  private closed = false;

  /** Stops writing the file (requests still finishing after close are kept in memory only). */
  close(): void {
    this.closed = true;
  }

  constructor(private readonly path: string) {}

  record(entry: Omit<AuditEntry, 'seq' | 'mutating'>): AuditEntry {
    const mutating =
      ['POST', 'PUT', 'PATCH', 'DELETE'].includes(entry.method) && !entry.dryRun && entry.status < 300;
    const full: AuditEntry = { seq: ++this.seq, ...entry, mutating };
    this.entries.push(full);
    if (!this.closed) appendFileSync(this.path, `${JSON.stringify(full)}\n`);
    return full;
  }

  /** Entries after a sequence number or at/after an ISO time. */
  since(since: string | null): AuditEntry[] {
    if (!since) return [...this.entries];
    if (/^\d+$/.test(since)) return this.entries.filter((e) => e.seq > Number(since));
    const time = Date.parse(since);
    if (Number.isNaN(time))
      throw new Error(`since must be a sequence number or an ISO time, got "${since}".`);
    return this.entries.filter((e) => Date.parse(e.time) >= time);
  }
}
