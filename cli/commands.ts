// The command table: every command the CLI knows, in the order usage lists them.
import { campaignCommands } from './campaigns.ts';
import type { Command } from './command.ts';
import { complianceCommands } from './compliance.ts';
import { deviceCommands } from './devices.ts';
import { imageCommands } from './images.ts';
import { inventoryCommands } from './inventory.ts';
import { kgvCommands } from './kgv.ts';
import { siteCommands } from './sites.ts';
import { upgradeCommands } from './upgrades.ts';
import { auditCommands } from './audit.ts';

export const COMMANDS: readonly Command[] = [...imageCommands, ...kgvCommands, ...siteCommands, ...deviceCommands, ...inventoryCommands, ...complianceCommands, ...upgradeCommands, ...campaignCommands, ...auditCommands];
