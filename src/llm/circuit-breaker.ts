/** Closed: requests go out. Open: they fail at once. Half-open: one trial request decides. */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Failed attempts in a row, over all requests, that open the circuit. */
  failureThreshold: number;
  /** Milliseconds the circuit stays open before one trial request may go out. */
  openMs: number;
  now?: () => number;
  onChange?: (state: CircuitState, consecutiveFailures: number) => void;
}

/**
 * Stops a process from hammering a model endpoint that is down. Every attempt reports success
 * or failure; after `failureThreshold` failures in a row the circuit opens and attempts fail at
 * once for `openMs`. Then one trial goes out: success closes the circuit, failure opens it again.
 * A failure is an attempt without a usable response (refused connection, timeout, 5xx, 429).
 * A 400 is a response, so it counts as success.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.options.openMs ? 'half-open' : 'open';
  }

  /** Milliseconds until a trial may go out; 0 unless open. */
  remainingOpenMs(): number {
    if (this.openedAt === null) return 0;
    return Math.max(0, this.options.openMs - (this.now() - this.openedAt));
  }

  /** True when an attempt may go out now; in half-open, only the first caller gets the trial. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  success(): void {
    const wasOpen = this.openedAt !== null;
    this.consecutiveFailures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
    if (wasOpen) this.options.onChange?.('closed', 0);
  }

  failure(): void {
    this.consecutiveFailures++;
    const trial = this.trialInFlight;
    this.trialInFlight = false;
    if (trial || (this.openedAt === null && this.consecutiveFailures >= this.options.failureThreshold)) {
      this.openedAt = this.now();
      this.options.onChange?.('open', this.consecutiveFailures);
    }
  }
}
