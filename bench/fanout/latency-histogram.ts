/** Latencies counted in 0.1 ms bins up to 60 s, so a million samples cost no memory. */
export class LatencyHistogram {
  private static readonly BIN_MS = 0.1;
  private readonly bins = new Uint32Array(600_000);
  private count = 0;

  add(latencyMs: number): void {
    const bin = Math.min(this.bins.length - 1, Math.max(0, Math.floor(latencyMs / LatencyHistogram.BIN_MS)));
    this.bins[bin]++;
    this.count++;
  }

  /** The upper edge of the bin holding quantile `q` (0..1), in ms; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let bin = 0; bin < this.bins.length; bin++) {
      seen += this.bins[bin];
      if (seen >= rank) return (bin + 1) * LatencyHistogram.BIN_MS;
    }
    return Number.POSITIVE_INFINITY;
  }
}
