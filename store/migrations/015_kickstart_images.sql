-- NX-OS kickstart images (Nexus 3000 on 6.x, 5000, 6000): a kickstart image belongs with the
-- system image of its release (base_image_id links it, as an SMU to its base); an upgrade of such
-- a device copies and installs both, so the upgrade records the kickstart too.
ALTER TABLE images DROP CONSTRAINT images_image_type_check;
ALTER TABLE images ADD CONSTRAINT images_image_type_check
  CHECK (image_type IN ('base', 'SMU', 'subpackage', 'ROMMON', 'APSP', 'APDP', 'kickstart'));
ALTER TABLE upgrades ADD COLUMN kickstart_image_id uuid REFERENCES images (id);
ALTER TABLE campaign_devices ADD COLUMN kickstart jsonb;
