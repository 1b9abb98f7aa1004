// Custom checks (domain/prechecks/custom.ts validates them before they get here).
import type { CustomCheck } from '../domain/prechecks/custom.ts';
import type { Queryable } from './database.ts';

interface Row {
  name: string;
  commands: string[];
  run_when: CustomCheck['when'];
  stage: CustomCheck['stage'];
  series: string[];
}

const toCheck = (r: Row): CustomCheck => ({ name: r.name, commands: r.commands, when: r.run_when, stage: r.stage, ...(r.series.length > 0 ? { series: r.series } : {}) });

export async function listCustomChecks(db: Queryable): Promise<CustomCheck[]> {
  return (await db.query<Row>('SELECT name, commands, run_when, stage, series FROM custom_checks ORDER BY created_at, name')).map(toCheck);
}

/** Adds the check; false when a check of that name exists. */
export async function addCustomCheck(db: Queryable, check: CustomCheck): Promise<boolean> {
  const rows = await db.query<{ name: string }>(
    'INSERT INTO custom_checks (name, commands, run_when, stage, series) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING RETURNING name',
    [check.name, check.commands, check.when, check.stage, check.series ?? []],
  );
  return rows.length > 0;
}

export async function deleteCustomCheck(db: Queryable, name: string): Promise<boolean> {
  return (await db.query<{ name: string }>('DELETE FROM custom_checks WHERE name = $1 RETURNING name', [name])).length > 0;
}
