// The network operating systems netswim has a driver for, by one name each.
export const OS_FAMILIES = ['ios-xe', 'ios', 'nx-os', 'eos'] as const;
export type OsFamily = (typeof OS_FAMILIES)[number];
