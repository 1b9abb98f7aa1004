-- Who made an image: Cisco, or a third party (with the kind of application, its family and the
-- vendor's name), as Catalyst Center's image repository records it.
ALTER TABLE images ADD COLUMN vendor text NOT NULL DEFAULT 'Cisco';
ALTER TABLE images ADD COLUMN application_type text;
ALTER TABLE images ADD COLUMN third_party_family text;
ALTER TABLE images ADD CONSTRAINT images_third_party_described
  CHECK (vendor = 'Cisco' OR (application_type IS NOT NULL AND third_party_family IS NOT NULL));
