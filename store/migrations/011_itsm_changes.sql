-- ITSM change requests netswim opened or was told about, the workflows waiting on each, and the
-- one decision the ITSM system's callback may record (store/itsm-changes.ts). request_key makes
-- opening a change idempotent: a retried activity finds the change its first attempt opened.
CREATE TABLE changes (
  number text PRIMARY KEY,
  sys_id text NOT NULL,
  request_key text UNIQUE,
  summary text NOT NULL DEFAULT '',
  workflow_ids text[] NOT NULL DEFAULT '{}',
  state text NOT NULL DEFAULT 'awaiting-approval'
    CHECK (state IN ('awaiting-approval', 'approved', 'rejected', 'implemented', 'canceled', 'failed')),
  decision text CHECK (decision IN ('approved', 'rejected')),
  approver text,
  reason text,
  decided_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((decision IS NULL) = (decided_at IS NULL))
);

CREATE INDEX changes_created_at ON changes (created_at DESC);
