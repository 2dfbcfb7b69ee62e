import type { UserRange } from '../directory.js';

/** Hands out each user of a range once; after the last, it wraps around (and the run reports the pool exhausted). */
export class UserPool {
  private used = 0;
  constructor(private readonly range: UserRange) {}

  nextIndex(): number {
    const index = this.range.start + (this.used % this.range.size);
    this.used++;
    return index;
  }

  remaining(): number {
    return this.range.size - this.used;
  }
}
