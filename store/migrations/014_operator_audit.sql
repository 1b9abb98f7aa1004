-- The operator audit log (store/operator-audit.ts): one row per write request the API answered,
-- accepted or refused: who (actor, role, token id: never the token), from where, what (method,
-- path, the resource, the query and body with every secret masked as ***) and the answer.
CREATE TABLE operator_audit (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  role text,
  token_id text,
  remote_address text,
  remote_port integer,
  forwarded_for text,
  method text NOT NULL,
  path text NOT NULL,
  route text,
  resource text,
  query jsonb,
  body jsonb,
  status integer NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('accepted', 'refused', 'error')),
  result_id text,
  error text,
  duration_ms integer NOT NULL
);

CREATE INDEX operator_audit_at ON operator_audit (at);
