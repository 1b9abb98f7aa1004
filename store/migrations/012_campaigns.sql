-- Campaigns: upgrades of many devices in waves. One row per campaign (who asked, for what), and
-- one per device it covers, in campaign order (seq): the workflow reads them a page at a time, so
-- a campaign of 10,000 devices never carries its device list in its history, and each row keeps
-- how that device's upgrade ended.
CREATE TABLE campaigns (
  id text PRIMARY KEY,
  name text NOT NULL,
  selector jsonb NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  workflow_id text NOT NULL UNIQUE
);

CREATE TABLE campaign_devices (
  campaign_id text NOT NULL REFERENCES campaigns (id),
  seq integer NOT NULL,
  device_id uuid NOT NULL REFERENCES devices (id),
  hostname text NOT NULL,
  site text NOT NULL,
  image jsonb NOT NULL,
  add_ons jsonb NOT NULL DEFAULT '[]',
  workflow_id text,
  outcome text,
  reason text,
  PRIMARY KEY (campaign_id, seq)
);
