import { AppError, ErrorCode } from '../../domain/errors.js';

/**
 * Caps concurrent long-lived streams per user and in total (per API process): each open stream holds a
 * socket and a change-feed waiter, so an unbounded number is a memory lever.
 */
export class StreamSlots {
  private total = 0;
  private readonly perUser = new Map<string, number>();

  /** `onChange` hears the number of open streams after every change (e.g. to publish it as a gauge). */
  constructor(
    private readonly maxPerUser: number,
    private readonly maxTotal: number,
    private readonly onChange: (open: number) => void = () => undefined,
  ) {}

  /** Takes a slot or throws 429 TOO_MANY_STREAMS; the returned function gives it back (once). */
  acquire(userId: string): () => void {
    const mine = this.perUser.get(userId) ?? 0;
    if (mine >= this.maxPerUser || this.total >= this.maxTotal) {
      const scope = mine >= this.maxPerUser ? `${this.maxPerUser} per user` : 'the server limit';
      throw new AppError(429, ErrorCode.TOO_MANY_STREAMS, `Too many live streams open (${scope}); close one or poll GET /jobs/{id}.`, undefined, {
        'Retry-After': '5',
      });
    }
    this.perUser.set(userId, mine + 1);
    this.total++;
    this.onChange(this.total);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      this.onChange(this.total);
      const left = (this.perUser.get(userId) ?? 1) - 1;
      if (left > 0) this.perUser.set(userId, left);
      else this.perUser.delete(userId);
    };
  }

  get open(): number {
    return this.total;
  }
}
