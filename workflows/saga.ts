// Compensations registered as each step succeeds and run newest first when a later step fails, so the
// order is undone in the reverse of the order it was done.
export class Saga {
  private readonly compensations: Array<() => Promise<void>> = [];

  add(compensation: () => Promise<void>): void {
    this.compensations.unshift(compensation);
  }

  async compensate(): Promise<void> {
    for (const compensation of this.compensations) await compensation();
    this.compensations.length = 0;
  }
}
