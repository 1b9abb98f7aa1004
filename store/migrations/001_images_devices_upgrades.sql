-- Images held in the content-addressed store, devices under management, upgrades requested.
CREATE TABLE images (
  id uuid PRIMARY KEY,
  file_name text NOT NULL,
  platform text,
  version text,
  size_bytes bigint NOT NULL,
  md5 text NOT NULL,
  sha256 text NOT NULL UNIQUE,
  sha512 text NOT NULL,
  source text NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE devices (
  id uuid PRIMARY KEY,
  hostname text NOT NULL UNIQUE,
  address text NOT NULL,
  port integer NOT NULL,
  platform text NOT NULL,
  site text NOT NULL DEFAULT 'Global',
  role text,
  username text NOT NULL,
  -- password and enable secret, sealed with the key from NETSWIM_SECRET_KEY (see store/secret-box.ts)
  sealed_secrets text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE upgrades (
  workflow_id text PRIMARY KEY,
  device_id uuid NOT NULL REFERENCES devices (id),
  image_id uuid NOT NULL REFERENCES images (id),
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX upgrades_device_idx ON upgrades (device_id);
