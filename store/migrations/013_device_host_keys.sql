-- SSH host keys of devices (store/host-keys.ts): the key netswim expects from each device, as an
-- OpenSSH SHA256 fingerprint. Recorded on first contact (trust on first use), pinned at
-- registration, or accepted by an operator (who, when). A session whose device offers another key
-- is refused before any credential is sent; `refused_*` keep the last key refused.
CREATE TABLE device_host_keys (
  device_id uuid PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  fingerprint text NOT NULL,
  key_type text,
  source text NOT NULL CHECK (source IN ('first-contact', 'registration', 'operator')),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  first_seen_at timestamptz,
  accepted_by text,
  accepted_at timestamptz,
  refused_fingerprint text,
  refused_key_type text,
  refused_at timestamptz
);

-- What happened to a device's host key: recorded, pinned, accepted, and every refused session.
CREATE TABLE device_host_key_events (
  id bigserial PRIMARY KEY,
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  kind text NOT NULL CHECK (kind IN ('recorded', 'pinned', 'accepted', 'mismatch')),
  fingerprint text NOT NULL,
  key_type text,
  expected_fingerprint text,
  address text,
  port integer,
  actor text
);

CREATE INDEX device_host_key_events_device ON device_host_key_events (device_id, at);
