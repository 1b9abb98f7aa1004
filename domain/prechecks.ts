// Readiness prechecks of the upgrade, as pure functions: each evaluates what the device printed
// (the activity runs the commands of PRECHECK_CATALOGUE) and returns pass / warn / fail with the
// commands, the output and a reason. summarizePrechecks decides whether the device may go on.
export * from './prechecks/types.ts';
export * from './prechecks/clock.ts';
export * from './prechecks/transfer.ts';
export * from './prechecks/config.ts';
export * from './prechecks/license.ts';
export * from './prechecks/custom.ts';
