// Applies pending database migrations: `npx tsx scripts/migrate.ts`.
import { z } from 'zod';
import { coreEnvSchema } from '../domain/config/core.js';
import { createOrm, migrate } from '../db/orm.js';

const config = coreEnvSchema.pick({ DATABASE_URL: true, DATABASE_POOL_MAX: true }).extend({ DATABASE_POOL_MAX: z.coerce.number().default(2) }).parse(process.env);
const orm = await createOrm(config);
try {
  const applied = await migrate(orm);
  console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
} finally {
  await orm.close();
}
