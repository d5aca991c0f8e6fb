import { MikroORM, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsList } from '../migrations/index.js';

export interface DatabaseConfig {
  DATABASE_URL: string;
  DATABASE_POOL_MAX: number;
}

function ormOptions(config: DatabaseConfig): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl: config.DATABASE_URL,
    // No entities: every table is read and written through a typed SQL repository (db/README.md).
    entities: [],
    extensions: [Migrator],
    pool: { min: 0, max: config.DATABASE_POOL_MAX },
    // Schema changes go through migrations only; never discover or sync at boot.
    discovery: { warnWhenNoEntities: false },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
  };
}

export function createOrm(config: DatabaseConfig): Promise<MikroORM> {
  return MikroORM.init(ormOptions(config));
}

/** Applies pending migrations to the database at `databaseUrl`; returns the names applied. */
export async function migrateDatabase(databaseUrl: string): Promise<string[]> {
  const orm = await createOrm({ DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 2 });
  try {
    const applied = await orm.getMigrator().up();
    return applied.map((migration) => migration.name);
  } finally {
    await orm.close();
  }
}
