// The sandbox: the only way learner code runs. Bundle the learner's TypeScript, then start one or
// more confined instances of it against the run's broker. See README.md for limits and guarantees.
export { bundleLearnerCode, stopBundler, DEFAULT_BUNDLE_LIMITS, type BundleResult, type BundleLimits } from './bundle.ts';
export { startSandboxedProgram, SandboxError, type ProgramSpec, type ExitInfo, type SandboxedProgram } from './run.ts';
export type { WireTap } from './relay.ts';
export { createWireLog, type WireLog, type WireFault, type WireFaultHit, type WireFaultKind } from './wire-log.ts';
export { DEFAULT_LIMITS, type Limits } from './limits.ts';
export { sweepSandboxLeftovers, type SweepReport } from './slots.ts';
export { sandboxSupport, type SandboxSupport } from './support.ts';
