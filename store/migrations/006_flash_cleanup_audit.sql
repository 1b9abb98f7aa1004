-- Every file auto flash cleanup deleted: which upgrade, which device, what, how big, when.
CREATE TABLE flash_cleanup_audit (
  id bigserial PRIMARY KEY,
  workflow_id text NOT NULL,
  device_id uuid NOT NULL REFERENCES devices (id),
  hostname text NOT NULL,
  file_name text NOT NULL,
  size_bytes bigint NOT NULL,
  reason text NOT NULL,
  deleted_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX flash_cleanup_audit_device_idx ON flash_cleanup_audit (device_id, deleted_at);
