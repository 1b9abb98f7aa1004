// The maintenance window an activation waits for: named in the plan, or the device's site's
// (inherited down the site tree). Read-only; the workflow computes the times from the definition.
import { ApplicationFailure } from '@temporalio/common';
import type { MaintenanceWindow } from '../domain/maintenance-window.ts';
import type { Queryable } from '../store/database.ts';
import { getDevice } from '../store/devices.ts';
import { getWindow, windowForSite } from '../store/maintenance-windows.ts';

export function createWindowActivities(deps: { db: Queryable }) {
  return {
    async lookupMaintenanceWindow(request: { deviceId: string; name?: string }): Promise<{ window: MaintenanceWindow; from: string }> {
      if (request.name) {
        const record = await getWindow(deps.db, request.name);
        if (!record) throw ApplicationFailure.nonRetryable(`no maintenance window ${request.name}`, 'UnknownWindow');
        return { window: record.window, from: `window ${request.name}` };
      }
      const device = await getDevice(deps.db, request.deviceId);
      if (!device) throw ApplicationFailure.nonRetryable(`device ${request.deviceId} is not in the inventory`, 'UnknownDevice');
      const found = await windowForSite(deps.db, device.site);
      if (!found) throw ApplicationFailure.nonRetryable(`site ${device.site} has no maintenance window (nor any site above it)`, 'UnknownWindow');
      return { window: found.window, from: `site ${found.site}` };
    },
  };
}

export type WindowActivities = ReturnType<typeof createWindowActivities>;
