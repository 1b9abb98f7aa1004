-- Sites (Global → areas → building → floor), device families, and what inventory reads from each
-- device: family and series (from the chassis model), serial, running version and boot file,
-- install or bundle mode, configuration register, when it was last read and why it failed.
CREATE TABLE sites (
  path text PRIMARY KEY,
  parent text REFERENCES sites (path),
  kind text NOT NULL CHECK (kind IN ('global', 'area', 'building', 'floor')),
  created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO sites (path, parent, kind) VALUES ('Global', NULL, 'global');

CREATE TABLE device_families (
  name text PRIMARY KEY,
  series text,
  created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE devices ADD COLUMN family text;
ALTER TABLE devices ADD COLUMN series text;
ALTER TABLE devices ADD COLUMN model text;
ALTER TABLE devices ADD COLUMN serial text;
ALTER TABLE devices ADD COLUMN running_version text;
ALTER TABLE devices ADD COLUMN running_image text;
ALTER TABLE devices ADD COLUMN install_mode text CHECK (install_mode IN ('INSTALL', 'BUNDLE'));
ALTER TABLE devices ADD COLUMN config_register text;
ALTER TABLE devices ADD COLUMN inventoried_at timestamptz;
ALTER TABLE devices ADD COLUMN inventory_error text;

-- Devices recorded before sites existed: their site path becomes a record (areas below Global);
-- a path that is not under Global is moved to Global.
UPDATE devices SET site = 'Global' WHERE site <> 'Global' AND site NOT LIKE 'Global/%';
