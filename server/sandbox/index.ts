// The sandbox: the only way learner code runs. Bundle the learner's TypeScript, compile their Java or
// check their Python, then start one or more confined instances of it against the run's broker (or,
// in local mode, unconfined child processes with limits; mode.ts). See README.md for limits and guarantees.
export { bundleLearnerCode, stopBundler, DEFAULT_BUNDLE_LIMITS, type BundleResult, type BundleLimits } from './bundle.ts';
export { compileJava, warmJavaCompiler, stopJavaCompiler, DEFAULT_JAVA_COMPILE_LIMITS, type JavaClasses, type JavaCompileResult, type JavaCompileLimits } from './java-compile.ts';
export { checkPython, DEFAULT_PYTHON_CHECK_LIMITS, type PythonCheckResult, type PythonCheckLimits } from './python-check.ts';
export type { SourceDiagnostic } from './diagnostics.ts';
export { languageLimits, type ProgramLaunch, type Language } from './launch.ts';
export { startSandboxedProgram, SandboxError, RunsRefusedError, type ProgramSpec, type ExitInfo, type SandboxedProgram } from './run.ts';
export type { WireTap } from './relay.ts';
export { createWireLog, type WireLog, type WireFault, type WireFaultHit, type WireFaultKind } from './wire-log.ts';
export { DEFAULT_LIMITS, type Limits } from './limits.ts';
export { sweepSandboxLeftovers, type SweepReport } from './slots.ts';
export { sweepLocalLeftovers } from './local-process.ts';
export { sandboxSupport, type SandboxSupport } from './support.ts';
export { configureSandbox, currentSandboxMode, LOCAL_MODE_WARNING, type SandboxMode, type SandboxModeDecision } from './mode.ts';
export { toolchainSupport, type LanguageSupport } from '../toolchains/support.ts';
