-- Distribution servers (SFTP, FTP, SCP, HTTP) that images are staged on near the devices, and
-- each site's primary and secondary server (sites below inherit them, see
-- domain/site-distribution.ts). The password is sealed like device credentials.
CREATE TABLE distribution_servers (
  id uuid PRIMARY KEY,
  name text NOT NULL UNIQUE,
  protocol text NOT NULL CHECK (protocol IN ('sftp', 'ftp', 'scp', 'http')),
  host text NOT NULL,
  port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
  root_location text NOT NULL,
  username text,
  sealed_password text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A site deleted (only possible once it holds nothing) takes its assignment with it; a server
-- cannot be deleted while a site names it.
CREATE TABLE site_distribution (
  site text PRIMARY KEY REFERENCES sites (path) ON DELETE CASCADE,
  primary_server_id uuid NOT NULL REFERENCES distribution_servers (id),
  secondary_server_id uuid REFERENCES distribution_servers (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (secondary_server_id IS NULL OR secondary_server_id <> primary_server_id)
);
