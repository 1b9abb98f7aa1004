// One database interface over PGlite (embedded default) and PostgreSQL (DATABASE_URL).
// Both speak the same SQL, so the schema and migrations are shared.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { applyMigrations } from './migrations.ts';

export interface Queryable {
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` on one connection inside a transaction (commit on success, rollback on throw). */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent, PGlite is used. */
  databaseUrl?: string;
  /** PGlite data folder; `memory://` keeps everything in memory (tests). */
  pgliteDataDir?: string;
}

/**
 * PGlite keeps PostgreSQL's shared buffers in the worker's own memory. Its 128 MB default costs
 * about 125 MiB of resident memory (measured on netswim's database), while netswim's whole
 * database is a few tens of MB: 32 MB holds what the worker reads.
 */
const PGLITE_SHARED_BUFFERS = '32MB';

function openPglite(dataDir: string): Database {
  const db = new PGlite(dataDir, { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`] });
  // PGlite is one connection: serialise transactions so concurrent requests cannot interleave.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    kind: 'pglite',
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await db.query<Row>(sql, params)).rows;
    },
    transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      const run = queue.then(() =>
        db.transaction(async (tx) => work({ query: async <Row>(sql: string, params: unknown[] = []) => (await tx.query<Row>(sql, params)).rows })),
      );
      queue = run.catch(() => undefined);
      return run;
    },
    close: () => db.close(),
  };
}

function openPostgres(connectionString: string): Database {
  const pool = new pg.Pool({ connectionString, max: 10 });
  return {
    kind: 'postgres',
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as Row[];
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({ query: async <Row>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as Row[] });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Opens the database and brings its schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let db: Database;
  if (options.databaseUrl) {
    db = openPostgres(options.databaseUrl);
  } else {
    const dataDir = options.pgliteDataDir ?? 'memory://';
    if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
    db = openPglite(dataDir);
  }
  await applyMigrations(db);
  return db;
}
