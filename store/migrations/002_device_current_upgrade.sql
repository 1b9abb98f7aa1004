-- The upgrade workflow last started for a device: starts are serialised on the device row and
-- refused while that workflow still runs, so two upgrades never reload one device.
ALTER TABLE devices ADD COLUMN current_upgrade text;
