-- Maintenance windows (domain/maintenance-window.ts): a name and its definition (time zone,
-- duration, and a one-off start, an RRULE or a cron expression), and the window each site uses.
-- A site has at most one window; sites below inherit the nearest one (store/maintenance-windows.ts).
CREATE TABLE windows (
  name text PRIMARY KEY,
  definition jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A site deleted (only possible once it holds nothing) takes its assignment with it; a window
-- cannot be deleted while a site names it.
CREATE TABLE site_windows (
  site text PRIMARY KEY REFERENCES sites (path) ON DELETE CASCADE,
  window_name text NOT NULL REFERENCES windows (name),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX site_windows_window_name ON site_windows (window_name);
