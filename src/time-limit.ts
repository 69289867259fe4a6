// The time limit of an external call, as the process seam enforces it and the plans and limits
// name it. A leaf: the plans (lower) and the seam (higher) both read it from here.

export interface TimeLimit {
  /** Kill the process when it has run this long. */
  totalMs?: number;
  /** Kill the process when it has printed nothing for this long. */
  idleMs?: number;
}
