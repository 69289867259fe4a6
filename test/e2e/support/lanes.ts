// Lanes: e2e files that run side by side, each lane on an engine of its own (test/setup/stack.ts).

declare module 'vitest' {
  export interface ProvidedContext {
    /** The environments of lanes 2…N (lane 1 is the stack's own environment, inherited). */
    stackLanes: Array<Record<string, string>>;
  }
}

/** How many lanes the e2e run has: STACK_LANES, 1 (one file at a time) when unset. */
export function stackLanes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.STACK_LANES ?? '1';
  const lanes = Number(raw);
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > 9) throw new Error(`STACK_LANES: a whole number from 1 to 9, not '${raw}'`);
  return lanes;
}
