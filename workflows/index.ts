// Entry point the worker bundles: every workflow netswim runs.
export { deviceUpgrade } from './device-upgrade.ts';
export { imageImport } from './image-import.ts';
export { inventoryFleet } from './inventory.ts';
export { approvalGate } from './approval.ts';
export { campaign } from './campaign.ts';
