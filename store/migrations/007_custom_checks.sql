-- Custom checks operators add through the API: read-only show commands run before and/or after
-- distribution and/or activation, on every device or on the families / series named.
CREATE TABLE custom_checks (
  name text PRIMARY KEY,
  commands text[] NOT NULL,
  run_when text NOT NULL CHECK (run_when IN ('pre', 'post', 'both')),
  stage text NOT NULL CHECK (stage IN ('distribution', 'activation', 'both')),
  series text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
