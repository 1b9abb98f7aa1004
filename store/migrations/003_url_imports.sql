-- Imports from a URL: the full URL (with any user:password) sealed like device credentials; the
-- workflow and every answer carry only the id and the display form (credentials as ***).
CREATE TABLE url_imports (
  id uuid PRIMARY KEY,
  sealed_url text NOT NULL,
  display_url text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
