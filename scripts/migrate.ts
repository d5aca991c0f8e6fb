// Applies pending database migrations: `npx tsx scripts/migrate.ts` (needs DATABASE_URL only).
import { migrateDatabase } from '../db/orm.js';
import { coreEnvSchema } from '../domain/config/core.js';
import { loadConfig } from '../domain/config/index.js';

const { DATABASE_URL } = loadConfig(coreEnvSchema.pick({ DATABASE_URL: true }));
const applied = await migrateDatabase(DATABASE_URL);
console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
