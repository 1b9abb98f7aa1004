-- Golden images and integrity: image type, base image of a SMU / AP pack, families, the result of
-- the check against Cisco's Known Good Values; golden tags; the KGV entries last imported.
ALTER TABLE images ADD COLUMN image_type text NOT NULL DEFAULT 'base'
  CHECK (image_type IN ('base', 'SMU', 'subpackage', 'ROMMON', 'APSP', 'APDP'));
ALTER TABLE images ADD COLUMN base_image_id uuid REFERENCES images (id);
ALTER TABLE images ADD COLUMN families text[] NOT NULL DEFAULT '{}';
ALTER TABLE images ADD COLUMN integrity text NOT NULL DEFAULT 'not-verifiable'
  CHECK (integrity IN ('verified', 'not-verifiable', 'mismatch'));
ALTER TABLE images ADD COLUMN integrity_reason text;

CREATE TABLE golden_tags (
  id uuid PRIMARY KEY,
  image_id uuid NOT NULL REFERENCES images (id),
  family text NOT NULL,
  role text,
  site text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX golden_tags_scope_idx ON golden_tags (family, coalesce(role, ''), coalesce(site, ''), image_id);

CREATE TABLE kgv_entries (
  id bigserial PRIMARY KEY,
  file_name text NOT NULL,
  platform text NOT NULL,
  version text NOT NULL,
  sha512 text,
  md5 text,
  sha256 text,
  published text,
  imported_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX kgv_entries_file_name_idx ON kgv_entries (file_name);
