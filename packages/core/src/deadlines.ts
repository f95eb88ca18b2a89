/**
 * One timer for the deadlines of every call in flight, instead of one `setTimeout` per
 * call. Every call gets the same timeout, so deadlines come in the order the calls
 * start: they are kept in a doubly linked list, oldest first. A call that answers is
 * unlinked (O(1), nothing left behind for the garbage collector to promote); the one
 * timer is set for the oldest deadline and, when it fires, expires what is due and is
 * set again for the next one. Under load it fires about once per timeout, not once per
 * call, and a call costs an object and two links, not a node `Timeout` (a linked list,
 * a priority queue and a ref count in node's timers, `clearTimeout` on every answer).
 * A call still fails no earlier than `ms` after it started and about as soon after
 * that as a timer of its own would have.
 *
 * @example
 * const deadlines = new Deadlines(1000);
 * const deadline = deadlines.add(() => reject(new Error('too slow')));
 * answer.then((value) => deadlines.clear(deadline) && resolve(value));
 * @module
 */

/** One call's deadline: `expire` runs at `at` unless it was cleared first. */
export class Deadline {
  prev: Deadline | undefined = undefined;
  next: Deadline | undefined = undefined;

  constructor(
    readonly at: number,
    public expire: (() => void) | undefined,
  ) {}
}

/** Deadlines `ms` after each `add()`, on one timer (see the module comment). */
export class Deadlines {
  private head: Deadline | undefined = undefined;
  private tail: Deadline | undefined = undefined;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private readonly fire = (): void => this.expireDue();

  constructor(private readonly ms: number) {}

  /** Runs `expire` `ms` from now unless {@link clear} is called first. */
  add(expire: () => void): Deadline {
    const deadline = new Deadline(performance.now() + this.ms, expire);
    if (this.tail === undefined) this.head = deadline;
    else {
      deadline.prev = this.tail;
      this.tail.next = deadline;
    }
    this.tail = deadline;
    if (this.timer === undefined) this.arm(this.ms);
    return deadline;
  }

  /** Cancels `deadline`; false when it has already expired (the call has failed). */
  clear(deadline: Deadline): boolean {
    if (deadline.expire === undefined) return false;
    deadline.expire = undefined;
    const { prev, next } = deadline;
    if (prev === undefined) this.head = next;
    else prev.next = next;
    if (next === undefined) this.tail = prev;
    else next.prev = prev;
    deadline.prev = deadline.next = undefined;
    return true;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(this.fire, ms);
    // Node: calls waiting on a store or a remote server do not keep a stopping process alive.
    (this.timer as { unref?(): void }).unref?.();
  }

  private expireDue(): void {
    this.timer = undefined;
    const now = performance.now();
    let due = this.head;
    while (due !== undefined && due.at <= now) {
      const expire = due.expire!;
      this.clear(due);
      expire();
      due = this.head;
    }
    // A timer may fire a little before performance.now() reaches the deadline: at least 1 ms more.
    if (due !== undefined) this.arm(Math.max(1, Math.ceil(due.at - now)));
  }
}
